// DescribeConfigs (key 32): a topic's effective configuration (overrides marked as topic
// configs, server-wide defaults the configuration sets as static broker configs, the rest as
// defaults) or the broker's topic defaults under Kafka's broker names
// (log.retention.ms, …) plus num.partitions and auto.create.topics.enable.
#include "kafka/server/handlers/broker_configs.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::DescribeConfigsRequest;
using protocol::DescribeConfigsResponse;
using Result_ = DescribeConfigsResponse::DescribeConfigsResult;
using Entry = Result_::DescribeConfigsResourceResult;

class DescribeConfigsHandler final
    : public MessageHandler<DescribeConfigsRequest, DescribeConfigsResponse> {
 public:
  explicit DescribeConfigsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "DescribeConfigs"; }

 protected:
  boost::asio::awaitable<std::optional<DescribeConfigsResponse>> Process(
      RequestContext& rc, DescribeConfigsRequest& req, ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      DescribeConfigsResponse resp;
      for (const auto& r : req.resources) resp.results.push_back(Describe(r, req.include_synonyms));
      return resp;
    });
  }

 private:
  static bool Wanted(const DescribeConfigsRequest::DescribeConfigsResource& r,
                     std::string_view key) {
    if (!r.configuration_keys) return true;
    for (const auto& k : *r.configuration_keys) {
      if (k == key) return true;
    }
    return false;
  }

  static Entry MakeEntry(std::string name, std::string value, int8_t source, bool synonyms) {
    Entry e;
    e.name = std::move(name);
    e.value = value;
    e.read_only = source != kSourceTopicOverride && source != kSourceDefault;
    e.is_default = source == kSourceDefault;
    e.config_source = source;
    e.is_sensitive = false;
    if (synonyms) e.synonyms.push_back({e.name, e.value, source});
    return e;
  }

  Result_ Describe(const DescribeConfigsRequest::DescribeConfigsResource& r, bool synonyms) {
    Result_ out;
    out.resource_type = r.resource_type;
    out.resource_name = r.resource_name;
    if (r.resource_type == kResourceTopic) {
      Result<log::TopicInfo> info = ctx_.log->DescribeTopic(r.resource_name);
      if (!info.ok()) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        out.error_message = std::string(info.status().message());
        return out;
      }
      for (const auto& [key, value] : info->config.ToMap()) {
        if (!Wanted(r, key)) continue;
        int8_t source = info->overrides.contains(key)                       ? kSourceTopicOverride
                        : ctx_.options->configured_topic_keys.contains(key) ? kSourceStaticBroker
                                                                            : kSourceDefault;
        Entry e = MakeEntry(key, value, source, synonyms);
        e.read_only = false;  // any topic config can be overridden, whatever its source
        out.configs.push_back(std::move(e));
      }
      return out;
    }
    if (r.resource_type == kResourceBroker) {
      if (r.resource_name != std::to_string(ctx_.options->node_id) && !r.resource_name.empty()) {
        out.error_code = Code(ErrorCode::kInvalidRequest);
        out.error_message =
            fmt::format("this is broker {}, not broker {}", ctx_.options->node_id, r.resource_name);
        return out;
      }
      // Broker settings come from flags, environment or the config file: read-only here.
      for (const auto& [key, value] : ctx_.log->options().defaults.ToMap()) {
        std::string broker_key(BrokerKeyFor(key));
        if (!broker_key.empty() && Wanted(r, broker_key)) {
          out.configs.push_back(MakeEntry(broker_key, value, kSourceStaticBroker, synonyms));
        }
      }
      if (Wanted(r, "num.partitions")) {
        out.configs.push_back(MakeEntry("num.partitions",
                                        std::to_string(ctx_.log->options().default_partitions),
                                        kSourceStaticBroker, synonyms));
      }
      if (Wanted(r, "auto.create.topics.enable")) {
        out.configs.push_back(MakeEntry("auto.create.topics.enable",
                                        ctx_.options->auto_create_topics ? "true" : "false",
                                        kSourceStaticBroker, synonyms));
      }
      return out;
    }
    out.error_code = Code(ErrorCode::kInvalidRequest);
    out.error_message = fmt::format(
        "unsupported resource type {}: only topics (2) and the "
        "broker (4) have configs",
        r.resource_type);
    return out;
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeDescribeConfigsHandler(const HandlerContext& ctx) {
  return std::make_unique<DescribeConfigsHandler>(ctx);
}

}  // namespace oxbow::kafka
