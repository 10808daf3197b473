// CreateTopics (key 19): partitions (-1: the server default), replication factor 1 (or -1:
// this single broker), topic configs validated by the log (retention.ms, cleanup.policy, …),
// validate_only. Each topic gets its own error code and message.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "log/topic_config.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::CreateTopicsRequest;
using protocol::CreateTopicsResponse;

class CreateTopicsHandler final : public MessageHandler<CreateTopicsRequest, CreateTopicsResponse> {
 public:
  explicit CreateTopicsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "CreateTopics"; }

 protected:
  boost::asio::awaitable<std::optional<CreateTopicsResponse>> Process(RequestContext& rc,
                                                                      CreateTopicsRequest& req,
                                                                      ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] { return Create(req); });
  }

 private:
  CreateTopicsResponse Create(const CreateTopicsRequest& req) {
    CreateTopicsResponse resp;
    for (const auto& t : req.topics) {
      CreateTopicsResponse::CreatableTopicResult r;
      r.name = t.name;
      auto [code, message] = CreateOne(t, req.validate_only);
      r.error_code = Code(code);
      if (code != ErrorCode::kNone) r.error_message = message;
      resp.topics.push_back(std::move(r));
    }
    return resp;
  }

  std::pair<ErrorCode, std::string> CreateOne(const CreateTopicsRequest::CreatableTopic& t,
                                              bool validate_only) {
    if (Status s = log::ValidateTopicName(t.name); !s.ok()) {
      return {ErrorCode::kInvalidTopicException, std::string(s.message())};
    }
    if (t.replication_factor != -1 && t.replication_factor != 1) {
      return {ErrorCode::kInvalidReplicationFactor,
              fmt::format("replication factor {} is larger than the number of brokers (1)",
                          t.replication_factor)};
    }
    if (!t.assignments.empty()) {
      return {ErrorCode::kInvalidReplicaAssignment,
              "manual replica assignment is not supported by a single broker; omit it"};
    }
    if (t.num_partitions == 0 || t.num_partitions < -1) {
      return {ErrorCode::kInvalidPartitions,
              fmt::format("invalid number of partitions {}", t.num_partitions)};
    }
    log::ConfigMap configs;
    for (const auto& c : t.configs) {
      if (c.value) configs[c.name] = *c.value;
    }
    log::TopicConfig check = ctx_.log->options().defaults;
    if (Status s = check.Apply(configs); !s.ok()) {
      return {ErrorCode::kInvalidConfig, std::string(s.message())};
    }
    if (ctx_.log->HasTopic(t.name)) {
      return {ErrorCode::kTopicAlreadyExists, fmt::format("topic '{}' already exists", t.name)};
    }
    if (validate_only) return {ErrorCode::kNone, ""};
    Status s = ctx_.log->CreateTopic(t.name, t.num_partitions, configs);
    if (s.ok()) return {ErrorCode::kNone, ""};
    ErrorCode code = absl::IsAlreadyExists(s)     ? ErrorCode::kTopicAlreadyExists
                     : absl::IsInvalidArgument(s) ? ErrorCode::kInvalidRequest
                                                  : ErrorCode::kUnknownServerError;
    return {code, std::string(s.message())};
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeCreateTopicsHandler(const HandlerContext& ctx) {
  return std::make_unique<CreateTopicsHandler>(ctx);
}

}  // namespace oxbow::kafka
