// SessionWindow: the SESSION table function. A session is a maximal run of rows of one
// partition (the partition columns' values; none: one sequence for the whole input) whose
// consecutive event times are less than `gap` apart; each input row comes out with two more
// columns, window_start (the session's first time) and window_end (its last time + gap) — the
// windows [time, time + gap) that overlap, merged, as Flink's session windows.
//
// Sessions change as rows arrive: an event between two sessions joins them, an event within
// `gap` of a session extends it, and a delete (changelog input) can shorten or split one. For
// each chunk the operator recomputes only the sessions near the changed times and emits, for
// every row whose session bounds changed, a delete of (row, old bounds) and an insert of
// (row, new bounds), plus the changed rows themselves; deletes come before inserts. A row whose
// time is NULL is in no session and comes out with NULL bounds, without state.
//
// Finality (state_expiry.h): the input watermark W with the time column's bound offset `d`
// (rows arriving have time ≥ W + d) makes a session whose end ≤ W + d final — no later row is
// within `gap` of its last time. Final sessions' rows are dropped from state, so state is
// bounded by the open sessions; so the window_end column is bounded with offset d + 1. A
// delete of a row in a final session (a keyed table's tombstone for an old row) changes
// nothing: the session's result stays as it was emitted. A delete that splits an open session
// can make a piece final at once: its rows come out with a window_end already below the bound
// (downstream, the aggregate expires the group at the next watermark, and emit-on-close
// passes it through).
//
// State: every row of the open sessions, key (partition key, time, exact row) → multiplicity
// (time big-endian with the sign flipped, so a partition's rows are stored in time order),
// written back for the rows changed in the epoch. In memory a StateCache of partition → rows
// by time, loaded and evicted as a whole. Cost per changed partition and chunk: O(log rows +
// rows of the affected sessions) — every row of a session that grows is retracted and
// inserted again with the new end, so a session of n events costs O(n²) in all (measured:
// ~60–80k events/s per core for 3-event sessions over 10k users, a no-op sink).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/state_expiry.h"

namespace oxbow::stream {

struct SessionSpec {
  int time_column = 0;  // a timestamp column
  int64_t gap_us = 0;   // > 0
  std::vector<int> partition_columns;
  // The time column's bound (state_expiry.h): rows arrive with time ≥ watermark + this.
  // nullopt: the watermark does not bound the time column, and sessions never expire.
  std::optional<int64_t> time_bound;
};

class SessionWindow final : public Operator {
 public:
  SessionWindow(StateId id, std::vector<sql::Type> input_types, SessionSpec spec);

  // Errors: Internal when a row of an open session is deleted that the operator does not hold.
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { partitions_.set_budget(bytes); }
  bool StateOverBudget() const override { return partitions_.over_budget(); }

  // Rows held in memory over all resident partitions (tests: state stays flat).
  size_t num_resident_rows() const;
  size_t num_resident_partitions() const { return partitions_.resident(); }

 private:
  // A partition's rows: time → (exact row encoding → multiplicity).
  struct Partition {
    std::map<int64_t, std::map<std::string, int64_t>> rows;
    // The smallest time this partition is in the expiry index under (not stored).
    int64_t indexed = std::numeric_limits<int64_t>::max();
  };
  // A session over a partition's times: [first, last] times, bounds [first, last + gap).
  struct Bounds {
    int64_t start;
    int64_t end;
    bool operator==(const Bounds&) const = default;
  };

  Status ProcessPartition(const std::string& key, const std::vector<size_t>& rows,
                          const sql::Chunk& chunk, std::vector<sql::ColumnVector>& deletes,
                          std::vector<sql::ColumnVector>& inserts);
  // The times [lo, hi] of the sessions that a change at `t` may alter (whole sessions).
  std::pair<int64_t, int64_t> Region(const Partition& p, int64_t t) const;
  // Session bounds of every time of `p` in [lo, hi] (whole sessions).
  std::map<int64_t, Bounds> SessionsIn(const Partition& p, int64_t lo, int64_t hi) const;
  // The end of `p`'s first session; max when empty.
  int64_t FirstSessionEnd(const Partition& p) const;
  // Adds `p` to the expiry index when its first session ends before it was indexed under.
  void Index(const std::string& key, Partition& p);
  // Sessions ending at or below this are final; kNoWatermark: none is.
  int64_t FinalBound() const;
  void MarkRowDirty(std::string_view key, int64_t time, std::string_view row);
  Status AddStoredRow(Partition& p, std::string_view store_key, std::string_view value) const;
  // Drops the final sessions of the indexed partitions, then forwards the watermark.
  Status WatermarkAdvanced(int64_t watermark) override;
  Status DropFinal(const std::string& key, int64_t bound);
  Status AppendRow(std::string_view row, Bounds b, std::vector<sql::ColumnVector>& out) const;

  StateId id_;
  std::vector<sql::Type> input_types_;
  SessionSpec spec_;
  StateExpiry expiry_;  // of the session end (offset: the time bound + 1)
  StateCache<Partition> partitions_;
  ExpiryIndex expiry_index_;
  absl::flat_hash_set<std::string> dirty_;  // store keys changed since the last checkpoint
};

}  // namespace oxbow::stream
