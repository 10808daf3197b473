#include "log/partition.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::log {
namespace {

constexpr std::string_view kRecoveryPointFile = "recovery-point";
constexpr std::string_view kLogStartOffsetFile = "log-start-offset";
constexpr std::string_view kCleanerCheckpointFile = "cleaner-checkpoint";
constexpr std::string_view kManifestFile = "compaction.manifest";
// The recovery point is a hint rewritten at most this often while appends flush.
constexpr int64_t kRecoveryPointIntervalMs = 1000;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> ParseOffsetFile(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

Partition::Partition(io::FileSystem& fs, PartitionOptions options)
    : fs_(fs),
      dir_(std::move(options.dir)),
      topic_(std::move(options.topic)),
      id_(options.id),
      config_(options.config) {}

Partition::~Partition() {
  Status s = Close();
  if (!s.ok()) OXBOW_LOG_ERROR("closing partition {}-{}: {}", topic_, id_, s.message());
}

Result<std::unique_ptr<Partition>> Partition::Open(io::FileSystem& fs, PartitionOptions options) {
  std::unique_ptr<Partition> p(new Partition(fs, std::move(options)));
  RETURN_IF_ERROR(p->Recover());
  return p;
}

static std::optional<int64_t> ReadOffsetFile(io::FileSystem& fs, const std::string& path) {
  if (!fs.Exists(path)) return std::nullopt;
  Result<std::string> text = fs.ReadFile(path);
  if (!text.ok()) return std::nullopt;
  std::optional<int64_t> v = ParseOffsetFile(*text);
  if (!v) OXBOW_LOG_WARN("{}: unreadable contents, ignoring it", path);
  return v;
}

Status Partition::ResolveLeftovers(const std::vector<std::string>& names) {
  // A compaction that wrote its manifest had fsynced its output: finish the swap. Without
  // a manifest, its output never became part of the log: discard it.
  std::string manifest_path = io::JoinPath(dir_, kManifestFile);
  if (fs_.Exists(manifest_path)) {
    ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(manifest_path));
    std::set<int64_t> replace, with;
    std::set<int64_t>* target = nullptr;
    std::string_view rest = text;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (line == "replace") {
        target = &replace;
      } else if (line == "with") {
        target = &with;
      } else if (!line.empty() && target != nullptr) {
        if (auto v = ParseOffsetFile(line)) target->insert(*v);
      }
    }
    OXBOW_LOG_INFO("{}: completing an interrupted compaction swap", dir_);
    for (int64_t base : replace) {
      if (with.contains(base)) continue;
      for (std::string_view ext : {".log", ".index", ".timeindex"}) {
        std::string path = io::JoinPath(dir_, Segment::FileName(Offset(base), ext));
        if (fs_.Exists(path)) RETURN_IF_ERROR(fs_.Remove(path));
      }
    }
    for (int64_t base : with) {
      for (std::string_view ext : {".log", ".index", ".timeindex"}) {
        std::string path = io::JoinPath(dir_, Segment::FileName(Offset(base), ext));
        std::string cleaned = path + std::string(Segment::kCleanedSuffix);
        if (fs_.Exists(cleaned)) RETURN_IF_ERROR(fs_.Rename(cleaned, path));
      }
    }
    RETURN_IF_ERROR(fs_.SyncDir(dir_));
    RETURN_IF_ERROR(fs_.Remove(manifest_path));
  }
  for (const std::string& name : names) {
    if (name.ends_with(Segment::kCleanedSuffix) || name.ends_with(".tmp")) {
      std::string path = io::JoinPath(dir_, name);
      if (fs_.Exists(path)) RETURN_IF_ERROR(fs_.Remove(path));
    }
  }
  return absl::OkStatus();
}

Status Partition::Recover() {
  RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(dir_));
  RETURN_IF_ERROR(ResolveLeftovers(names));
  ASSIGN_OR_RETURN(names, fs_.ListDir(dir_));

  std::vector<Offset> bases;
  for (const std::string& name : names) {
    if (auto base = Segment::ParseFileName(name, ".log")) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  // Index files whose log is gone (e.g. a crash during segment deletion) are removed.
  for (const std::string& name : names) {
    for (std::string_view ext : {".index", ".timeindex"}) {
      auto base = Segment::ParseFileName(name, ext);
      if (base && !std::binary_search(bases.begin(), bases.end(), *base)) {
        RETURN_IF_ERROR(fs_.Remove(io::JoinPath(dir_, name)));
      }
    }
  }

  std::optional<int64_t> rp = ReadOffsetFile(fs_, io::JoinPath(dir_, kRecoveryPointFile));
  std::optional<int64_t> lso = ReadOffsetFile(fs_, io::JoinPath(dir_, kLogStartOffsetFile));
  std::optional<int64_t> ckpt = ReadOffsetFile(fs_, io::JoinPath(dir_, kCleanerCheckpointFile));
  // Without a recovery point nothing is known to be flushed: validate everything.
  Offset recovery_point(rp.value_or(0));
  TopicConfig cfg = config();

  std::map<Offset, std::shared_ptr<Segment>> segments;
  for (size_t i = 0; i < bases.size(); ++i) {
    ASSIGN_OR_RETURN(auto seg, Segment::Open(fs_, dir_, bases[i], cfg.index_interval_bytes));
    bool before_rp = i + 1 < bases.size() && bases[i + 1] <= recovery_point;
    std::optional<Offset> verify_from;
    if (!before_rp) verify_from = std::max(recovery_point, bases[i]);
    // Compacted segments have offset gaps, and the cleaner checkpoint cannot say which they
    // are after a crash between a swap and its checkpoint write. Only the last (active)
    // segment is known to be contiguous: compaction never rewrites it. (A replicated log
    // would need to revisit this: a follower copies compacted batches, gaps included.)
    const bool active = i + 1 == bases.size();
    if (before_rp) {
      ASSIGN_OR_RETURN(bool loaded, seg->LoadSealed());
      if (loaded && !seg->empty()) {
        segments.emplace(seg->base_offset(), std::move(seg));
        continue;
      }
    }
    ASSIGN_OR_RETURN(ScanReport report,
                     seg->Recover(verify_from, !before_rp, /*allow_gaps=*/!active));
    recovery_.scanned_bytes += report.scanned_bytes;
    if (report.truncated_at) {
      std::string what = fmt::format(
          "{}: position {}: {} ({} bytes removed{})", seg->log_path(), *report.truncated_at,
          report.reason, report.truncated_bytes,
          report.reason.starts_with("incomplete") ? "" : ", kept in the .corrupt file beside it");
      OXBOW_LOG_WARN("recovered {}", what);
      recovery_.truncations.push_back(std::move(what));
    }
    bool last = i + 1 == bases.size();
    if (seg->empty() && !last) {
      // An empty segment in the middle carries no data and would confuse lookups.
      RETURN_IF_ERROR(seg->Delete());
      continue;
    }
    if (!last) RETURN_IF_ERROR(seg->Seal());
    segments.emplace(seg->base_offset(), std::move(seg));
  }
  if (segments.empty()) {
    Offset base(std::max<int64_t>(lso.value_or(0), 0));
    ASSIGN_OR_RETURN(auto seg, Segment::Create(fs_, dir_, base, cfg.index_interval_bytes));
    RETURN_IF_ERROR(fs_.SyncDir(dir_));
    segments.emplace(seg->base_offset(), std::move(seg));
  }
  // The log start is whatever was last made durable (retention and DeleteRecords write it
  // before deleting). It may lie below the first segment when compaction emptied the head:
  // as in Kafka, a consumer there reads on from the first surviving batch instead of being
  // told its offset is out of range.
  Offset start = lso ? Offset(*lso) : segments.begin()->first;
  Offset end = segments.rbegin()->second->next_offset();
  start = std::min(start, end);
  if (!lso || *lso != start.value()) RETURN_IF_ERROR(WriteLogStartOffset(start));
  recovery_.segments = segments.size();
  {
    absl::MutexLock lock(&segments_mu_);
    segments_ = std::move(segments);
  }
  log_start_offset_.store(start.value());
  high_watermark_.store(end.value());
  cleaner_checkpoint_.store(ckpt.value_or(0));
  {
    absl::MutexLock lock(&append_mu_);
    RETURN_IF_ERROR(active_segment()->Sync());
    flushed_offset_ = end;
    RETURN_IF_ERROR(RecoverProducerState(names));
  }
  return WriteRecoveryPoint(end);
}

std::shared_ptr<Segment> Partition::active_segment() const {
  absl::ReaderMutexLock lock(&segments_mu_);
  return segments_.rbegin()->second;
}

Offset Partition::active_segment_base() const { return active_segment()->base_offset(); }

std::shared_ptr<Segment> Partition::SegmentFor(Offset offset) const {
  absl::ReaderMutexLock lock(&segments_mu_);
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return it == segments_.end() ? nullptr : it->second;
  return std::prev(it)->second;
}

std::shared_ptr<Segment> Partition::NextSegment(Offset base) const {
  absl::ReaderMutexLock lock(&segments_mu_);
  auto it = segments_.upper_bound(base);
  return it == segments_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Segment>> Partition::segments() const {
  absl::ReaderMutexLock lock(&segments_mu_);
  std::vector<std::shared_ptr<Segment>> out;
  out.reserve(segments_.size());
  for (const auto& [base, seg] : segments_) out.push_back(seg);
  return out;
}

uint64_t Partition::size_bytes() const {
  absl::ReaderMutexLock lock(&segments_mu_);
  uint64_t total = 0;
  for (const auto& [base, seg] : segments_) total += seg->committed_size();
  return total;
}

size_t Partition::segment_count() const {
  absl::ReaderMutexLock lock(&segments_mu_);
  return segments_.size();
}

TopicConfig Partition::config() const {
  absl::MutexLock lock(&config_mu_);
  return config_;
}

void Partition::set_config(const TopicConfig& config) {
  absl::MutexLock lock(&config_mu_);
  config_ = config;
}

Result<AppendResult> Partition::Append(MutableByteView record_set, TimestampMs now) {
  ASSIGN_OR_RETURN(AppendResult result, Write(record_set, now));
  RETURN_IF_ERROR(AwaitDurable(result.last_offset + 1));
  return result;
}

Result<AppendResult> Partition::Write(MutableByteView record_set, TimestampMs now) {
  bool published = false;
  Result<AppendResult> result = WriteLocked(record_set, now, &published);
  if (published) NotifyAppend();
  return result;
}

Status Partition::AwaitDurable(Offset end) {
  if (high_watermark() >= end) return absl::OkStatus();
  return SyncUpTo(end, /*force_recovery_point=*/false);
}

void Partition::RequestDurable(Offset end, std::function<void(Status)> done) {
  if (QueueDurable(end, std::move(done))) LeadDurable();
}

bool Partition::QueueDurable(Offset end, std::function<void(Status)> done) {
  if (high_watermark() >= end) {
    done(absl::OkStatus());
    return false;
  }
  absl::MutexLock lock(&durable_mu_);
  durable_waiters_.emplace_back(end, std::move(done));
  if (durable_leader_) return false;  // its next round covers us
  durable_leader_ = true;
  return true;
}

void Partition::LeadDurable() {
  // Rounds of fsyncs until no one waits. A round covers everything written when it starts,
  // so every waiter is done after at most two.
  for (bool more = true; more;) {
    Status s = SyncUpTo(std::nullopt, /*force_recovery_point=*/false);
    Offset hw = high_watermark();
    std::vector<std::pair<std::function<void(Status)>, Status>> finished;
    {
      absl::MutexLock lock(&durable_mu_);
      // Read under the lock: every waiter queued by now wrote its batches before queueing,
      // so none can lie past this log end unless it was never written. (Read before the
      // lock, a waiter that wrote and queued in between looked unwritten.)
      Offset log_end = active_segment()->next_offset();
      auto keep = durable_waiters_.begin();
      for (auto& [waiter_end, waiter_done] : durable_waiters_) {
        if (!s.ok()) {
          finished.emplace_back(std::move(waiter_done), s);
        } else if (waiter_end <= hw) {
          finished.emplace_back(std::move(waiter_done), absl::OkStatus());
        } else if (waiter_end > log_end) {
          finished.emplace_back(std::move(waiter_done),
                                absl::InvalidArgumentError(fmt::format(
                                    "partition {}-{}: offset {} was not written (log end {})",
                                    topic_, id_, waiter_end - 1, log_end)));
        } else {
          *keep++ = {waiter_end, std::move(waiter_done)};
        }
      }
      durable_waiters_.erase(keep, durable_waiters_.end());
      more = !durable_waiters_.empty();
      if (!more) durable_leader_ = false;
    }
    for (auto& [f, status] : finished) f(status);
  }
}

bool Partition::Publish(Offset offset) {
  if (offset.value() <= high_watermark_.load(std::memory_order_relaxed)) return false;
  high_watermark_.store(offset.value(), std::memory_order_release);
  return true;
}

Status Partition::SyncUpTo(std::optional<Offset> end, bool force_recovery_point) {
  absl::MutexLock sync_lock(&sync_mu_);
  std::shared_ptr<Segment> segment;
  Offset target;
  {
    absl::MutexLock lock(&append_mu_);
    if (!offline_.ok()) {
      return absl::FailedPreconditionError(fmt::format(
          "partition {}-{} is offline after an I/O error: {}", topic_, id_, offline_.message()));
    }
    // The fsync that ran while this caller waited for sync_mu_ may have covered it.
    if (end && high_watermark() >= *end && !force_recovery_point) return absl::OkStatus();
    if (closed_) {
      return absl::FailedPreconditionError(fmt::format("partition {}-{} is closed", topic_, id_));
    }
    segment = active_segment();
    target = segment->next_offset();
    // Everything written so far is covered by the fsync below.
    unflushed_messages_ = 0;
    unflushed_bytes_ = 0;
    unflushed_since_ms_ = -1;
  }
  // Writers go on appending meanwhile; their batches wait for the next fsync. If the
  // segment rolls meanwhile, sealing it fsynced it already and this one is redundant.
  Status synced = segment->SyncData();
  bool published = false;
  std::optional<Offset> recovery_point;
  {
    absl::MutexLock lock(&append_mu_);
    if (!synced.ok()) {
      // The leveldb lesson: after a failed fsync the file's state is indeterminate, so
      // nothing more may be acknowledged from it.
      if (offline_.ok()) offline_ = synced;
      return synced;
    }
    if (!offline_.ok()) return offline_;
    flushed_offset_ = std::max(flushed_offset_, target);
    if (segment == active_segment()) {
      Status s = segment->PersistIndexes();
      if (!s.ok()) OXBOW_LOG_WARN("{}: writing the segment indexes: {}", dir_, s.message());
    }
    // Batches written after `target` that needed no fsync of their own become visible too,
    // unless one that does needs it is among them.
    Offset visible =
        sync_required_until_ <= flushed_offset_ ? active_segment()->next_offset() : flushed_offset_;
    published = Publish(visible);
    int64_t now = WallClockMs();
    if (force_recovery_point || now - recovery_point_written_ms_ >= kRecoveryPointIntervalMs) {
      recovery_point_written_ms_ = now;
      recovery_point = flushed_offset_;
    }
  }
  if (published) NotifyAppend();
  // Outside the append lock (a file write and a rename, which may wait for the file
  // system's journal): writers go on meanwhile. sync_mu_ orders it with the other writers
  // of the file.
  if (recovery_point) {
    Status s = WriteRecoveryPoint(*recovery_point);
    if (!s.ok()) {
      if (force_recovery_point) return s;
      OXBOW_LOG_WARN("{}: writing the recovery point: {}", dir_, s.message());
    }
  }
  if (end && high_watermark() < *end) {
    // Unreachable unless `end` was never written: a caller's bug.
    return absl::InvalidArgumentError(fmt::format(
        "partition {}-{}: offset {} was not written (log end {})", topic_, id_, *end - 1, target));
  }
  return absl::OkStatus();
}

Result<AppendResult> Partition::WriteLocked(MutableByteView record_set, TimestampMs now,
                                            bool* published) {
  absl::MutexLock lock(&append_mu_);
  if (closed_) {
    return absl::FailedPreconditionError(fmt::format("partition {}-{} is closed", topic_, id_));
  }
  if (!offline_.ok()) {
    return absl::FailedPreconditionError(fmt::format(
        "partition {}-{} is offline after an I/O error: {}", topic_, id_, offline_.message()));
  }
  if (record_set.empty()) return absl::InvalidArgumentError("empty record set");
  const TopicConfig cfg = config();
  ASSIGN_OR_RETURN(std::vector<ByteView> views, SplitRecordSet(record_set));
  // Everything is checked before anything is modified or written: all or nothing.
  for (ByteView v : views) {
    if (static_cast<int64_t>(v.size()) > cfg.max_message_bytes) {
      return absl::ResourceExhaustedError(
          fmt::format("record batch of {} bytes exceeds max.message.bytes ({}) of topic {}",
                      v.size(), cfg.max_message_bytes, topic_));
    }
    RETURN_IF_ERROR(ValidateRecords(v, cfg));
  }

  std::shared_ptr<Segment> active = active_segment();
  const Offset first = active->next_offset();
  ASSIGN_OR_RETURN(std::optional<AppendResult> duplicate, CheckProducers(views, first));
  if (duplicate) {
    if (cfg.timestamp_type != TimestampType::kLogAppendTime)
      duplicate->log_append_time = TimestampMs(-1);
    return *duplicate;
  }
  Offset next = first;
  std::vector<BatchHeader> headers;
  headers.reserve(views.size());
  int64_t records = 0;
  TimestampMs max_ts(-1);
  for (ByteView v : views) {
    MutableByteView batch(const_cast<uint8_t*>(v.data()), v.size());
    SetBaseOffset(batch, next);
    if (cfg.timestamp_type == TimestampType::kLogAppendTime) SetLogAppendTime(batch, now);
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(batch));
    next = h.last_offset() + 1;
    records += std::max(h.record_count, 1);
    max_ts = std::max(max_ts, h.max_timestamp);
    headers.push_back(h);
  }

  uint64_t written = active->written_size();
  bool full = written + record_set.size() > static_cast<uint64_t>(cfg.segment_bytes) ||
              written + record_set.size() > static_cast<uint64_t>(INT32_MAX);
  bool aged = active->first_batch_timestamp().value() >= 0 &&
              max_ts.value() - active->first_batch_timestamp().value() > cfg.segment_ms;
  if (written > 0 && (full || aged)) {
    Status s = Roll(first);
    if (!s.ok()) {
      offline_ = s;
      return s;
    }
    *published = Publish(flushed_offset_) || *published;
    active = active_segment();
  }
  Status s = active->Append(record_set, headers);
  if (!s.ok()) {
    offline_ = s;
    return s;
  }
  // Committed bytes are complete batches; readers stop at the high watermark, which is
  // what waits for the fsync.
  active->Commit();
  for (const BatchHeader& h : headers) {
    if (h.producer_id.value() >= 0) ProducerStateTable::Apply(producers_.Upsert(h.producer_id), h);
  }
  unflushed_messages_ += records;
  unflushed_bytes_ += static_cast<int64_t>(record_set.size());
  bytes_in_.fetch_add(record_set.size(), std::memory_order_relaxed);
  records_in_.fetch_add(static_cast<uint64_t>(records), std::memory_order_relaxed);
  if (unflushed_since_ms_ < 0) unflushed_since_ms_ = now.value();
  bool needs_sync = (cfg.flush_messages > 0 && unflushed_messages_ >= cfg.flush_messages) ||
                    (cfg.flush_bytes > 0 && unflushed_bytes_ >= cfg.flush_bytes);
  if (needs_sync) {
    // The policy's threshold is met: this batch waits for an fsync (AwaitDurable), which
    // covers everything written before it, so the counting starts over.
    sync_required_until_ = next;
    unflushed_messages_ = 0;
    unflushed_bytes_ = 0;
  } else if (flushed_offset_ >= sync_required_until_) {
    *published = Publish(next) || *published;
  }
  AppendResult result{first, next - 1, TimestampMs(-1), log_start_offset()};
  if (cfg.timestamp_type == TimestampType::kLogAppendTime) result.log_append_time = now;
  return result;
}

Status Partition::ValidateRecords(ByteView batch, const TopicConfig& cfg) const {
  // A batch whose CRC is right but whose records do not parse would be stored and then fail
  // every consumer, and stall compaction of the partition for good: refuse it here, as
  // Kafka's broker does. This decompresses compressed batches (bounded in size).
  // SplitRecordSet has just checked the CRC.
  Result<DecodedBatch> decoded = DecodeBatch(batch, kDefaultMaxUncompressedBytes, CrcCheck::kSkip);
  if (!decoded.ok()) {
    return Status(decoded.status().code(), fmt::format("invalid record batch for {}-{}: {}", topic_,
                                                       id_, decoded.status().message()));
  }
  if (!cfg.compact_policy || decoded->header().is_control()) return absl::OkStatus();
  for (const Record& r : decoded->records()) {
    if (!r.key) {
      return absl::InvalidArgumentError(fmt::format(
          "topic {} is compacted (cleanup.policy={}): every record needs a key, and the "
          "record at offset delta {} has none",
          topic_, cfg.delete_policy ? "compact,delete" : "compact", r.offset_delta));
    }
  }
  return absl::OkStatus();
}

Status Partition::SyncActive() {
  std::shared_ptr<Segment> active = active_segment();
  RETURN_IF_ERROR(active->Sync());
  flushed_offset_ = active->next_offset();
  unflushed_messages_ = 0;
  unflushed_bytes_ = 0;
  unflushed_since_ms_ = -1;
  return absl::OkStatus();
}

Status Partition::Roll(Offset next) {
  std::shared_ptr<Segment> old = active_segment();
  RETURN_IF_ERROR(old->Seal());
  ASSIGN_OR_RETURN(auto seg, Segment::Create(fs_, dir_, next, config().index_interval_bytes));
  RETURN_IF_ERROR(fs_.SyncDir(dir_));
  {
    absl::MutexLock lock(&segments_mu_);
    segments_.emplace(next, std::move(seg));
  }
  // Sealing fsynced the old segment; everything appended is durable.
  flushed_offset_ = old->next_offset();
  // The snapshot covers exactly the batches below `next`, all sealed: recovery scans only
  // the new segment. A failure costs recovery time only (it scans further back).
  if (Status s = WriteProducerSnapshot(next); !s.ok()) {
    OXBOW_LOG_WARN("{}: writing the producer snapshot: {}", dir_, s.message());
  }
  unflushed_messages_ = 0;
  unflushed_bytes_ = 0;
  unflushed_since_ms_ = -1;
  return absl::OkStatus();
}

Status Partition::WriteRecoveryPoint(Offset offset) {
  // A hint, so no fsync: if it is lost or stale after a power failure, recovery validates
  // more of the log than needed, never less (it is only written after the data's fsync).
  std::string path = io::JoinPath(dir_, kRecoveryPointFile);
  std::string tmp = path + ".tmp";
  {
    ASSIGN_OR_RETURN(auto f, fs_.Open(tmp, io::OpenMode::kCreateOrOpen));
    RETURN_IF_ERROR(f->Truncate(0));
    RETURN_IF_ERROR(f->Append(AsBytes(fmt::format("{}\n", offset.value()))));
  }
  return fs_.Rename(tmp, path);
}

Status Partition::WriteLogStartOffset(Offset offset) {
  return fs_.WriteFileAtomically(io::JoinPath(dir_, kLogStartOffsetFile),
                                 AsBytes(fmt::format("{}\n", offset.value())));
}

Offset Partition::cleaner_checkpoint() const { return Offset(cleaner_checkpoint_.load()); }

Status Partition::set_cleaner_checkpoint(Offset offset) {
  cleaner_checkpoint_.store(offset.value());
  return fs_.WriteFileAtomically(io::JoinPath(dir_, kCleanerCheckpointFile),
                                 AsBytes(fmt::format("{}\n", offset.value())));
}

Status Partition::Flush() {
  {
    absl::MutexLock lock(&append_mu_);
    if (closed_ || !offline_.ok()) return offline_;
  }
  return SyncUpTo(std::nullopt, /*force_recovery_point=*/true);
}

Status Partition::RunPeriodicFlush(TimestampMs now) {
  int64_t flush_ms = config().flush_ms;
  if (flush_ms < 0) return absl::OkStatus();
  {
    absl::MutexLock lock(&append_mu_);
    if (unflushed_since_ms_ < 0 || now.value() - unflushed_since_ms_ < flush_ms) {
      return absl::OkStatus();
    }
  }
  return Flush();
}

Status Partition::MaybeRoll(TimestampMs now) {
  absl::ReleasableMutexLock lock(&append_mu_);
  if (closed_ || !offline_.ok()) return absl::OkStatus();
  std::shared_ptr<Segment> active = active_segment();
  int64_t first = active->first_batch_timestamp().value();
  if (active->empty() || first < 0 || now.value() - first <= config().segment_ms) {
    return absl::OkStatus();
  }
  Status s = Roll(active->next_offset());
  if (!s.ok()) {
    offline_ = s;
    return s;
  }
  // Sealing fsynced batches that may be waiting for an fsync of their own.
  if (Publish(flushed_offset_)) {
    lock.Release();
    NotifyAppend();
  }
  return s;
}

Result<ReadResult> Partition::ReadAt(const std::shared_ptr<Segment>& seg, const BatchLocation& loc,
                                     uint64_t max_bytes, Offset hw) const {
  uint64_t limit = seg->committed_size();
  // Append publishes a batch's bytes (the committed size) before the high watermark, so
  // this segment may already hold committed batches at or past the `hw` this read loaded
  // earlier. The slice must stop where `hw` starts: nothing past the high watermark the
  // result reports is ever returned. Only a segment being appended to can hold them.
  if (seg->next_offset() > hw) {
    ASSIGN_OR_RETURN(std::optional<BatchLocation> at_hw, seg->FindBatch(hw, limit));
    if (at_hw) limit = at_hw->position;
  }
  if (loc.position >= limit) return ReadResult{FileSlice{}, hw, log_start_offset()};
  uint64_t want = std::max<uint64_t>(max_bytes, loc.header.size_bytes());
  uint64_t end = std::min(limit, loc.position + want);
  return ReadResult{FileSlice{seg->file(), loc.position, end - loc.position}, hw,
                    log_start_offset()};
}

Result<WholeBatches> MeasureWholeBatches(const FileSlice& slice) {
  WholeBatches whole;
  uint64_t end = slice.position + slice.size;
  uint8_t buf[kBatchHeaderSize];
  for (uint64_t pos = slice.position; pos + kBatchHeaderSize <= end;) {
    ASSIGN_OR_RETURN(size_t n, slice.file->ReadAt(pos, MutableByteView(buf, sizeof(buf))));
    if (n < sizeof(buf)) break;
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(ByteView(buf, sizeof(buf))));
    if (pos + h.size_bytes() > end) break;
    whole.records += static_cast<uint64_t>(std::max(h.record_count, 0));
    pos += h.size_bytes();
    whole.bytes = pos - slice.position;
  }
  return whole;
}

Result<uint64_t> CountRecords(const FileSlice& slice) {
  ASSIGN_OR_RETURN(WholeBatches whole, MeasureWholeBatches(slice));
  return whole.records;
}

PartitionTraffic Partition::traffic() const {
  return PartitionTraffic{
      bytes_in_.load(std::memory_order_relaxed), records_in_.load(std::memory_order_relaxed),
      bytes_out_.load(std::memory_order_relaxed), records_out_.load(std::memory_order_relaxed)};
}

Result<ReadResult> Partition::Read(Offset offset, uint64_t max_bytes) const {
  Offset hw = high_watermark();
  Offset start = log_start_offset();
  if (offset < start || offset > hw) {
    return absl::OutOfRangeError(
        fmt::format("offset {} is out of range for {}-{}: the log holds offsets {} to {}", offset,
                    topic_, id_, start, hw - 1));
  }
  ReadResult empty{FileSlice{}, hw, start};
  if (offset == hw) return empty;
  for (std::shared_ptr<Segment> seg = SegmentFor(offset); seg != nullptr;
       seg = NextSegment(seg->base_offset())) {
    ASSIGN_OR_RETURN(std::optional<BatchLocation> loc,
                     seg->FindBatch(offset, seg->committed_size()));
    if (loc) return ReadAt(seg, *loc, max_bytes, hw);
  }
  return empty;
}

Result<ReadResult> Partition::ReadFromTimestamp(TimestampMs timestamp, uint64_t max_bytes) const {
  Offset hw = high_watermark();
  Offset start = log_start_offset();
  for (const std::shared_ptr<Segment>& seg : segments()) {
    if (seg->max_timestamp() < timestamp || seg->next_offset() <= start) continue;
    uint64_t limit = seg->committed_size();
    ASSIGN_OR_RETURN(std::optional<BatchLocation> loc, seg->FindBatchByTime(timestamp, limit));
    // DeleteRecordsBefore may have moved the log start into this segment: batches wholly
    // below it hold deleted records, so look on for the first qualifying batch after them.
    while (loc && (loc->header.last_offset() < start || loc->header.max_timestamp < timestamp)) {
      uint64_t next = loc->position + loc->header.size_bytes();
      loc.reset();
      if (next + kBatchHeaderSize > limit) break;
      ASSIGN_OR_RETURN(BatchHeader h, seg->ReadHeaderAt(next));
      if (next + h.size_bytes() <= limit) loc = BatchLocation{next, h};
    }
    if (loc) return ReadAt(seg, *loc, max_bytes, hw);
  }
  return ReadResult{FileSlice{}, hw, start};
}

Result<std::optional<std::pair<Offset, TimestampMs>>> Partition::OffsetForTimestamp(
    TimestampMs timestamp) const {
  Offset hw = high_watermark();
  Offset start = log_start_offset();
  ByteBuffer buf;
  for (const std::shared_ptr<Segment>& seg : segments()) {
    if (seg->max_timestamp() < timestamp) continue;
    uint64_t limit = seg->committed_size();
    ASSIGN_OR_RETURN(std::optional<BatchLocation> loc, seg->FindBatchByTime(timestamp, limit));
    while (loc) {
      RETURN_IF_ERROR(seg->ReadBatch(*loc, &buf));
      ASSIGN_OR_RETURN(DecodedBatch batch, DecodeBatch(buf.view()));
      for (const Record& r : batch.records()) {
        // Committed batches may run past the high watermark loaded above (see ReadAt).
        if (batch.offset_of(r) >= hw) return std::optional<std::pair<Offset, TimestampMs>>();
        if (batch.offset_of(r) >= start && batch.timestamp_of(r) >= timestamp) {
          return std::make_optional(std::make_pair(batch.offset_of(r), batch.timestamp_of(r)));
        }
      }
      uint64_t next = loc->position + loc->header.size_bytes();
      loc.reset();
      if (next + kBatchHeaderSize <= limit) {
        ASSIGN_OR_RETURN(BatchHeader h, seg->ReadHeaderAt(next));
        if (next + h.size_bytes() <= limit) loc = BatchLocation{next, h};
      }
    }
  }
  return std::optional<std::pair<Offset, TimestampMs>>();
}

Status Partition::DeleteSegmentsBelow(Offset offset, RetentionResult* result) {
  // Whole segments whose every offset is below `offset` go; the active one stays.
  std::vector<std::shared_ptr<Segment>> victims;
  Offset new_start;
  {
    absl::ReaderMutexLock lock(&segments_mu_);
    auto it = segments_.begin();
    while (std::next(it) != segments_.end() && std::next(it)->first <= offset) {
      victims.push_back(it->second);
      ++it;
    }
    new_start = it->first;
  }
  if (victims.empty()) {
    ForgetProducersBelowLogStart();
    return absl::OkStatus();
  }
  // Durable before the files go: after a crash the log must not start below data that
  // no longer exists, or consumers would silently skip instead of being told.
  if (new_start > log_start_offset()) {
    RETURN_IF_ERROR(WriteLogStartOffset(new_start));
    log_start_offset_.store(new_start.value());
  }
  {
    absl::MutexLock lock(&segments_mu_);
    for (const auto& seg : victims) segments_.erase(seg->base_offset());
  }
  for (const auto& seg : victims) {
    result->segments_deleted++;
    result->bytes_deleted += seg->committed_size();
    RETURN_IF_ERROR(seg->Delete());
  }
  ForgetProducersBelowLogStart();
  return absl::OkStatus();
}

Result<RetentionResult> Partition::ApplyRetention(TimestampMs now) {
  absl::MutexLock maintenance(&maintenance_mu_);
  RetentionResult result;
  const TopicConfig cfg = config();
  RETURN_IF_ERROR(DeleteSegmentsBelow(log_start_offset(), &result));
  if (!cfg.delete_policy) return result;

  if (cfg.retention_ms >= 0) {
    TimestampMs cutoff(now.value() - cfg.retention_ms);
    std::shared_ptr<Segment> active = active_segment();
    std::vector<std::shared_ptr<Segment>> segs = segments();
    bool all_sealed_expired = true;
    Offset delete_below = segs.front()->base_offset();
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      // A segment without timestamps (-1, "none") has no age: it is kept rather than
      // deleted at once.
      if (segs[i]->max_timestamp() >= cutoff || segs[i]->max_timestamp().value() < 0) {
        all_sealed_expired = false;
        break;
      }
      delete_below = segs[i + 1]->base_offset();
    }
    if (all_sealed_expired && !active->empty() && active->max_timestamp() < cutoff &&
        active->max_timestamp().value() >= 0) {
      // Everything has expired, the active segment too: roll it so that it can go.
      absl::MutexLock lock(&append_mu_);
      // Checked again under the append lock: an append that took the lock after the check
      // above may have added fresh records, which rolling now would delete with the rest.
      if (!closed_ && offline_.ok() && active_segment() == active &&
          active->max_timestamp() < cutoff) {
        Status s = Roll(active->next_offset());
        if (!s.ok()) {
          offline_ = s;
          return s;
        }
        delete_below = active->next_offset();
      }
    }
    RETURN_IF_ERROR(DeleteSegmentsBelow(delete_below, &result));
  }
  if (cfg.retention_bytes >= 0) {
    std::vector<std::shared_ptr<Segment>> segs = segments();
    uint64_t total = 0;
    for (const auto& seg : segs) total += seg->committed_size();
    Offset delete_below = segs.front()->base_offset();
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      if (total - segs[i]->committed_size() < static_cast<uint64_t>(cfg.retention_bytes)) break;
      total -= segs[i]->committed_size();
      delete_below = segs[i + 1]->base_offset();
    }
    RETURN_IF_ERROR(DeleteSegmentsBelow(delete_below, &result));
  }
  if (result.segments_deleted > 0) {
    OXBOW_LOG_INFO("{}-{}: retention deleted {} segments ({} bytes); log starts at {}", topic_, id_,
                   result.segments_deleted, result.bytes_deleted, log_start_offset());
  }
  return result;
}

Result<Offset> Partition::DeleteRecordsBefore(Offset offset) {
  absl::MutexLock maintenance(&maintenance_mu_);
  Offset hw = high_watermark();
  if (offset > hw || offset < Offset(0)) {
    return absl::OutOfRangeError(
        fmt::format("cannot delete records before offset {} of {}-{}: the high watermark is {}",
                    offset, topic_, id_, hw));
  }
  if (offset <= log_start_offset()) return log_start_offset();
  // Durable before it is acknowledged: deleted records must not come back after a crash.
  RETURN_IF_ERROR(WriteLogStartOffset(offset));
  log_start_offset_.store(offset.value());
  RetentionResult ignored;
  RETURN_IF_ERROR(DeleteSegmentsBelow(offset, &ignored));
  return log_start_offset();
}

Status Partition::SwapSegments(const std::vector<std::shared_ptr<Segment>>& old_segments,
                               const std::vector<Offset>& replacement_bases) {
  // The manifest is the commit point. Before it exists a crash discards the .cleaned files;
  // after, recovery finishes the swap (ResolveLeftovers). Every step is idempotent.
  std::string manifest = "replace\n";
  for (const auto& seg : old_segments) manifest += fmt::format("{}\n", seg->base_offset());
  manifest += "with\n";
  for (Offset base : replacement_bases) manifest += fmt::format("{}\n", base);
  std::string manifest_path = io::JoinPath(dir_, kManifestFile);
  RETURN_IF_ERROR(fs_.WriteFileAtomically(manifest_path, AsBytes(manifest)));

  std::set<Offset> with(replacement_bases.begin(), replacement_bases.end());
  for (const auto& seg : old_segments) {
    if (!with.contains(seg->base_offset())) RETURN_IF_ERROR(seg->Delete());
  }
  for (Offset base : replacement_bases) {
    for (std::string_view ext : {".log", ".index", ".timeindex"}) {
      std::string path = io::JoinPath(dir_, Segment::FileName(base, ext));
      RETURN_IF_ERROR(fs_.Rename(path + std::string(Segment::kCleanedSuffix), path));
    }
  }
  RETURN_IF_ERROR(fs_.SyncDir(dir_));

  std::vector<std::shared_ptr<Segment>> fresh;
  for (Offset base : replacement_bases) {
    ASSIGN_OR_RETURN(auto seg, Segment::Open(fs_, dir_, base, config().index_interval_bytes));
    RETURN_IF_ERROR(seg->Recover(std::nullopt, false).status());
    RETURN_IF_ERROR(seg->Seal());
    fresh.push_back(std::move(seg));
  }
  {
    absl::MutexLock lock(&segments_mu_);
    for (const auto& seg : old_segments) segments_.erase(seg->base_offset());
    for (auto& seg : fresh) segments_.emplace(seg->base_offset(), std::move(seg));
  }
  // The log start stays where it was even if compaction emptied the oldest segments (see
  // Recover): Kafka semantics for compacted topics.
  RETURN_IF_ERROR(fs_.Remove(manifest_path));
  return fs_.SyncDir(dir_);
}

Status Partition::Close() {
  absl::MutexLock sync_lock(&sync_mu_);  // orders the recovery point with SyncUpTo's
  absl::MutexLock lock(&append_mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  if (!offline_.ok()) return absl::OkStatus();
  RETURN_IF_ERROR(SyncActive());
  Publish(flushed_offset_);
  if (Status s = WriteProducerSnapshot(flushed_offset_); !s.ok()) {
    OXBOW_LOG_WARN("{}: writing the producer snapshot: {}", dir_, s.message());
  }
  return WriteRecoveryPoint(flushed_offset_);
}

}  // namespace oxbow::log
