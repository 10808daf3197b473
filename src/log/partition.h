// A partition: an ordered, append-only sequence of record batches with offsets, stored as a
// directory of segments (see segment.h). The unit of ordering, durability and reading.
//
// Threads: one writer at a time appends (Append serializes callers internally, so two
// producers to one partition are safe, one after the other). Readers call Read*, the
// offset getters and OffsetForTimestamp from any thread without blocking the writer for
// more than a segment-list lookup. Maintenance (Flush, MaybeRoll, ApplyRetention,
// DeleteRecordsBefore, segment swaps by the compactor) may run on a background thread
// concurrently with both; it is serialized with itself by an internal mutex.
//
// Visibility: readers see a batch once it is fully written and, if the durability policy
// asks to fsync it before acknowledging, fsynced: the high watermark is the offset after
// the last such batch. Nothing past the high watermark is ever returned.
//
// Group commit: Append = Write (validate, assign offsets, write; ordered) + AwaitDurable
// (fsync). The fsync runs outside the append lock, so other writers keep writing while it
// runs, and one fsync covers every batch written before it started: concurrent producers
// (and one connection's pipelined requests) share fsyncs instead of queueing for their own.
//
// Failure: when a write or fsync fails, the partition goes offline for appends
// (FailedPrecondition) because the file's tail is indeterminate; reads of data already
// visible continue. Reopening the partition recovers the tail.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"
#include "log/producer_state.h"
#include "log/segment.h"
#include "log/topic_config.h"

namespace oxbow::log {

// A byte range of a segment file: whole record batches, except that the last one may be cut
// short when the range was limited by max_bytes (as in Kafka's Fetch; clients drop the
// partial batch). Holding the File keeps the bytes readable even if the segment is deleted.
struct FileSlice {
  std::shared_ptr<io::File> file;
  uint64_t position = 0;
  uint64_t size = 0;
};

struct AppendResult {
  Offset base_offset;
  Offset last_offset;
  // The broker time assigned to the batches for LogAppendTime topics; -1 otherwise.
  TimestampMs log_append_time{-1};
  Offset log_start_offset;
  // The batch is a retry of one an idempotent producer already wrote (see
  // producer_state.h): nothing was written, and the offsets are the original batch's.
  bool duplicate = false;
};

struct ReadResult {
  FileSlice slice;  // empty when the read starts at the high watermark
  Offset high_watermark;
  Offset log_start_offset;
};

// A partition's traffic since it was opened (this process), for the metrics endpoint.
struct PartitionTraffic {
  uint64_t bytes_in = 0;     // record-set bytes appended (duplicates of retries excluded)
  uint64_t records_in = 0;   // records appended
  uint64_t bytes_out = 0;    // bytes handed to consumers (CountRead)
  uint64_t records_out = 0;  // records in the whole batches handed to consumers
};

// The whole batches at the start of a slice: their bytes and records.
struct WholeBatches {
  uint64_t bytes = 0;
  uint64_t records = 0;
};

// The whole batches of `slice` (a partial last batch, as a max_bytes limit may leave, is
// not counted): one header read per batch. A Fetch cuts its slice to `bytes`, so that no
// client is sent bytes it must drop. Errors: the file's, DataLoss for a malformed header.
Result<WholeBatches> MeasureWholeBatches(const FileSlice& slice);
// MeasureWholeBatches(slice).records.
Result<uint64_t> CountRecords(const FileSlice& slice);

struct RetentionResult {
  size_t segments_deleted = 0;
  uint64_t bytes_deleted = 0;
};

// What recovery did when the partition was opened, for logs and tests.
struct RecoveryReport {
  size_t segments = 0;
  uint64_t scanned_bytes = 0;
  // One entry per truncation: "file: position N: reason (M bytes removed)".
  std::vector<std::string> truncations;
  // The producer snapshot the producer state was loaded from (nullopt: none usable), and
  // how many batch headers were read after it to bring the state up to date.
  std::optional<Offset> producer_snapshot;
  uint64_t producer_batches_scanned = 0;
};

struct PartitionOptions {
  std::string dir;  // the partition's directory
  std::string topic;
  PartitionId id{0};
  TopicConfig config;
};

class Partition {
 public:
  // Opens the partition in `options.dir` (created if missing) and recovers it: leftover
  // files of interrupted compactions and deletions are resolved, indexes are checked and
  // rebuilt if damaged, and every batch after the recovery point (the last flushed offset
  // recorded before shutdown) is validated, truncating a torn or corrupt tail. Recovery
  // time depends on the unflushed tail, not on the size of the log.
  // The idempotent producers' state is loaded from the newest producer snapshot
  // (<offset>.snapshot, written when a segment rolls and on Close) at or below the log end,
  // then brought up to date from the headers of the batches after its offset; without a
  // usable snapshot it is rebuilt from every batch header in the log.
  static Result<std::unique_ptr<Partition>> Open(io::FileSystem& fs, PartitionOptions options);

  ~Partition();

  const std::string& topic() const { return topic_; }
  PartitionId id() const { return id_; }
  const std::string& dir() const { return dir_; }
  io::FileSystem& file_system() const { return fs_; }

  // Appends a record set (one or more magic-v2 batches, e.g. a Produce request's records),
  // assigning consecutive offsets from the log end, all or nothing. The batches are
  // modified in place (base offset; timestamps for LogAppendTime topics). Returns once the
  // batches are visible and, per the durability policy, fsynced.
  // Every batch is validated before anything is written: framing, CRC, and its records
  // (decompressed and parsed, as Kafka's broker does), and on compacted topics that every
  // record has a key.
  // Idempotent producers' batches (producer id >= 0) are checked against the partition's
  // producer state (producer_state.h): a retry of one of the producer's last 5 batches is
  // not written again and returns the original offsets with `duplicate` set (if the
  // record set holds several batches, the first duplicate answers for the whole set, as in
  // Kafka); the original may still await its fsync, which AwaitDurable(last_offset + 1)
  // covers as for any write.
  // Errors: DataLoss (a batch fails its CRC, framing or record parsing), InvalidArgument
  // (not magic v2, empty set, a keyless record on a compacted topic), ResourceExhausted (a
  // batch exceeds max.message.bytes or decompresses beyond the limit), FailedPrecondition
  // with a ProducerError payload (sequence gap, fenced epoch, unknown producer: see
  // ProducerErrorOf), FailedPrecondition (offline after an I/O error), Internal/Unavailable
  // (I/O).
  Result<AppendResult> Append(MutableByteView record_set, TimestampMs now);

  // The two halves of Append, for callers that pipeline (the Kafka Produce path).
  // Write validates and writes the batches and assigns their offsets, without waiting for
  // the fsync the durability policy may ask for; the batches are invisible to readers, and
  // must not be acknowledged, until AwaitDurable(result.last_offset + 1) returned OK.
  // Writes are ordered: a later Write's batches get later offsets. Errors as Append's.
  Result<AppendResult> Write(MutableByteView record_set, TimestampMs now);
  // Returns once every batch below `end` is durable per the policy and visible (the high
  // watermark is at or past `end`). If an fsync is needed and another caller's is running,
  // waits for it and then fsyncs once for everything written meanwhile (group commit).
  // Errors: FailedPrecondition (offline: an earlier write or fsync failed, or closed),
  // Internal/Unavailable (this fsync failed; the partition goes offline).
  Status AwaitDurable(Offset end);
  // AwaitDurable without blocking a thread on someone else's fsync: `done` runs once every
  // batch below `end` is durable and visible, with the error if that failed. If no fsync
  // is running, this caller runs them (blocking) until no one waits, and calls `done` of
  // every caller its fsyncs covered; otherwise it returns at once and the running one
  // covers it. `done` must be cheap and must not block (it runs on the fsyncing thread).
  // Precondition: `end` was written (Write returned it).
  void RequestDurable(Offset end, std::function<void(Status)> done);
  // RequestDurable in two halves, so that a caller on a thread that must not block (an I/O
  // thread) queues its wait there and hands only the fsyncs to another thread: returns true
  // when no fsync round is running and the caller must see that LeadDurable() runs (on a
  // thread that may block), which calls `done` with the others. `done` may run before this
  // returns (already durable: on this thread).
  bool QueueDurable(Offset end, std::function<void(Status)> done);
  void LeadDurable();

  // Reads from the batch containing `offset` (or the next batch after a gap): at least one
  // whole batch, then up to `max_bytes` in all, from one segment. OutOfRange if `offset`
  // is below the log start offset or above the high watermark.
  Result<ReadResult> Read(Offset offset, uint64_t max_bytes) const;
  // Reads from the first batch whose max timestamp is >= `timestamp`; an empty slice at
  // the high watermark when there is none.
  Result<ReadResult> ReadFromTimestamp(TimestampMs timestamp, uint64_t max_bytes) const;
  // The first offset whose record timestamp is >= `timestamp`, with that timestamp
  // (Kafka's ListOffsets). nullopt when every record is older.
  Result<std::optional<std::pair<Offset, TimestampMs>>> OffsetForTimestamp(
      TimestampMs timestamp) const;

  Offset high_watermark() const { return Offset(high_watermark_.load(std::memory_order_acquire)); }
  Offset log_start_offset() const { return Offset(log_start_offset_.load()); }
  // The first offset of the segment being appended to. Reads from it on are of the newest
  // data, which is usually in the page cache (Fetch reads those without a thread hand-off).
  Offset active_segment_base() const;
  // Bytes in all segments.
  uint64_t size_bytes() const;
  size_t segment_count() const;
  // A snapshot of the segments, oldest first.
  std::vector<std::shared_ptr<Segment>> segments() const;
  TopicConfig config() const;
  void set_config(const TopicConfig& config);
  const RecoveryReport& recovery_report() const { return recovery_; }
  // The idempotent producers known to this partition (for tests and metrics).
  size_t producer_count();
  // Traffic counters (relaxed atomics: cheap, each counter exact, the four not a snapshot).
  PartitionTraffic traffic() const;
  // Counts a read served to a consumer (the Kafka Fetch path): `bytes` sent, holding
  // `records` records. Reads for other purposes (the SQL engine, compaction) are not counted.
  void CountRead(uint64_t bytes, uint64_t records) const {
    bytes_out_.fetch_add(bytes, std::memory_order_relaxed);
    records_out_.fetch_add(records, std::memory_order_relaxed);
  }

  // Called (on the appending thread, without locks held) after every append has become
  // visible, e.g. to wake Fetch requests waiting for data. Set once, before appends start.
  using AppendObserver = std::function<void(const Partition&)>;
  void set_append_observer(AppendObserver observer) { append_observer_ = std::move(observer); }

  // fsyncs everything appended and records the recovery point.
  Status Flush();
  // Background duties, called periodically: fsync per flush.ms, roll per segment.ms.
  Status RunPeriodicFlush(TimestampMs now);
  Status MaybeRoll(TimestampMs now);
  // Deletes whole segments beyond retention.ms / retention.bytes (for delete-policy
  // topics) and below the log start offset. The active segment is rolled first if all of
  // it has expired.
  Result<RetentionResult> ApplyRetention(TimestampMs now);
  // Advances the log start offset (Kafka's DeleteRecords) durably; whole segments below it
  // are deleted. Returns the new log start offset. OutOfRange above the high watermark.
  Result<Offset> DeleteRecordsBefore(Offset offset);

  // Replaces `old_segments` (consecutive, sealed) by segments whose files were written and
  // fsynced in the partition directory with the ".cleaned" suffix (Segment::Create with
  // kCleanedSuffix). Crash-safe through a manifest (see partition.cc). Used by the
  // compactor, which must hold maintenance_mutex().
  Status SwapSegments(const std::vector<std::shared_ptr<Segment>>& old_segments,
                      const std::vector<Offset>& replacement_bases);
  // The compactor's checkpoint: offsets below it have been compacted.
  Offset cleaner_checkpoint() const;
  Status set_cleaner_checkpoint(Offset offset);
  // Serializes compaction and retention of this partition.
  absl::Mutex& maintenance_mutex() { return maintenance_mu_; }

  // Flushes and closes the segments. Appends fail afterwards.
  Status Close();

 private:
  Partition(io::FileSystem& fs, PartitionOptions options);

  Status Recover();
  // Write's work under append_mu_; sets *published when the high watermark advanced.
  Result<AppendResult> WriteLocked(MutableByteView record_set, TimestampMs now, bool* published);
  // Fsyncs what was written up to now (unless `end` is already durable) and publishes it.
  // Holds sync_mu_: one fsync at a time, later callers find their batches covered.
  // `end` nullopt: fsync everything written so far.
  Status SyncUpTo(std::optional<Offset> end, bool force_recovery_point);
  // Raises the high watermark to `offset` if higher; true if it moved.
  bool Publish(Offset offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  void NotifyAppend() const {
    if (append_observer_) append_observer_(*this);
  }
  Status ValidateRecords(ByteView batch, const TopicConfig& cfg) const;
  Status ResolveLeftovers(const std::vector<std::string>& names);
  Status Roll(Offset next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  Status SyncActive() ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  Status WriteRecoveryPoint(Offset offset);
  // Producer state: checks the batches of a write (nullopt: write them; else the duplicate
  // that answers for them), and the snapshot files.
  Result<std::optional<AppendResult>> CheckProducers(const std::vector<ByteView>& views,
                                                     Offset first)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  Status RecoverProducerState(const std::vector<std::string>& names)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  Status WriteProducerSnapshot(Offset at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // Producers whose batches are all below the log start are forgotten, as in Kafka: a new
  // batch of theirs then gets UNKNOWN_PRODUCER_ID unless it starts over at sequence 0.
  void ForgetProducersBelowLogStart() ABSL_LOCKS_EXCLUDED(append_mu_);
  Status WriteLogStartOffset(Offset offset);
  std::shared_ptr<Segment> SegmentFor(Offset offset) const;
  std::shared_ptr<Segment> NextSegment(Offset base) const;
  std::shared_ptr<Segment> active_segment() const;
  Status DeleteSegmentsBelow(Offset offset, RetentionResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(maintenance_mu_);
  Result<ReadResult> ReadAt(const std::shared_ptr<Segment>& seg, const BatchLocation& loc,
                            uint64_t max_bytes, Offset hw) const;

  io::FileSystem& fs_;
  const std::string dir_;
  const std::string topic_;
  const PartitionId id_;

  mutable absl::Mutex config_mu_;
  TopicConfig config_ ABSL_GUARDED_BY(config_mu_);

  // Guards the segment map. Writers (roll, retention, swaps) hold it exclusively for a map
  // update only, never across I/O.
  mutable absl::Mutex segments_mu_;
  std::map<Offset, std::shared_ptr<Segment>> segments_ ABSL_GUARDED_BY(segments_mu_);

  // RequestDurable's callers waiting for the fsync that will cover them.
  absl::Mutex durable_mu_;
  std::vector<std::pair<Offset, std::function<void(Status)>>> durable_waiters_
      ABSL_GUARDED_BY(durable_mu_);
  bool durable_leader_ ABSL_GUARDED_BY(durable_mu_) = false;
  // Held across an fsync of the active segment and across writes of the recovery point
  // (never while holding append_mu_).
  absl::Mutex sync_mu_ ABSL_ACQUIRED_BEFORE(append_mu_);
  absl::Mutex append_mu_ ABSL_ACQUIRED_BEFORE(segments_mu_);
  Status offline_ ABSL_GUARDED_BY(append_mu_);
  bool closed_ ABSL_GUARDED_BY(append_mu_) = false;
  int64_t unflushed_messages_ ABSL_GUARDED_BY(append_mu_) = 0;
  int64_t unflushed_bytes_ ABSL_GUARDED_BY(append_mu_) = 0;
  // Wall time of the oldest unflushed append, -1 when all is flushed.
  int64_t unflushed_since_ms_ ABSL_GUARDED_BY(append_mu_) = -1;
  // Everything below it is fsynced.
  Offset flushed_offset_ ABSL_GUARDED_BY(append_mu_);
  // The end of the last written batch the policy wants fsynced before it is visible; while
  // it is above flushed_offset_, later batches wait for that fsync to become visible too.
  Offset sync_required_until_ ABSL_GUARDED_BY(append_mu_);
  int64_t recovery_point_written_ms_ ABSL_GUARDED_BY(append_mu_) = 0;
  // Idempotent producers: covers every batch written (not only the visible ones), since
  // a retry must be recognized even while its original awaits its fsync.
  ProducerStateTable producers_ ABSL_GUARDED_BY(append_mu_);

  absl::Mutex maintenance_mu_ ABSL_ACQUIRED_BEFORE(append_mu_);
  std::atomic<int64_t> cleaner_checkpoint_{0};

  std::atomic<int64_t> high_watermark_{0};
  std::atomic<int64_t> log_start_offset_{0};
  RecoveryReport recovery_;
  AppendObserver append_observer_;
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> records_in_{0};
  mutable std::atomic<uint64_t> bytes_out_{0};
  mutable std::atomic<uint64_t> records_out_{0};
};

}  // namespace oxbow::log
