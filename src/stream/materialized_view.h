// Sinks: where a pipeline's changes end up. A sink is an operator without outputs whose
// progress is its state, committed in the same write batch as the rest of the checkpoint.
//
// MaterializedView: a view's result as a multiset of rows (exact row encoding →
// multiplicity), the target of pull queries. Snapshot() may be called from any thread: it
// sees the view as of the last chunk applied (decision 4: pull queries see results as soon as
// an operator has applied them), never half a chunk.
//
// A view with a key (IndexBy: the plan's key, e.g. a GROUP BY's group columns) keeps its rows
// by key instead: key encoding → the rows holding it (one, or two for a moment within an
// update), so an update is one changed entry — and one write at the checkpoint — rather than
// a deleted and an inserted row, and point queries by key read that entry (from the store
// when it was evicted) instead of a separate index held in memory.
//
// A view whose input never retracts (StoreAppendOnly: the plan is append-only, e.g. a stream
// filtered and projected) keeps its rows as a log of blocks (append_only_rows.h): an insert
// is an append, and a checkpoint writes a few blocks instead of a store key per row.
//
// A view over a GROUP BY (DeriveFrom: the aggregate, then only filters and projections, the
// view keyed by the group columns) keeps no rows at all: a row is a function of its group's
// state, which the aggregate keeps and checkpoints anyway, so the view reads the groups (from
// memory, or the store for evicted ones) and passes them through the filters and projections
// when asked. Keeping them again cost a third of such a view's work (every changed group
// encoded, stored in memory and written at each checkpoint twice). The aggregate then holds
// the view's lock while it changes its groups and emits the change, so readers still see the
// view as of a whole chunk, and subscribers get exactly the changes after their snapshot.
//
// The rows in memory are a StateCache (state_cache.h) bounded by the memory budget; when
// some were evicted, Snapshot merges the store's last checkpoint with the rows in memory
// (those changed since it, which are never evicted, and those it reads back) under the
// view's lock, so it still returns the whole view as of the last chunk applied.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/synchronization/mutex.h"
#include "stream/append_only_rows.h"
#include "stream/hash_aggregate.h"
#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/stateless_operators.h"

namespace oxbow::stream {

class MaterializedView final : public Operator {
 public:
  MaterializedView(StateId id, std::vector<sql::Type> types);

  // Errors: Internal when a delete retracts a row the view does not hold (an upstream bug).
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return derived() ? 0 : 1; }
  void SetStateMemory(size_t bytes) override;
  bool StateOverBudget() const override;

  // Every row, repeated by its multiplicity, in no particular order. Thread-safe.
  Result<std::vector<std::vector<sql::Value>>> Snapshot() const;
  // Every row in its stored encoding (row_codec.h EncodeRow) appended to `out` as varint
  // multiplicity, varint length, bytes: one copy of the view as of the last chunk applied,
  // for readers that decode rows into columns a batch at a time as they send them (a scan to
  // a client) instead of holding them all as Values. Thread-safe.
  Status SnapshotEncoded(std::string* out) const;
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

  // Keys the view by the values of `key_columns` (EncodeKey's encoding), so Lookup answers
  // without a scan. Call before Restore: it decides how the view's rows are stored. Meant
  // for the columns of the view's key (rows with equal key columns are kept together).
  void IndexBy(std::vector<int> key_columns);
  bool indexed() const { return !index_columns_.empty(); }
  // Declares that the view's input never retracts (the plan is append-only), so its rows are
  // kept as an append-only log. Call before Restore, without IndexBy. A delete reaching the
  // view is then an Internal error (the planner's bug).
  void StoreAppendOnly();
  // Derives the rows from `aggregate`'s state (see above): the view's rows are the
  // aggregate's output passed through `chain` (its filters and projections, in order), and
  // view key column i (IndexBy's) is the aggregate's group column key_to_group[i] (each
  // group column once). Call after IndexBy, before Restore. State the view stored before
  // (an older Oxbow kept the rows) is deleted at the next checkpoint.
  void DeriveFrom(HashAggregate* aggregate, std::vector<const StatelessOperator*> chain,
                  std::vector<int> key_to_group);
  bool derived() const { return aggregate_ != nullptr; }
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

  // A key's rows: (row encoding, multiplicity > 0), searched in order (a key has one row).
  using KeyedRows = absl::InlinedVector<std::pair<std::string, int64_t>, 1>;
  static void EncodeKeyedRows(const KeyedRows& rows, std::string* out);
  static Result<KeyedRows> DecodeKeyedRows(std::string_view value);
  Status ProcessKeyed(const sql::Chunk& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A chunk of the aggregate's output through chain_ (a derived view's rows).
  Result<sql::Chunk> ApplyChain(sql::Chunk chunk) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  StateId id_;
  mutable absl::Mutex mu_;
  // Without a key: row encoding → multiplicity. With one (IndexBy): key encoding → rows;
  // mutable because Lookup (const) reads evicted keys back into the cache.
  StateCache<int64_t> rows_ ABSL_GUARDED_BY(mu_);
  mutable StateCache<KeyedRows> keyed_ ABSL_GUARDED_BY(mu_);
  StateStore* store_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<Listener> listeners_ ABSL_GUARDED_BY(mu_);
  // Set by StoreAppendOnly: the rows, instead of rows_.
  std::unique_ptr<AppendOnlyRows> appended_ ABSL_GUARDED_BY(mu_);
  std::vector<int> index_columns_;
  // DeriveFrom. The aggregate's groups are guarded by mu_.
  HashAggregate* aggregate_ = nullptr;
  std::vector<const StatelessOperator*> chain_;
  std::vector<int> key_to_group_;
  // Restore found rows stored by a view that kept them: the next checkpoint deletes them.
  bool clear_stored_rows_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace oxbow::stream
