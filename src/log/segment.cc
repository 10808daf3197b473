#include "log/segment.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::log {
namespace {

// Recovery reads the log in chunks this large rather than a syscall per batch, so a scan of
// many small batches runs at memory speed.
constexpr size_t kScanChunkBytes = 4 << 20;

}  // namespace

std::string Segment::FileName(Offset base, std::string_view extension) {
  return fmt::format("{:020d}{}", base.value(), extension);
}

std::optional<Offset> Segment::ParseFileName(std::string_view name, std::string_view extension) {
  if (name.size() != 20 + extension.size() || !name.ends_with(extension)) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + 20, v);
  if (ec != std::errc() || ptr != name.data() + 20 || v < 0) return std::nullopt;
  return Offset(v);
}

Segment::Segment(io::FileSystem& fs, std::string dir, Offset base, int64_t index_interval_bytes,
                 std::shared_ptr<io::File> log, std::shared_ptr<io::File> index,
                 std::shared_ptr<io::File> time_index)
    : fs_(fs),
      dir_(std::move(dir)),
      base_(base),
      index_interval_bytes_(index_interval_bytes),
      log_(std::move(log)),
      index_file_(std::move(index)),
      time_index_file_(std::move(time_index)),
      offset_index_(base),
      time_index_(base),
      next_offset_(base) {}

Result<std::shared_ptr<Segment>> Segment::Create(io::FileSystem& fs, const std::string& dir,
                                                 Offset base, int64_t index_interval_bytes,
                                                 std::string_view suffix) {
  auto path = [&](std::string_view ext) {
    return io::JoinPath(dir, FileName(base, ext)) + std::string(suffix);
  };
  ASSIGN_OR_RETURN(auto log, fs.Open(path(".log"), io::OpenMode::kCreateExclusive));
  ASSIGN_OR_RETURN(auto index, fs.Open(path(".index"), io::OpenMode::kCreateOrOpen));
  ASSIGN_OR_RETURN(auto tindex, fs.Open(path(".timeindex"), io::OpenMode::kCreateOrOpen));
  RETURN_IF_ERROR(index->Truncate(0));
  RETURN_IF_ERROR(tindex->Truncate(0));
  return std::shared_ptr<Segment>(new Segment(fs, dir, base, index_interval_bytes, std::move(log),
                                              std::move(index), std::move(tindex)));
}

Result<std::shared_ptr<Segment>> Segment::Open(io::FileSystem& fs, const std::string& dir,
                                               Offset base, int64_t index_interval_bytes) {
  ASSIGN_OR_RETURN(auto log,
                   fs.Open(io::JoinPath(dir, FileName(base, ".log")), io::OpenMode::kReadWrite));
  std::string index_path = io::JoinPath(dir, FileName(base, ".index"));
  std::string tindex_path = io::JoinPath(dir, FileName(base, ".timeindex"));
  bool had_indexes = fs.Exists(index_path) && fs.Exists(tindex_path);
  ASSIGN_OR_RETURN(auto index, fs.Open(index_path, io::OpenMode::kCreateOrOpen));
  ASSIGN_OR_RETURN(auto tindex, fs.Open(tindex_path, io::OpenMode::kCreateOrOpen));
  std::shared_ptr<Segment> seg(new Segment(fs, dir, base, index_interval_bytes, std::move(log),
                                           std::move(index), std::move(tindex)));
  ASSIGN_OR_RETURN(std::string ibytes, fs.ReadFile(index_path));
  ASSIGN_OR_RETURN(std::string tbytes, fs.ReadFile(tindex_path));
  size_t dropped = seg->offset_index_.Load(AsBytes(ibytes), seg->log_->size());
  dropped += seg->time_index_.Load(AsBytes(tbytes), UINT32_MAX);
  bool empty_index_for_data = seg->offset_index_.size() == 0 &&
                              seg->log_->size() > static_cast<uint64_t>(index_interval_bytes) * 2;
  if (empty_index_for_data) {
    // Entries mark batches that start index_interval_bytes or more into the segment, so a
    // log whose batches all start before that (one batch larger than the interval, say)
    // has none by design. Without this check such a segment was "damaged" on every open.
    uint64_t pos = 0;
    while (pos < seg->log_->size() && pos < static_cast<uint64_t>(index_interval_bytes)) {
      Result<BatchHeader> h = seg->ReadHeaderAt(pos);
      if (!h.ok()) break;  // recovery judges the log; here it only decides the warning
      pos += h->size_bytes();
    }
    empty_index_for_data =
        pos >= static_cast<uint64_t>(index_interval_bytes) && pos < seg->log_->size();
  }
  // The first offset-index checkpoint always gets a time entry (MaybeAppend on an empty time
  // index appends), so offset entries without any time entry mean the time index lost its
  // contents (neither index is fsynced while the segment is active). Recovery would then take
  // the max timestamp before its starting checkpoint from the empty time index and get it too
  // low, so retention would delete the segment early and time lookups would skip it.
  bool lost_time_index = seg->time_index_.size() == 0 && seg->offset_index_.size() > 0;
  if (!had_indexes || dropped > 0 || empty_index_for_data || lost_time_index) {
    // The indexes cannot be trusted up to their end: rebuild both from the log.
    OXBOW_LOG_WARN("{}: index {}; rebuilding it from the log", seg->log_path(),
                   !had_indexes ? "missing" : "damaged");
    seg->offset_index_.Clear();
    seg->time_index_.Clear();
    seg->indexes_rebuilding_ = true;
  }
  return seg;
}

void Segment::IndexBatch(const BatchHeader& h, uint64_t position) {
  if (position > 0 && bytes_since_index_ >= static_cast<uint64_t>(index_interval_bytes_)) {
    offset_index_.Append(h.base_offset, static_cast<uint32_t>(position));
    time_index_.MaybeAppend(h.base_offset, max_timestamp());
    bytes_since_index_ = 0;
  }
  bytes_since_index_ += h.size_bytes();
  if (h.max_timestamp.value() > max_timestamp_.load())
    max_timestamp_.store(h.max_timestamp.value());
  if (first_timestamp_.load() == -1) first_timestamp_.store(h.max_timestamp.value());
  next_offset_.store(h.last_offset() + 1, std::memory_order_release);
}

Status Segment::Append(ByteView batches, std::span<const BatchHeader> headers) {
  OXBOW_CHECK(!sealed_, "append to sealed segment {}", log_path());
  uint64_t position = log_->size();
  RETURN_IF_ERROR(log_->Append(batches));
  for (const BatchHeader& h : headers) {
    IndexBatch(h, position);
    position += h.size_bytes();
  }
  return absl::OkStatus();
}

Status Segment::PersistIndexes() {
  RETURN_IF_ERROR(offset_index_.Persist(*index_file_));
  return time_index_.Persist(*time_index_file_);
}

Status Segment::Sync() {
  RETURN_IF_ERROR(log_->Sync());
  return PersistIndexes();
}

Status Segment::Seal() {
  if (sealed_) return absl::OkStatus();
  // The final time entry records the segment's max timestamp, so a reopened sealed
  // segment knows it without scanning (retention by time depends on it).
  time_index_.MaybeAppend(next_offset(), max_timestamp());
  RETURN_IF_ERROR(log_->Sync());
  RETURN_IF_ERROR(PersistIndexes());
  RETURN_IF_ERROR(index_file_->Sync());
  RETURN_IF_ERROR(time_index_file_->Sync());
  sealed_ = true;
  return absl::OkStatus();
}

Status Segment::Delete() {
  for (std::string_view ext : {".log", ".index", ".timeindex"}) {
    std::string path = io::JoinPath(dir_, FileName(base_, ext));
    Status s = fs_.Remove(path);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return absl::OkStatus();
}

Result<BatchHeader> Segment::ReadHeaderAt(uint64_t position) const {
  uint8_t buf[kBatchHeaderSize];
  ASSIGN_OR_RETURN(size_t n, log_->ReadAt(position, MutableByteView(buf, sizeof(buf))));
  if (n < kBatchHeaderSize) {
    return absl::DataLossError(
        fmt::format("{}: truncated batch header at position {}", log_path(), position));
  }
  Result<BatchHeader> h = ParseBatchHeader(ByteView(buf, n));
  if (!h.ok()) {
    return absl::DataLossError(
        fmt::format("{}: position {}: {}", log_path(), position, h.status().message()));
  }
  return h;
}

Status Segment::ReadBatch(const BatchLocation& location, ByteBuffer* out) const {
  out->resize(location.header.size_bytes());
  ASSIGN_OR_RETURN(
      size_t n, log_->ReadAt(location.position, MutableByteView(out->mutable_data(), out->size())));
  if (n != out->size()) {
    return absl::DataLossError(
        fmt::format("{}: batch at position {} is truncated", log_path(), location.position));
  }
  Status s = ValidateBatch(out->view());
  if (!s.ok()) {
    return absl::DataLossError(fmt::format("{}: batch at position {} (offset {}): {}", log_path(),
                                           location.position, location.header.base_offset,
                                           s.message()));
  }
  return absl::OkStatus();
}

template <typename Pred>
Result<std::optional<BatchLocation>> Segment::ScanFrom(uint64_t position, uint64_t limit,
                                                       Pred done) const {
  while (position + kBatchHeaderSize <= limit) {
    ASSIGN_OR_RETURN(BatchHeader h, ReadHeaderAt(position));
    if (position + h.size_bytes() > limit) break;
    if (done(h)) return BatchLocation{position, h};
    position += h.size_bytes();
  }
  return std::nullopt;
}

bool Segment::CheckpointMatches(const OffsetIndexEntry& e) const {
  if (e.position == 0) return true;
  Result<BatchHeader> h = ReadHeaderAt(e.position);
  if (h.ok() && h->base_offset == base_ + e.relative_offset) return true;
  OXBOW_LOG_WARN("{}: offset index entry ({}, {}) does not match the log; scanning", log_path(),
                 e.relative_offset, e.position);
  return false;
}

Result<std::optional<BatchLocation>> Segment::FindBatch(Offset target, uint64_t limit) const {
  OffsetIndexEntry e = offset_index_.Lookup(target);
  // The index is a hint: confirm it names a batch with the offset it claims.
  uint64_t start = CheckpointMatches(e) ? e.position : 0;
  return ScanFrom(start, limit, [&](const BatchHeader& h) { return h.last_offset() >= target; });
}

Result<std::optional<BatchLocation>> Segment::FindBatchByTime(TimestampMs target,
                                                              uint64_t limit) const {
  if (max_timestamp() < target) return std::nullopt;
  std::optional<OffsetIndexEntry> from;
  if (std::optional<TimeIndexEntry> t = time_index_.FirstAtOrAfter(target)) {
    // The batch lies before t's offset and after the checkpoint preceding it.
    if (t->relative_offset > 0) from = offset_index_.Lookup(base_ + (t->relative_offset - 1));
  } else {
    from = offset_index_.Last();
  }
  // Confirmed as in FindBatch: a damaged entry would start the scan mid-batch (DataLoss).
  uint64_t start = from && CheckpointMatches(*from) ? from->position : 0;
  return ScanFrom(start, limit, [&](const BatchHeader& h) { return h.max_timestamp >= target; });
}

Result<bool> Segment::LoadSealed() {
  if (indexes_rebuilding_) return false;
  OffsetIndexEntry last = offset_index_.Last().value_or(OffsetIndexEntry{0, 0});
  if (!CheckpointMatches(last)) return false;
  const uint64_t size = log_->size();
  uint64_t pos = last.position;
  Offset next = pos > 0 ? base_ + last.relative_offset : base_;
  // The final time entry written by Seal() holds the segment's max timestamp.
  int64_t max_ts = -1;
  if (auto t = time_index_.Last()) max_ts = t->timestamp;
  while (pos < size) {
    if (size - pos < kBatchHeaderSize) return false;
    Result<BatchHeader> h = ReadHeaderAt(pos);
    if (!h.ok() || h->base_offset < next || pos + h->size_bytes() > size) return false;
    max_ts = std::max(max_ts, h->max_timestamp.value());
    next = h->last_offset() + 1;
    pos += h->size_bytes();
  }
  if (pos > 0) {
    ASSIGN_OR_RETURN(BatchHeader first, ReadHeaderAt(0));
    first_timestamp_.store(first.max_timestamp.value());
  }
  next_offset_.store(next);
  max_timestamp_.store(max_ts);
  sealed_ = true;
  Commit();
  return true;
}

Result<ScanReport> Segment::Recover(std::optional<Offset> verify_from, bool verify_crc,
                                    bool allow_gaps) {
  // Start at an index checkpoint: everything before it was validated when it was written
  // (or by an earlier recovery) and is covered by the index.
  OffsetIndexEntry start_entry = verify_from
                                     ? offset_index_.Lookup(*verify_from)
                                     : offset_index_.Last().value_or(OffsetIndexEntry{0, 0});
  // The index is only a hint. An entry damaged so that it still looks ordered and in range
  // would start the scan mid-batch, and the scan would truncate valid, fsynced data there
  // as corrupt. Scan the whole segment instead (truncating the indexes at 0 rebuilds them).
  if (!CheckpointMatches(start_entry)) start_entry = OffsetIndexEntry{0, 0};
  uint64_t start = start_entry.position;
  Offset start_offset = base_ + start_entry.relative_offset;
  // The largest timestamp before `start`: the last time entry at or before it.
  int64_t max_ts_before = -1;
  if (start > 0) {
    if (auto t = time_index_.LastAtOrBefore(start_offset)) max_ts_before = t->timestamp;
    Result<BatchHeader> first = ReadHeaderAt(0);
    if (first.ok()) first_timestamp_.store(first->max_timestamp.value());
  }
  offset_index_.TruncateAtPosition(start);
  time_index_.TruncateAtOffset(start_offset);
  max_timestamp_.store(max_ts_before);
  next_offset_.store(start > 0 ? start_offset : base_);
  bytes_since_index_ = start > 0 ? static_cast<uint64_t>(index_interval_bytes_) : 0;

  ScanReport report;
  const uint64_t size = log_->size();
  std::vector<uint8_t> chunk;
  uint64_t chunk_pos = 0;
  uint64_t pos = start;
  bool corrupt = false;
  auto stop = [&](std::string reason, bool is_corruption) {
    report.truncated_at = pos;
    report.truncated_bytes = size - pos;
    report.reason = std::move(reason);
    corrupt = is_corruption;
  };
  while (pos < size) {
    uint64_t want = std::min<uint64_t>(size - pos, kScanChunkBytes);
    if (pos < chunk_pos ||
        pos + std::min<uint64_t>(want, kBatchHeaderSize) > chunk_pos + chunk.size()) {
      chunk.resize(want);
      ASSIGN_OR_RETURN(size_t n, log_->ReadAt(pos, MutableByteView(chunk.data(), want)));
      chunk.resize(n);
      chunk_pos = pos;
    }
    ByteView avail(chunk.data() + (pos - chunk_pos), chunk.size() - (pos - chunk_pos));
    if (avail.size() < kBatchHeaderSize) {
      stop("incomplete batch header at end of file", false);
      break;
    }
    Result<BatchHeader> h = ParseBatchHeader(avail);
    if (!h.ok()) {
      stop(std::string(h.status().message()), true);
      break;
    }
    // A compacted segment may start after its base (its first batches were compacted
    // away), so the first batch only has to be at or after the base.
    // Without gaps, a batch must start exactly at the next offset: the CRC does not cover
    // the base offset, and a flipped bit there would otherwise renumber the batch and move
    // the log end far ahead, and the intact batch after it would be cut off instead.
    bool gap = !allow_gaps && h->base_offset != next_offset();
    if (h->base_offset < next_offset() || gap) {
      stop(fmt::format("batch offset {} does not follow offset {}", h->base_offset,
                       next_offset() - 1),
           true);
      break;
    }
    if (pos + h->size_bytes() > size) {
      stop("incomplete batch at end of file", false);
      break;
    }
    if (verify_crc) {
      ByteView batch;
      std::vector<uint8_t> big;
      if (h->size_bytes() <= avail.size()) {
        batch = avail.first(h->size_bytes());
      } else if (h->size_bytes() <= kScanChunkBytes) {
        chunk.resize(h->size_bytes());
        ASSIGN_OR_RETURN(size_t n, log_->ReadAt(pos, MutableByteView(chunk.data(), chunk.size())));
        chunk.resize(n);
        chunk_pos = pos;
        batch = ByteView(chunk.data(), chunk.size());
      } else {
        big.resize(h->size_bytes());
        ASSIGN_OR_RETURN(size_t n, log_->ReadAt(pos, MutableByteView(big.data(), big.size())));
        big.resize(n);
        batch = ByteView(big.data(), big.size());
      }
      Status s = ValidateBatch(batch);
      if (!s.ok()) {
        stop(std::string(s.message()), true);
        break;
      }
    }
    IndexBatch(*h, pos);
    ++report.batches;
    pos += h->size_bytes();
  }
  report.scanned_bytes = pos - start;
  if (report.truncated_at) {
    if (corrupt) {
      // Keep the damaged bytes for forensics instead of destroying them.
      std::string keep = fmt::format("{}.corrupt-{}", log_path(), pos);
      std::vector<uint8_t> bytes(size - pos);
      ASSIGN_OR_RETURN(size_t n, log_->ReadAt(pos, MutableByteView(bytes.data(), bytes.size())));
      ASSIGN_OR_RETURN(auto out, fs_.Open(keep, io::OpenMode::kCreateOrOpen));
      RETURN_IF_ERROR(out->Truncate(0));
      RETURN_IF_ERROR(out->Append(ByteView(bytes.data(), n)));
      RETURN_IF_ERROR(out->Sync());
    }
    RETURN_IF_ERROR(log_->Truncate(pos));
    RETURN_IF_ERROR(log_->Sync());
  }
  RETURN_IF_ERROR(PersistIndexes());
  Commit();
  return report;
}

}  // namespace oxbow::log
