// SyncGroup (key 14): the leader hands in the assignment it computed; every member gets its
// own part. Followers wait for the leader (GroupWait).
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/group_wait.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::SyncGroupRequest;
using protocol::SyncGroupResponse;
namespace asio = boost::asio;

class SyncGroupHandler final : public MessageHandler<SyncGroupRequest, SyncGroupResponse> {
 public:
  explicit SyncGroupHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "SyncGroup"; }

 protected:
  asio::awaitable<std::optional<SyncGroupResponse>> Process(RequestContext&, SyncGroupRequest& req,
                                                            ResponseStorage& storage) override {
    std::map<std::string, std::vector<uint8_t>> assignments;
    for (const auto& a : req.assignments) {
      assignments[a.member_id].assign(a.assignment.begin(), a.assignment.end());
    }
    GroupWait wait(asio::make_strand(co_await asio::this_coro::executor));
    auto slot = std::make_shared<groups::SyncSlot>(wait.Waker());
    ctx_.groups->Sync(req.group_id, req.generation_id, {req.member_id, req.group_instance_id},
                      assignments, groups::SteadyNowMs(), slot);
    groups::SyncResult r = co_await wait.Wait(*ctx_.groups, req.group_id, *slot);
    SyncGroupResponse resp;
    resp.error_code = Code(r.error);
    std::vector<uint8_t>& a = storage.buffers.emplace_back(std::move(r.assignment));
    resp.assignment = ByteView(a.data(), a.size());
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeSyncGroupHandler(const HandlerContext& ctx) {
  return std::make_unique<SyncGroupHandler>(ctx);
}

}  // namespace oxbow::kafka
