// Encodes Kafka record batches (magic v2): what producers, compaction, the REST proxy and the
// CLI use to write records. The output is byte-for-byte what DecodeBatch and Kafka clients read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "log/record_batch.h"

namespace oxbow::log {

struct BatchOptions {
  Compression compression = Compression::kNone;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  Offset base_offset{0};
  // -1 / -1 / -1: not an idempotent producer (Kafka's NO_PRODUCER_ID and friends).
  ProducerId producer_id{-1};
  ProducerEpoch producer_epoch{-1};
  int32_t base_sequence = -1;
  LeaderEpoch partition_leader_epoch{-1};
  bool transactional = false;
  bool control = false;
  // With kLogAppendTime, the maxTimestamp to write (what every record's timestamp reads as).
  // Unset: the largest record timestamp, as with kCreateTime.
  std::optional<TimestampMs> log_append_time;

  // The options that rebuild a batch like the one `header` describes (same base offset,
  // codec, timestamp type, producer identity and flags): what compaction uses to rewrite a
  // batch without some of its records.
  static BatchOptions From(const BatchHeader& header);
};

// Accumulates records and encodes them as one batch.
//
// Records are encoded as they are added: key, value and header bytes are copied, so the
// arguments need to live only for the duration of the call. baseTimestamp is the first
// record's timestamp and the others are stored as deltas from it (possibly negative), and
// maxTimestamp is the largest record timestamp (at least -1, Kafka's NO_TIMESTAMP), as Java's
// MemoryRecordsBuilder does. Timestamp arithmetic wraps instead of overflowing.
//
// Misuse (offset deltas that do not increase, a record larger than 2 GiB) is reported by
// Build() as InvalidArgument rather than aborting, since the inputs may come from a client.
// Thread safety: none; one builder per thread.
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchOptions options);

  // Adds a record at the next offset delta (0 for the first record, else the previous
  // record's delta + 1). Timestamps are absolute milliseconds.
  void Add(TimestampMs timestamp, std::optional<ByteView> key, std::optional<ByteView> value,
           std::span<const RecordHeader> headers = {});

  // Adds a record with an explicit offset delta, which must be larger than the previous one.
  // Compaction uses this to keep the original offsets, leaving gaps.
  void AddWithOffsetDelta(int32_t offset_delta, TimestampMs timestamp, std::optional<ByteView> key,
                          std::optional<ByteView> value,
                          std::span<const RecordHeader> headers = {});

  // Overrides lastOffsetDelta (default: the last record's offset delta, or 0 when empty).
  // Compaction keeps the original batch's value so the batch still spans its original
  // offsets; Build() fails if it is below the last record's offset delta.
  void set_last_offset_delta(int32_t delta) { last_offset_delta_override_ = delta; }

  size_t record_count() const { return record_count_; }
  // The batch size if encoded uncompressed: exact for Compression::kNone, usually an
  // overestimate for the other codecs. For deciding when a batch is full.
  size_t estimated_size() const { return records_.size(); }

  // Encodes the header and the (compressed) records and fills in the CRC. Returns the
  // complete batch, ready for ValidateBatch/DecodeBatch or the wire. Afterwards the builder
  // is empty again with the same options, ready for the next batch (also after an error).
  Result<ByteBuffer> Build();

 private:
  void Reset();
  void Fail(Status s);

  BatchOptions options_;
  // The batch being built: kBatchHeaderSize placeholder bytes, then the encoded records.
  // Uncompressed batches are finished in place without copying the records.
  ByteBuffer records_;
  size_t record_count_ = 0;
  int64_t first_timestamp_ = -1;
  int64_t max_timestamp_ = -1;
  int64_t last_offset_delta_ = -1;
  std::optional<int32_t> last_offset_delta_override_;
  Status error_;  // the first misuse since the last Build()
};

}  // namespace oxbow::log
