// Sinks: where a pipeline's changes end up. A sink is an operator without outputs whose
// progress is its state, committed in the same write batch as the rest of the checkpoint.
//
// MaterializedView: a view's result as a multiset of rows (exact row encoding →
// multiplicity), the target of pull queries. Snapshot() may be called from any thread: it
// sees the view as of the last chunk applied (decision 4: pull queries see results as soon as
// an operator has applied them), never half a chunk.
//
// The rows in memory are a StateCache (state_cache.h) bounded by the memory budget; when
// some were evicted, Snapshot merges the store's last checkpoint with the rows in memory
// (those changed since it, which are never evicted, and those it reads back) under the
// view's lock, so it still returns the whole view as of the last chunk applied.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "stream/operator.h"
#include "stream/state_cache.h"

namespace oxbow::stream {

class MaterializedView final : public Operator {
 public:
  MaterializedView(StateId id, std::vector<sql::Type> types);

  // Errors: Internal when a delete retracts a row the view does not hold (an upstream bug).
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override;
  bool StateOverBudget() const override;

  // Every row, repeated by its multiplicity, in no particular order. Thread-safe.
  Result<std::vector<std::vector<sql::Value>>> Snapshot() const;
  // The rows as "v1 | v2" text lines, sorted: for tests and debugging. Thread-safe.
  std::vector<std::string> SortedLines() const;
  size_t num_distinct_rows() const;
  // Distinct rows held in memory. Thread-safe.
  size_t num_resident_rows() const;

  // Subscribes `listener` to every chunk the view applies from now on and returns the view's
  // content at that moment, atomically: a subscriber applying the changes to the snapshot
  // holds the view's content after each chunk, nothing missed or counted twice (SUBSCRIBE).
  // The listener runs on the pipeline's thread under the view's lock: it must be quick (copy
  // and queue). It returns false to be removed.
  using Listener = std::function<bool(const sql::Chunk& chunk)>;
  Result<std::vector<std::vector<sql::Value>>> SnapshotAndSubscribe(Listener listener);

  // Point queries: keeps an index from the values of `key_columns` (EncodeKey's encoding) to
  // the rows holding them, so Lookup answers without a scan. Call before Restore. The index
  // lives in memory whatever the state budget (a key and a row per distinct row): meant for
  // views with a key, whose point queries it serves.
  void IndexBy(std::vector<int> key_columns);
  bool indexed() const { return !index_columns_.empty(); }
  // The rows (repeated by multiplicity) whose key columns equal `key` (one Value per key
  // column, of the columns' types). Requires IndexBy. Thread-safe.
  Result<std::vector<std::vector<sql::Value>>> Lookup(const std::vector<sql::Value>& key) const;

 private:
  // Every row, repeated by its multiplicity (Snapshot under the lock).
  Result<std::vector<std::vector<sql::Value>>> SnapshotLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // fn(row key, multiplicity) for every row of the view. Requires mu_.
  Status ForEachRow(const std::function<Status(std::string_view, int64_t)>& fn) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  StateId id_;
  mutable absl::Mutex mu_;
  StateCache<int64_t> rows_ ABSL_GUARDED_BY(mu_);
  StateStore* store_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<Listener> listeners_ ABSL_GUARDED_BY(mu_);
  // IndexBy: key encoding → row encoding → multiplicity (> 0).
  std::vector<int> index_columns_;
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, int64_t>> index_
      ABSL_GUARDED_BY(mu_);
  void IndexRow(const std::string& key, std::string_view row, int64_t weight)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The index key of an encoded row.
  std::string IndexKeyOf(std::string_view row) const;
};

}  // namespace oxbow::stream
