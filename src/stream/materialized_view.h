// Sinks: where a pipeline's changes end up. A sink is an operator without outputs whose
// progress is its state, committed in the same write batch as the rest of the checkpoint.
//
// MaterializedView: a view's result as a multiset of rows (exact row encoding →
// multiplicity), the target of pull queries. Snapshot() may be called from any thread: it
// sees the view as of the last chunk applied (decision 4: pull queries see results as soon as
// an operator has applied them), never half a chunk.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "stream/operator.h"

namespace oxbow::stream {

class MaterializedView final : public Operator {
 public:
  MaterializedView(StateId id, std::vector<sql::Type> types);

  // Errors: Internal when a delete retracts a row the view does not hold (an upstream bug).
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;

  // Every row, repeated by its multiplicity, in no particular order. Thread-safe.
  Result<std::vector<std::vector<sql::Value>>> Snapshot() const;
  // The rows as "v1 | v2" text lines, sorted: for tests and debugging. Thread-safe.
  std::vector<std::string> SortedLines() const;
  size_t num_distinct_rows() const;

  // Subscribes `listener` to every chunk the view applies from now on and returns the view's
  // content at that moment, atomically: a subscriber applying the changes to the snapshot
  // holds the view's content after each chunk, nothing missed or counted twice (SUBSCRIBE).
  // The listener runs on the pipeline's thread under the view's lock: it must be quick (copy
  // and queue). It returns false to be removed.
  using Listener = std::function<bool(const sql::Chunk& chunk)>;
  Result<std::vector<std::vector<sql::Value>>> SnapshotAndSubscribe(Listener listener);

 private:
  StateId id_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> rows_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> dirty_;  // pipeline thread only
  std::vector<Listener> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::stream
