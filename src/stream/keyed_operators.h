// Operators keyed by whole rows or primary keys: Distinct and UpsertTable. Their state is a
// StateCache (state_cache.h): bounded by the memory budget, the rest read from the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stream/operator.h"
#include "stream/state_cache.h"
#include "stream/state_expiry.h"

namespace oxbow::stream {

// SELECT DISTINCT: keeps a count per distinct row (SQL equality: 1.5 = 1.50); emits an
// insert when a row's count goes 0 → 1 and a delete when it goes 1 → 0.
// State: row key encoding → count. Errors: Internal when a row is deleted more often than
// it was inserted.
class Distinct final : public Operator {
 public:
  Distinct(StateId id, std::vector<sql::Type> types);
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { counts_.set_budget(bytes); }
  bool StateOverBudget() const override { return counts_.over_budget(); }
  size_t num_resident_rows() const { return counts_.resident(); }
  // Per window (SELECT DISTINCT window_end, …): rows whose column `expiry.column` the
  // watermark passed are final and leave the state (state_expiry.h); a later retraction of
  // one is ignored.
  void set_expiry(StateExpiry expiry) { expiry_ = expiry; }

 private:
  Status WatermarkAdvanced(int64_t watermark) override;

  StateId id_;
  std::vector<int> all_columns_;
  StateCache<int64_t> counts_;
  StateExpiry expiry_;
  ExpiryIndex expiring_;  // row keys by time
};

// A changelog table over a keyed topic: the latest row per primary key. Input rows are
// upserts: an insert replaces the key's row (emitting delete old + insert new, or nothing
// when equal), a delete (a tombstone; only its key columns matter) removes it (emitting the
// delete of the stored row, or nothing when the key is absent). The output is a proper
// changelog: every delete retracts a row inserted before.
// State: primary key encoding → the row's exact encoding.
class UpsertTable final : public Operator {
 public:
  UpsertTable(StateId id, std::vector<sql::Type> types, std::vector<int> key_columns);
  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;
  Status AfterCommit() override;
  int num_state_caches() const override { return 1; }
  void SetStateMemory(size_t bytes) override { rows_.set_budget(bytes); }
  bool StateOverBudget() const override { return rows_.over_budget(); }

  // Rows in memory (all of them unless some were evicted). O(rows): tests.
  size_t num_rows() const { return rows_.live_resident(); }
  // Keys held in memory (every key unless some were evicted; deleted keys count until the
  // delete is committed).
  size_t num_resident_rows() const { return rows_.resident(); }

 private:
  StateId id_;
  std::vector<int> key_columns_;
  StateCache<std::optional<std::string>> rows_;  // nullopt: deleted in this epoch
};

}  // namespace oxbow::stream
