// GET /topics and GET /topics/{topic}, in Confluent REST Proxy v2's shapes.
#include "fmt/format.h"
#include "http/rest_proxy.h"
#include "nlohmann/json.hpp"

namespace oxbow::http {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kV2 = "application/vnd.kafka.v2+json";

}  // namespace

bool IsInternalTopic(std::string_view name) { return name.starts_with("__"); }

net::Response RestProxy::ListTopics() const {
  Json names = Json::array();
  for (const std::string& name : log_.ListTopics()) {
    if (!IsInternalTopic(name)) names.push_back(name);
  }
  return net::Response{200, kV2, names.dump(), {}};
}

net::Response RestProxy::DescribeTopic(std::string_view topic) const {
  Result<log::TopicInfo> info = log_.DescribeTopic(std::string(topic));
  if (!info.ok()) {
    if (info.status().code() != absl::StatusCode::kNotFound) {
      return RestError{500, std::string(ToStd(info.status().message()))}.ToResponse();
    }
    return RestError{kTopicNotFound, fmt::format("Topic {} not found", topic)}.ToResponse();
  }
  // "configs" are the topic's own overrides, as Confluent's v2 API reports them; one broker
  // leads every partition and is its only replica, in sync.
  Json configs = Json::object();
  for (const auto& [key, value] : info->overrides) configs[key] = value;
  Json partitions = Json::array();
  for (const log::PartitionInfo& p : info->partitions) {
    partitions.push_back(
        {{"partition", p.id.value()},
         {"leader", options_.node_id},
         {"replicas",
          Json::array({{{"broker", options_.node_id}, {"leader", true}, {"in_sync", true}}})}});
  }
  Json answer = {{"name", info->name}, {"configs", configs}, {"partitions", partitions}};
  return net::Response{200, kV2, answer.dump(), {}};
}

}  // namespace oxbow::http
