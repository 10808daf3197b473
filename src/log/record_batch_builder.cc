#include "log/record_batch_builder.h"

#include <algorithm>
#include <limits>

#include "base/varint.h"
#include "fmt/format.h"
#include "log/compression.h"

namespace oxbow::log {

BatchOptions BatchOptions::From(const BatchHeader& h) {
  BatchOptions o;
  o.compression = h.compression();
  o.timestamp_type = h.timestamp_type();
  o.base_offset = h.base_offset;
  o.producer_id = h.producer_id;
  o.producer_epoch = h.producer_epoch;
  o.base_sequence = h.base_sequence;
  o.partition_leader_epoch = h.partition_leader_epoch;
  o.transactional = h.is_transactional();
  o.control = h.is_control();
  // Only read for LogAppendTime batches, whose records all carry this time.
  o.log_append_time = h.max_timestamp;
  return o;
}
namespace {

namespace f = batch_field;

constexpr size_t kMaxField = std::numeric_limits<int32_t>::max();

// Encoded size of a nullable bytes field: varint length (-1 for null) plus the bytes.
size_t NullableSize(const std::optional<ByteView>& b) {
  return b ? VarintLength(static_cast<int32_t>(b->size())) + b->size() : VarintLength(-1);
}

void AppendNullable(ByteBuffer& out, const std::optional<ByteView>& b) {
  if (!b) {
    out.AppendVarint(-1);
    return;
  }
  out.AppendVarint(static_cast<int32_t>(b->size()));
  out.Append(*b);
}

bool Fits(const std::optional<ByteView>& b) { return !b || b->size() <= kMaxField; }

}  // namespace

RecordBatchBuilder::RecordBatchBuilder(BatchOptions options) : options_(options) { Reset(); }

void RecordBatchBuilder::Reset() {
  records_ = ByteBuffer(kBatchHeaderSize + 256);
  records_.resize(kBatchHeaderSize);
  record_count_ = 0;
  first_timestamp_ = -1;
  max_timestamp_ = -1;
  last_offset_delta_ = -1;
  last_offset_delta_override_.reset();
  error_ = absl::OkStatus();
}

void RecordBatchBuilder::Fail(Status s) {
  if (error_.ok()) error_ = std::move(s);
}

void RecordBatchBuilder::Add(TimestampMs timestamp, std::optional<ByteView> key,
                             std::optional<ByteView> value, std::span<const RecordHeader> headers) {
  if (last_offset_delta_ == std::numeric_limits<int32_t>::max()) {
    Fail(absl::InvalidArgumentError("batch holds the maximum number of offsets"));
    return;
  }
  AddWithOffsetDelta(static_cast<int32_t>(last_offset_delta_ + 1), timestamp, key, value, headers);
}

void RecordBatchBuilder::AddWithOffsetDelta(int32_t offset_delta, TimestampMs timestamp,
                                            std::optional<ByteView> key,
                                            std::optional<ByteView> value,
                                            std::span<const RecordHeader> headers) {
  if (offset_delta <= last_offset_delta_) {
    Fail(absl::InvalidArgumentError(fmt::format("offset delta {} does not follow the previous {}",
                                                offset_delta, last_offset_delta_)));
    return;
  }
  if (record_count_ == 0) first_timestamp_ = timestamp.value();
  // Deltas wrap like Java longs so that any pair of timestamps round-trips.
  auto ts_delta = static_cast<int64_t>(static_cast<uint64_t>(timestamp.value()) -
                                       static_cast<uint64_t>(first_timestamp_));
  bool fits = Fits(key) && Fits(value) && headers.size() <= kMaxField;
  size_t body = 1 + VarlongLength(ts_delta) + VarintLength(offset_delta) + NullableSize(key) +
                NullableSize(value) + VarintLength(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    fits = fits && h.key.size() <= kMaxField && Fits(h.value);
    body += VarintLength(static_cast<int32_t>(h.key.size())) + h.key.size() + NullableSize(h.value);
  }
  if (!fits || body > kMaxField) {
    Fail(absl::InvalidArgumentError(
        fmt::format("record at offset delta {} is too large to encode", offset_delta)));
    return;
  }
  records_.AppendVarint(static_cast<int32_t>(body));
  records_.AppendInt8(0);  // record attributes: unused
  records_.AppendVarlong(ts_delta);
  records_.AppendVarint(offset_delta);
  AppendNullable(records_, key);
  AppendNullable(records_, value);
  records_.AppendVarint(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    records_.AppendVarint(static_cast<int32_t>(h.key.size()));
    records_.Append(h.key);
    AppendNullable(records_, h.value);
  }
  ++record_count_;
  last_offset_delta_ = offset_delta;
  max_timestamp_ = std::max(max_timestamp_, timestamp.value());
}

Result<ByteBuffer> RecordBatchBuilder::Build() {
  // Take the state and reset first, so the builder is reusable whatever happens below.
  ByteBuffer batch = std::move(records_);
  Status error = std::move(error_);
  size_t count = record_count_;
  int64_t first_ts = first_timestamp_;
  int64_t max_ts = max_timestamp_;
  int64_t last_delta = last_offset_delta_;
  std::optional<int32_t> last_override = last_offset_delta_override_;
  Reset();
  RETURN_IF_ERROR(error);

  int32_t last_offset_delta = last_delta < 0 ? 0 : static_cast<int32_t>(last_delta);
  if (last_override) {
    if (*last_override < last_delta || *last_override < 0) {
      return absl::InvalidArgumentError(
          fmt::format("last offset delta {} is below the last record's offset delta {}",
                      *last_override, last_delta));
    }
    last_offset_delta = *last_override;
  }
  if (options_.compression != Compression::kNone) {
    ByteBuffer compressed(kBatchHeaderSize + batch.size() / 2);
    compressed.resize(kBatchHeaderSize);
    RETURN_IF_ERROR(
        Compress(options_.compression, batch.view().subspan(kBatchHeaderSize), &compressed));
    batch = std::move(compressed);
  }
  if (batch.size() - kBatchLogOverhead > kMaxField) {
    return absl::InvalidArgumentError(
        fmt::format("batch of {} bytes exceeds the 2 GiB format limit", batch.size()));
  }

  int16_t attributes = static_cast<int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) attributes |= kTimestampTypeBit;
  if (options_.transactional) attributes |= kTransactionalBit;
  if (options_.control) attributes |= kControlBit;
  int64_t max_timestamp = max_ts;
  if (options_.timestamp_type == TimestampType::kLogAppendTime && options_.log_append_time) {
    max_timestamp = options_.log_append_time->value();
  }

  uint8_t* p = batch.mutable_data();
  StoreBE64(p + f::kBaseOffset, static_cast<uint64_t>(options_.base_offset.value()));
  StoreBE32(p + f::kBatchLength, static_cast<uint32_t>(batch.size() - kBatchLogOverhead));
  StoreBE32(p + f::kPartitionLeaderEpoch,
            static_cast<uint32_t>(options_.partition_leader_epoch.value()));
  p[f::kMagic] = static_cast<uint8_t>(kMagicV2);
  StoreBE16(p + f::kAttributes, static_cast<uint16_t>(attributes));
  StoreBE32(p + f::kLastOffsetDelta, static_cast<uint32_t>(last_offset_delta));
  StoreBE64(p + f::kBaseTimestamp, static_cast<uint64_t>(count > 0 ? first_ts : -1));
  StoreBE64(p + f::kMaxTimestamp, static_cast<uint64_t>(max_timestamp));
  StoreBE64(p + f::kProducerId, static_cast<uint64_t>(options_.producer_id.value()));
  StoreBE16(p + f::kProducerEpoch, static_cast<uint16_t>(options_.producer_epoch.value()));
  StoreBE32(p + f::kBaseSequence, static_cast<uint32_t>(options_.base_sequence));
  StoreBE32(p + f::kRecordsCount, static_cast<uint32_t>(count));
  UpdateBatchCrc(MutableByteView(batch.mutable_data(), batch.size()));
  return batch;
}

}  // namespace oxbow::log
