#include "server/local_topic_backend.h"

#include <algorithm>

#include "fmt/format.h"
#include "log/record_batch_builder.h"
#include "server/partition_reader.h"

namespace oxbow::server {
namespace {

constexpr int kFollowPollMs = 100;

// Accumulates the records of one partition into batches, built as a Kafka producer builds
// them, and appends each batch when it is full: batch_size records, or close to the topic's
// max.message.bytes.
class PartitionWriter {
 public:
  PartitionWriter(std::shared_ptr<log::Partition> partition, log::Compression compression,
                  int32_t batch_size)
      : partition_(std::move(partition)),
        builder_(Options(compression)),
        batch_size_(batch_size),
        max_bytes_(static_cast<size_t>(partition_->config().max_message_bytes)) {}

  Status Add(const OutgoingRecord& rec, TimestampMs now) {
    // An upper bound of the record's encoded size (varints, attributes, deltas).
    size_t record_bytes = (rec.key ? rec.key->size() : 0) + rec.value.size() + 32;
    for (const log::RecordHeader& h : rec.headers) {
      record_bytes += h.key.size() + (h.value ? h.value->size() : 0) + 10;
    }
    if (builder_.record_count() > 0 && builder_.estimated_size() + record_bytes > max_bytes_) {
      RETURN_IF_ERROR(Flush());
    }
    std::optional<ByteView> key_bytes;
    if (rec.key) key_bytes = AsBytes(*rec.key);
    builder_.Add(now, key_bytes, AsBytes(rec.value), rec.headers);
    if (static_cast<int32_t>(builder_.record_count()) >= batch_size_) return Flush();
    return absl::OkStatus();
  }

  Status Flush() {
    if (builder_.record_count() == 0) return absl::OkStatus();
    size_t records = builder_.record_count();
    ASSIGN_OR_RETURN(ByteBuffer batch, builder_.Build());
    Result<log::AppendResult> appended =
        partition_->Append(MutableByteView(batch.mutable_data(), batch.size()), log::NowMs());
    if (!appended.ok()) {
      return Status(appended.status().code(),
                    fmt::format("appending {} records to {}-{}: {}", records, partition_->topic(),
                                partition_->id(), appended.status().message()));
    }
    if (progress_.records == 0) progress_.first = appended->base_offset;
    progress_.last = appended->last_offset;
    progress_.records += static_cast<int64_t>(records);
    return absl::OkStatus();
  }

  const ProducedRange& progress() const { return progress_; }

 private:
  static log::BatchOptions Options(log::Compression compression) {
    log::BatchOptions options;
    options.compression = compression;
    return options;
  }

  std::shared_ptr<log::Partition> partition_;
  log::RecordBatchBuilder builder_;
  int32_t batch_size_;
  size_t max_bytes_;
  ProducedRange progress_;
};

class LocalWriter final : public RecordWriter {
 public:
  LocalWriter(log::LogManager& log, std::string topic, log::Compression compression,
              int32_t batch_size)
      : log_(log), topic_(std::move(topic)), compression_(compression), batch_size_(batch_size) {}

  Status Write(PartitionId partition, const OutgoingRecord& record) override {
    auto it = writers_.find(partition.value());
    if (it == writers_.end()) {
      ASSIGN_OR_RETURN(auto p, log_.GetPartition(topic_, partition));
      it = writers_.try_emplace(partition.value(), std::move(p), compression_, batch_size_).first;
    }
    return it->second.Add(record, log::NowMs());
  }

  // Every partition is flushed even after a failure, so that the summary covers all that
  // was appended.
  Status Flush() override {
    Status status;
    for (auto& [id, writer] : writers_) {
      Status s = writer.Flush();
      if (status.ok()) status = s;
    }
    return status;
  }

  std::map<int32_t, ProducedRange> progress() const override {
    std::map<int32_t, ProducedRange> out;
    for (const auto& [id, writer] : writers_) out[id] = writer.progress();
    return out;
  }

 private:
  log::LogManager& log_;
  std::string topic_;
  log::Compression compression_;
  int32_t batch_size_;
  std::map<int32_t, PartitionWriter> writers_;
};

class LocalReader final : public RecordReader {
 public:
  LocalReader(log::LogManager& log, std::string topic) : log_(log), topic_(std::move(topic)) {}

  Result<bool> ReadRange(PartitionId partition, Offset start, Offset end,
                         const ConsumeFn& fn) override {
    ASSIGN_OR_RETURN(auto p, log_.GetPartition(topic_, partition));
    PartitionReader r(std::move(p), start);
    bool stopped = false;
    while (!stopped && r.position() < end) {
      Offset before = r.position();
      RETURN_IF_ERROR(Poll(r, fn, stopped).status());
      if (r.position() == before) break;  // nothing more to read below `end`
    }
    return stopped;
  }

  // Polls every partition in turn, sleeping (in the signal wait) when a whole round found
  // nothing new.
  Status Follow(const std::map<int32_t, Offset>& starts, const ConsumeFn& fn,
                ShutdownSignals& signals) override {
    std::vector<PartitionReader> readers;
    for (const auto& [id, start] : starts) {
      ASSIGN_OR_RETURN(auto p, log_.GetPartition(topic_, PartitionId(id)));
      readers.emplace_back(std::move(p), start);
    }
    bool stopped = false;
    while (!stopped) {
      size_t round = 0;
      for (PartitionReader& r : readers) {
        if (stopped) break;
        ASSIGN_OR_RETURN(size_t n, Poll(r, fn, stopped));
        round += n;
      }
      if (round == 0 && !stopped) {
        ASSIGN_OR_RETURN(int sig, signals.Wait(kFollowPollMs));
        if (sig != 0) break;
      }
    }
    return absl::OkStatus();
  }

 private:
  Result<size_t> Poll(PartitionReader& r, const ConsumeFn& fn, bool& stopped) {
    const log::Partition& p = r.partition();
    return r.Poll([&](const log::DecodedBatch& batch, const log::Record& rec) {
      stopped = !fn(ToConsumed(p.topic(), p.id(), batch, rec));
      return !stopped;
    });
  }

  log::LogManager& log_;
  std::string topic_;
};

class LocalTopicBackend final : public TopicBackend {
 public:
  LocalTopicBackend(std::unique_ptr<log::LogManager> log, const ServerConfig& config)
      : log_(std::move(log)), config_(config) {}

  Result<int32_t> CreateTopic(const std::string& name, int32_t partitions,
                              const log::ConfigMap& overrides) override {
    RETURN_IF_ERROR(log_->CreateTopic(name, partitions, overrides));
    return log_->PartitionCount(name);
  }

  Result<std::vector<std::string>> ListTopics() override {
    std::vector<std::string> names = log_->ListTopics();
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<TopicDescription> DescribeTopic(const std::string& name, bool with_config) override {
    ASSIGN_OR_RETURN(log::TopicInfo info, log_->DescribeTopic(name));
    TopicDescription out;
    out.name = info.name;
    for (const log::PartitionInfo& p : info.partitions) {
      out.partitions.push_back(
          {p.id, p.log_start_offset, p.high_watermark, p.size_bytes, p.segments});
    }
    if (!with_config) return out;
    for (const auto& [key, value] : info.config.ToMap()) {
      ConfigOrigin origin = info.overrides.contains(key)           ? ConfigOrigin::kTopic
                            : config_.topic_defaults.contains(key) ? ConfigOrigin::kServer
                                                                   : ConfigOrigin::kDefault;
      out.config[key] = {value, origin};
    }
    return out;
  }

  Status DeleteTopic(const std::string& name) override { return log_->DeleteTopic(name); }

  Result<log::ConfigMap> AlterTopicConfig(const std::string& name,
                                          const log::ConfigMap& changes) override {
    RETURN_IF_ERROR(log_->AlterTopicConfig(name, changes));
    ASSIGN_OR_RETURN(log::TopicInfo info, log_->DescribeTopic(name));
    return info.overrides;
  }

  Result<std::optional<Offset>> OffsetForTimestamp(const std::string& topic, PartitionId partition,
                                                   TimestampMs ts) override {
    ASSIGN_OR_RETURN(auto p, log_->GetPartition(topic, partition));
    ASSIGN_OR_RETURN(auto found, p->OffsetForTimestamp(ts));
    if (!found) return std::optional<Offset>();
    return std::optional<Offset>(found->first);
  }

  Result<std::unique_ptr<RecordWriter>> OpenWriter(const std::string& topic,
                                                   log::Compression compression,
                                                   int32_t batch_size) override {
    return std::unique_ptr<RecordWriter>(
        std::make_unique<LocalWriter>(*log_, topic, compression, batch_size));
  }

  Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& topic) override {
    return std::unique_ptr<RecordReader>(std::make_unique<LocalReader>(*log_, topic));
  }

  Status Close() override { return log_->Close(); }

 private:
  std::unique_ptr<log::LogManager> log_;
  const ServerConfig& config_;
};

}  // namespace

std::unique_ptr<TopicBackend> MakeLocalTopicBackend(std::unique_ptr<log::LogManager> log,
                                                    const ServerConfig& config) {
  return std::make_unique<LocalTopicBackend>(std::move(log), config);
}

}  // namespace oxbow::server
