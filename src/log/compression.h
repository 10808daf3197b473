// Kafka's compression codecs, byte-compatible with what Kafka clients write and read.
//
// Each codec is a published library (zlib, snappy, liblz4, libzstd); this file owns only the
// framing Kafka puts around them:
//
//   gzip    an RFC 1952 gzip stream. Concatenated members are read (GZIPInputStream does).
//   snappy  written in the xerial snappy-java framing that Java clients require:
//             "\x82SNAPPY\0", BE32 version 1, BE32 compatible version 1,
//             then ([BE32 block length][raw snappy block])*, 32 KiB of input per block.
//           Read: that framing (detected by the magic; concatenated streams too) or a single
//           raw snappy block, which librdkafka writes on produce.
//   lz4     the LZ4 frame format (not the legacy pre-KIP-57 framing). Written with 64 KiB
//           independent blocks and no checksums, which Java's KafkaLZ4BlockInputStream and
//           librdkafka both read. Read: any valid frame (content size, block and content
//           checksums, linked blocks, skippable frames, several frames in a row).
//   zstd    zstd frames, read with the streaming API because Java's ZstdOutputStream does not
//           record the content size. Several frames in a row are read.
//
// Thread safety: all functions are reentrant; they keep no state between calls.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/status.h"
#include "log/record_batch.h"

namespace oxbow::log {

// Compresses `input` with `codec` and appends the compressed stream to `out`. kNone appends
// the input unchanged. Fails only if the codec library fails (Internal), which does not
// happen for valid inputs short of memory exhaustion.
Status Compress(Compression codec, ByteView input, ByteBuffer* out);

// Decompresses `input` and appends the result to `out`, writing at most `max_output` bytes.
// `out` grows with the data actually produced, never beyond max_output (plus one byte used to
// detect overflow), so a small crafted input cannot make this allocate more than the caller
// allowed: the defence against decompression bombs. zstd's window buffer is bounded likewise.
//
// Errors (on error `out` is left as it was):
//   DataLoss           the input is corrupt or truncated; the message names the codec and,
//                      where the library tells, the input byte offset.
//   ResourceExhausted  the output would exceed max_output (or a zstd frame asks for a window
//                      larger than max_output justifies).
//   InvalidArgument    `codec` is not one of the five Kafka codecs.
Status Decompress(Compression codec, ByteView input, size_t max_output, ByteBuffer* out);

}  // namespace oxbow::log
