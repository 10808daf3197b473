// DeleteTopics (key 20): deletes each named topic and its data.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::DeleteTopicsRequest;
using protocol::DeleteTopicsResponse;

class DeleteTopicsHandler final : public MessageHandler<DeleteTopicsRequest, DeleteTopicsResponse> {
 public:
  explicit DeleteTopicsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "DeleteTopics"; }

 protected:
  boost::asio::awaitable<std::optional<DeleteTopicsResponse>> Process(RequestContext& rc,
                                                                      DeleteTopicsRequest& req,
                                                                      ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      DeleteTopicsResponse resp;
      for (const std::string& name : req.topic_names) {
        Status s = ctx_.log->DeleteTopic(name);
        ErrorCode code = s.ok()                ? ErrorCode::kNone
                         : absl::IsNotFound(s) ? ErrorCode::kUnknownTopicOrPartition
                                               : ErrorCode::kUnknownServerError;
        resp.responses.push_back({name, Code(code)});
      }
      return resp;
    });
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeDeleteTopicsHandler(const HandlerContext& ctx) {
  return std::make_unique<DeleteTopicsHandler>(ctx);
}

}  // namespace oxbow::kafka
