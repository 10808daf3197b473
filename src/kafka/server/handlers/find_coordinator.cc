// FindCoordinator (key 10): this broker coordinates every group. Transaction coordinators
// (key_type 1) do not exist yet.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::FindCoordinatorRequest;
using protocol::FindCoordinatorResponse;

class FindCoordinatorHandler final
    : public MessageHandler<FindCoordinatorRequest, FindCoordinatorResponse> {
 public:
  explicit FindCoordinatorHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "FindCoordinator"; }

 protected:
  boost::asio::awaitable<std::optional<FindCoordinatorResponse>> Process(
      RequestContext&, FindCoordinatorRequest& req, ResponseStorage&) override {
    FindCoordinatorResponse resp;
    resp.node_id = -1;
    resp.port = -1;
    if (req.key_type != 0) {
      resp.error_code = Code(ErrorCode::kCoordinatorNotAvailable);
      resp.error_message = "transactions are not supported";
    } else if (!ctx_.groups->available()) {
      resp.error_code = Code(ErrorCode::kCoordinatorNotAvailable);
      resp.error_message = "committed offsets are not loaded";
    } else {
      BrokerAddress self = ctx_.advertised();
      resp.node_id = self.node_id;
      resp.host = self.host;
      resp.port = self.port;
    }
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeFindCoordinatorHandler(const HandlerContext& ctx) {
  return std::make_unique<FindCoordinatorHandler>(ctx);
}

}  // namespace oxbow::kafka
