// What the offset and time indexes share: a sorted vector of fixed-size entries behind a
// reader/writer lock, loaded from an index file up to its first bad entry, and persisted by
// appending what is new or, after entries were dropped, rewriting the file.
//
// Entry provides: static constexpr size_t kSize; static Entry Decode(const uint8_t*);
// void Encode(ByteBuffer&) const. Thread safety as OffsetIndex/TimeIndex state: one writer,
// concurrent readers.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/bytes.h"
#include "base/status.h"
#include "io/file.h"

namespace oxbow::log {

template <typename Entry>
class SparseIndex {
 public:
  std::optional<Entry> Last() const {
    absl::ReaderMutexLock lock(&mu_);
    if (entries_.empty()) return std::nullopt;
    return entries_.back();
  }
  size_t size() const {
    absl::ReaderMutexLock lock(&mu_);
    return entries_.size();
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    entries_.clear();
    rewrite_ = true;
  }

  // Writes every entry not yet written to `file` (appending), so the file catches up with
  // memory; rewrites the whole file when entries were dropped since the last write.
  Status Persist(io::File& file) {
    ByteBuffer buf;
    bool rewrite;
    {
      absl::MutexLock lock(&mu_);
      rewrite = rewrite_;
      size_t from = rewrite ? 0 : persisted_;
      buf.reserve((entries_.size() - from) * Entry::kSize);
      for (size_t i = from; i < entries_.size(); ++i) entries_[i].Encode(buf);
      persisted_ = entries_.size();
      rewrite_ = false;
    }
    if (rewrite) RETURN_IF_ERROR(file.Truncate(0));
    if (buf.empty()) return absl::OkStatus();
    return file.Append(buf.view());
  }

 protected:
  // Loads the longest prefix of `file_bytes` whose entries `accept(previous, entry)` (previous
  // is null for the first). Returns how many entries were dropped, counting a torn last one.
  template <typename Accept>
  size_t LoadPrefix(ByteView file_bytes, Accept accept) {
    absl::MutexLock lock(&mu_);
    size_t n = file_bytes.size() / Entry::kSize;
    entries_.clear();
    entries_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      Entry e = Entry::Decode(file_bytes.data() + i * Entry::kSize);
      if (!accept(entries_.empty() ? nullptr : &entries_.back(), e)) break;
      entries_.push_back(e);
    }
    persisted_ = entries_.size();
    size_t torn = file_bytes.size() % Entry::kSize != 0 ? 1 : 0;
    rewrite_ = entries_.size() < n || torn != 0;
    return n - entries_.size() + torn;
  }

  // Drops the entries from `it` on; the file is rewritten if any had been persisted.
  void EraseFrom(typename std::vector<Entry>::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    entries_.erase(it, entries_.end());
    if (entries_.size() < persisted_) rewrite_ = true;
  }

  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);

 private:
  size_t persisted_ ABSL_GUARDED_BY(mu_) = 0;
  bool rewrite_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace oxbow::log
