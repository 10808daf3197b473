// Log compaction for cleanup.policy=compact topics: in the sealed segments, only the latest
// record of each key survives; offsets are preserved (the log gets gaps); tombstones (null
// values) are dropped once older than delete.retention.ms, measured from the tombstone's
// record timestamp. Records without a key are kept. The active segment and segments with
// records younger than min.compaction.lag.ms are never touched.
//
// Compaction runs on the maintenance thread and never blocks appends (they only touch the
// active segment) or reads (readers hold the old segments' files until they finish). The
// rewritten segments replace the old ones atomically and crash-safely (Partition::SwapSegments).
#pragma once

#include <cstdint>

#include "base/status.h"
#include "log/partition.h"

namespace oxbow::log {

struct CompactionResult {
  bool ran = false;
  size_t segments_in = 0;
  size_t segments_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t records_removed = 0;
  uint64_t tombstones_removed = 0;
};

// Compacts `partition` if its topic is compacted and the share of bytes written since the
// last compaction reaches min.cleanable.dirty.ratio.
Result<CompactionResult> CompactIfDirty(Partition& partition, TimestampMs now);

// Compacts the sealed segments of a compacted topic now, whatever the dirty ratio.
Result<CompactionResult> Compact(Partition& partition, TimestampMs now);

}  // namespace oxbow::log
