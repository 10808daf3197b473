#include "log/time_index.h"

#include <algorithm>

#include "base/bytes.h"

namespace oxbow::log {

size_t TimeIndex::Load(ByteView file_bytes, uint32_t max_relative_offset) {
  absl::MutexLock lock(&mu_);
  size_t n = file_bytes.size() / kEntrySize;
  entries_.clear();
  entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = file_bytes.data() + i * kEntrySize;
    TimeIndexEntry e{static_cast<int64_t>(LoadBE64(p)), LoadBE32(p + 8)};
    bool ordered = entries_.empty() || (e.timestamp > entries_.back().timestamp &&
                                        e.relative_offset > entries_.back().relative_offset);
    if (!ordered || e.relative_offset > max_relative_offset) break;
    entries_.push_back(e);
  }
  persisted_ = entries_.size();
  size_t torn = file_bytes.size() % kEntrySize != 0 ? 1 : 0;
  rewrite_ = entries_.size() < n || torn;
  return n - entries_.size() + torn;
}

void TimeIndex::MaybeAppend(Offset offset, TimestampMs max_timestamp_before) {
  absl::MutexLock lock(&mu_);
  uint32_t rel = static_cast<uint32_t>(offset - base_);
  if (!entries_.empty() && (max_timestamp_before.value() <= entries_.back().timestamp ||
                            rel <= entries_.back().relative_offset)) {
    return;
  }
  entries_.push_back({max_timestamp_before.value(), rel});
}

void TimeIndex::TruncateAtOffset(Offset offset) {
  absl::MutexLock lock(&mu_);
  int64_t rel = offset - base_;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), rel,
                             [](const TimeIndexEntry& e, int64_t r) {
                               return static_cast<int64_t>(e.relative_offset) < r;
                             });
  if (it == entries_.end()) return;
  entries_.erase(it, entries_.end());
  if (entries_.size() < persisted_) rewrite_ = true;
}

void TimeIndex::Clear() {
  absl::MutexLock lock(&mu_);
  entries_.clear();
  rewrite_ = true;
}

std::optional<TimeIndexEntry> TimeIndex::FirstAtOrAfter(TimestampMs target) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), target.value(),
                             [](const TimeIndexEntry& e, int64_t t) { return e.timestamp < t; });
  if (it == entries_.end()) return std::nullopt;
  return *it;
}

std::optional<TimeIndexEntry> TimeIndex::LastAtOrBefore(Offset offset) const {
  absl::ReaderMutexLock lock(&mu_);
  int64_t rel = offset - base_;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rel,
                             [](int64_t r, const TimeIndexEntry& e) {
                               return r < static_cast<int64_t>(e.relative_offset);
                             });
  if (it == entries_.begin()) return std::nullopt;
  return *std::prev(it);
}

std::optional<TimeIndexEntry> TimeIndex::Last() const {
  absl::ReaderMutexLock lock(&mu_);
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

size_t TimeIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

Status TimeIndex::Persist(io::File& file) {
  ByteBuffer buf;
  bool rewrite;
  {
    absl::MutexLock lock(&mu_);
    rewrite = rewrite_;
    size_t from = rewrite ? 0 : persisted_;
    for (size_t i = from; i < entries_.size(); ++i) {
      buf.AppendBE64(static_cast<uint64_t>(entries_[i].timestamp));
      buf.AppendBE32(entries_[i].relative_offset);
    }
    persisted_ = entries_.size();
    rewrite_ = false;
  }
  if (rewrite) RETURN_IF_ERROR(file.Truncate(0));
  if (buf.empty()) return absl::OkStatus();
  return file.Append(buf.view());
}

}  // namespace oxbow::log
