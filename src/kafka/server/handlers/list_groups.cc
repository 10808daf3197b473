// ListGroups (key 16): every group with members or committed offsets.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::ListGroupsRequest;
using protocol::ListGroupsResponse;

class ListGroupsHandler final : public MessageHandler<ListGroupsRequest, ListGroupsResponse> {
 public:
  explicit ListGroupsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "ListGroups"; }

 protected:
  boost::asio::awaitable<std::optional<ListGroupsResponse>> Process(RequestContext&,
                                                                    ListGroupsRequest&,
                                                                    ResponseStorage&) override {
    ListGroupsResponse resp;
    if (!ctx_.groups->available()) {
      resp.error_code = Code(ErrorCode::kCoordinatorNotAvailable);
      co_return resp;
    }
    for (const groups::GroupListing& g : ctx_.groups->List(groups::SteadyNowMs())) {
      resp.groups.push_back({g.group_id, g.protocol_type});
    }
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeListGroupsHandler(const HandlerContext& ctx) {
  return std::make_unique<ListGroupsHandler>(ctx);
}

}  // namespace oxbow::kafka
