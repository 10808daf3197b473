#include "registry/schemas_topic.h"

#include <algorithm>

#include "base/logging.h"
#include "fmt/format.h"
#include "log/record_batch.h"
#include "log/record_batch_builder.h"

namespace oxbow::registry {

Result<std::unique_ptr<SchemasTopic>> SchemasTopic::Open(log::LogManager& log,
                                                         const std::string& topic) {
  if (!log.HasTopic(topic)) {
    Status created = log.CreateTopic(topic, 1, {{"cleanup.policy", "compact"}});
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) {
      return Status(created.code(),
                    fmt::format("cannot create the topic {}: {}", topic, created.message()));
    }
    if (created.ok()) OXBOW_LOG_INFO("schema registry: created the topic {} (compacted)", topic);
  }
  ASSIGN_OR_RETURN(int32_t partitions, log.PartitionCount(topic));
  if (partitions != 1) {
    return absl::FailedPreconditionError(fmt::format(
        "the topic {} has {} partitions; the schema registry needs exactly 1 (its records are "
        "one ordered history)",
        topic, partitions));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                   log.GetPartition(topic, PartitionId(0)));
  if (!partition->config().compact_policy) {
    OXBOW_LOG_WARN(
        "schema registry: the topic {} is not compacted (cleanup.policy); retention may delete "
        "schemas (set cleanup.policy=compact)",
        topic);
  }
  return std::unique_ptr<SchemasTopic>(new SchemasTopic(std::move(partition)));
}

Status SchemasTopic::Append(std::span<const RegistryRecord> records) {
  if (records.empty()) return absl::OkStatus();
  TimestampMs now = log::NowMs();
  log::RecordBatchBuilder builder({});
  for (const RegistryRecord& r : records) {
    std::string key = EncodeRecordKey(r.key);
    std::optional<std::string> value = EncodeRecordValue(r);
    builder.Add(now, AsBytes(key), value ? std::optional<ByteView>(AsBytes(*value)) : std::nullopt);
  }
  ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
  RETURN_IF_ERROR(
      partition_->Append(MutableByteView(batch.mutable_data(), batch.size()), now).status());
  // Durable before the caller answers, whatever the topic's flush policy says.
  if (partition_->config().flush_messages != 1) RETURN_IF_ERROR(partition_->Flush());
  return absl::OkStatus();
}

Status SchemasTopic::ReadAll(RecordFn fn) {
  constexpr uint64_t kReadBytes = 1 << 20;
  Offset position = partition_->log_start_offset();
  ByteBuffer buffer;
  while (position < partition_->high_watermark()) {
    ASSIGN_OR_RETURN(log::ReadResult read, partition_->Read(position, kReadBytes));
    const log::FileSlice& slice = read.slice;
    if (slice.size == 0) break;
    buffer.resize(slice.size);
    ASSIGN_OR_RETURN(
        size_t n,
        slice.file->ReadAt(slice.position, MutableByteView(buffer.mutable_data(), slice.size)));
    ByteView bytes(buffer.data(), n);
    size_t pos = 0;
    bool progressed = false;
    // The range ends with a partial batch when max_bytes cut it: read it whole next time.
    while (bytes.size() - pos >= log::kBatchHeaderSize) {
      ASSIGN_OR_RETURN(log::BatchHeader header, log::ParseBatchHeader(bytes.subspan(pos)));
      if (header.size_bytes() > bytes.size() - pos) break;
      ByteView batch_bytes = bytes.subspan(pos, header.size_bytes());
      pos += header.size_bytes();
      if (header.last_offset() < position) continue;
      progressed = true;
      if (!header.is_control()) {
        Result<log::DecodedBatch> batch = log::DecodeBatch(batch_bytes);
        if (!batch.ok()) {
          return absl::DataLossError(fmt::format("{} at offset {}: {}", partition_->topic(),
                                                 header.base_offset, batch.status().message()));
        }
        for (const log::Record& r : batch->records()) {
          if (batch->offset_of(r) < position) continue;
          auto text = [](const std::optional<ByteView>& b) {
            return b ? std::optional<std::string_view>(AsString(*b)) : std::nullopt;
          };
          fn(text(r.key), text(r.value));
        }
      }
      position = header.last_offset() + 1;
    }
    if (!progressed) {
      // A single batch larger than the read size: Partition::Read returns at least one
      // whole batch, so this is a damaged log rather than a short read.
      return absl::DataLossError(
          fmt::format("{}: no whole batch at offset {}", partition_->topic(), position));
    }
  }
  return absl::OkStatus();
}

}  // namespace oxbow::registry
