#include "server/kafka_admin_client.h"

#include <algorithm>

#include "fmt/format.h"

namespace oxbow::server {
namespace {

struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};
struct DeleteTopicDeleter {
  void operator()(rd_kafka_DeleteTopic_t* t) const { rd_kafka_DeleteTopic_destroy(t); }
};
struct ResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

std::string NotFoundMessage(const std::string& topic) {
  return fmt::format("topic '{}' does not exist", topic);
}

// Runs one admin request: `start` issues it onto the queue it is given; the answer is the
// event of type `expected`, or the request's own error.
template <typename StartFn>
Result<Event> AdminCall(rd_kafka_t* rk, rd_kafka_admin_op_t op, int expected, StartFn start) {
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(
      rd_kafka_AdminOptions_new(rk, op));
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), kKafkaRequestTimeoutMs, err,
                                            sizeof(err));
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS) {
    // Wait until the broker has done it, so that a describe right after sees it.
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), kKafkaRequestTimeoutMs, err,
                                                sizeof(err));
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  start(options.get(), queue.get());
  Event ev(rd_kafka_queue_poll(queue.get(), kKafkaRequestTimeoutMs + 5000));
  if (ev == nullptr) {
    return absl::UnavailableError(
        fmt::format("no answer from the Kafka API within {} s", kKafkaRequestTimeoutMs / 1000));
  }
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* msg = rd_kafka_event_error_string(ev.get());
    return KafkaStatus(rd_kafka_event_error(ev.get()), msg != nullptr ? msg : "");
  }
  if (rd_kafka_event_type(ev.get()) != expected) {
    return absl::InternalError(
        fmt::format("unexpected librdkafka event {}", rd_kafka_event_name(ev.get())));
  }
  return ev;
}

Status TopicResultStatus(const rd_kafka_topic_result_t* const* results, size_t n) {
  if (n != 1) return absl::InternalError(fmt::format("expected 1 topic result, got {}", n));
  rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return absl::NotFoundError(NotFoundMessage(rd_kafka_topic_result_name(results[0])));
  }
  const char* msg = rd_kafka_topic_result_error_string(results[0]);
  return KafkaStatus(err, msg != nullptr ? msg : "");
}

Status ResourceStatus(const rd_kafka_ConfigResource_t* const* resources, size_t n,
                      const std::string& topic) {
  if (n != 1) return absl::InternalError(fmt::format("expected 1 config resource, got {}", n));
  rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(resources[0]);
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return absl::NotFoundError(NotFoundMessage(topic));
  }
  const char* msg = rd_kafka_ConfigResource_error_string(resources[0]);
  return KafkaStatus(err, msg != nullptr ? msg : "");
}

}  // namespace

Result<std::unique_ptr<KafkaAdminClient>> KafkaAdminClient::Connect(const std::string& bootstrap) {
  ASSIGN_OR_RETURN(auto client,
                   KafkaClient::Connect(KafkaClient::Type::kProducer, bootstrap, {}, nullptr));
  return std::unique_ptr<KafkaAdminClient>(new KafkaAdminClient(std::move(client)));
}

Result<std::vector<KafkaAdminClient::TopicMetadata>> KafkaAdminClient::Topics() {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(client_->get(), /*all_topics=*/1, nullptr, &raw, kKafkaRequestTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaStatus(err);
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw);
  std::vector<TopicMetadata> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // e.g. deleted meanwhile
    out.push_back({t.topic, t.partition_cnt});
  }
  std::sort(out.begin(), out.end(),
            [](const TopicMetadata& a, const TopicMetadata& b) { return a.name < b.name; });
  return out;
}

Result<KafkaAdminClient::TopicMetadata> KafkaAdminClient::Topic(const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<TopicMetadata> topics, Topics());
  for (TopicMetadata& t : topics) {
    if (t.name == name) return std::move(t);
  }
  return absl::NotFoundError(NotFoundMessage(name));
}

Status KafkaAdminClient::CreateTopic(const std::string& name, int32_t partitions,
                                     const log::ConfigMap& configs) {
  char err[256];
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter> topic(
      rd_kafka_NewTopic_new(name.c_str(), partitions, -1, err, sizeof(err)));
  if (topic == nullptr) return absl::InvalidArgumentError(static_cast<const char*>(err));
  for (const auto& [key, value] : configs) {
    rd_kafka_resp_err_t e = rd_kafka_NewTopic_set_config(topic.get(), key.c_str(), value.c_str());
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaStatus(e);
  }
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  ASSIGN_OR_RETURN(Event ev, AdminCall(client_->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS,
                                       RD_KAFKA_EVENT_CREATETOPICS_RESULT,
                                       [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                         rd_kafka_CreateTopics(client_->get(), topics, 1, o, q);
                                       }));
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  return TopicResultStatus(results, n);
}

Status KafkaAdminClient::DeleteTopic(const std::string& name) {
  std::unique_ptr<rd_kafka_DeleteTopic_t, DeleteTopicDeleter> topic(
      rd_kafka_DeleteTopic_new(name.c_str()));
  rd_kafka_DeleteTopic_t* topics[] = {topic.get()};
  ASSIGN_OR_RETURN(Event ev, AdminCall(client_->get(), RD_KAFKA_ADMIN_OP_DELETETOPICS,
                                       RD_KAFKA_EVENT_DELETETOPICS_RESULT,
                                       [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                         rd_kafka_DeleteTopics(client_->get(), topics, 1, o, q);
                                       }));
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev.get()), &n);
  return TopicResultStatus(results, n);
}

Result<std::map<std::string, KafkaAdminClient::ConfigEntry>> KafkaAdminClient::DescribeTopicConfig(
    const std::string& name) {
  std::unique_ptr<rd_kafka_ConfigResource_t, ResourceDeleter> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  ASSIGN_OR_RETURN(Event ev, AdminCall(client_->get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
                                       RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT,
                                       [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                         rd_kafka_DescribeConfigs(client_->get(), resources, 1, o,
                                                                  q);
                                       }));
  size_t n = 0;
  const rd_kafka_ConfigResource_t** out = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
  RETURN_IF_ERROR(ResourceStatus(out, n, name));
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(out[0], &count);
  std::map<std::string, ConfigEntry> config;
  for (size_t i = 0; i < count; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    config[rd_kafka_ConfigEntry_name(entries[i])] = {value != nullptr ? value : "",
                                                     rd_kafka_ConfigEntry_source(entries[i])};
  }
  return config;
}

Status KafkaAdminClient::ReplaceTopicOverrides(const std::string& name,
                                               const log::ConfigMap& overrides) {
  std::unique_ptr<rd_kafka_ConfigResource_t, ResourceDeleter> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
  for (const auto& [key, value] : overrides) {
    rd_kafka_resp_err_t e =
        rd_kafka_ConfigResource_set_config(resource.get(), key.c_str(), value.c_str());
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaStatus(e);
  }
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  ASSIGN_OR_RETURN(Event ev, AdminCall(client_->get(), RD_KAFKA_ADMIN_OP_ALTERCONFIGS,
                                       RD_KAFKA_EVENT_ALTERCONFIGS_RESULT,
                                       [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                         rd_kafka_AlterConfigs(client_->get(), resources, 1, o, q);
                                       }));
  size_t n = 0;
  const rd_kafka_ConfigResource_t** out =
      rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev.get()), &n);
  return ResourceStatus(out, n, name);
}

Result<std::pair<Offset, Offset>> KafkaAdminClient::Watermarks(const std::string& topic,
                                                               PartitionId partition) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      client_->get(), topic.c_str(), partition.value(), &low, &high, kKafkaRequestTimeoutMs);
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return absl::NotFoundError(NotFoundMessage(topic));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaStatus(
        err, fmt::format("offsets of {}-{}: {}", topic, partition, rd_kafka_err2str(err)));
  }
  return std::pair{Offset(low), Offset(high)};
}

Result<std::optional<Offset>> KafkaAdminClient::OffsetForTimestamp(const std::string& topic,
                                                                   PartitionId partition,
                                                                   TimestampMs ts) {
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
      rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition.value())->offset =
      ts.value();
  rd_kafka_resp_err_t err =
      rd_kafka_offsets_for_times(client_->get(), list.get(), kKafkaRequestTimeoutMs);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return absl::NotFoundError(NotFoundMessage(topic));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaStatus(err);
  int64_t offset = list->elems[0].offset;
  if (offset < 0) return std::optional<Offset>();  // no record at or after ts
  return std::optional<Offset>(Offset(offset));
}

}  // namespace oxbow::server
