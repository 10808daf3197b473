// Reads the records of one partition in offset order, the way a Kafka consumer does:
// Partition::Read hands out a byte range of a segment (whole batches, possibly ending with a
// partial one), the reader decodes the whole batches, skips records below its position (a
// batch can start before the requested offset) and continues after the last batch.
//
// Threads: one reader per thread; the partition may be appended to concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "log/partition.h"
#include "log/record_batch.h"

namespace oxbow::server {

class PartitionReader {
 public:
  // Called for each record at or after the position; returns false to stop reading (the
  // position then stays just after that record).
  using RecordFn = std::function<bool(const log::DecodedBatch&, const log::Record&)>;

  PartitionReader(std::shared_ptr<log::Partition> partition, Offset position,
                  uint64_t max_bytes = 1 << 20);

  // Reads what the partition returns for one Partition::Read and delivers its records.
  // Returns how many were delivered; 0 means the position is at the high watermark (or
  // only empty or control batches were read: call again to move on). If retention removed
  // the position from the log meanwhile, reading continues at the log start, with a warning.
  // DataLoss for a batch that fails its CRC or cannot be decoded.
  Result<size_t> Poll(const RecordFn& fn);

  // The next offset to read.
  Offset position() const { return position_; }
  bool AtEnd() const { return position_ >= partition_->high_watermark(); }
  const log::Partition& partition() const { return *partition_; }

 private:
  // Decodes the whole batches of `bytes` (a segment range) and delivers their records.
  Result<size_t> Deliver(ByteView bytes, const log::FileSlice& slice, const RecordFn& fn);

  std::shared_ptr<log::Partition> partition_;
  Offset position_;
  uint64_t max_bytes_;
  ByteBuffer buffer_;
};

}  // namespace oxbow::server
