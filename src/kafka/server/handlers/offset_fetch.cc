// OffsetFetch (key 9): committed offsets from memory (loaded from __consumer_offsets at
// start); -1 for a partition without one. v2+: a null topic list asks for every partition
// the group committed for.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::OffsetFetchRequest;
using protocol::OffsetFetchResponse;
using TopicResponse = OffsetFetchResponse::OffsetFetchResponseTopic;
using PartitionResponse = TopicResponse::OffsetFetchResponsePartition;

class OffsetFetchHandler final : public MessageHandler<OffsetFetchRequest, OffsetFetchResponse> {
 public:
  explicit OffsetFetchHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "OffsetFetch"; }

 protected:
  boost::asio::awaitable<std::optional<OffsetFetchResponse>> Process(RequestContext&,
                                                                     OffsetFetchRequest& req,
                                                                     ResponseStorage&) override {
    OffsetFetchResponse resp;
    ErrorCode error = ErrorCode::kNone;
    if (!ctx_.groups->available()) error = ErrorCode::kCoordinatorNotAvailable;
    if (req.group_id.empty()) error = ErrorCode::kInvalidGroupId;
    resp.error_code = Code(error);
    if (!req.topics) {
      if (error != ErrorCode::kNone) co_return resp;
      for (const auto& [tp, c] : ctx_.groups->FetchOffsets(req.group_id)) {
        if (resp.topics.empty() || resp.topics.back().name != tp.first) {
          resp.topics.emplace_back().name = tp.first;
        }
        resp.topics.back().partitions.push_back(Answer(tp.second, c));
      }
      co_return resp;
    }
    for (const auto& t : *req.topics) {
      TopicResponse& tr = resp.topics.emplace_back();
      tr.name = t.name;
      for (int32_t p : t.partition_indexes) {
        PartitionResponse pr;
        pr.partition_index = p;
        pr.committed_offset = -1;
        pr.metadata = "";
        pr.error_code = Code(error);
        if (error == ErrorCode::kNone) {
          if (auto c = ctx_.groups->FetchOffset(req.group_id, {t.name, p})) pr = Answer(p, *c);
        }
        tr.partitions.push_back(std::move(pr));
      }
    }
    co_return resp;
  }

 private:
  static PartitionResponse Answer(int32_t partition, const groups::CommittedOffset& c) {
    PartitionResponse pr;
    pr.partition_index = partition;
    pr.committed_offset = c.offset;
    pr.committed_leader_epoch = c.leader_epoch;
    pr.metadata = c.metadata;
    return pr;
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeOffsetFetchHandler(const HandlerContext& ctx) {
  return std::make_unique<OffsetFetchHandler>(ctx);
}

}  // namespace oxbow::kafka
