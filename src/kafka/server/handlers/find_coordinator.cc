// FindCoordinator (key 10): this broker coordinates every group. Transactions are not
// supported: a transaction coordinator (key_type 1) is answered UNSUPPORTED_VERSION, as
// InitProducerId with a transactional id is (init_producer_id.cc), so that transactional
// clients fail at once instead of retrying until they time out.
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
      resp.error_code = Code(ErrorCode::kUnsupportedVersion);
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
