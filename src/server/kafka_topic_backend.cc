#include "server/kafka_topic_backend.h"

#include <charconv>

#include "fmt/format.h"
#include "server/kafka_admin_client.h"
#include "server/kafka_consumer.h"
#include "server/kafka_producer.h"

namespace oxbow::server {
namespace {

constexpr int kPollMs = 100;

ConfigOrigin OriginOf(rd_kafka_ConfigSource_t source) {
  switch (source) {
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG:
      return ConfigOrigin::kTopic;
    case RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG:
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG:
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG:
      return ConfigOrigin::kServer;
    default:
      return ConfigOrigin::kDefault;
  }
}

class KafkaWriter final : public RecordWriter {
 public:
  // `cleanup_policy`: the topic's, for the check of keys below.
  KafkaWriter(std::unique_ptr<KafkaProducer> producer, std::string topic,
              std::string cleanup_policy)
      : producer_(std::move(producer)),
        topic_(std::move(topic)),
        cleanup_policy_(std::move(cleanup_policy)) {}

  Status Write(PartitionId partition, const OutgoingRecord& record) override {
    // The broker refuses a keyless record on a compacted topic, but Produce before v8 cannot
    // say why (INVALID_RECORD only); saying it here gives the local path's message.
    if (!record.key && cleanup_policy_.find("compact") != std::string::npos) {
      return absl::InvalidArgumentError(fmt::format(
          "producing to {}-{}: topic {} is compacted (cleanup.policy={}): every record needs a "
          "key (--key-separator)",
          topic_, partition, topic_, cleanup_policy_));
    }
    return producer_->Produce(partition, record.key, record.value, record.headers);
  }
  Status Flush() override { return producer_->Flush(); }
  std::map<int32_t, ProducedRange> progress() const override {
    std::map<int32_t, ProducedRange> out;
    for (const auto& [id, a] : producer_->acked()) out[id] = {a.records, a.first, a.last};
    return out;
  }

 private:
  std::unique_ptr<KafkaProducer> producer_;
  std::string topic_;
  std::string cleanup_policy_;
};

class KafkaReader final : public RecordReader {
 public:
  explicit KafkaReader(std::unique_ptr<KafkaConsumer> consumer) : consumer_(std::move(consumer)) {}

  // One partition at a time, so that the output comes in the local path's order.
  Result<bool> ReadRange(PartitionId partition, Offset start, Offset end,
                         const ConsumeFn& fn) override {
    if (start >= end) return false;
    RETURN_IF_ERROR(consumer_->Assign({{partition.value(), start}}));
    while (true) {
      ASSIGN_OR_RETURN(KafkaConsumer::Polled polled, consumer_->Poll(kPollMs));
      switch (polled.kind) {
        case KafkaConsumer::Polled::Kind::kNothing:
          break;
        case KafkaConsumer::Polled::Kind::kEnd:
          // At the high watermark, which was `end` or more when the caller looked.
          if (polled.partition == partition) return false;
          break;
        case KafkaConsumer::Polled::Kind::kRecord: {
          const ConsumedRecord& r = polled.record;
          if (r.partition != partition) break;  // of a previous assignment
          if (r.offset >= end) return false;
          if (!fn(r)) return true;
          if (r.offset + 1 >= end) return false;
          break;
        }
      }
    }
  }

  Status Follow(const std::map<int32_t, Offset>& starts, const ConsumeFn& fn,
                ShutdownSignals& signals) override {
    RETURN_IF_ERROR(consumer_->Assign(starts));
    while (true) {
      ASSIGN_OR_RETURN(int sig, signals.Wait(0));
      if (sig != 0) return absl::OkStatus();
      ASSIGN_OR_RETURN(KafkaConsumer::Polled polled, consumer_->Poll(kPollMs));
      if (polled.kind == KafkaConsumer::Polled::Kind::kRecord && !fn(polled.record)) {
        return absl::OkStatus();
      }
    }
  }

 private:
  std::unique_ptr<KafkaConsumer> consumer_;
};

class KafkaTopicBackend final : public TopicBackend {
 public:
  KafkaTopicBackend(std::string bootstrap, std::unique_ptr<KafkaAdminClient> admin)
      : bootstrap_(std::move(bootstrap)), admin_(std::move(admin)) {}

  Result<int32_t> CreateTopic(const std::string& name, int32_t partitions,
                              const log::ConfigMap& overrides) override {
    RETURN_IF_ERROR(admin_->CreateTopic(name, partitions > 0 ? partitions : -1, overrides));
    ASSIGN_OR_RETURN(KafkaAdminClient::TopicMetadata t, admin_->Topic(name));
    return t.partitions;
  }

  Result<std::vector<std::string>> ListTopics() override {
    ASSIGN_OR_RETURN(auto topics, admin_->Topics());
    std::vector<std::string> names;
    for (const auto& t : topics) names.push_back(t.name);
    return names;
  }

  Result<TopicDescription> DescribeTopic(const std::string& name, bool with_config) override {
    ASSIGN_OR_RETURN(KafkaAdminClient::TopicMetadata t, admin_->Topic(name));
    TopicDescription out;
    out.name = t.name;
    for (int32_t i = 0; i < t.partitions; ++i) {
      ASSIGN_OR_RETURN(auto marks, admin_->Watermarks(name, PartitionId(i)));
      out.partitions.push_back({PartitionId(i), marks.first, marks.second, {}, {}});
    }
    if (!with_config) return out;
    ASSIGN_OR_RETURN(auto config, admin_->DescribeTopicConfig(name));
    for (auto& [key, entry] : config) out.config[key] = {entry.value, OriginOf(entry.source)};
    return out;
  }

  Status DeleteTopic(const std::string& name) override { return admin_->DeleteTopic(name); }

  // Kafka's AlterConfigs replaces all of a topic's overrides, so the changes are applied to
  // the current ones here. (Another client altering the topic at the same moment may see
  // its change undone; Kafka's kafka-configs did the same before IncrementalAlterConfigs,
  // which librdkafka 2.0 lacks.)
  Result<log::ConfigMap> AlterTopicConfig(const std::string& name,
                                          const log::ConfigMap& changes) override {
    ASSIGN_OR_RETURN(log::ConfigMap overrides, Overrides(name));
    for (const auto& [key, value] : changes) {
      if (value.empty()) {
        overrides.erase(key);
      } else {
        overrides[key] = value;
      }
    }
    RETURN_IF_ERROR(admin_->ReplaceTopicOverrides(name, overrides));
    return Overrides(name);
  }

  Result<std::optional<Offset>> OffsetForTimestamp(const std::string& topic, PartitionId partition,
                                                   TimestampMs ts) override {
    return admin_->OffsetForTimestamp(topic, partition, ts);
  }

  Result<std::unique_ptr<RecordWriter>> OpenWriter(const std::string& topic,
                                                   log::Compression compression,
                                                   int32_t batch_size) override {
    KafkaProducer::Options options;
    options.compression = std::string(log::CompressionName(compression));
    options.batch_size = batch_size;
    ASSIGN_OR_RETURN(auto config, admin_->DescribeTopicConfig(topic));
    if (auto it = config.find("max.message.bytes"); it != config.end()) {
      const std::string& v = it->second.value;
      std::from_chars(v.data(), v.data() + v.size(), options.max_batch_bytes);
    }
    std::string cleanup_policy = config["cleanup.policy"].value;
    ASSIGN_OR_RETURN(auto producer, KafkaProducer::Connect(bootstrap_, topic, options));
    return std::unique_ptr<RecordWriter>(
        std::make_unique<KafkaWriter>(std::move(producer), topic, std::move(cleanup_policy)));
  }

  Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& topic) override {
    ASSIGN_OR_RETURN(auto consumer, KafkaConsumer::Connect(bootstrap_, topic));
    return std::unique_ptr<RecordReader>(std::make_unique<KafkaReader>(std::move(consumer)));
  }

  Status Close() override {
    admin_.reset();
    return absl::OkStatus();
  }

 private:
  Result<log::ConfigMap> Overrides(const std::string& name) {
    ASSIGN_OR_RETURN(auto config, admin_->DescribeTopicConfig(name));
    log::ConfigMap out;
    for (const auto& [key, entry] : config) {
      if (entry.source == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) out[key] = entry.value;
    }
    return out;
  }

  std::string bootstrap_;
  std::unique_ptr<KafkaAdminClient> admin_;
};

}  // namespace

Result<std::unique_ptr<TopicBackend>> ConnectKafkaTopicBackend(const std::string& bootstrap) {
  ASSIGN_OR_RETURN(auto admin, KafkaAdminClient::Connect(bootstrap));
  return std::unique_ptr<TopicBackend>(
      std::make_unique<KafkaTopicBackend>(bootstrap, std::move(admin)));
}

}  // namespace oxbow::server
