// AlterConfigs (key 33): replaces a topic's config overrides with the given set, as Kafka's
// (non-incremental) AlterConfigs does: keys not listed return to their defaults. Values are
// validated by the log; validate_only checks without changing anything. Broker configs are
// static (flags, environment, config file) and cannot be altered here.
#include "kafka/server/handlers/broker_configs.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::AlterConfigsRequest;
using protocol::AlterConfigsResponse;

class AlterConfigsHandler final : public MessageHandler<AlterConfigsRequest, AlterConfigsResponse> {
 public:
  explicit AlterConfigsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "AlterConfigs"; }

 protected:
  boost::asio::awaitable<std::optional<AlterConfigsResponse>> Process(RequestContext& rc,
                                                                      AlterConfigsRequest& req,
                                                                      ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      AlterConfigsResponse resp;
      for (const auto& r : req.resources) {
        auto [code, message] = Alter(r, req.validate_only);
        resp.responses.push_back(
            {Code(code),
             code == ErrorCode::kNone ? std::nullopt : std::optional<std::string>(message),
             r.resource_type, r.resource_name});
      }
      return resp;
    });
  }

 private:
  std::pair<ErrorCode, std::string> Alter(const AlterConfigsRequest::AlterConfigsResource& r,
                                          bool validate_only) {
    if (r.resource_type == kResourceBroker) {
      return {ErrorCode::kInvalidRequest,
              "broker configs are static: set them with oxbow serve's flags, OXBOW_* variables "
              "or the config file"};
    }
    if (r.resource_type != kResourceTopic) {
      return {ErrorCode::kInvalidRequest,
              fmt::format("unsupported resource type {}", r.resource_type)};
    }
    Result<log::TopicInfo> info = ctx_.log->DescribeTopic(r.resource_name);
    if (!info.ok()) {
      return {ErrorCode::kUnknownTopicOrPartition, std::string(info.status().message())};
    }
    log::ConfigMap wanted;
    for (const auto& c : r.configs) {
      if (c.value) wanted[c.name] = *c.value;
    }
    log::TopicConfig check = ctx_.log->options().defaults;
    if (Status s = check.Apply(wanted); !s.ok()) {
      return {ErrorCode::kInvalidConfig, std::string(s.message())};
    }
    if (validate_only) return {ErrorCode::kNone, ""};
    log::ConfigMap changes = wanted;
    for (const auto& [key, value] : info->overrides) {
      if (!wanted.contains(key)) changes[key] = "";  // back to the default
    }
    Status s = ctx_.log->AlterTopicConfig(r.resource_name, changes);
    if (s.ok()) return {ErrorCode::kNone, ""};
    return {absl::IsInvalidArgument(s) ? ErrorCode::kInvalidConfig : ErrorCode::kUnknownServerError,
            std::string(s.message())};
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeAlterConfigsHandler(const HandlerContext& ctx) {
  return std::make_unique<AlterConfigsHandler>(ctx);
}

}  // namespace oxbow::kafka
