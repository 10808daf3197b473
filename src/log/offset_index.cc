#include "log/offset_index.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/logging.h"

namespace oxbow::log {

size_t OffsetIndex::Load(ByteView file_bytes, uint64_t log_size) {
  return LoadPrefix(file_bytes, [&](const OffsetIndexEntry* prev, const OffsetIndexEntry& e) {
    bool ordered = prev == nullptr ||
                   (e.relative_offset > prev->relative_offset && e.position > prev->position);
    return ordered && e.position < log_size;
  });
}

void OffsetIndex::Append(Offset offset, uint32_t position) {
  absl::MutexLock lock(&mu_);
  uint32_t rel = static_cast<uint32_t>(offset - base_);
  OXBOW_CHECK(entries_.empty() ||
                  (rel > entries_.back().relative_offset && position > entries_.back().position),
              "offset index entries must increase: {} at {}", offset, position);
  entries_.push_back({rel, position});
}

void OffsetIndex::TruncateAtPosition(uint64_t position) {
  absl::MutexLock lock(&mu_);
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), position,
                       [](const OffsetIndexEntry& e, uint64_t pos) { return e.position < pos; });
  EraseFrom(it);
}

OffsetIndexEntry OffsetIndex::Lookup(Offset target) const {
  absl::ReaderMutexLock lock(&mu_);
  if (target < base_) return {0, 0};
  int64_t rel = target - base_;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rel,
                             [](int64_t r, const OffsetIndexEntry& e) {
                               return r < static_cast<int64_t>(e.relative_offset);
                             });
  if (it == entries_.begin()) return {0, 0};
  return *std::prev(it);
}

OffsetIndexEntry OffsetIndex::FloorByPosition(uint64_t position) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), position,
                       [](const OffsetIndexEntry& e, uint64_t pos) { return e.position < pos; });
  if (it == entries_.begin()) return {0, 0};
  return *std::prev(it);
}

}  // namespace oxbow::log
