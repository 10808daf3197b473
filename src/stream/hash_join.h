// HashJoin: inner and left outer equi-joins of two changelogs, with full changelog semantics
// (table–table joins): both sides keep their rows keyed by the join key, and a change on
// either side emits the joined changes it causes.
//
//   a left row +/-  → that row joined with every right row of its key (+/- each, times its
//                     multiplicity); in a left join with no right row for the key, the row
//                     padded with NULLs.
//   a right row +/- → every left row of its key joined with it. In a left join, the first
//                     right row of a key retracts the NULL-padded rows of its left rows
//                     (delete before the joined inserts), and removing the last one inserts
//                     them again.
//
// NULL keys never match (SQL equality): such left rows appear only padded in a left join,
// and such rows are not kept in state. Output: the left columns, then the right columns.
// State: per side, (join key, exact row) → multiplicity. In memory, per side, a StateCache
// (state_cache.h) of join key → its rows, bounded by the memory budget; a key not in memory
// is read back with a prefix scan of its rows.
//
// Window and interval joins (state_expiry.h): with an expiry on a side, that side's rows whose
// time column is below watermark + offset can meet no future row of the other side (the
// builder derives the offset from the equality of window ends, or from the interval
// condition); they are dropped from state without retracting anything they produced. A side
// with an expiry whose input never retracts (a stream) keeps its rows in time-bucketed blocks
// instead (time_bucketed_rows.h): an append and an index entry per row, one store key per
// block, and whole buckets dropped as the watermark passes them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/state_expiry.h"
#include "stream/time_bucketed_rows.h"

namespace oxbow::stream {

enum class JoinType { kInner, kLeftOuter };

class HashJoin final : public Operator {
 public:
  // Port 0 is the left input, port 1 the right. The key columns pair up (same types).
  HashJoin(StateId id, JoinType type, std::vector<sql::Type> left_types, std::vector<int> left_keys,
           std::vector<sql::Type> right_types, std::vector<int> right_keys);

  // Errors: Internal when a row is deleted that its side does not hold.
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 2; }
  void SetStateMemory(size_t bytes) override;
  bool StateOverBudget() const override;

  // Expiry of side `side`'s rows by their column `expiry.column` (state_expiry.h).
  // `append_only`: the side's input never retracts (its rows go to time-bucketed blocks; a
  // delete arriving there is an Internal error). Call before Restore.
  void set_expiry(int side, StateExpiry expiry, bool append_only = false);
  // Join keys held in memory on a side (0 left, 1 right).
  size_t num_resident_keys(int side) const { return sides_[side].by_key->resident(); }

 private:
  using Rows = absl::flat_hash_map<std::string, int64_t>;  // exact row → multiplicity
  struct Side {
    std::vector<int> keys;
    std::vector<sql::Type> types;
    size_t width = 0;
    std::unique_ptr<StateCache<Rows>> by_key;
    StateExpiry expiry;
    ExpiryIndex expiring;                      // store keys by time
    std::unique_ptr<TimeBucketedRows> blocks;  // instead of by_key: an append-only side
  };
  class Output;
  // Applies a change of `row` with `weight` to the side's state.
  // `store_key`: StoreKey(side, key, row), made once by the caller.
  Status Apply(int side, const std::string& key, const std::string& row,
               const std::string& store_key, int64_t weight);
  // Adds a stored row (store key, multiplicity) to `rows`. Errors: DataLoss when malformed.
  Status AddStoredRow(Rows& rows, std::string_view store_key, std::string_view value) const;
  // fn(row, multiplicity) for each of side `s`'s rows with join key `key`.
  template <typename Fn>
  Status ForEachMatch(Side& s, const std::string& key, Fn&& fn);
  static bool HasNullKey(const sql::Chunk& chunk, const std::vector<int>& keys, size_t row);
  // Drops the rows the watermark expired (no output), then forwards it.
  Status WatermarkAdvanced(int64_t watermark) override;
  // Re-indexes side `side`'s stored rows by their expiry time (Restore).
  Status RestoreExpiryIndex(StateStore& store, int side);

  StateId id_;
  JoinType type_;
  Side sides_[2];
  absl::flat_hash_set<std::string> dirty_;  // store keys: side, key length, key, row
};

}  // namespace oxbow::stream
