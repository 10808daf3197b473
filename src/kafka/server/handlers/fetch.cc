// Fetch (key 1): returns record batches exactly as they were produced (compressed as the
// producer compressed them, never re-encoded), read from the segment files.
//
// Long polling: when fewer than min_bytes are available, the request waits up to
// max_wait_ms for an append to one of its partitions (AppendNotifier), with no polling.
// When the server stops, waiting requests answer at once with what there is.
// Limits: partition_max_bytes per partition and max_bytes overall, except that the first
// batch found is returned whole even when larger (KIP-74), so a consumer always progresses;
// a batch that a limit cuts is left for the next Fetch (only whole batches are sent).
// max_bytes is capped by the server's fetch_max_bytes (Kafka's broker fetch.max.bytes,
// KIP-541), 1 MiB by default where Kafka's is 55 MiB. Why: librdkafka (like the Java
// client) keeps one Fetch in flight per broker and asks for 1 MiB per partition and 50 MiB
// in all, so a consumer of 8 partitions with a backlog got 8 MB responses where a consumer
// of one partition gets 1 MB. An 8 MB response does not fit the socket buffers, so the
// client's reads also run the kernel's sending (each read opens the window), it lands in a
// fresh 8 MB buffer (page faults), and it is parsed with nothing in flight: the client
// spent 0.8 CPU-s per GB against 0.55 with one partition (docs/benchmarks.md, session 6).
// Capped, a consumer of many partitions costs what a consumer of one does. The partitions
// a capped response leaves out come first in the client's next request: clients rotate
// them (KIP-74; librdkafka and the Java client do), so none starves. A consumer far away
// (long round trips) that needs more per round trip needs a larger fetch_max_bytes.
// Reads of the active segment run on the connection's thread (batch headers only; records
// go by sendfile), older ones on the blocking pool.
// READ_COMMITTED sees the same data (no transactions yet: last stable offset = high
// watermark). Fetch sessions (KIP-227) are not created: session_id 0 tells the client to
// keep sending full requests.
#include <chrono>

#include "base/logging.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::FetchRequest;
using protocol::FetchResponse;
namespace asio = boost::asio;

using PartitionData = FetchResponse::FetchableTopicResponse::FetchPartitionData;

// Waits until `waiter` is notified or `deadline` passes. Runs on the waiter's strand, so
// the notified() check and the start of the wait cannot be split by a notification (whose
// cancel is posted to that same strand).
asio::awaitable<void> WaitForAppend(AppendNotifier::Waiter* waiter,
                                    std::chrono::steady_clock::time_point deadline) {
  if (waiter->notified()) co_return;
  waiter->timer().expires_at(deadline);
  boost::system::error_code ec;
  co_await waiter->timer().async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

class FetchHandler final : public MessageHandler<FetchRequest, FetchResponse> {
 public:
  explicit FetchHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "Fetch"; }
  void Stopping() override { ctx_.notifier->Shutdown(); }

 protected:
  asio::awaitable<std::optional<FetchResponse>> Process(RequestContext& rc, FetchRequest& req,
                                                        ResponseStorage&) override {
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
    auto strand = asio::make_strand(co_await asio::this_coro::executor);
    AppendNotifier::Waiter waiter(strand);
    std::vector<std::pair<std::string, PartitionId>> watched;
    for (const auto& t : req.topics) {
      for (const auto& p : t.partitions) watched.emplace_back(t.topic, PartitionId(p.partition));
    }
    // Watch before the first read, so an append right after it still wakes us.
    ctx_.notifier->Watch(&waiter, watched);
    FetchResponse resp;
    std::vector<ServedRead> served;
    while (true) {
      int64_t bytes = 0;
      bool errors = false;
      served.clear();
      // A read finds positions in the in-memory indexes and reads a batch header or a few.
      // For the newest data (the active segment: a consumer keeping up) those are in the
      // page cache, so it is done on the connection's thread, which sends the records with
      // sendfile anyway: a trip to the pool and back was two thread wake-ups per Fetch (p50
      // 38 µs, p99 3.5 ms on a loaded machine) on a path that a consumer runs back to back.
      // Older data may need the disk: the pool reads it, off the I/O thread.
      if (ReadsNewestData(req)) {
        resp = Read(req, &bytes, &errors, &served);
      } else {
        resp = co_await rc.blocking->Run([&] { return Read(req, &bytes, &errors, &served); });
      }
      if (bytes >= req.min_bytes || errors || std::chrono::steady_clock::now() >= deadline) break;
      co_await asio::co_spawn(strand, WaitForAppend(&waiter, deadline), asio::use_awaitable);
      if (ctx_.notifier->stopped()) break;  // the server is stopping: answer now
      if (std::chrono::steady_clock::now() >= deadline && !waiter.notified()) {
        // Timed out with nothing new: answer with what there is (usually nothing).
        break;
      }
      // Re-arm before reading again: a notification from now on counts for the next wait.
      co_await asio::co_spawn(strand, ResetNotified(&waiter), asio::use_awaitable);
    }
    ctx_.notifier->Unwatch(&waiter);
    // Only the reads of the answer sent count as traffic (a long poll may read several times).
    for (const ServedRead& r : served) r.partition->CountRead(r.bytes, r.records);
    co_return resp;
  }

 private:
  static asio::awaitable<void> ResetNotified(AppendNotifier::Waiter* waiter) {
    waiter->Rearm();
    co_return;
  }

  // Every partition read from its active segment (or not at all: unknown partitions).
  bool ReadsNewestData(const FetchRequest& req) const {
    for (const auto& t : req.topics) {
      for (const auto& p : t.partitions) {
        Result<std::shared_ptr<log::Partition>> part =
            ctx_.log->GetPartition(t.topic, PartitionId(p.partition));
        if (part.ok() && Offset(p.fetch_offset) < (*part)->active_segment_base()) return false;
      }
    }
    return true;
  }

  // What one read gave a partition's consumer, for the partition's traffic counters.
  struct ServedRead {
    std::shared_ptr<log::Partition> partition;
    uint64_t bytes = 0;
    uint64_t records = 0;
  };

  FetchResponse Read(const FetchRequest& req, int64_t* total, bool* errors,
                     std::vector<ServedRead>* served) {
    FetchResponse resp;
    int64_t budget = std::min<int64_t>(req.max_bytes, ctx_.options->fetch_max_bytes);
    bool first_batch_given = false;
    for (const auto& t : req.topics) {
      FetchResponse::FetchableTopicResponse tr;
      tr.topic = t.topic;
      for (const auto& p : t.partitions) {
        PartitionData pd;
        pd.partition_index = p.partition;
        pd.aborted_transactions.emplace();
        ReadPartition(t.topic, p, budget, first_batch_given, pd, served);
        if (pd.error_code != Code(ErrorCode::kNone)) *errors = true;
        if (pd.records) {
          int64_t n = static_cast<int64_t>(pd.records->size());
          *total += n;
          budget -= n;
          if (n > 0) first_batch_given = true;
        }
        tr.partitions.push_back(std::move(pd));
      }
      resp.responses.push_back(std::move(tr));
    }
    return resp;
  }

  void ReadPartition(const std::string& topic, const FetchRequest::FetchTopic::FetchPartition& p,
                     int64_t budget, bool first_batch_given, PartitionData& pd,
                     std::vector<ServedRead>* served) {
    Result<std::shared_ptr<log::Partition>> part =
        ctx_.log->GetPartition(topic, PartitionId(p.partition));
    if (!part.ok()) {
      pd.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      return;
    }
    log::Partition& log = **part;
    pd.high_watermark = log.high_watermark().value();
    pd.last_stable_offset = pd.high_watermark;
    pd.log_start_offset = log.log_start_offset().value();
    pd.records = protocol::Records();
    int64_t limit = std::min<int64_t>(p.partition_max_bytes, budget);
    // KIP-74: without any data yet, the first batch is returned even if over the limits.
    if (limit <= 0) {
      if (first_batch_given) return;
      limit = 1;
    }
    Result<log::ReadResult> r = log.Read(Offset(p.fetch_offset), static_cast<uint64_t>(limit));
    if (!r.ok()) {
      pd.error_code = Code(ErrorCodeFor(r.status()));
      return;
    }
    log::FileSlice s = r->slice;
    pd.high_watermark = r->high_watermark.value();
    pd.last_stable_offset = pd.high_watermark;
    pd.log_start_offset = r->log_start_offset.value();
    if (s.size == 0) return;
    // A slice cut by the limit may end inside a batch. Clients drop a partial last batch
    // (Kafka's brokers send it), so it is cut off here: with the 1 MiB per-partition
    // default and ~1 MB producer batches it was 5% of every response. The log returns the
    // first batch whole, so there is always one. A header that cannot be read leaves the
    // slice as it is (the client sees the bad bytes) and counts no records.
    Result<log::WholeBatches> whole = log::MeasureWholeBatches(s);
    if (whole.ok() && whole->bytes > 0) s.size = whole->bytes;
    // KIP-74: only the response's first batch may go over the limits. The log returns a
    // partition's first batch whole however large, so after the response's first batch one
    // larger than what is left stays for a later Fetch (where Kafka's brokers send the part
    // that fits, which clients drop). Sending it went over max_bytes: with 1 MB batches, a
    // client asking for 1 MiB in all got 2 MB.
    if (first_batch_given && static_cast<int64_t>(s.size) > limit) return;
    served->push_back(ServedRead{*part, s.size, whole.ok() ? whole->records : 0});
    // The connection sends the range from the segment file (sendfile): no read into memory
    // here, no copy into the response.
    pd.records = protocol::Records(
        FileRange{s.file->fd(), s.position, s.size, std::shared_ptr<const void>(s.file)});
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeFetchHandler(const HandlerContext& ctx) {
  return std::make_unique<FetchHandler>(ctx);
}

}  // namespace oxbow::kafka
