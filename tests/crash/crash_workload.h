// The batches the crash and corruption tests write. Batch `seq` of partition `p` is a pure
// function of (p, seq, shape): its record count, codec, keys, values and timestamps are drawn
// from a PRNG seeded with (p, seq). A verifier can therefore regenerate whatever a killed
// writer appended, acknowledged or not, and compare it byte for byte.
//
// Every batch carries its identity in header fields the log stores but does not interpret
// (the batches are not an idempotent producer's: producer id -1, so the base sequence is not
// checked): partition leader epoch = kProducerIdBase + partition, base sequence = seq. A
// reader that finds a batch in the log knows which one it is supposed to be.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "log/record_batch.h"

namespace oxbow::crash {

// Record counts and value sizes are drawn log-uniformly from these ranges, so small batches
// are common (many appends, many batch boundaries) and large ones still occur.
struct WorkloadShape {
  int32_t max_records;
  int32_t min_value_bytes;
  int32_t max_value_bytes;
};
// What the crash test appends: 1..200 records of 10..2000 bytes.
inline constexpr WorkloadShape kCrashShape{200, 10, 2000};
// Small batches, for building partitions with many segments quickly.
inline constexpr WorkloadShape kSmallShape{8, 10, 300};

inline constexpr int64_t kProducerIdBase = 7000;

struct ExpectedRecord {
  std::string key;
  std::string value;
  TimestampMs timestamp;
};

struct ExpectedBatch {
  log::Compression codec;
  std::vector<ExpectedRecord> records;
};

// The content of batch `seq` of `partition`.
ExpectedBatch Expected(int32_t partition, int64_t seq, const WorkloadShape& shape);

// Encodes batch `seq` of `partition` (base offset 0, as a producer sends it).
Result<ByteBuffer> BuildBatch(int32_t partition, int64_t seq, const WorkloadShape& shape);

// Checks that `batch` (one whole batch as read from the log) is exactly batch `seq` of
// `partition` stored at `base`: CRC valid, bytes identical to BuildBatch's with the base
// offset set, and every record decoding to the expected key, value, offset and timestamp.
// DataLoss naming the first difference otherwise.
Status CheckBatch(ByteView batch, int32_t partition, int64_t seq, Offset base,
                  const WorkloadShape& shape);

// The sequence number a batch carries (its base sequence field), or -1 if the batch is not
// one of ours (wrong producer id for `partition`).
int64_t SeqOf(const log::BatchHeader& header, int32_t partition);

}  // namespace oxbow::crash
