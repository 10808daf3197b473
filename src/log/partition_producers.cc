// Partition: the idempotent producers' state (producer_state.h) — checking writes against
// it, its snapshot files, and rebuilding it on recovery.
#include <algorithm>

#include "absl/strings/cord.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "log/partition.h"

namespace oxbow::log {
namespace {

constexpr std::string_view kSnapshotExtension = ".snapshot";
// Producer snapshots kept: the newest, and one before it in case the newest is damaged.
constexpr size_t kSnapshotsKept = 2;

std::vector<Offset> SnapshotOffsets(const std::vector<std::string>& names) {
  std::vector<Offset> out;
  for (const std::string& name : names) {
    if (auto at = Segment::ParseFileName(name, kSnapshotExtension)) out.push_back(*at);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

size_t Partition::producer_count() {
  absl::MutexLock lock(&append_mu_);
  return producers_.size();
}

void Partition::ForgetProducersBelowLogStart() {
  absl::MutexLock lock(&append_mu_);
  producers_.DropBefore(log_start_offset());
}

Result<std::optional<AppendResult>> Partition::CheckProducers(const std::vector<ByteView>& views,
                                                              Offset first) {
  // Batches earlier in this record set count for the checks of later ones; the table
  // itself changes only once the set is written.
  std::vector<std::pair<ProducerId, ProducerEntry>> pending;
  Offset next = first;
  for (ByteView v : views) {
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(v));
    h.base_offset = next;
    next = h.last_offset() + 1;
    if (h.producer_id.value() < 0) continue;
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](const auto& p) { return p.first == h.producer_id; });
    const ProducerEntry* entry = it != pending.end() ? &it->second : producers_.Find(h.producer_id);
    Result<SequenceCheck> check = ProducerStateTable::Check(entry, h);
    if (!check.ok()) {
      Status s(check.status().code(),
               fmt::format("{}-{}: {}", topic_, id_, check.status().message()));
      check.status().ForEachPayload(
          [&](absl::string_view key, const absl::Cord& value) { s.SetPayload(key, value); });
      return s;
    }
    if (check->duplicate_of) {
      const ProducerBatch& d = *check->duplicate_of;
      AppendResult r{d.first_offset, d.last_offset, d.max_timestamp, log_start_offset(), true};
      return std::optional<AppendResult>(r);
    }
    if (it == pending.end()) {
      pending.emplace_back(h.producer_id, entry != nullptr ? *entry : ProducerEntry{});
      it = std::prev(pending.end());
    }
    ProducerStateTable::Apply(it->second, h);
  }
  return std::optional<AppendResult>();
}

Status Partition::WriteProducerSnapshot(Offset at) {
  std::string path = io::JoinPath(dir_, Segment::FileName(at, kSnapshotExtension));
  RETURN_IF_ERROR(fs_.WriteFileAtomically(path, AsBytes(producers_.EncodeSnapshot(at))));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  std::vector<Offset> snapshots = SnapshotOffsets(names);
  for (size_t i = 0; i + kSnapshotsKept < snapshots.size(); ++i) {
    RETURN_IF_ERROR(
        fs_.Remove(io::JoinPath(dir_, Segment::FileName(snapshots[i], kSnapshotExtension))));
  }
  return absl::OkStatus();
}

Status Partition::RecoverProducerState(const std::vector<std::string>& names) {
  const Offset end = active_segment()->next_offset();
  std::vector<Offset> snapshots = SnapshotOffsets(names);
  producers_.Clear();
  std::optional<Offset> loaded;
  // Newest first. A snapshot past the log end describes batches a torn tail lost: stale.
  for (auto it = snapshots.rbegin(); it != snapshots.rend() && !loaded; ++it) {
    std::string path = io::JoinPath(dir_, Segment::FileName(*it, kSnapshotExtension));
    if (*it > end) {
      RETURN_IF_ERROR(fs_.Remove(path));
      continue;
    }
    Result<std::string> bytes = fs_.ReadFile(path);
    Result<Offset> at =
        bytes.ok() ? producers_.DecodeSnapshot(AsBytes(*bytes)) : Result<Offset>(bytes.status());
    if (at.ok() && *at == *it) {
      loaded = *at;
      break;
    }
    OXBOW_LOG_WARN("{}: ignoring producer snapshot: {}", path,
                   at.ok() ? "its offset does not match its name" : at.status().message());
    producers_.Clear();
    RETURN_IF_ERROR(fs_.Remove(path));
  }
  const Offset from = loaded.value_or(Offset(0));
  uint64_t scanned = 0;
  for (const std::shared_ptr<Segment>& seg : segments()) {
    if (seg->next_offset() <= from) continue;
    uint64_t limit = seg->committed_size();
    uint64_t pos = 0;
    if (seg->base_offset() < from) {
      ASSIGN_OR_RETURN(std::optional<BatchLocation> loc, seg->FindBatch(from, limit));
      if (!loc) continue;
      pos = loc->position;
    }
    while (pos + kBatchHeaderSize <= limit) {
      ASSIGN_OR_RETURN(BatchHeader h, seg->ReadHeaderAt(pos));
      if (h.last_offset() >= from) {
        producers_.Replay(h);
        ++scanned;
      }
      pos += h.size_bytes();
    }
  }
  producers_.DropBefore(log_start_offset());
  recovery_.producer_snapshot = loaded;
  recovery_.producer_batches_scanned = scanned;
  return absl::OkStatus();
}

}  // namespace oxbow::log
