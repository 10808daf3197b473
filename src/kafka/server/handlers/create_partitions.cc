// CreatePartitions (key 37): grows a topic to `count` partitions (validate_only checks
// only). Manual assignments are refused: there is one broker.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::CreatePartitionsRequest;
using protocol::CreatePartitionsResponse;

class CreatePartitionsHandler final
    : public MessageHandler<CreatePartitionsRequest, CreatePartitionsResponse> {
 public:
  explicit CreatePartitionsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "CreatePartitions"; }

 protected:
  boost::asio::awaitable<std::optional<CreatePartitionsResponse>> Process(
      RequestContext& rc, CreatePartitionsRequest& req, ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      CreatePartitionsResponse resp;
      for (const auto& t : req.topics) {
        auto [code, message] = Grow(t, req.validate_only);
        resp.results.push_back(
            {t.name, Code(code),
             code == ErrorCode::kNone ? std::nullopt : std::optional<std::string>(message)});
      }
      return resp;
    });
  }

 private:
  std::pair<ErrorCode, std::string> Grow(const CreatePartitionsRequest::CreatePartitionsTopic& t,
                                         bool validate_only) {
    Result<int32_t> current = ctx_.log->PartitionCount(t.name);
    if (!current.ok()) {
      return {ErrorCode::kUnknownTopicOrPartition, std::string(current.status().message())};
    }
    if (t.assignments && !t.assignments->empty()) {
      return {ErrorCode::kInvalidReplicaAssignment,
              "manual replica assignment is not supported by a single broker; omit it"};
    }
    if (t.count <= *current) {
      return {ErrorCode::kInvalidPartitions,
              fmt::format("topic '{}' has {} partitions; the new count must be larger, got {}",
                          t.name, *current, t.count)};
    }
    if (validate_only) return {ErrorCode::kNone, ""};
    Status s = ctx_.log->CreatePartitions(t.name, t.count);
    if (s.ok()) return {ErrorCode::kNone, ""};
    return {
        absl::IsInvalidArgument(s) ? ErrorCode::kInvalidPartitions : ErrorCode::kUnknownServerError,
        std::string(s.message())};
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeCreatePartitionsHandler(const HandlerContext& ctx) {
  return std::make_unique<CreatePartitionsHandler>(ctx);
}

}  // namespace oxbow::kafka
