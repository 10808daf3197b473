// ListOffsets (key 2): the offset for a timestamp — -1 latest (the high watermark), -2
// earliest (the log start offset), otherwise the first offset whose record timestamp is at
// or after it (-1 when there is none), as consumers' offsets-for-times and auto.offset.reset
// use it.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::ListOffsetsRequest;
using protocol::ListOffsetsResponse;

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;

class ListOffsetsHandler final : public MessageHandler<ListOffsetsRequest, ListOffsetsResponse> {
 public:
  explicit ListOffsetsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "ListOffsets"; }

 protected:
  boost::asio::awaitable<std::optional<ListOffsetsResponse>> Process(RequestContext& rc,
                                                                     ListOffsetsRequest& req,
                                                                     ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] { return List(req); });
  }

 private:
  ListOffsetsResponse List(const ListOffsetsRequest& req) {
    ListOffsetsResponse resp;
    for (const auto& t : req.topics) {
      ListOffsetsResponse::ListOffsetsTopicResponse tr;
      tr.name = t.name;
      for (const auto& p : t.partitions) {
        ListOffsetsResponse::ListOffsetsTopicResponse::ListOffsetsPartitionResponse pr;
        pr.partition_index = p.partition_index;
        auto part = ctx_.log->GetPartition(t.name, PartitionId(p.partition_index));
        if (!part.ok()) {
          pr.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        } else if (p.timestamp == kLatest) {
          pr.offset = (*part)->high_watermark().value();
        } else if (p.timestamp == kEarliest) {
          pr.offset = (*part)->log_start_offset().value();
        } else {
          auto found = (*part)->OffsetForTimestamp(TimestampMs(p.timestamp));
          if (!found.ok()) {
            pr.error_code = Code(ErrorCodeFor(found.status()));
          } else if (found->has_value()) {
            pr.offset = (*found)->first.value();
            pr.timestamp = (*found)->second.value();
          }
        }
        tr.partitions.push_back(pr);
      }
      resp.topics.push_back(std::move(tr));
    }
    return resp;
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeListOffsetsHandler(const HandlerContext& ctx) {
  return std::make_unique<ListOffsetsHandler>(ctx);
}

}  // namespace oxbow::kafka
