// OffsetCommit (key 8): checks the member and generation (GroupCoordinator::CheckCommit),
// then appends the offsets to __consumer_offsets and waits for the append to be durable
// before answering, so an acknowledged commit survives a crash.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "log/log_manager.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::OffsetCommitRequest;
using protocol::OffsetCommitResponse;

class OffsetCommitHandler final : public MessageHandler<OffsetCommitRequest, OffsetCommitResponse> {
 public:
  explicit OffsetCommitHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "OffsetCommit"; }
  // The expiry writes to the log, which must be left alone once the server has stopped.
  void Stopping() override {
    if (ctx_.offset_expirer) ctx_.offset_expirer->Stop();
  }

 protected:
  boost::asio::awaitable<std::optional<OffsetCommitResponse>> Process(RequestContext& rc,
                                                                      OffsetCommitRequest& req,
                                                                      ResponseStorage&) override {
    // v0 commits from outside any generation.
    int32_t generation = rc.api_version >= 1 ? req.generation_id : -1;
    ErrorCode check = ctx_.groups->CheckCommit(
        req.group_id, generation, {req.member_id, req.group_instance_id}, groups::SteadyNowMs());
    OffsetCommitResponse resp;
    std::vector<groups::OffsetCommit> commits;
    // Where each commit's error goes: topic index, partition index.
    std::vector<std::pair<size_t, size_t>> slots;
    int64_t now = log::NowMs().value();
    for (const auto& t : req.topics) {
      auto& tr = resp.topics.emplace_back();
      tr.name = t.name;
      for (const auto& p : t.partitions) {
        auto& pr = tr.partitions.emplace_back();
        pr.partition_index = p.partition_index;
        ErrorCode e = check;
        std::string metadata = p.committed_metadata.value_or("");
        if (e == ErrorCode::kNone && metadata.size() > kMaxMetadataBytes) {
          e = ErrorCode::kOffsetMetadataTooLarge;
        }
        if (e == ErrorCode::kNone &&
            !ctx_.log->GetPartition(t.name, PartitionId(p.partition_index)).ok()) {
          e = ErrorCode::kUnknownTopicOrPartition;
        }
        pr.error_code = Code(e);
        if (e != ErrorCode::kNone) continue;
        int64_t ts = rc.api_version == 1 && p.commit_timestamp >= 0 ? p.commit_timestamp : now;
        commits.push_back({{t.name, p.partition_index},
                           {p.committed_offset, p.committed_leader_epoch, metadata, ts}});
        slots.emplace_back(resp.topics.size() - 1, tr.partitions.size() - 1);
      }
    }
    if (commits.empty()) co_return resp;
    Status stored =
        co_await rc.blocking->Run([&] { return ctx_.groups->StoreOffsets(req.group_id, commits); });
    if (!stored.ok()) {
      for (const auto& [t, p] : slots) {
        resp.topics[t].partitions[p].error_code = Code(ErrorCode::kCoordinatorNotAvailable);
      }
    }
    co_return resp;
  }

 private:
  static constexpr size_t kMaxMetadataBytes = 4096;  // offset.metadata.max.bytes
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeOffsetCommitHandler(const HandlerContext& ctx) {
  return std::make_unique<OffsetCommitHandler>(ctx);
}

}  // namespace oxbow::kafka
