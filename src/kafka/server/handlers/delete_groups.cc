// DeleteGroups (key 42): deletes empty groups and their committed offsets (tombstones in
// __consumer_offsets, appended durably before the answer).
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::DeleteGroupsRequest;
using protocol::DeleteGroupsResponse;

class DeleteGroupsHandler final : public MessageHandler<DeleteGroupsRequest, DeleteGroupsResponse> {
 public:
  explicit DeleteGroupsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "DeleteGroups"; }

 protected:
  boost::asio::awaitable<std::optional<DeleteGroupsResponse>> Process(RequestContext& rc,
                                                                      DeleteGroupsRequest& req,
                                                                      ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      DeleteGroupsResponse resp;
      for (const std::string& id : req.groups_names) {
        ErrorCode e = ctx_.groups->DeleteGroup(id, groups::SteadyNowMs());
        resp.results.push_back({id, Code(e)});
      }
      return resp;
    });
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeDeleteGroupsHandler(const HandlerContext& ctx) {
  return std::make_unique<DeleteGroupsHandler>(ctx);
}

}  // namespace oxbow::kafka
