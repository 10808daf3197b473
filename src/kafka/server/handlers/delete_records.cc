// DeleteRecords (key 21): advances each partition's log start offset (offset -1: the high
// watermark), durably; whole segments below it are deleted. Answers the new low watermark.
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::DeleteRecordsRequest;
using protocol::DeleteRecordsResponse;

class DeleteRecordsHandler final
    : public MessageHandler<DeleteRecordsRequest, DeleteRecordsResponse> {
 public:
  explicit DeleteRecordsHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "DeleteRecords"; }

 protected:
  boost::asio::awaitable<std::optional<DeleteRecordsResponse>> Process(RequestContext& rc,
                                                                       DeleteRecordsRequest& req,
                                                                       ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] {
      DeleteRecordsResponse resp;
      for (const auto& t : req.topics) {
        DeleteRecordsResponse::DeleteRecordsTopicResult tr;
        tr.name = t.name;
        for (const auto& p : t.partitions) {
          DeleteRecordsResponse::DeleteRecordsTopicResult::DeleteRecordsPartitionResult pr;
          pr.partition_index = p.partition_index;
          pr.low_watermark = -1;
          auto part = ctx_.log->GetPartition(t.name, PartitionId(p.partition_index));
          if (!part.ok()) {
            pr.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
          } else {
            Offset target = p.offset == -1 ? (*part)->high_watermark() : Offset(p.offset);
            Result<Offset> lso = (*part)->DeleteRecordsBefore(target);
            if (lso.ok()) {
              pr.low_watermark = lso->value();
            } else {
              pr.error_code = Code(ErrorCodeFor(lso.status()));
            }
          }
          tr.partitions.push_back(pr);
        }
        resp.topics.push_back(std::move(tr));
      }
      return resp;
    });
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeDeleteRecordsHandler(const HandlerContext& ctx) {
  return std::make_unique<DeleteRecordsHandler>(ctx);
}

}  // namespace oxbow::kafka
