// The sparse time index of one segment, for finding records by timestamp (ListOffsets,
// `oxbow topic consume --from-time`, retention).
//
// An entry (T, O) is written at an offset-index checkpoint, a batch starting at offset O,
// when T — the largest timestamp of all batches *before* O in the segment — has grown since
// the previous entry. So T never decreases along the index, and to find the first batch
// whose max timestamp is >= target a reader locates the first entry with T >= target: the
// batch lies between the offset-index checkpoint preceding that entry's O and O itself.
//
// On disk (<base>.timeindex) an entry is 12 bytes: T (int64 BE) and O relative to the
// segment base (uint32 BE). Rebuilt from the log when missing or damaged. Same threading
// rules as OffsetIndex.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"
#include "log/sparse_index.h"

namespace oxbow::log {

struct TimeIndexEntry {
  int64_t timestamp;
  uint32_t relative_offset;

  static constexpr size_t kSize = 12;
  static TimeIndexEntry Decode(const uint8_t* p) {
    return {static_cast<int64_t>(LoadBE64(p)), LoadBE32(p + 8)};
  }
  void Encode(ByteBuffer& out) const {
    out.AppendBE64(static_cast<uint64_t>(timestamp));
    out.AppendBE32(relative_offset);
  }
};

class TimeIndex : public SparseIndex<TimeIndexEntry> {
 public:
  static constexpr size_t kEntrySize = TimeIndexEntry::kSize;

  explicit TimeIndex(Offset base) : base_(base) {}

  // Loads the longest well-formed prefix (non-decreasing timestamps, increasing offsets,
  // offsets below max_relative_offset). Returns the number of entries dropped.
  size_t Load(ByteView file_bytes, uint32_t max_relative_offset);

  // Records that all batches before `offset` have timestamps <= max_timestamp_before.
  // Ignored unless the timestamp grew since the last entry.
  void MaybeAppend(Offset offset, TimestampMs max_timestamp_before);
  // Drops entries at offsets >= offset.
  void TruncateAtOffset(Offset offset);

  // The first entry with timestamp >= target, if any.
  std::optional<TimeIndexEntry> FirstAtOrAfter(TimestampMs target) const;
  // The last entry whose offset is <= offset, if any.
  std::optional<TimeIndexEntry> LastAtOrBefore(Offset offset) const;
  // Last(), size(), Clear() and Persist(file) come from SparseIndex.

 private:
  const Offset base_;
};

}  // namespace oxbow::log
