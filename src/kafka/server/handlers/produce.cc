// Produce (key 0): appends each partition's record batches to the log. The log validates
// them (framing, CRC, records, max.message.bytes) and assigns offsets; errors come back per
// partition with Kafka's codes. acks=0 gets no response; acks=1 and acks=all (-1) are the
// same on a single broker: the response is sent once the append is durable per the
// topic's flush policy (fsync per append by default).
//
// Idempotent producers: the log checks their sequence numbers (log/producer_state.h). A
// retry of a batch already written is answered NONE with the original base offset, as
// Kafka does, once the original is durable (it may still await its fsync); refusals are
// OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or UNKNOWN_PRODUCER_ID.
//
// Two steps, so that a connection's pipelined Produce requests share fsyncs: the batches
// are written (in request order), the connection's order is released so that it reads and
// writes the next request, and only then does this request wait for its fsync (group
// commit, log/partition.h). Its response still goes out before the next one's.
// Small requests are written on the connection's own thread and queue their wait for the
// fsync there too; a pool thread runs the fsync rounds. At 10k requests/s each hand-off
// between threads costs more than the write itself, and on a busy machine far more.
#include "base/logging.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "kafka/server/handlers/produce_validation.h"
#include "net/blocking_pool.h"

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
    std::vector<Written> written;
    ProduceResponse resp;
    if (CanWriteInline(req)) {
      // A small write goes to the page cache in microseconds: done here, it spares two
      // thread hand-offs, which on a busy machine cost more than the write.
      resp = Write(rc, req, written);
    } else {
      resp = co_await rc.blocking->Run([&] { return Write(rc, req, written); });
    }
    if (rc.release_order) rc.release_order();
    for (const Written& w : written) {
      if (w.partition->high_watermark() >= w.end) continue;
      // The wait is queued from here; a pool thread is involved only when no fsync round is
      // running (it then leads the rounds, covering everyone queued meanwhile).
      // A named local, not a temporary in the co_await expression: GCC 12 destroys such
      // temporaries twice (here: a shared_ptr released twice).
      std::function<void(net::BlockingPool::Done)> request_durable =
          [p = w.partition, end = w.end, pool = rc.blocking](net::BlockingPool::Done done) {
            if (p->QueueDurable(end, std::move(done))) pool->Post([p] { p->LeadDurable(); });
          };
      Status s = co_await rc.blocking->AwaitDone(std::move(request_durable));
      if (!s.ok()) {
        // Written but not durable: the client must not take it as acknowledged.
        PartitionResponse& pr =
            resp.responses[w.topic_index].partition_responses[w.partition_index];
        pr.error_code = Code(ErrorCodeFor(s));
        pr.base_offset = -1;
        OXBOW_LOG_WARN("produce to {}-{} from {}: {}", w.partition->topic(), w.partition->id(),
                       rc.peer, s.message());
      }
    }
    if (req.acks == 0) co_return std::nullopt;
    co_return resp;
  }

 private:
  using PartitionResponse = ProduceResponse::TopicProduceResponse::PartitionProduceResponse;

  // Requests with at most this many record bytes are written on the connection's thread
  // (validation and a copy into the page cache: microseconds; the rare write that rolls the
  // segment also fsyncs the old one there, once per segment.bytes). Larger ones, whose
  // validation decompresses more, go to the blocking pool.
  static constexpr size_t kInlineWriteBytes = 64 * 1024;

  // Small, and no schema validation (which may consult the registry).
  bool CanWriteInline(const ProduceRequest& req) const {
    size_t total = 0;
    for (const auto& topic : req.topic_data) {
      for (const auto& pd : topic.partition_data) {
        if (pd.records) total += pd.records->size();
        if (total > kInlineWriteBytes) return false;
        Result<std::shared_ptr<log::Partition>> p =
            ctx_.log->GetPartition(topic.name, PartitionId(pd.index));
        if (!p.ok()) continue;  // answered with an error, no I/O
        log::TopicConfig config = (*p)->config();
        if (config.key_schema_validation || config.value_schema_validation) return false;
      }
    }
    return true;
  }

  // A partition this request wrote to, waiting for its fsync.
  struct Written {
    std::shared_ptr<log::Partition> partition;
    Offset end;          // after the last offset written
    size_t topic_index;  // of its response in ProduceResponse::responses
    size_t partition_index;
  };

  ProduceResponse Write(const RequestContext& rc, const ProduceRequest& req,
                        std::vector<Written>& written) {
    ProduceResponse resp;
    bool valid_acks = req.acks == 0 || req.acks == 1 || req.acks == -1;
    for (const auto& topic : req.topic_data) {
      ProduceResponse::TopicProduceResponse& tr = resp.responses.emplace_back();
      tr.name = topic.name;
      for (const auto& pd : topic.partition_data) {
        PartitionResponse& pr = tr.partition_responses.emplace_back();
        pr.index = pd.index;
        pr.base_offset = -1;
        if (!valid_acks) {
          pr.error_code = Code(ErrorCode::kInvalidRequiredAcks);
          continue;
        }
        std::optional<Written> w = WriteOne(rc, topic.name, pd, pr);
        if (w) {
          w->topic_index = resp.responses.size() - 1;
          w->partition_index = tr.partition_responses.size() - 1;
          written.push_back(std::move(*w));
        }
      }
    }
    return resp;
  }

  // Writes one partition's batches and fills in the response; nullopt after an error (in
  // the response).
  std::optional<Written> WriteOne(const RequestContext& rc, const std::string& topic,
                                  const ProduceRequest::TopicProduceData::PartitionProduceData& pd,
                                  PartitionResponse& pr) {
    Result<std::shared_ptr<log::Partition>> p =
        ctx_.log->GetPartition(topic, PartitionId(pd.index));
    if (!p.ok()) {
      pr.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      return std::nullopt;
    }
    if (!pd.records || pd.records->empty()) {
      pr.error_code = Code(ErrorCode::kCorruptMessage);
      return std::nullopt;
    }
    if (Status valid = ValidateRecords(ctx_, topic, **p, pd.records->bytes); !valid.ok()) {
      pr.error_code = Code(ErrorCodeFor(valid));
      OXBOW_LOG_INFO("produce to {}-{} from {} refused: {}", topic, pd.index, rc.peer,
                     valid.message());
      return std::nullopt;
    }
    // The records are a view into this request's buffer, owned by the connection and used
    // by nothing else: the log edits the batches in place (offsets), sparing a copy.
    MutableByteView records(const_cast<uint8_t*>(pd.records->data()), pd.records->size());
    Result<log::AppendResult> r = (*p)->Write(records, log::NowMs());
    if (!r.ok()) {
      pr.error_code = Code(ErrorCodeFor(r.status()));
      OXBOW_LOG_DEBUG("produce to {}-{} from {} refused: {}", topic, pd.index, rc.peer,
                      r.status().message());
      return std::nullopt;
    }
    if (r->duplicate) {
      OXBOW_LOG_DEBUG("produce to {}-{} from {}: a retry of offsets {}..{}, not written again",
                      topic, pd.index, rc.peer, r->base_offset, r->last_offset);
    }
    pr.base_offset = r->base_offset.value();
    pr.log_append_time_ms = r->log_append_time.value();
    pr.log_start_offset = r->log_start_offset.value();
    return Written{std::move(*p), r->last_offset + 1, 0, 0};
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeProduceHandler(const HandlerContext& ctx) {
  return std::make_unique<ProduceHandler>(ctx);
}

}  // namespace oxbow::kafka
