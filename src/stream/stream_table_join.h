// StreamTableJoin: enriches each event of an append-only stream with the table row(s)
// current at the moment the event is processed (Flink's temporal join, ksqlDB's stream–table
// join). Port 0 is the stream, port 1 the table's changelog.
//
// Unlike HashJoin, only the table side keeps state, and a later change of the table does
// not retract or update events already joined: an order placed while the user was "silver"
// stays joined with "silver" after the user becomes "gold". Which table version an event
// meets depends on the order in which the pipeline reads the two inputs; replaying from a
// checkpoint reads them in the same order only when each input is one partition (see
// docs/design/dataflow.md).
//
// Inner: events without a matching table row are dropped. Left outer: they are emitted
// padded with NULLs. NULL keys never match. Output: the stream's columns, then the table's.
// Errors: InvalidArgument for a delete on the stream side (the stream must be append-only);
// Internal when the table deletes a row it does not hold.
// State: (join key, exact table row) → multiplicity. In memory a StateCache (state_cache.h) of
// join key → its rows, bounded by the memory budget; a key not in memory is read back with a
// prefix scan of its rows.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stream/hash_join.h"
#include "stream/operator.h"
#include "stream/state_cache.h"

namespace oxbow::stream {

class StreamTableJoin final : public Operator {
 public:
  StreamTableJoin(StateId id, JoinType type, std::vector<sql::Type> stream_types,
                  std::vector<int> stream_keys, std::vector<sql::Type> table_types,
                  std::vector<int> table_keys);

  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { table_.set_budget(bytes); }
  bool StateOverBudget() const override { return table_.over_budget(); }
  size_t num_resident_keys() const { return table_.resident(); }

 private:
  using Rows = absl::flat_hash_map<std::string, int64_t>;  // exact row → multiplicity
  Status AddStoredRow(Rows& rows, std::string_view store_key, std::string_view value) const;

  // The table's changes are not events: only the stream's watermark passes through.
  bool IgnoresWatermarkOf(int port) const override { return port == 1; }
  Status ProcessStream(const sql::Chunk& chunk);
  Status ProcessTable(const sql::Chunk& chunk);

  StateId id_;
  JoinType type_;
  std::vector<int> stream_keys_, table_keys_;
  size_t stream_width_;
  // join key → (exact row → multiplicity)
  StateCache<Rows> table_;
  absl::flat_hash_set<std::string> dirty_;  // store keys: key length, key, row
};

}  // namespace oxbow::stream
