// `oxbow topic compact | verify`: maintenance an operator runs by hand, on a data directory
// without a server (they refuse to work through one: see OpenDataDirOnly).
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "log/compactor.h"
#include "server/command.h"
#include "server/topic_backend.h"

namespace oxbow::server {
namespace {

Status Compact(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(
      auto log,
      OpenDataDirOnly(config, "compact",
                      "the server compacts compacted topics itself, in the background "
                      "(every --cleanup-interval-ms, once min.cleanable.dirty.ratio is reached); "
                      "to compact now, stop the server first"));
  ASSIGN_OR_RETURN(log::TopicInfo info, log->DescribeTopic(topic));
  if (!info.config.compact_policy) {
    return absl::FailedPreconditionError(fmt::format(
        "topic {} has cleanup.policy={}; compaction needs compact or compact,delete (oxbow "
        "topic alter {} --config cleanup.policy=compact)",
        topic, info.config.Get("cleanup.policy"), topic));
  }
  for (const log::PartitionInfo& pi : info.partitions) {
    ASSIGN_OR_RETURN(auto p, log->GetPartition(topic, pi.id));
    ASSIGN_OR_RETURN(log::CompactionResult r, log::Compact(*p, log::NowMs()));
    if (!r.ran) {
      fmt::print(
          "partition {}: nothing to compact (no sealed segment with new data older than "
          "min.compaction.lag.ms; the active segment is never compacted)\n",
          pi.id);
      continue;
    }
    fmt::print(
        "partition {}: {} segments ({} bytes) -> {} segments ({} bytes); removed {} "
        "records, {} of them tombstones\n",
        pi.id, r.segments_in, r.bytes_in, r.segments_out, r.bytes_out, r.records_removed,
        r.tombstones_removed);
  }
  return log->Close();
}

struct VerifyCounts {
  uint64_t segments = 0;
  uint64_t batches = 0;
  uint64_t records = 0;
  uint64_t damaged = 0;
};

// Checks every committed batch of a segment: framing, CRC (Segment::ReadBatch) and that it
// decodes (decompression, record framing). A damaged header ends the scan of the segment,
// since the next batch's position is unknown; a damaged body is reported and skipped.
Status VerifySegment(const log::Segment& seg, VerifyCounts& counts) {
  ++counts.segments;
  uint64_t limit = seg.committed_size();
  uint64_t pos = 0;
  ByteBuffer buf;
  while (pos < limit) {
    Result<log::BatchHeader> h = seg.ReadHeaderAt(pos);
    if (!h.ok() || pos + h->size_bytes() > limit) {
      ++counts.damaged;
      fmt::print(
          "DAMAGED {} position {}: {}; the rest of the segment ({} bytes) is "
          "unreadable\n",
          seg.log_path(), pos,
          h.ok() ? fmt::format("batch of {} bytes runs past the end", h->size_bytes())
                 : std::string(ToStd(h.status().message())),
          limit - pos);
      return absl::OkStatus();
    }
    ++counts.batches;
    Status s = seg.ReadBatch(log::BatchLocation{pos, *h}, &buf);
    if (s.ok()) {
      Result<log::DecodedBatch> batch = log::DecodeBatch(buf.view());
      if (batch.ok()) counts.records += batch->records().size();
      s = batch.status();
    }
    if (!s.ok()) {
      ++counts.damaged;
      fmt::print("DAMAGED {} position {} (offsets {}..{}): {}\n", seg.log_path(), pos,
                 h->base_offset, h->last_offset(), s.message());
    }
    pos += h->size_bytes();
  }
  return absl::OkStatus();
}

Status Verify(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(
      auto log,
      OpenDataDirOnly(config, "verify",
                      "it reads the segment files, which the Kafka API does not expose (the "
                      "server checks every batch's CRC as it is appended and recovers "
                      "damaged tails when it starts); to verify, stop the server first"));
  ASSIGN_OR_RETURN(int32_t partitions, log->PartitionCount(topic));
  uint64_t damaged = 0;
  for (int32_t i = 0; i < partitions; ++i) {
    ASSIGN_OR_RETURN(auto p, log->GetPartition(topic, PartitionId(i)));
    VerifyCounts counts;
    for (const auto& seg : p->segments()) RETURN_IF_ERROR(VerifySegment(*seg, counts));
    fmt::print("partition {}: {} segments, {} batches, {} records, {}\n", i, counts.segments,
               counts.batches, counts.records,
               counts.damaged == 0 ? "OK" : fmt::format("{} DAMAGED", counts.damaged));
    damaged += counts.damaged;
  }
  RETURN_IF_ERROR(log->Close());
  if (damaged > 0) {
    return absl::DataLossError(fmt::format("topic {}: {} damaged batch{} (listed above)", topic,
                                           damaged, damaged == 1 ? "" : "es"));
  }
  fmt::print("topic {}: all batches OK\n", topic);
  return absl::OkStatus();
}

}  // namespace

void AddTopicCheckCommands(CLI::App& topic, CommandContext& ctx) {
  auto compact = std::make_shared<std::string>();
  CLI::App* cmd = AddDataCommand(
      topic, ctx, "compact",
      "Compact every partition of a compacted topic now, whatever its dirty ratio: only the "
      "latest record of each key survives in the sealed segments",
      [&ctx, compact] { return Compact(ctx, *compact); });
  cmd->add_option("name", *compact, "Topic name")->required();

  auto verify = std::make_shared<std::string>();
  cmd = AddDataCommand(
      topic, ctx, "verify",
      "Read every batch of every partition, checking framing, CRC and that records decode; "
      "report each damaged batch with its file and position",
      [&ctx, verify] { return Verify(ctx, *verify); });
  cmd->add_option("name", *verify, "Topic name")->required();
  cmd->footer("Exit status: 0 when every batch is intact, 1 when any is damaged.");
}

}  // namespace oxbow::server
