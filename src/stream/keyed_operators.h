// Operators keyed by whole rows or primary keys: Distinct and UpsertTable.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stream/operator.h"

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

 private:
  StateId id_;
  std::vector<int> all_columns_;
  absl::flat_hash_map<std::string, int64_t> counts_;
  absl::flat_hash_set<std::string> dirty_;
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

  size_t num_rows() const { return rows_.size(); }

 private:
  StateId id_;
  std::vector<int> key_columns_;
  absl::flat_hash_map<std::string, std::string> rows_;
  absl::flat_hash_set<std::string> dirty_;
};

}  // namespace oxbow::stream
