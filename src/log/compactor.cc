#include "log/compactor.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "log/record_batch_builder.h"

namespace oxbow::log {
namespace {

// Calls fn(location, batch bytes) for every committed batch of `seg`, in order.
template <typename Fn>
Status ForEachBatch(const Segment& seg, Fn fn) {
  uint64_t limit = seg.committed_size();
  uint64_t pos = 0;
  ByteBuffer buf;
  while (pos + kBatchHeaderSize <= limit) {
    ASSIGN_OR_RETURN(BatchHeader h, seg.ReadHeaderAt(pos));
    if (pos + h.size_bytes() > limit) break;
    BatchLocation loc{pos, h};
    RETURN_IF_ERROR(seg.ReadBatch(loc, &buf));
    RETURN_IF_ERROR(fn(loc, buf.view()));
    pos += h.size_bytes();
  }
  return absl::OkStatus();
}

std::string KeyString(ByteView key) { return std::string(AsString(key)); }

// The sealed segments eligible for compaction: all but the active one, stopping at the
// first holding records younger than min.compaction.lag.ms.
std::vector<std::shared_ptr<Segment>> Cleanable(const Partition& p, const TopicConfig& cfg,
                                                TimestampMs now) {
  std::vector<std::shared_ptr<Segment>> segs = p.segments();
  segs.pop_back();
  std::vector<std::shared_ptr<Segment>> out;
  for (auto& seg : segs) {
    if (seg->max_timestamp().value() > now.value() - cfg.min_compaction_lag_ms) break;
    out.push_back(std::move(seg));
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(Partition& p, const TopicConfig& cfg, TimestampMs now,
           const absl::flat_hash_map<std::string, int64_t>& latest, CompactionResult& result)
      : p_(p), cfg_(cfg), now_(now), latest_(latest), result_(result) {}

  // Rewrites one group of consecutive segments into one ".cleaned" segment. Returns its
  // base, or nullopt when nothing in the group survived.
  Result<std::optional<Offset>> RewriteGroup(const std::vector<std::shared_ptr<Segment>>& group) {
    Offset base = group.front()->base_offset();
    // Output of an earlier compaction that failed part-way would block this one.
    for (std::string_view ext : {".log", ".index", ".timeindex"}) {
      std::string stale = io::JoinPath(p_.dir(), Segment::FileName(base, ext)) +
                          std::string(Segment::kCleanedSuffix);
      if (p_.file_system().Exists(stale)) RETURN_IF_ERROR(p_.file_system().Remove(stale));
    }
    ASSIGN_OR_RETURN(auto out, Segment::Create(p_.file_system(), p_.dir(), base,
                                               cfg_.index_interval_bytes, Segment::kCleanedSuffix));
    for (const auto& seg : group) {
      RETURN_IF_ERROR(ForEachBatch(*seg, [&](const BatchLocation& loc, ByteView bytes) {
        return RewriteBatch(*out, loc.header, bytes);
      }));
    }
    RETURN_IF_ERROR(out->Seal());
    if (out->empty()) {
      for (std::string_view ext : {".log", ".index", ".timeindex"}) {
        RETURN_IF_ERROR(
            p_.file_system().Remove(io::JoinPath(p_.dir(), Segment::FileName(base, ext)) +
                                    std::string(Segment::kCleanedSuffix)));
      }
      return std::optional<Offset>();
    }
    result_.bytes_out += out->committed_size();
    return std::optional<Offset>(base);
  }

 private:
  bool Keep(const DecodedBatch& batch, const Record& r) {
    if (!r.key) return true;
    auto it = latest_.find(KeyString(*r.key));
    if (it != latest_.end() && it->second > batch.offset_of(r).value()) return false;
    if (!r.value && batch.timestamp_of(r).value() < now_.value() - cfg_.delete_retention_ms) {
      ++result_.tombstones_removed;
      return false;
    }
    return true;
  }

  Status RewriteBatch(Segment& out, const BatchHeader& h, ByteView bytes) {
    if (h.is_control()) return Append(out, bytes);
    ASSIGN_OR_RETURN(DecodedBatch batch, DecodeBatch(bytes));
    std::vector<const Record*> kept;
    for (const Record& r : batch.records()) {
      if (Keep(batch, r)) kept.push_back(&r);
    }
    result_.records_removed += batch.records().size() - kept.size();
    if (kept.size() == batch.records().size()) return Append(out, bytes);
    if (kept.empty()) return absl::OkStatus();
    RecordBatchBuilder builder(BatchOptions::From(h));
    for (const Record* r : kept) {
      builder.AddWithOffsetDelta(r->offset_delta, batch.timestamp_of(*r), r->key, r->value,
                                 r->headers);
    }
    builder.set_last_offset_delta(h.last_offset_delta);
    ASSIGN_OR_RETURN(ByteBuffer rebuilt, builder.Build());
    return Append(out, rebuilt.view());
  }

  Status Append(Segment& out, ByteView bytes) {
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(bytes));
    return out.Append(bytes, std::span<const BatchHeader>(&h, 1));
  }

  Partition& p_;
  const TopicConfig& cfg_;
  TimestampMs now_;
  const absl::flat_hash_map<std::string, int64_t>& latest_;
  CompactionResult& result_;
};

Result<CompactionResult> Run(Partition& p, TimestampMs now, bool only_if_dirty) {
  absl::MutexLock lock(&p.maintenance_mutex());
  CompactionResult result;
  const TopicConfig cfg = p.config();
  if (!cfg.compact_policy) return result;
  std::vector<std::shared_ptr<Segment>> segs = Cleanable(p, cfg, now);
  if (segs.empty()) return result;

  uint64_t total = 0, dirty = 0;
  for (const auto& seg : segs) {
    total += seg->committed_size();
    if (seg->next_offset() > p.cleaner_checkpoint()) dirty += seg->committed_size();
  }
  // A forced compaction runs even with nothing new written: it is how tombstones past
  // delete.retention.ms (and records past min.compaction.lag.ms) get removed from a log
  // that no longer changes.
  if (total == 0 || (only_if_dirty && dirty == 0)) return result;
  if (only_if_dirty && static_cast<double>(dirty) / total < cfg.min_cleanable_dirty_ratio) {
    return result;
  }

  // Pass 1: the latest offset of every key in the cleanable range.
  absl::flat_hash_map<std::string, int64_t> latest;
  for (const auto& seg : segs) {
    RETURN_IF_ERROR(ForEachBatch(*seg, [&](const BatchLocation& loc, ByteView bytes) -> Status {
      if (loc.header.is_control()) return absl::OkStatus();
      ASSIGN_OR_RETURN(DecodedBatch batch, DecodeBatch(bytes));
      for (const Record& r : batch.records()) {
        if (r.key) latest[KeyString(*r.key)] = batch.offset_of(r).value();
      }
      return absl::OkStatus();
    }));
  }

  // Pass 2: rewrite groups of consecutive segments, each group into one segment no larger
  // than segment.bytes, so compaction also merges the small segments it leaves behind.
  Rewriter rewriter(p, cfg, now, latest, result);
  std::vector<Offset> new_bases;
  std::vector<std::shared_ptr<Segment>> group;
  uint64_t group_bytes = 0;
  auto flush_group = [&]() -> Status {
    if (group.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<Offset> base, rewriter.RewriteGroup(group));
    if (base) new_bases.push_back(*base);
    group.clear();
    group_bytes = 0;
    return absl::OkStatus();
  };
  for (const auto& seg : segs) {
    if (!group.empty() &&
        group_bytes + seg->committed_size() > static_cast<uint64_t>(cfg.segment_bytes)) {
      RETURN_IF_ERROR(flush_group());
    }
    group.push_back(seg);
    group_bytes += seg->committed_size();
  }
  RETURN_IF_ERROR(flush_group());

  RETURN_IF_ERROR(p.SwapSegments(segs, new_bases));
  RETURN_IF_ERROR(p.set_cleaner_checkpoint(segs.back()->next_offset()));
  result.ran = true;
  result.segments_in = segs.size();
  result.segments_out = new_bases.size();
  result.bytes_in = total;
  OXBOW_LOG_INFO("compacted {}-{}: {} segments ({} bytes) into {} ({} bytes), {} records removed",
                 p.topic(), p.id(), result.segments_in, result.bytes_in, result.segments_out,
                 result.bytes_out, result.records_removed);
  return result;
}

}  // namespace

Result<CompactionResult> CompactIfDirty(Partition& partition, TimestampMs now) {
  return Run(partition, now, /*only_if_dirty=*/true);
}

Result<CompactionResult> Compact(Partition& partition, TimestampMs now) {
  return Run(partition, now, /*only_if_dirty=*/false);
}

}  // namespace oxbow::log
