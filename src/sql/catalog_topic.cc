#include "sql/catalog_topic.h"

#include "fmt/format.h"
#include "log/record_batch.h"
#include "log/record_batch_builder.h"

namespace oxbow::sql {
namespace {

constexpr uint64_t kReadBytes = 1 << 20;

std::optional<std::string_view> Text(const std::optional<ByteView>& bytes) {
  if (!bytes) return std::nullopt;
  return AsString(*bytes);
}

}  // namespace

Result<std::unique_ptr<CatalogTopic>> CatalogTopic::Open(log::LogManager& log,
                                                         const std::string& topic) {
  if (!log.HasTopic(topic)) {
    Status created = log.CreateTopic(topic, 1, {{"cleanup.policy", "compact"}});
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) {
      return Status(created.code(), fmt::format("cannot create the catalog topic {}: {}", topic,
                                                created.message()));
    }
  }
  ASSIGN_OR_RETURN(int32_t partitions, log.PartitionCount(topic));
  if (partitions != 1) {
    return absl::FailedPreconditionError(fmt::format(
        "the catalog topic {} has {} partitions; it needs exactly 1", topic, partitions));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                   log.GetPartition(topic, PartitionId(0)));
  return std::unique_ptr<CatalogTopic>(new CatalogTopic(std::move(partition)));
}

Status CatalogTopic::Append(std::span<const CatalogRecord> records) {
  if (records.empty()) return absl::OkStatus();
  TimestampMs now = log::NowMs();
  log::RecordBatchBuilder builder({});
  for (const CatalogRecord& r : records) {
    std::optional<ByteView> value;
    if (r.value) value = AsBytes(*r.value);
    builder.Add(now, AsBytes(r.key), value);
  }
  ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
  RETURN_IF_ERROR(
      partition_->Append(MutableByteView(batch.mutable_data(), batch.size()), now).status());
  if (partition_->config().flush_messages != 1) RETURN_IF_ERROR(partition_->Flush());
  return absl::OkStatus();
}

Status CatalogTopic::ReadAll(RecordFn fn) {
  Offset position = partition_->log_start_offset();
  ByteBuffer buffer;
  while (position < partition_->high_watermark()) {
    ASSIGN_OR_RETURN(log::ReadResult read, partition_->Read(position, kReadBytes));
    if (read.slice.size == 0) break;
    buffer.resize(read.slice.size);
    ASSIGN_OR_RETURN(
        size_t n, read.slice.file->ReadAt(read.slice.position,
                                          MutableByteView(buffer.mutable_data(), read.slice.size)));
    ByteView bytes(buffer.data(), n);
    size_t pos = 0;
    bool progressed = false;
    // A range cut by kReadBytes ends with a partial batch: it is read whole next time.
    while (bytes.size() - pos >= log::kBatchHeaderSize) {
      ASSIGN_OR_RETURN(log::BatchHeader header, log::ParseBatchHeader(bytes.subspan(pos)));
      if (header.size_bytes() > bytes.size() - pos) break;
      ByteView batch_bytes = bytes.subspan(pos, header.size_bytes());
      pos += header.size_bytes();
      if (header.last_offset() < position) continue;
      progressed = true;
      position = header.last_offset() + 1;
      if (header.is_control()) continue;
      Result<log::DecodedBatch> batch = log::DecodeBatch(batch_bytes);
      if (!batch.ok()) {
        return absl::DataLossError(fmt::format("{} at offset {}: {}", partition_->topic(),
                                               header.base_offset, batch.status().message()));
      }
      for (const log::Record& r : batch->records()) {
        RETURN_IF_ERROR(fn(Text(r.key).value_or(""), Text(r.value)));
      }
    }
    if (!progressed) {
      return absl::DataLossError(
          fmt::format("{}: no whole batch at offset {}", partition_->topic(), position));
    }
  }
  return absl::OkStatus();
}

}  // namespace oxbow::sql
