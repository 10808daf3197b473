// Pipeline: a DAG of operators fed by sources, driven by one thread, with epochs and
// checkpoints (ARCHITECTURE.md decision 4).
//
// Driving: Step() polls each source once; each chunk a source emits is pushed through the
// whole DAG before Step returns (operators call each other synchronously). Every
// `checkpoint_interval` of wall time (`live_checkpoint_interval` once the sources have caught
// up; every `catch_up_checkpoint_records` records while they catch up, when set), Step
// injects a barrier: Checkpoint().
//
// Checkpoint (the barrier): between two chunks, so no operator is mid-chunk. Every operator
// writes the state it changed during the epoch into one write batch — sources their next
// offsets, sinks their content — with the pipeline's epoch number, and the store commits
// the batch atomically with its WAL synced. So the store always holds the state of every
// operator after exactly the input before the committed offsets: nothing is half-applied.
//
// State memory: the operators' keyed state is held in memory up to
// `state_memory_bytes`, the rest read from the store on demand. State changed in an epoch
// cannot leave memory before the barrier writes it; when it alone exceeds the budget, Step
// checkpoints early (before the interval) so that it becomes evictable.
//
// Restore: every operator reloads its state from the store, sources resume at the
// committed offsets. Input after them is read again and reaches operators whose state does
// not include it: every record is applied exactly once to the checkpointed state, and a
// materialized view ends up with the result of an uninterrupted run.
//
// Effects outside the store follow the commit: once the batch is committed, Checkpoint calls
// every operator's AfterCommit, where an output-topic sink appends the epoch's records
// (which it put in the batch, so a restore after a crash in between appends them then:
// exactly once, see output_topic_sink.h). Error-sink reports are at least once.
//
// Thread safety: Add/Connect before running; Step/Checkpoint/Restore from one thread.
// Views' snapshots from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "stream/operator.h"
#include "stream/source.h"
#include "stream/state_cache.h"
#include "stream/state_store.h"

namespace oxbow::stream {

struct PipelineOptions {
  StateId id = 0;  // the pipeline's own namespace (its epoch)
  std::chrono::milliseconds checkpoint_interval{1000};
  // When every source has caught up (live input, not a backlog), Step checkpoints this
  // often instead: an epoch's batch — and the pause while the pipeline thread builds and
  // applies it — then stays small, so events arriving meanwhile wait less. A pipeline
  // catching up on history keeps checkpoint_interval (fewer, larger epochs). Zero: off.
  std::chrono::milliseconds live_checkpoint_interval{0};
  // While some source is catching up (a backlog, not live input), checkpoint by volume
  // instead of by time: when this many records have been consumed since the last
  // checkpoint, or catch_up_max_interval has passed. Zero: off (checkpoint_interval).
  // Why: a checkpoint's cost is the state changed in its epoch, and a key changed in
  // several epochs is written once per epoch. History read in 1 s epochs made the number
  // of epochs — and the writes of keys that repeat across them — depend on how fast the
  // machine was (the join benchmark: 2 epochs ≈ 490 k events/s, 3 ≈ 350 k); epochs of a
  // fixed number of records write each repeated key once per that many records. The bound
  // on work redone after a crash becomes catch_up_checkpoint_records (reading history again
  // is fast); the memory held by an epoch stays bounded by state_memory_bytes (an early
  // checkpoint, below).
  uint64_t catch_up_checkpoint_records = 0;
  std::chrono::milliseconds catch_up_max_interval{10'000};
  // The checkpoints Step makes on its interval do not wait for the disk: the batch is
  // applied (StateStore::Apply) at once and made durable (StateStore::Sync) on a helper
  // thread while the pipeline goes on processing; the epoch counts it and AfterCommit runs
  // at the first Step (or Checkpoint, or WaitForSync) after the sync. So input arriving
  // during a checkpoint is not delayed by its fsync; while a sync is still running, Step's
  // interval checkpoints wait (the epoch grows) rather than block. Explicit Checkpoint()
  // calls stay synchronous. A failed sync fails the next Step.
  bool sync_in_background = false;
  // Called on the helper thread when a background sync has finished (e.g. to wake the
  // thread that calls Step). Must not call into the pipeline.
  std::function<void()> on_synced = nullptr;
  // Memory for the operators' keyed state (state_cache.h), split evenly among their caches;
  // beyond it clean state is evicted and read back from the store when needed.
  // kUnlimitedStateMemory keeps everything in memory.
  size_t state_memory_bytes = size_t{256} << 20;
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, StateStore& store);
  ~Pipeline();  // waits for a background sync

  // Takes ownership; returns the operator for wiring.
  template <typename T>
  T* Add(std::unique_ptr<T> op) {
    T* raw = op.get();
    operators_.push_back(std::move(op));
    if constexpr (std::is_base_of_v<SourceOperator, T>) sources_.push_back(raw);
    return raw;
  }
  void Connect(Operator* from, Operator* to, int port = 0) { from->AddOutput(to, port); }
  // The one operator whose output `op` is connected to; null when none or several. O(ops).
  Operator* InputOf(const Operator* op) const;

  // Loads the last checkpoint (a fresh store: empty state, sources at the log start).
  Status Restore();
  // Polls every source once and checkpoints when the interval has passed and something was
  // consumed since the last checkpoint. Returns the records consumed (0: no source had
  // anything new).
  Result<size_t> Step();
  // Polls until every source has read up to its partitions' high watermarks, then
  // checkpoints. For tests, benchmarks and bounded (batch) runs.
  Status RunUntilCaughtUp();
  // Runs Step until `stop`, idling briefly when there is no input.
  Status Run(const std::atomic<bool>& stop);
  // The barrier: commits every operator's state and the sources' offsets atomically, then
  // runs the operators' AfterCommit.
  Status Checkpoint();

  // Waits for a background sync (sync_in_background) and completes its epoch: AfterCommit.
  // Returns the sync's error. Nothing to do without one.
  Status WaitForSync() { return FinishSync(/*wait=*/true); }

  // The DAG for EXPLAIN: one line per operator in the order added, with where its output
  // goes ("#3 HashAggregate -> #4", "-> #5 (right)" for a join's second input).
  std::vector<std::string> Describe() const;

  // Epochs committed so far (restored from the store).
  uint64_t epoch() const { return epoch_; }
  // A checkpoint is applied and its background sync not completed yet: epoch() counts it
  // once a Step (or WaitForSync) after the sync has completed it.
  bool checkpoint_syncing() const { return sync_done_.valid(); }
  // Checkpoints taken early because dirty state exceeded the memory budget.
  uint64_t memory_checkpoints() const { return memory_checkpoints_; }
  // The last checkpoint this pipeline committed (not one restored): how long it took, from
  // the barrier until its epoch was durable (a background sync included), and when (system
  // clock, ms since the epoch; -1 before the first). For metrics.
  std::chrono::nanoseconds last_checkpoint_duration() const { return last_checkpoint_duration_; }
  int64_t last_checkpoint_unix_ms() const { return last_checkpoint_unix_ms_; }

 private:
  // Whether Step checkpoints now (the intervals above).
  bool CheckpointDue() const;
  // A checkpoint whose batch is applied now and synced on sync_thread_.
  Status CheckpointInBackground();
  // Completes the background sync if it finished (or, with `wait`, once it has).
  Status FinishSync(bool wait);

  PipelineOptions options_;
  StateStore& store_;
  std::vector<std::unique_ptr<Operator>> operators_;
  std::vector<SourceOperator*> sources_;
  // Records consumed since the last checkpoint: an idle pipeline does not checkpoint.
  uint64_t consumed_since_checkpoint_ = 0;
  uint64_t epoch_ = 0;
  uint64_t memory_checkpoints_ = 0;
  std::chrono::steady_clock::time_point last_checkpoint_;
  std::chrono::nanoseconds last_checkpoint_duration_{0};
  int64_t last_checkpoint_unix_ms_ = -1;
  // When the background checkpoint in flight started, and when its sync ended (written by
  // the sync thread before it fulfils sync_done_, read after get()).
  std::chrono::steady_clock::time_point background_started_;
  std::chrono::steady_clock::time_point background_synced_;
  // The background sync in flight, if any.
  std::future<Status> sync_done_;
  std::thread sync_thread_;
};

}  // namespace oxbow::stream
