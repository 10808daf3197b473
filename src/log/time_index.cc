#include "log/time_index.h"

#include <algorithm>

#include "base/bytes.h"

namespace oxbow::log {

size_t TimeIndex::Load(ByteView file_bytes, uint32_t max_relative_offset) {
  return LoadPrefix(file_bytes, [&](const TimeIndexEntry* prev, const TimeIndexEntry& e) {
    bool ordered = prev == nullptr ||
                   (e.timestamp > prev->timestamp && e.relative_offset > prev->relative_offset);
    return ordered && e.relative_offset <= max_relative_offset;
  });
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
  EraseFrom(it);
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

}  // namespace oxbow::log
