#include "server/partition_reader.h"

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::server {

PartitionReader::PartitionReader(std::shared_ptr<log::Partition> partition, Offset position,
                                 uint64_t max_bytes)
    : partition_(std::move(partition)), position_(position), max_bytes_(max_bytes) {}

Result<size_t> PartitionReader::Poll(const RecordFn& fn) {
  Result<log::ReadResult> read = partition_->Read(position_, max_bytes_);
  if (!read.ok() && read.status().code() == absl::StatusCode::kOutOfRange &&
      position_ < partition_->log_start_offset()) {
    Offset start = partition_->log_start_offset();
    OXBOW_LOG_WARN("{}-{}: offset {} is no longer in the log (retention); continuing at {}",
                   partition_->topic(), partition_->id(), position_, start);
    position_ = start;
    read = partition_->Read(position_, max_bytes_);
  }
  if (!read.ok()) return read.status();
  const log::FileSlice& slice = read->slice;
  if (slice.size == 0) return 0;
  buffer_.resize(slice.size);
  ASSIGN_OR_RETURN(
      size_t n,
      slice.file->ReadAt(slice.position, MutableByteView(buffer_.mutable_data(), slice.size)));
  return Deliver(ByteView(buffer_.data(), n), slice, fn);
}

Result<size_t> PartitionReader::Deliver(ByteView bytes, const log::FileSlice& slice,
                                        const RecordFn& fn) {
  size_t delivered = 0;
  size_t pos = 0;
  bool any_batch = false;
  // A trailing partial batch is normal (the range was cut at max_bytes): stop there and
  // read it whole on the next Poll, from the position after the last whole batch.
  while (bytes.size() - pos >= log::kBatchHeaderSize) {
    ByteView rest = bytes.subspan(pos);
    Result<log::BatchHeader> header = log::ParseBatchHeader(rest);
    auto where = [&] {
      return fmt::format("{} at position {}", slice.file->path(), slice.position + pos);
    };
    if (!header.ok()) {
      return absl::DataLossError(fmt::format("{}: {}", where(), header.status().message()));
    }
    if (header->size_bytes() > rest.size()) break;
    any_batch = true;
    ByteView batch_bytes = rest.first(header->size_bytes());
    pos += header->size_bytes();
    if (header->last_offset() < position_) continue;
    if (header->is_control()) {  // transaction markers are not records for a consumer
      position_ = header->last_offset() + 1;
      continue;
    }
    Result<log::DecodedBatch> batch = log::DecodeBatch(batch_bytes);
    if (!batch.ok()) {
      return absl::DataLossError(fmt::format("{}: {}", where(), batch.status().message()));
    }
    for (const log::Record& r : batch->records()) {
      Offset offset = batch->offset_of(r);
      if (offset < position_) continue;
      ++delivered;
      position_ = offset + 1;
      if (!fn(*batch, r)) return delivered;
    }
    // Compaction leaves gaps, also at the end of a batch: the batch's range is consumed.
    position_ = std::max(position_, header->last_offset() + 1);
  }
  if (!any_batch) {
    return absl::DataLossError(fmt::format(
        "{}-{}: the log returned no whole batch at offset {} ({} bytes from {})",
        partition_->topic(), partition_->id(), position_, bytes.size(), slice.file->path()));
  }
  return delivered;
}

}  // namespace oxbow::server
