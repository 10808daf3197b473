// The sparse offset index of one segment: (relative offset, file position) pairs, one every
// index.interval.bytes of log, each naming the start of a record batch.
//
// On disk (<base>.index) an entry is 8 bytes: the batch's base offset relative to the
// segment's base (uint32, big-endian) and its byte position in the .log file (uint32, BE).
// The index is a hint, never the truth: it is rebuilt from the log when missing or damaged,
// and readers confirm each hit against the batch header they read.
//
// Thread safety: one writer (the segment's append path) calls Append/TruncateAfter/Persist;
// any thread may call Lookup/entries concurrently (guarded by an internal mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"
#include "log/sparse_index.h"

namespace oxbow::log {

struct OffsetIndexEntry {
  uint32_t relative_offset;
  uint32_t position;

  static constexpr size_t kSize = 8;
  static OffsetIndexEntry Decode(const uint8_t* p) { return {LoadBE32(p), LoadBE32(p + 4)}; }
  void Encode(ByteBuffer& out) const {
    out.AppendBE32(relative_offset);
    out.AppendBE32(position);
  }
};

class OffsetIndex : public SparseIndex<OffsetIndexEntry> {
 public:
  static constexpr size_t kEntrySize = OffsetIndexEntry::kSize;

  explicit OffsetIndex(Offset base) : base_(base) {}

  // Loads entries from an index file's bytes, keeping the longest prefix that is well
  // formed: strictly increasing offsets and positions, positions below log_size. Returns
  // the number of entries dropped (0 when the file was intact).
  size_t Load(ByteView file_bytes, uint64_t log_size);

  // Adds an entry for a batch starting at (offset, position). Must be beyond the last entry.
  void Append(Offset offset, uint32_t position);
  // Drops entries at positions >= position (after a truncation of the log).
  void TruncateAtPosition(uint64_t position);

  // The last entry whose offset is <= target: where a scan for `target` starts.
  // Returns {base, 0} when target precedes every entry.
  OffsetIndexEntry Lookup(Offset target) const;
  // The last entry whose position is < position, or {0, 0}.
  OffsetIndexEntry FloorByPosition(uint64_t position) const;
  // Last(), size(), Clear() and Persist(file) come from SparseIndex.

 private:
  const Offset base_;
};

}  // namespace oxbow::log
