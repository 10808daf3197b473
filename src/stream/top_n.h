// TopN: the first `limit` rows per partition in an order — what the planner makes of
// `ROW_NUMBER() OVER (PARTITION BY p ORDER BY o) <= n` (Top-N per group). The output has the
// input's columns (not the row number: emitting it would turn one insert into an update of
// every row below it).
//
// Order: by the ORDER BY columns with PostgreSQL's defaults (ASC with NULLs last, DESC with
// NULLs first), then by the row's bytes so that ties are broken the same way in every run
// (PostgreSQL leaves ties unspecified). A change of a partition emits the difference of its
// top rows before and after the chunk: an insert that enters the top pushes the last row out
// (delete), a delete of a top row pulls the next one in (insert).
//
// State: every row of every partition, (partition key, exact row) → multiplicity, since a
// delete may pull in any row. Cost per changed partition and chunk: O(limit + log rows).
// In memory a StateCache (state_cache.h) of partition → its rows, bounded by the memory
// budget: a partition is loaded and evicted as a whole (a prefix scan of its rows).
//
// Per window (PARTITION BY window_start, window_end, …): with an expiry on a partition column
// (state_expiry.h), a partition whose window the watermark closed is final and its rows are
// dropped from state; its top rows stay in the output.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/state_expiry.h"

namespace oxbow::stream {

struct SortKey {
  int column;
  bool descending = false;
};

class TopN final : public Operator {
 public:
  // With `emit_rank`, each output row ends with its row number in its partition (bigint,
  // 1-based, ties broken as above): a row entering the top then also updates the rank of every
  // row below it, up to `limit` of them.
  TopN(StateId id, std::vector<sql::Type> types, std::vector<int> partition_columns,
       std::vector<SortKey> order, int64_t limit, bool emit_rank = false);

  // Errors: Internal when a row is deleted that the operator does not hold.
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { partitions_.set_budget(bytes); }
  bool StateOverBudget() const override { return partitions_.over_budget(); }
  size_t num_resident_partitions() const { return partitions_.resident(); }
  // Expiry by the partition column at position `expiry.column` of partition_columns.
  void set_expiry(StateExpiry expiry) { expiry_ = expiry; }

 private:
  struct Entry {
    std::vector<sql::Value> order_values;
    std::string row;  // exact encoding
  };
  struct EntryLess {
    const std::vector<SortKey>* order;
    bool operator()(const Entry& a, const Entry& b) const;
  };
  using Partition = std::map<Entry, int64_t, EntryLess>;

  Entry MakeEntry(std::string row) const;
  // The partition's top rows (exact encodings, repeated by multiplicity).
  // With ranks (1-based; 0 when ranks are not emitted).
  std::vector<std::pair<std::string, int64_t>> Top(const Partition& p) const;
  Status Apply(const std::string& key, Entry entry, int64_t weight);
  // Adds a stored row to `p`. Errors: DataLoss when malformed.
  Status AddStoredRow(Partition& p, std::string_view store_key, std::string_view value) const;
  // Drops the partitions the watermark closed, then forwards it.
  Status WatermarkAdvanced(int64_t watermark) override;
  Status RestoreExpiryIndex(StateStore& store);

  StateId id_;
  std::vector<int> partition_columns_;
  std::vector<SortKey> order_;
  int64_t limit_;
  bool emit_rank_;
  std::vector<sql::Type> input_types_;
  StateCache<Partition> partitions_;
  absl::flat_hash_set<std::string> dirty_;  // store keys: key length, key, row
  StateExpiry expiry_;
  ExpiryIndex expiring_;  // partition keys by time
};

}  // namespace oxbow::stream
