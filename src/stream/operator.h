// Operator: one node of a dataflow. Operators exchange change chunks (sql/chunk/chunk.h:
// columnar rows, each an insert or a delete; an update is a delete then an insert) and push
// what they produce to their outputs synchronously, so a chunk pushed into a source's
// consumers has been applied by every operator downstream when Push returns.
//
// State: a stateful operator keeps its hot state in memory (a StateCache, state_cache.h,
// bounded by a memory budget, over the store) and remembers which keys changed since the
// last checkpoint. At a barrier the pipeline calls Checkpoint, which writes exactly those keys
// into the epoch's write batch; Restore replaces the in-memory state by the store's last
// committed checkpoint (state_store.h), loading what fits and reading the rest on demand.
//
// Event time (docs/design/dataflow.md "Event time"): sources also send watermarks
// downstream, after their rows. A watermark W promises that no change with event time below W
// will follow (the source drops rows later than that as late). An operator's input watermark
// is the minimum over its inputs; when it advances, WatermarkAdvanced runs — stateful
// operators drop the state of windows it closed — and by default the operator forwards it.
// Watermarks are timestamps as sql::Value holds them (microseconds since 2000-01-01).
//
// Thread safety: an operator belongs to its pipeline's thread. Exceptions are noted (the
// materialized view's snapshot).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "sql/chunk/chunk.h"
#include "stream/state_store.h"

namespace oxbow::stream {

// No watermark yet: every event time may still come.
inline constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();
// The input has ended for good (constant rows): it holds nothing back.
inline constexpr int64_t kFinalWatermark = std::numeric_limits<int64_t>::max();

class Operator {
 public:
  Operator(std::string name, std::vector<sql::Type> output_types)
      : name_(std::move(name)), output_types_(std::move(output_types)) {}
  virtual ~Operator() = default;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;

  const std::string& name() const { return name_; }
  // The columns of the chunks this operator emits.
  const std::vector<sql::Type>& output_types() const { return output_types_; }

  // Applies one change chunk arriving on input `port` (0, or 0/1 for joins) and emits the
  // resulting changes. Errors (a failing expression, a retraction of a row never seen) stop
  // the pipeline: its state since the last checkpoint is then undefined, and it must be
  // restored before it runs again.
  virtual Status Process(int port, const sql::Chunk& chunk) = 0;
  // Barrier: puts the state changed since the last checkpoint into `batch`.
  virtual Status Checkpoint(StateWriteBatch& batch) { return Status(); }
  // Drops the in-memory state and loads the store's (the last committed checkpoint).
  virtual Status Restore(StateStore& store) { return Status(); }
  // Called once every operator of the pipeline has been restored, before the first input:
  // emits what the operator owes from the start (a global aggregate's row over no input,
  // like PostgreSQL's count(*) = 0 of an empty table), unless its restored state says it was
  // emitted before.
  virtual Status Start() { return Status(); }
  // Called once the checkpoint's batch is committed: effects outside the store that must
  // follow committed state only (an output topic's records: output_topic_sink.h). A crash
  // before or during it is the operator's to repair in Restore, from what Checkpoint put in
  // the batch. An error stops the pipeline (restore it before running it again).
  virtual Status AfterCommit() { return Status(); }

  // Memory for keyed state (state_cache.h). The number of StateCaches the operator keeps
  // (0: none, or state that does not grow with the key space); the pipeline splits its
  // budget evenly among them and calls SetStateMemory before Restore.
  virtual int num_state_caches() const { return 0; }
  virtual void SetStateMemory(size_t bytes_per_cache) {}
  // Whether the state changed since the last checkpoint alone exceeds the budget: dirty state
  // cannot be evicted, so the pipeline checkpoints early to make it evictable.
  virtual bool StateOverBudget() const { return false; }

  // Sends this operator's output to `downstream`'s input `port`.
  void AddOutput(Operator* downstream, int port) {
    outputs_.emplace_back(downstream, port);
    output_slots_.push_back(downstream->AddInput(port));
  }
  const std::vector<std::pair<Operator*, int>>& outputs() const { return outputs_; }

  // Input number `slot` (in the order inputs were connected) has watermark `watermark`.
  // Errors stop the pipeline, as Process's.
  Status ReceiveWatermark(size_t slot, int64_t watermark) {
    if (slot >= inputs_.size()) {
      return absl::InternalError(fmt::format("{}: a watermark from an unknown input", name_));
    }
    if (watermark <= inputs_[slot].watermark) return Status();
    inputs_[slot].watermark = watermark;
    int64_t low = kFinalWatermark;
    for (const Input& in : inputs_) {
      if (IgnoresWatermarkOf(in.port)) continue;
      low = std::min(low, in.watermark);
    }
    if (low <= watermark_) return Status();
    watermark_ = low;
    return WatermarkAdvanced(low);
  }
  // The input watermark (the minimum over the inputs that count); kNoWatermark at first.
  int64_t watermark() const { return watermark_; }

 protected:
  // Pushes `chunk` to every output (nothing when it has no rows).
  Status Emit(const sql::Chunk& chunk) {
    if (chunk.num_rows() == 0) return Status();
    for (auto& [op, port] : outputs_) RETURN_IF_ERROR(op->Process(port, chunk));
    return Status();
  }
  // Pushes a watermark to every output.
  Status EmitWatermark(int64_t watermark) {
    for (size_t i = 0; i < outputs_.size(); ++i) {
      RETURN_IF_ERROR(outputs_[i].first->ReceiveWatermark(output_slots_[i], watermark));
    }
    return Status();
  }
  // The input watermark advanced to `watermark`: drop what it closed, emit what it
  // finalized, then forward it (the default does only that).
  virtual Status WatermarkAdvanced(int64_t watermark) { return EmitWatermark(watermark); }
  // Whether input `port`'s watermark does not count (a temporal join's table side: a table
  // has no event time that could hold the stream's windows open).
  virtual bool IgnoresWatermarkOf(int port) const { return false; }
  // Restore: the watermark the operator's state was checkpointed at (stateful operators that
  // depend on it store it; the input watermarks start again from their sources').
  void set_watermark(int64_t watermark) { watermark_ = watermark; }

 private:
  struct Input {
    int port = 0;
    int64_t watermark = kNoWatermark;
  };
  size_t AddInput(int port) {
    inputs_.push_back(Input{port});
    return inputs_.size() - 1;
  }

  std::string name_;
  std::vector<sql::Type> output_types_;
  std::vector<std::pair<Operator*, int>> outputs_;
  std::vector<size_t> output_slots_;  // the input slot each output gave this operator
  std::vector<Input> inputs_;
  int64_t watermark_ = kNoWatermark;
};

// An operator without inputs that the pipeline polls: a topic's Source, constant rows.
class SourceOperator : public Operator {
 public:
  using Operator::Operator;

  // Emits what is new (one chunk, pushed through the DAG before returning). Returns the
  // number of records consumed: 0 when there was nothing new.
  virtual Result<size_t> Poll() = 0;
  // Whether there is nothing left to read now.
  virtual bool CaughtUp() const = 0;
  // A source has no inputs: FailedPrecondition.
  Status Process(int, const sql::Chunk&) override {
    return absl::FailedPreconditionError("a source has no inputs");
  }
};

}  // namespace oxbow::stream
