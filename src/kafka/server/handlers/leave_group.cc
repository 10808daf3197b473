// LeaveGroup (key 13): members leave (a consumer closing); the others rebalance at once
// instead of after a session timeout. v3+ leaves several members, static ones by instance id.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::LeaveGroupRequest;
using protocol::LeaveGroupResponse;

class LeaveGroupHandler final : public MessageHandler<LeaveGroupRequest, LeaveGroupResponse> {
 public:
  explicit LeaveGroupHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "LeaveGroup"; }

 protected:
  boost::asio::awaitable<std::optional<LeaveGroupResponse>> Process(RequestContext& rc,
                                                                    LeaveGroupRequest& req,
                                                                    ResponseStorage&) override {
    std::vector<groups::MemberIdentity> who;
    if (rc.api_version >= 3) {
      for (const auto& m : req.members) who.push_back({m.member_id, m.group_instance_id});
    } else {
      who.push_back({req.member_id, std::nullopt});
    }
    std::vector<ErrorCode> errors;
    ErrorCode top = ctx_.groups->Leave(req.group_id, who, groups::SteadyNowMs(), &errors);
    LeaveGroupResponse resp;
    if (rc.api_version >= 3 && top != ErrorCode::kCoordinatorNotAvailable) {
      // v3: per-member errors; the top level reports only group-wide failures.
      for (size_t i = 0; i < who.size(); ++i) {
        resp.members.push_back({who[i].member_id, who[i].group_instance_id, Code(errors[i])});
      }
    } else {
      resp.error_code = Code(top != ErrorCode::kNone ? top : errors.at(0));
    }
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeLeaveGroupHandler(const HandlerContext& ctx) {
  return std::make_unique<LeaveGroupHandler>(ctx);
}

}  // namespace oxbow::kafka
