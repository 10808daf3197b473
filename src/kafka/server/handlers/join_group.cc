// JoinGroup (key 11): joins a consumer group; the answer waits until the rebalance's join
// phase ends (GroupWait). v4+: a new member first gets MEMBER_ID_REQUIRED with its id
// (KIP-394). v5+: static members (group.instance.id, KIP-345).
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/group_wait.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::JoinGroupRequest;
using protocol::JoinGroupResponse;
namespace asio = boost::asio;

class JoinGroupHandler final : public MessageHandler<JoinGroupRequest, JoinGroupResponse> {
 public:
  explicit JoinGroupHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "JoinGroup"; }

 protected:
  asio::awaitable<std::optional<JoinGroupResponse>> Process(RequestContext& rc,
                                                            JoinGroupRequest& req,
                                                            ResponseStorage& storage) override {
    groups::JoinParams p;
    p.group_id = req.group_id;
    p.member_id = req.member_id;
    p.group_instance_id = req.group_instance_id;
    p.client_id = rc.client_id.value_or("");
    p.client_host = ClientHost(rc.peer);
    p.protocol_type = req.protocol_type;
    for (const auto& proto : req.protocols) {
      p.protocols.push_back({proto.name, {proto.metadata.begin(), proto.metadata.end()}});
    }
    p.session_timeout_ms = req.session_timeout_ms;
    p.rebalance_timeout_ms = req.rebalance_timeout_ms;
    p.require_known_member_id = rc.api_version >= 4;
    GroupWait wait(asio::make_strand(co_await asio::this_coro::executor));
    auto slot = std::make_shared<groups::JoinSlot>(wait.Waker());
    ctx_.groups->Join(p, groups::SteadyNowMs(), slot);
    groups::JoinResult r = co_await wait.Wait(*ctx_.groups, req.group_id, *slot);
    JoinGroupResponse resp;
    resp.error_code = Code(r.error);
    resp.generation_id = r.generation;
    resp.protocol_name = r.protocol_name;
    resp.leader = r.leader;
    resp.member_id = r.member_id;
    for (groups::JoinedMember& m : r.members) {
      std::vector<uint8_t>& md = storage.buffers.emplace_back(std::move(m.metadata));
      resp.members.push_back({m.member_id, m.group_instance_id, ByteView(md.data(), md.size())});
    }
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeJoinGroupHandler(const HandlerContext& ctx) {
  return std::make_unique<JoinGroupHandler>(ctx);
}

}  // namespace oxbow::kafka
