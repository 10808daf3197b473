#include "log/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <memory>
#include <string>

#include "fmt/format.h"

namespace oxbow::log {
namespace {

constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;  // magic, BE32 version, BE32 compatible version
constexpr size_t kXerialBlockSize = size_t{32} << 10;  // snappy-java's default block size

// The decompressed output of one Decompress call: grows `out` geometrically with the data
// actually produced, up to max_output + 1 bytes. The extra byte lets a streaming decoder
// write past the limit, which is how we learn the limit was exceeded without trusting a size
// the (possibly hostile) input declares.
class OutputSink {
 public:
  OutputSink(ByteBuffer* out, size_t max_output, size_t size_hint)
      : out_(out),
        start_(out->size()),
        max_(max_output),
        hard_cap_(max_output == std::numeric_limits<size_t>::max() ? max_output : max_output + 1),
        min_grow_(std::clamp<size_t>(size_hint, 4096, size_t{256} << 10)) {}

  // Makes at least `n` bytes writable at next(). Returns false, changing nothing, if that
  // would pass the hard cap. With n == 1 it fails only once over_limit() is already true.
  bool Reserve(size_t n = 1) {
    if (avail() >= n) return true;
    if (n > hard_cap_ - written_) return false;
    size_t grown = capacity_ + std::max(capacity_, min_grow_);
    if (grown < capacity_ || grown > hard_cap_) grown = hard_cap_;
    capacity_ = std::max(written_ + n, grown);
    out_->resize(start_ + capacity_);
    return true;
  }
  uint8_t* next() { return out_->mutable_data() + start_ + written_; }
  size_t avail() const { return capacity_ - written_; }
  size_t written() const { return written_; }
  size_t max() const { return max_; }
  void Commit(size_t n) { written_ += n; }
  bool over_limit() const { return written_ > max_; }

  Status Finish() {
    out_->resize(start_ + written_);
    return absl::OkStatus();
  }
  // Discards everything this sink wrote and returns `s`.
  Status Fail(Status s) {
    out_->resize(start_);
    return s;
  }
  Status Exhausted(std::string_view codec) {
    return Fail(absl::ResourceExhaustedError(
        fmt::format("{}: decompressed data exceeds the limit of {} bytes", codec, max_)));
  }

 private:
  ByteBuffer* out_;
  size_t start_;
  size_t max_;
  size_t hard_cap_;
  size_t min_grow_;
  size_t capacity_ = 0;
  size_t written_ = 0;
};

// zlib counts in uInt; batches are far smaller than 4 GiB but chunk anyway to stay correct.
constexpr size_t kZlibChunk = size_t{1} << 30;

Status GzipCompress(ByteView input, ByteBuffer* out) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return absl::InternalError("gzip: deflateInit2 failed");
  }
  std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&zs, &deflateEnd);
  size_t start = out->size();
  size_t bound = deflateBound(&zs, static_cast<uLong>(std::min(input.size(), kZlibChunk)));
  out->resize(start + bound + 64);
  size_t written = 0;
  size_t consumed = 0;
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    if (written == out->size() - start) out->resize(start + 2 * written);
    size_t in_chunk = std::min(input.size() - consumed, kZlibChunk);
    size_t out_chunk = std::min(out->size() - start - written, kZlibChunk);
    zs.next_in = const_cast<Bytef*>(input.data() + consumed);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = out->mutable_data() + start + written;
    zs.avail_out = static_cast<uInt>(out_chunk);
    bool last = consumed + in_chunk == input.size();
    ret = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
    if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
      out->resize(start);
      return absl::InternalError(fmt::format("gzip: deflate failed ({})", ret));
    }
    consumed += in_chunk - zs.avail_in;
    written += out_chunk - zs.avail_out;
  }
  out->resize(start + written);
  return absl::OkStatus();
}

Status GzipDecompress(ByteView input, OutputSink& sink) {
  z_stream zs{};
  // 16 + MAX_WBITS: gzip wrapper only; a zlib or raw deflate stream is corrupt Kafka data.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return sink.Fail(absl::InternalError("gzip: inflateInit2 failed"));
  }
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, &inflateEnd);
  size_t consumed = 0;
  while (true) {
    sink.Reserve();
    size_t in_chunk = std::min(input.size() - consumed, kZlibChunk);
    size_t out_chunk = std::min(sink.avail(), kZlibChunk);
    zs.next_in = const_cast<Bytef*>(input.data() + consumed);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = sink.next();
    zs.avail_out = static_cast<uInt>(out_chunk);
    int ret = inflate(&zs, Z_NO_FLUSH);
    consumed += in_chunk - zs.avail_in;
    sink.Commit(out_chunk - zs.avail_out);
    if (sink.over_limit()) return sink.Exhausted("gzip");
    if (ret == Z_STREAM_END) {
      if (consumed == input.size()) return sink.Finish();
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) {
      // inflate stops when the input is used up or the output is full. Input used up with
      // room left in the output means the stream ends early; no progress at all would loop.
      bool progressed = zs.avail_in < in_chunk || zs.avail_out < out_chunk;
      if ((consumed == input.size() && zs.avail_out > 0) || !progressed) {
        return sink.Fail(absl::DataLossError(
            fmt::format("gzip: stream truncated after {} input bytes", consumed)));
      }
      continue;
    }
    return sink.Fail(absl::DataLossError(fmt::format("gzip: corrupt stream near input byte {}: {}",
                                                     consumed, zs.msg ? zs.msg : "error")));
  }
}

Status SnappyCompress(ByteView input, ByteBuffer* out) {
  out->Append(ByteView(kXerialMagic.data(), kXerialMagic.size()));
  out->AppendBE32(1);  // version
  out->AppendBE32(1);  // minimum compatible version
  for (size_t pos = 0; pos < input.size(); pos += kXerialBlockSize) {
    size_t n = std::min(kXerialBlockSize, input.size() - pos);
    size_t at = out->size();
    out->resize(at + 4 + snappy::MaxCompressedLength(n));
    size_t compressed = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(input.data() + pos), n,
                        reinterpret_cast<char*>(out->mutable_data() + at + 4), &compressed);
    StoreBE32(out->mutable_data() + at, static_cast<uint32_t>(compressed));
    out->resize(at + 4 + compressed);
  }
  return absl::OkStatus();
}

// Decompresses one raw snappy block; `where` locates it in the input for messages.
Status SnappyRawBlock(ByteView block, size_t where, OutputSink& sink) {
  const char* src = reinterpret_cast<const char*>(block.data());
  size_t n = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &n)) {
    return sink.Fail(
        absl::DataLossError(fmt::format("snappy: corrupt block header at input byte {}", where)));
  }
  // The block declares its size up front, so the limit is checked before allocating.
  if (n > sink.max() - sink.written()) return sink.Exhausted("snappy");
  sink.Reserve(n);
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(sink.next()))) {
    return sink.Fail(
        absl::DataLossError(fmt::format("snappy: corrupt block at input byte {}", where)));
  }
  sink.Commit(n);
  return absl::OkStatus();
}

bool HasXerialMagic(ByteView input) {
  return input.size() >= kXerialMagic.size() &&
         std::equal(kXerialMagic.begin(), kXerialMagic.end(), input.begin());
}

Status SnappyDecompress(ByteView input, OutputSink& sink) {
  if (!HasXerialMagic(input)) {
    RETURN_IF_ERROR(SnappyRawBlock(input, 0, sink));
    return sink.Finish();
  }
  size_t pos = 0;
  while (pos < input.size()) {
    ByteView rest = input.subspan(pos);
    // snappy-java reads a new stream header where a block length would be (concatenation).
    if (HasXerialMagic(rest)) {
      if (rest.size() < kXerialHeaderSize) {
        return sink.Fail(absl::DataLossError(
            fmt::format("snappy: truncated xerial header at input byte {}", pos)));
      }
      pos += kXerialHeaderSize;
      continue;
    }
    if (rest.size() < 4) {
      return sink.Fail(absl::DataLossError(
          fmt::format("snappy: truncated xerial block length at input byte {}", pos)));
    }
    uint32_t len = LoadBE32(rest.data());
    if (len > rest.size() - 4) {
      return sink.Fail(absl::DataLossError(
          fmt::format("snappy: xerial block at input byte {} declares {} bytes but {} remain", pos,
                      len, rest.size() - 4)));
    }
    RETURN_IF_ERROR(SnappyRawBlock(rest.subspan(4, len), pos + 4, sink));
    pos += 4 + len;
  }
  return sink.Finish();
}

Status Lz4Compress(ByteView input, ByteBuffer* out) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  size_t start = out->size();
  size_t bound = LZ4F_compressFrameBound(input.size(), &prefs);
  out->resize(start + bound);
  size_t n =
      LZ4F_compressFrame(out->mutable_data() + start, bound, input.data(), input.size(), &prefs);
  if (LZ4F_isError(n)) {
    out->resize(start);
    return absl::InternalError(fmt::format("lz4: {}", LZ4F_getErrorName(n)));
  }
  out->resize(start + n);
  return absl::OkStatus();
}

Status Lz4Decompress(ByteView input, OutputSink& sink) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return sink.Fail(absl::InternalError("lz4: cannot create a decompression context"));
  }
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> dctx(
      raw, &LZ4F_freeDecompressionContext);
  size_t consumed = 0;
  while (true) {
    sink.Reserve();
    size_t dst_avail = sink.avail();
    size_t dst_size = dst_avail;
    size_t src_size = input.size() - consumed;
    size_t hint = LZ4F_decompress(dctx.get(), sink.next(), &dst_size, input.data() + consumed,
                                  &src_size, nullptr);
    consumed += src_size;
    sink.Commit(dst_size);
    if (LZ4F_isError(hint)) {
      return sink.Fail(absl::DataLossError(fmt::format("lz4: corrupt frame near input byte {}: {}",
                                                       consumed, LZ4F_getErrorName(hint))));
    }
    if (sink.over_limit()) return sink.Exhausted("lz4");
    bool input_done = consumed == input.size();
    // hint == 0: a frame ended (the context is ready for another frame).
    if (hint == 0 && input_done) return sink.Finish();
    // The decoder fills all output space it can; spare space at the end of the input
    // means it is waiting for bytes that will never come.
    // (No progress with input and output space left would loop forever; liblz4 does not
    // do that, but a decoder of hostile input must not trust it.)
    if ((input_done && dst_size < dst_avail) || (src_size == 0 && dst_size == 0)) {
      return sink.Fail(
          absl::DataLossError(fmt::format("lz4: frame truncated after {} input bytes", consumed)));
    }
  }
}

Status ZstdCompress(ByteView input, ByteBuffer* out) {
  size_t start = out->size();
  size_t bound = ZSTD_compressBound(input.size());
  out->resize(start + bound);
  size_t n = ZSTD_compress(out->mutable_data() + start, bound, input.data(), input.size(),
                           ZSTD_CLEVEL_DEFAULT);
  if (ZSTD_isError(n)) {
    out->resize(start);
    return absl::InternalError(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  }
  out->resize(start + n);
  return absl::OkStatus();
}

// The zstd decoder allocates the window a frame header declares, before any output exists.
// Allow windows up to the output limit, but never below 8 MiB (what streaming producers
// such as zstd-jni declare at common levels) nor above libzstd's own default limit (27,
// ZSTD_WINDOWLOG_LIMIT_DEFAULT, which the shared library does not export).
int ZstdWindowLogMax(size_t max_output) {
  int log = max_output <= 1 ? 0 : static_cast<int>(std::bit_width(max_output - 1));
  return std::clamp(log, 23, 27);
}

Status ZstdDecompress(ByteView input, OutputSink& sink) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (dctx == nullptr || ZSTD_isError(ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax,
                                                             ZstdWindowLogMax(sink.max())))) {
    return sink.Fail(absl::InternalError("zstd: cannot create a decompression context"));
  }
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  while (true) {
    sink.Reserve();
    ZSTD_outBuffer o{sink.next(), sink.avail(), 0};
    size_t in_before = in.pos;
    size_t ret = ZSTD_decompressStream(dctx.get(), &o, &in);
    sink.Commit(o.pos);
    if (ZSTD_isError(ret)) {
      std::string msg = fmt::format("zstd: near input byte {}: {}", in.pos, ZSTD_getErrorName(ret));
      if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge) {
        return sink.Fail(absl::ResourceExhaustedError(msg));
      }
      return sink.Fail(absl::DataLossError(msg));
    }
    if (sink.over_limit()) return sink.Exhausted("zstd");
    bool input_done = in.pos == in.size;
    // ret == 0: a frame is complete and fully flushed; the next call would start another.
    if (ret == 0 && input_done) return sink.Finish();
    if ((input_done && o.pos < o.size) || (in.pos == in_before && o.pos == 0)) {
      return sink.Fail(
          absl::DataLossError(fmt::format("zstd: frame truncated after {} input bytes", in.pos)));
    }
  }
}

}  // namespace

Status Compress(Compression codec, ByteView input, ByteBuffer* out) {
  switch (codec) {
    case Compression::kNone:
      out->Append(input);
      return absl::OkStatus();
    case Compression::kGzip:
      return GzipCompress(input, out);
    case Compression::kSnappy:
      return SnappyCompress(input, out);
    case Compression::kLz4:
      return Lz4Compress(input, out);
    case Compression::kZstd:
      return ZstdCompress(input, out);
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

Status Decompress(Compression codec, ByteView input, size_t max_output, ByteBuffer* out) {
  OutputSink sink(out, max_output, input.size() * 4);
  switch (codec) {
    case Compression::kNone:
      if (input.size() > max_output) return sink.Exhausted("none");
      out->Append(input);
      return absl::OkStatus();
    case Compression::kGzip:
      return GzipDecompress(input, sink);
    case Compression::kSnappy:
      return SnappyDecompress(input, sink);
    case Compression::kLz4:
      return Lz4Decompress(input, sink);
    case Compression::kZstd:
      return ZstdDecompress(input, sink);
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

}  // namespace oxbow::log
