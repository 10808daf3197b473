// Idempotent producers' state in one partition: per producer id, its epoch and the last
// kMaxBatches batches it wrote (sequence range and offsets). Kafka's rules (KIP-98):
//
//   - a batch whose sequence range equals one of the last kMaxBatches of its producer and
//     epoch is a retry of a batch already written: it is not written again, and the
//     producer is answered with the original offsets;
//   - otherwise its first sequence must follow the producer's last one (wrapping after
//     INT32_MAX): OutOfOrderSequence (a gap, or a retry older than the kept batches);
//   - an epoch older than the producer's: InvalidProducerEpoch (fenced);
//   - a newer epoch starts the producer over and must start at sequence 0;
//   - a producer id this partition has no record of must start at sequence 0:
//     UnknownProducerId otherwise (its batches were removed by retention or DeleteRecords,
//     or it never wrote here). The client (librdkafka, the Java client) resets its
//     sequence numbers on that answer.
//
// The state is rebuilt from batch headers (producer id, epoch, base sequence and
// lastOffsetDelta are in every v2 batch header) and saved in snapshot files so that
// recovery only scans the batches written after the last snapshot (see partition.h).
//
// Errors are values: the checks return a Status carrying a ProducerError
// (producer_error.h), so the protocol edge can answer Kafka's exact code.
//
// Threads: not thread-safe; the partition guards it with its append lock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "log/producer_error.h"
#include "log/record_batch.h"

namespace oxbow::log {

// One batch of a producer, as remembered for duplicate detection.
struct ProducerBatch {
  int32_t first_seq = 0;
  int32_t last_seq = 0;
  Offset first_offset;
  Offset last_offset;
  TimestampMs max_timestamp{-1};
};

struct ProducerEntry {
  static constexpr size_t kMaxBatches = 5;  // Kafka's max.in.flight for idempotence

  ProducerEpoch epoch{-1};
  // Oldest first; the last `count` slots are unused.
  std::array<ProducerBatch, kMaxBatches> batches{};
  uint8_t count = 0;

  const ProducerBatch* last() const { return count == 0 ? nullptr : &batches[count - 1]; }
  void Add(const ProducerBatch& b);
  // A retained batch with exactly this sequence range, if any.
  const ProducerBatch* Find(int32_t first_seq, int32_t last_seq) const;
};

// The sequence number of the last record of a batch: base + lastOffsetDelta, wrapping
// past INT32_MAX to 0 as Kafka's producers do.
int32_t LastSequence(const BatchHeader& h);

// What checking one batch found: write it (new) or answer with an earlier batch's offsets.
struct SequenceCheck {
  std::optional<ProducerBatch> duplicate_of;
};

class ProducerStateTable {
 public:
  // Checks a batch (producer_id >= 0) against `entry` (nullptr: unknown producer), without
  // changing anything. Errors: FailedPrecondition with a ProducerError payload.
  static Result<SequenceCheck> Check(const ProducerEntry* entry, const BatchHeader& h);
  // Applies a batch that was written at its (final) offsets in `h` to `entry`. Batches of
  // producer id < 0 must not be passed.
  static void Apply(ProducerEntry& entry, const BatchHeader& h);

  const ProducerEntry* Find(ProducerId id) const;
  ProducerEntry& Upsert(ProducerId id) { return producers_[id]; }
  // Rebuilding from the log: applies every idempotent batch's header, no checks (what is
  // in the log was accepted when written).
  void Replay(const BatchHeader& h);
  // Forgets producers whose last batch lies wholly below `offset` (their batches are gone).
  void DropBefore(Offset offset);
  size_t size() const { return producers_.size(); }
  void Clear() { producers_.clear(); }

  // A snapshot file's contents: "OXPS" magic, version, the offset it was taken at (every
  // batch below it is included), the entries, and a CRC-32C of everything before it.
  std::string EncodeSnapshot(Offset at) const;
  // Loads a snapshot, replacing the state, and returns its offset. DataLoss when the bytes
  // are damaged (the caller then rebuilds from the whole log).
  Result<Offset> DecodeSnapshot(ByteView bytes);

 private:
  absl::flat_hash_map<ProducerId, ProducerEntry> producers_;
};

}  // namespace oxbow::log
