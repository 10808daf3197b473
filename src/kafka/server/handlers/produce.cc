// Produce (key 0): appends each partition's record batches to the log. The log validates
// them (framing, CRC, records, max.message.bytes) and assigns offsets; errors come back per
// partition with Kafka's codes. acks=0 gets no response; acks=1 and acks=all (-1) are the
// same on a single broker: the response is sent once the append is durable per the
// topic's flush policy (fsync per append by default).
#include "base/logging.h"
#include "net/blocking_pool.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"

namespace oxbow::kafka {
namespace {

using protocol::ProduceRequest;
using protocol::ProduceResponse;

class ProduceHandler final : public MessageHandler<ProduceRequest, ProduceResponse> {
 public:
  explicit ProduceHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "Produce"; }

 protected:
  boost::asio::awaitable<std::optional<ProduceResponse>> Process(RequestContext& rc,
                                                                 ProduceRequest& req,
                                                                 ResponseStorage&) override {
    ProduceResponse resp = co_await rc.blocking->Run([&] { return Append(rc, req); });
    if (req.acks == 0) co_return std::nullopt;
    co_return resp;
  }

 private:
  ProduceResponse Append(const RequestContext& rc, const ProduceRequest& req) {
    ProduceResponse resp;
    bool valid_acks = req.acks == 0 || req.acks == 1 || req.acks == -1;
    for (const auto& topic : req.topic_data) {
      ProduceResponse::TopicProduceResponse tr;
      tr.name = topic.name;
      for (const auto& pd : topic.partition_data) {
        ProduceResponse::TopicProduceResponse::PartitionProduceResponse pr;
        pr.index = pd.index;
        pr.base_offset = -1;
        if (!valid_acks) {
          pr.error_code = Code(ErrorCode::kInvalidRequiredAcks);
        } else {
          AppendOne(rc, topic.name, pd, pr);
        }
        tr.partition_responses.push_back(pr);
      }
      resp.responses.push_back(std::move(tr));
    }
    return resp;
  }

  void AppendOne(const RequestContext& rc, const std::string& topic,
                 const ProduceRequest::TopicProduceData::PartitionProduceData& pd,
                 ProduceResponse::TopicProduceResponse::PartitionProduceResponse& pr) {
    Result<std::shared_ptr<log::Partition>> p =
        ctx_.log->GetPartition(topic, PartitionId(pd.index));
    if (!p.ok()) {
      pr.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      return;
    }
    if (!pd.records || pd.records->empty()) {
      pr.error_code = Code(ErrorCode::kCorruptMessage);
      return;
    }
    // The records are a view into this request's buffer, owned by the connection and used
    // by nothing else: the log edits the batches in place (offsets), sparing a copy.
    MutableByteView records(const_cast<uint8_t*>(pd.records->data()), pd.records->size());
    Result<log::AppendResult> r = (*p)->Append(records, log::NowMs());
    if (!r.ok()) {
      pr.error_code = Code(ErrorCodeFor(r.status()));
      OXBOW_LOG_DEBUG("produce to {}-{} from {} refused: {}", topic, pd.index, rc.peer,
                      r.status().message());
      return;
    }
    pr.base_offset = r->base_offset.value();
    pr.log_append_time_ms = r->log_append_time.value();
    pr.log_start_offset = r->log_start_offset.value();
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeProduceHandler(const HandlerContext& ctx) {
  return std::make_unique<ProduceHandler>(ctx);
}

}  // namespace oxbow::kafka
