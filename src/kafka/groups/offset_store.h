// Committed consumer offsets: kept in memory for OffsetFetch, made durable in the internal
// compacted topic "__consumer_offsets" before a commit is acknowledged.
//
// Records (one batch per commit, so a commit is all or nothing):
//   key   = int16 version (1), string group, string topic, int32 partition
//   value = int16 version (3), int64 offset, int32 leader epoch, string metadata,
//           int64 commit timestamp (ms)           -- null value: a tombstone (DeleteGroups)
// Strings are int16 length + bytes, as in Kafka's own __consumer_offsets records. A group's
// records all go to partition hash(group) % partitions, so its commits stay in order.
// Compaction keeps the last record per key, so the topic stays about as large as the set
// of committed offsets.
//
// Threads: every method is thread-safe. Commit and DeleteGroup append to the log and wait
// for its fsync: call them from a blocking thread (BlockingPool), never an I/O thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "log/log_manager.h"

namespace oxbow::kafka::groups {

inline constexpr char kOffsetsTopic[] = "__consumer_offsets";

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
  bool operator==(const CommittedOffset&) const = default;
};

using TopicPartition = std::pair<std::string, int32_t>;

class OffsetStore {
 public:
  // `log` must outlive the store.
  OffsetStore(log::LogManager& log, int32_t partitions);

  // Creates the offsets topic (compacted) if missing and loads every committed offset from
  // it. Blocking. Until it succeeded, Commit and DeleteGroup fail with Unavailable.
  Status Load();
  bool loaded() const;

  // Appends the commits of one group durably, then makes them visible to Get. A failed
  // append changes nothing (Unavailable/Internal from the log).
  Status Commit(const std::string& group,
                const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets);
  // Writes tombstones for every offset of `group` and forgets them.
  Status DeleteGroup(const std::string& group);
  // DeleteGroup, but only when every offset of `group` was committed before
  // `committed_before_ms` (wall clock, ms): a commit racing the expiry keeps the group.
  // True when the offsets were deleted.
  Result<bool> ExpireGroup(const std::string& group, int64_t committed_before_ms);
  // Writes tombstones for those of `partitions` whose offset `group` committed before
  // `committed_before_ms` (checked with the writes held: a racing commit keeps its
  // partition) and forgets them; the group's other offsets stay. Returns those deleted.
  Result<std::vector<TopicPartition>> ExpirePartitions(
      const std::string& group, const std::vector<TopicPartition>& partitions,
      int64_t committed_before_ms);

  std::optional<CommittedOffset> Get(const std::string& group, const TopicPartition& tp) const;
  // Every committed offset of the group, ordered by topic and partition.
  std::map<TopicPartition, CommittedOffset> GetAll(const std::string& group) const;
  bool HasGroup(const std::string& group) const;
  std::vector<std::string> Groups() const;

  // The partition of the offsets topic holding `group`'s records.
  int32_t PartitionFor(const std::string& group) const;

 private:
  Status LoadPartition(log::Partition& partition);
  Status DeleteGroupLocked(const std::string& group,
                           const std::map<TopicPartition, CommittedOffset>& offsets)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  Status Append(
      const std::string& group,
      const std::vector<std::pair<TopicPartition, std::optional<CommittedOffset>>>& records);

  log::LogManager& log_;
  int32_t partitions_;  // the offsets topic's count once Load() ran, before any commit
  // Held across an append and the update of offsets_, so that memory changes in log order.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::map<TopicPartition, CommittedOffset>> offsets_ ABSL_GUARDED_BY(mu_);
};

// The record codec, exposed for tests.
std::vector<uint8_t> EncodeOffsetKey(const std::string& group, const TopicPartition& tp);
std::vector<uint8_t> EncodeOffsetValue(const CommittedOffset& value);
// InvalidArgument (DataLoss for truncation) on bytes that are not such a key/value; records
// of other key versions (Kafka's group metadata, version 2) give NotFound and are skipped.
Result<std::pair<std::string, TopicPartition>> DecodeOffsetKey(ByteView key);
Result<CommittedOffset> DecodeOffsetValue(ByteView value);

}  // namespace oxbow::kafka::groups
