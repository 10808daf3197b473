// Heartbeat (key 12): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
// rejoin.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::HeartbeatRequest;
using protocol::HeartbeatResponse;

class HeartbeatHandler final : public MessageHandler<HeartbeatRequest, HeartbeatResponse> {
 public:
  explicit HeartbeatHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "Heartbeat"; }

 protected:
  boost::asio::awaitable<std::optional<HeartbeatResponse>> Process(RequestContext&,
                                                                   HeartbeatRequest& req,
                                                                   ResponseStorage&) override {
    HeartbeatResponse resp;
    resp.error_code =
        Code(ctx_.groups->Heartbeat(req.group_id, req.generation_id,
                                    {req.member_id, req.group_instance_id}, groups::SteadyNowMs()));
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeHeartbeatHandler(const HandlerContext& ctx) {
  return std::make_unique<HeartbeatHandler>(ctx);
}

}  // namespace oxbow::kafka
