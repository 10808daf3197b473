#include "log/offset_index.h"

#include <algorithm>

#include "base/bytes.h"
#include "base/logging.h"

namespace oxbow::log {

size_t OffsetIndex::Load(ByteView file_bytes, uint64_t log_size) {
  absl::MutexLock lock(&mu_);
  size_t n = file_bytes.size() / kEntrySize;
  entries_.clear();
  entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = file_bytes.data() + i * kEntrySize;
    OffsetIndexEntry e{LoadBE32(p), LoadBE32(p + 4)};
    bool ordered = entries_.empty() || (e.relative_offset > entries_.back().relative_offset &&
                                        e.position > entries_.back().position);
    if (!ordered || e.position >= log_size) break;
    entries_.push_back(e);
  }
  persisted_ = entries_.size();
  size_t dropped = n - entries_.size();
  // A torn final entry (file size not a multiple of 8) also forces a rewrite.
  rewrite_ = dropped > 0 || file_bytes.size() % kEntrySize != 0;
  return dropped + (file_bytes.size() % kEntrySize != 0 ? 1 : 0);
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
  if (it == entries_.end()) return;
  entries_.erase(it, entries_.end());
  if (entries_.size() < persisted_) rewrite_ = true;
}

void OffsetIndex::Clear() {
  absl::MutexLock lock(&mu_);
  entries_.clear();
  rewrite_ = true;
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

std::optional<OffsetIndexEntry> OffsetIndex::Last() const {
  absl::ReaderMutexLock lock(&mu_);
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

size_t OffsetIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

Status OffsetIndex::Persist(io::File& file) {
  ByteBuffer buf;
  bool rewrite;
  {
    absl::MutexLock lock(&mu_);
    rewrite = rewrite_;
    size_t from = rewrite ? 0 : persisted_;
    buf.reserve((entries_.size() - from) * kEntrySize);
    for (size_t i = from; i < entries_.size(); ++i) {
      buf.AppendBE32(entries_[i].relative_offset);
      buf.AppendBE32(entries_[i].position);
    }
    persisted_ = entries_.size();
    rewrite_ = false;
  }
  if (rewrite) RETURN_IF_ERROR(file.Truncate(0));
  if (buf.empty()) return absl::OkStatus();
  return file.Append(buf.view());
}

}  // namespace oxbow::log
