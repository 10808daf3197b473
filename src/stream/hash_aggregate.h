// HashAggregate: GROUP BY over a changelog with retractable aggregates (sql/aggregate).
//
// Output: the group columns, then one column per aggregate. For every group a chunk touches,
// the operator emits the change of the group's row once per chunk: an insert for a new
// group, a delete for a group whose last row was retracted, and a delete of the old row
// followed by an insert of the new one when its values changed (nothing when they did not).
// HAVING is a Filter after this operator: it sees the deletes and inserts like any changes.
//
// Without group columns (SELECT count(*) FROM t) there is one group; its row appears with
// the first change and stays when every row is retracted (showing count 0 / NULL sums, as
// PostgreSQL's answer over an empty table would).
//
// State: one entry per group (key = the group columns' key encoding, value = the row count
// and each aggregate's saved state), written back for the groups changed in the epoch. The
// groups in memory are a StateCache (state_cache.h): bounded by the memory budget, a group
// not in memory is read from the store when a row reaches it.
//
// Windows (state_expiry.h): with an expiry on a group column (a window's end), a group whose
// window the watermark closed is final: its state is dropped, its row stays in the output,
// and a later retraction of a row in it (a changelog's delete) is ignored.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "sql/aggregate/aggregate.h"
#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/state_expiry.h"

namespace oxbow::stream {

struct AggregateCall {
  sql::AggregateFunction function;
  std::vector<int> args;  // input columns, already of function.arg_types
  // A boolean input column: only rows where it is true reach the aggregate (FILTER (WHERE
  // …)); -1 for none.
  int filter = -1;
};

struct HashAggregateGroup {
  int64_t rows = 0;
  bool emitted = false;     // its row is in the output (for the global group)
  uint64_t last_chunk = 0;  // the last chunk that touched it (chunk_seq_)
  std::vector<std::unique_ptr<sql::AggregateState>> states;
};

class HashAggregate final : public Operator {
 public:
  HashAggregate(StateId id, std::vector<sql::Type> input_types, std::vector<int> group_columns,
                std::vector<AggregateCall> aggregates);

  // Errors: from the aggregates (22003 overflow; XX000 when a row is retracted from a group
  // that does not have it).
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  // Without GROUP BY: the row over no input (count 0, other aggregates NULL), once.
  Status Start() override;

  Status AfterCommit() override;
  // Expiry by the group column at position `expiry.column` of group_columns (state_expiry.h).
  void set_expiry(StateExpiry expiry) { expiry_ = expiry; }
  // Retractions ignored because their window was final.
  uint64_t ignored_retractions() const { return ignored_retractions_; }
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { groups_.set_budget(bytes); }
  bool StateOverBudget() const override;

  // Groups in memory that exist (all of them unless some were evicted). O(groups): tests.
  size_t num_groups() const { return groups_.live_resident(); }
  // Groups held in memory (all of them unless some were evicted; includes removed groups
  // until their delete is committed).
  size_t num_resident_groups() const { return groups_.resident(); }
  const StateCache<HashAggregateGroup>& cache() const { return groups_; }

  // A view whose rows are this aggregate's output read from its state
  // (MaterializedView::DeriveFrom) reads the groups from other threads while holding `mu`;
  // from this call on, everything that changes the groups (Process with its Emit, Start,
  // Checkpoint, AfterCommit, Restore) holds it too. Call before Restore.
  void GuardStateWith(absl::Mutex* mu) { guard_ = mu; }
  bool expires() const { return expiry_.enabled(); }
  size_t num_group_columns() const { return group_columns_.size(); }
  // fn(chunk) with the current output row of every existing group, in chunks of at most
  // kOutputChunkRows rows and no particular order: the resident groups, and the evicted ones
  // as `store`'s last checkpoint has them (a group is evicted only once clean). Requires the
  // guard held. Errors: the store's, malformed state (DataLoss), fn's.
  static constexpr size_t kOutputChunkRows = 1024;
  Status ForEachOutputChunk(StateStore* store,
                            const std::function<Status(const sql::Chunk&)>& fn) const;
  // The current output row of the group whose key encoding (EncodeKey of the group columns)
  // is `key`, as a chunk of one insert; nullopt when the group does not exist. An evicted
  // group is read back into memory. Requires the guard held.
  Result<std::optional<sql::Chunk>> OutputRow(std::string_view key);

 private:
  using Group = HashAggregateGroup;
  Group NewGroup() const;
  Result<std::optional<Group>> Load(StateStore& store, std::string_view key) const;
  Status Decode(std::string_view value, Group& g) const;
  // Appends the group's current row (key cells decoded from `key`) to `out` with `op`.
  Status AppendRow(std::string_view key, const Group& g, const std::vector<sql::Value>& results,
                   sql::RowOp op, std::vector<sql::ColumnVector>& out,
                   std::vector<sql::RowOp>& ops) const;
  std::vector<sql::Value> Results(const Group& g) const;
  // Drops the groups the watermark closed, then forwards it.
  Status WatermarkAdvanced(int64_t watermark) override;
  // Re-indexes every stored group by its expiry time (Restore).
  Status RestoreExpiryIndex(StateStore& store);

  // Whether a group's row is in the output.
  bool Exists(const Group& g) const { return group_columns_.empty() ? g.emitted : g.rows > 0; }

  StateId id_;
  absl::Mutex* guard_ = nullptr;  // GuardStateWith
  std::vector<sql::Type> input_types_;
  std::vector<int> group_columns_;
  std::vector<AggregateCall> aggregates_;
  StateCache<Group> groups_;
  uint64_t chunk_seq_ = 0;
  StateExpiry expiry_;
  ExpiryIndex expiry_index_;
  uint64_t ignored_retractions_ = 0;
};

}  // namespace oxbow::stream
