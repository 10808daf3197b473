// Topic administration and offsets through the Kafka API: librdkafka's admin API
// (CreateTopics, DeleteTopics, DescribeConfigs, AlterConfigs), Metadata and ListOffsets,
// with results as our types and errors as KafkaStatus (kafka_client.h). Each call waits for
// its answer, up to kKafkaRequestTimeoutMs.
//
// Threads: one thread uses a KafkaAdminClient.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "log/topic_config.h"
#include "server/kafka_client.h"

namespace oxbow::server {

class KafkaAdminClient {
 public:
  // Unavailable when no broker at `bootstrap` answers (see KafkaClient::Connect).
  static Result<std::unique_ptr<KafkaAdminClient>> Connect(const std::string& bootstrap);

  struct TopicMetadata {
    std::string name;
    int32_t partitions = 0;
  };
  // Every topic the cluster has, sorted by name.
  Result<std::vector<TopicMetadata>> Topics();
  // One topic; NotFound ("topic 'x' does not exist") when the cluster has none of that name.
  Result<TopicMetadata> Topic(const std::string& name);

  // partitions -1: the broker's default count. Replication is the broker's default.
  Status CreateTopic(const std::string& name, int32_t partitions, const log::ConfigMap& configs);
  Status DeleteTopic(const std::string& name);

  struct ConfigEntry {
    std::string value;
    rd_kafka_ConfigSource_t source;
  };
  // The topic's effective config by key, with where each value comes from.
  Result<std::map<std::string, ConfigEntry>> DescribeTopicConfig(const std::string& name);
  // Replaces the topic's overrides with `overrides` (Kafka's AlterConfigs is not
  // incremental: keys left out return to their defaults).
  Status ReplaceTopicOverrides(const std::string& name, const log::ConfigMap& overrides);

  // The partition's log start offset and high watermark.
  Result<std::pair<Offset, Offset>> Watermarks(const std::string& topic, PartitionId partition);
  // The first offset with a timestamp at or after `ts`; nullopt if none.
  Result<std::optional<Offset>> OffsetForTimestamp(const std::string& topic, PartitionId partition,
                                                   TimestampMs ts);

 private:
  explicit KafkaAdminClient(std::unique_ptr<KafkaClient> client) : client_(std::move(client)) {}

  std::unique_ptr<KafkaClient> client_;
};

}  // namespace oxbow::server
