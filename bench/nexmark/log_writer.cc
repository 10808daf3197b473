#include "nexmark/log_writer.h"

#include <array>
#include <memory>
#include <string>

#include "log/partition.h"
#include "log/record_batch_builder.h"
#include "nexmark/event_json.h"

namespace oxbow::nexmark {
namespace {

constexpr size_t kBatchRecords = 1000;

// One topic's open batch.
struct TopicBatch {
  std::shared_ptr<log::Partition> partition;
  log::RecordBatchBuilder builder{log::BatchOptions()};

  Status Flush() {
    if (builder.record_count() == 0) return Status();
    ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
    return partition->Append(MutableByteView(batch.mutable_data(), batch.size()), TimestampMs(0))
        .status();
  }
};

ByteView View(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

Result<LoadCounts> AppendEvents(log::LogManager& log, const Generator& gen, int64_t begin,
                                int64_t end) {
  const log::ConfigMap lazy = {{"flush.messages", "-1"}, {"flush.ms", "1000"}};
  std::array<TopicBatch, 3> topics;
  const std::array<std::string_view, 3> names = {kPersonTopic, kAuctionTopic, kBidTopic};
  for (size_t i = 0; i < names.size(); ++i) {
    std::string name(names[i]);
    if (!log.GetPartition(name, PartitionId(0)).ok()) {
      RETURN_IF_ERROR(log.CreateTopic(name, 1, lazy));
    }
    ASSIGN_OR_RETURN(topics[i].partition, log.GetPartition(name, PartitionId(0)));
  }
  LoadCounts counts;
  std::string key, value;
  for (int64_t n = begin; n < end; ++n) {
    Event e = gen.Make(n);
    TopicBatch& t = topics[e.index()];
    value.clear();
    AppendJson(e, &value);
    counts.bytes += static_cast<int64_t>(value.size());
    std::optional<int64_t> k = KeyOf(e);
    if (k) key = std::to_string(*k);
    t.builder.Add(TimestampMs(gen.TimestampUs(n) / 1000),
                  k ? std::optional(View(key)) : std::nullopt, View(value));
    ++(e.index() == 0 ? counts.people : e.index() == 1 ? counts.auctions : counts.bids);
    if (t.builder.record_count() >= kBatchRecords) RETURN_IF_ERROR(t.Flush());
  }
  for (TopicBatch& t : topics) RETURN_IF_ERROR(t.Flush());
  return counts;
}

}  // namespace oxbow::nexmark
