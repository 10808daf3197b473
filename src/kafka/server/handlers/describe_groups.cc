// DescribeGroups (key 15): state, protocol and members of groups (kafka-consumer-groups
// --describe). An unknown group is answered with state "Dead", as Kafka does.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::DescribeGroupsRequest;
using protocol::DescribeGroupsResponse;

class DescribeGroupsHandler final
    : public MessageHandler<DescribeGroupsRequest, DescribeGroupsResponse> {
 public:
  explicit DescribeGroupsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "DescribeGroups"; }

 protected:
  boost::asio::awaitable<std::optional<DescribeGroupsResponse>> Process(
      RequestContext&, DescribeGroupsRequest& req, ResponseStorage& storage) override {
    DescribeGroupsResponse resp;
    for (const std::string& id : req.groups) {
      groups::GroupDescription d = ctx_.groups->Describe(id, groups::SteadyNowMs());
      auto& g = resp.groups.emplace_back();
      g.error_code = Code(d.error);
      g.group_id = d.group_id;
      g.group_state = d.state;
      g.protocol_type = d.protocol_type;
      g.protocol_data = d.protocol;
      for (groups::MemberDescription& m : d.members) {
        auto& md = g.members.emplace_back();
        md.member_id = m.member_id;
        md.group_instance_id = m.group_instance_id;
        md.client_id = m.client_id;
        md.client_host = m.client_host;
        std::vector<uint8_t>& meta = storage.buffers.emplace_back(std::move(m.metadata));
        md.member_metadata = ByteView(meta.data(), meta.size());
        std::vector<uint8_t>& a = storage.buffers.emplace_back(std::move(m.assignment));
        md.member_assignment = ByteView(a.data(), a.size());
      }
    }
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeDescribeGroupsHandler(const HandlerContext& ctx) {
  return std::make_unique<DescribeGroupsHandler>(ctx);
}

}  // namespace oxbow::kafka
