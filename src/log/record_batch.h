// Kafka record batches, magic v2: the unit the log stores, replicates and serves unchanged.
//
// Layout (Kafka protocol guide, "Record Batch"; all integers big-endian):
//
//   byte  field                  covered by CRC
//      0  baseOffset       int64   no   (assigned by the log on append)
//      8  batchLength      int32   no   (bytes after this field)
//     12  partitionLeaderEpoch     no   (assigned by the log on append)
//     16  magic            int8    no   (2)
//     17  crc              uint32  no   (CRC-32C of bytes [21, end))
//     21  attributes       int16   yes  bits 0-2 compression, 3 timestamp type,
//                                       4 transactional, 5 control, 6 delete horizon
//     23  lastOffsetDelta  int32   yes
//     27  baseTimestamp    int64   yes
//     35  maxTimestamp     int64   yes
//     43  producerId       int64   yes
//     51  producerEpoch    int16   yes
//     53  baseSequence     int32   yes
//     57  recordsCount     int32   yes
//     61  records                  yes  (compressed as one stream when compression != none)
//
// Each record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
// key (varint length, -1 = null), value (likewise), header count varint, then per header a
// key (varint length >= 0, UTF-8) and a value (varint length, -1 = null).
//
// Errors, for every function here: bytes that fail validation give DataLoss, with a message
// naming the field and its byte offset within the batch (or within the decompressed records
// for compressed batches). Well-formed batches of a format Oxbow does not speak (magic 0 or 1)
// give InvalidArgument. Nothing here reads outside the given view or allocates more than the
// input (and the caller's decompression limit) justifies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"

namespace oxbow::log {

inline constexpr size_t kBatchLogOverhead = 12;  // baseOffset(8) + batchLength(4)
inline constexpr size_t kBatchHeaderSize = 61;   // all fixed fields incl. records count
inline constexpr int8_t kMagicV2 = 2;

// Byte offsets of the header fields, for code that reads or patches them in place.
namespace batch_field {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;  // the CRC covers [kAttributes, end)
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordsCount = 57;
}  // namespace batch_field

// Attribute bits.
inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kTimestampTypeBit = 0x08;
inline constexpr int16_t kTransactionalBit = 0x10;
inline constexpr int16_t kControlBit = 0x20;
// KIP-534: compaction wrote the delete horizon into baseTimestamp.
inline constexpr int16_t kDeleteHorizonBit = 0x40;

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

// "none", "gzip", "snappy", "lz4" or "zstd": Kafka's compression.type values.
std::string_view CompressionName(Compression codec);
// The inverse of CompressionName, ignoring ASCII case. InvalidArgument, listing the allowed
// names, for anything else.
Result<Compression> ParseCompression(std::string_view name);

// The fixed fields of a batch, decoded. A plain value: it does not refer to the bytes.
struct BatchHeader {
  Offset base_offset;
  int32_t batch_length = 0;
  LeaderEpoch partition_leader_epoch;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  TimestampMs base_timestamp;
  TimestampMs max_timestamp;
  ProducerId producer_id;
  ProducerEpoch producer_epoch;
  int32_t base_sequence = 0;
  int32_t record_count = 0;

  // The whole batch, log overhead included: what the log stores and Fetch returns.
  size_t size_bytes() const { return static_cast<size_t>(batch_length) + kBatchLogOverhead; }
  Offset last_offset() const { return base_offset + last_offset_delta; }
  Compression compression() const {
    return static_cast<Compression>(attributes & kCompressionMask);
  }
  TimestampType timestamp_type() const {
    return (attributes & kTimestampTypeBit) ? TimestampType::kLogAppendTime
                                            : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return attributes & kTransactionalBit; }
  bool is_control() const { return attributes & kControlBit; }
  bool has_delete_horizon() const { return attributes & kDeleteHorizonBit; }
};

// Decodes the fixed header at the start of `bytes` and checks its framing: magic == 2,
// batch_length >= kBatchHeaderSize - kBatchLogOverhead, last_offset_delta >= 0,
// record_count >= 0, compression <= 4. Does not check the CRC and does not require the whole
// batch to be present (a log recovery scan reads headers first); bytes beyond the header are
// ignored. Errors: DataLoss if fewer than kBatchHeaderSize bytes are given or a field is out
// of range; InvalidArgument for magic 0 or 1 (detected from 17 bytes on, since the legacy
// formats keep magic at the same position); DataLoss for any other magic.
Result<BatchHeader> ParseBatchHeader(ByteView bytes);

// Full validation of exactly one batch: header framing as above, bytes.size() ==
// size_bytes(), and the CRC-32C over bytes [21, end) equals the crc field. Does not
// decompress or parse records (DecodeBatch does). Cost: one pass of hardware CRC.
Status ValidateBatch(ByteView bytes);

// Splits a record set (concatenated batches, e.g. a Produce request's records field or a
// segment file range) into views of each batch, validating each with ValidateBatch. The views
// point into `record_set`. An empty set gives an empty vector. A trailing partial batch is
// DataLoss naming its byte position in the set, as is any invalid batch.
Result<std::vector<ByteView>> SplitRecordSet(ByteView record_set);

// In-place edits the log makes on append. Precondition (checked, aborts if violated):
// batch.size() >= kBatchHeaderSize; callers edit batches that passed ValidateBatch.
//
// baseOffset and partitionLeaderEpoch are outside the CRC, so these two leave it valid.
void SetBaseOffset(MutableByteView batch, Offset base);
void SetPartitionLeaderEpoch(MutableByteView batch, LeaderEpoch epoch);
// Stamps the batch with the broker's time (topic config message.timestamp.type =
// LogAppendTime): sets attribute bit 3 and maxTimestamp = now, then recomputes the CRC over
// the whole batch. As Kafka's broker does when it does not recompress (its
// MutableRecordBatch.setMaxTimestamp), baseTimestamp and the records' timestamp deltas are
// left as the producer wrote them: under LogAppendTime every reader takes each record's
// timestamp from maxTimestamp (DecodedBatch::timestamp_of does), and rewriting the deltas
// would mean re-encoding, and for compressed batches recompressing, the records.
// The CRC is recomputed, not patched, so validate the batch first: a corrupt batch would
// otherwise come out with a valid CRC.
void SetLogAppendTime(MutableByteView batch, TimestampMs now);

// Recomputes and stores the CRC of a complete batch (used by the builder and after edits).
void UpdateBatchCrc(MutableByteView batch);

// A record header. Views point into the batch (or its decompressed buffer).
struct RecordHeader {
  std::string_view key;
  std::optional<ByteView> value;  // nullopt = null value (length -1)
};

// One record as stored. Views point into the batch or the DecodedBatch's buffer.
struct Record {
  int8_t attributes = 0;  // unused by Kafka so far; always 0 from Kafka clients
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<ByteView> key;    // nullopt = null key (length -1)
  std::optional<ByteView> value;  // nullopt = null value (a tombstone)
  std::vector<RecordHeader> headers;
};

// Whether DecodeBatch checks the CRC (see DecodeBatch).
enum class CrcCheck : uint8_t { kVerify, kSkip };

// One batch fully decoded: CRC checked, decompressed, every record parsed; the record count
// and the offset deltas checked against the header.
//
// Lifetime: the Record views point into the input batch (uncompressed batches) or into a
// buffer this object owns (compressed batches), so a DecodedBatch must not outlive its
// input. Moving keeps the views valid; copying is disabled because it would not.
// Thread safety: immutable after DecodeBatch; concurrent readers are fine.
class DecodedBatch {
 public:
  DecodedBatch(DecodedBatch&&) = default;
  DecodedBatch& operator=(DecodedBatch&&) = default;
  DecodedBatch(const DecodedBatch&) = delete;
  DecodedBatch& operator=(const DecodedBatch&) = delete;

  const BatchHeader& header() const { return header_; }
  const std::vector<Record>& records() const { return records_; }

  // base_offset + offset_delta.
  Offset offset_of(const Record& r) const { return header_.base_offset + r.offset_delta; }
  // LogAppendTime: max_timestamp for every record. CreateTime: base_timestamp +
  // timestamp_delta (wrapping, as Java's long arithmetic does, rather than overflowing).
  TimestampMs timestamp_of(const Record& r) const;

 private:
  friend Result<DecodedBatch> DecodeBatch(ByteView batch, size_t max_uncompressed_bytes,
                                          CrcCheck crc);
  DecodedBatch() = default;

  BatchHeader header_;
  ByteBuffer decompressed_;  // empty for uncompressed batches
  std::vector<Record> records_;
};

inline constexpr size_t kDefaultMaxUncompressedBytes = 64 << 20;

// Decodes one complete batch (exactly size_bytes() long, as SplitRecordSet yields).
// max_uncompressed_bytes bounds the decompressed records of a compressed batch:
// ResourceExhausted beyond it (uncompressed batches are bounded by their own size).
// Records must have offset deltas strictly increasing within [0, last_offset_delta]
// (compaction leaves gaps, never reorders) and there must be exactly record_count of them
// with no bytes left over. As in Kafka, a compressed batch with record_count 0 is not
// decompressed (compaction empties batches but keeps their headers).
// Cost for uncompressed batches: one allocation for the records vector, plus one per record
// that has headers; keys and values are views.
//
// `crc` kSkip is for callers that have just validated this very batch (SplitRecordSet, the
// log's append path): the CRC is then not computed a second time.
Result<DecodedBatch> DecodeBatch(ByteView batch,
                                 size_t max_uncompressed_bytes = kDefaultMaxUncompressedBytes,
                                 CrcCheck crc = CrcCheck::kVerify);

}  // namespace oxbow::log
