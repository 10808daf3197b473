// Test helpers: building change chunks from values, capturing an operator's output, running
// a barrier and counting what an operator stored.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "stream/operator.h"

namespace oxbow::stream::testing {

using sql::Value;

inline Value I(int64_t v) { return Value::Int64(v); }
inline Value T(std::string s) { return Value::Text(std::move(s)); }
inline Value NullOf(sql::Type t) { return Value::Null(t); }

// Rows with ops: {'+', {values}} / {'-', {values}}.
struct Change {
  char op;
  std::vector<Value> values;
};

inline sql::Chunk MakeChunk(const std::vector<sql::Type>& types,
                            const std::vector<Change>& changes) {
  sql::ChunkBuilder b(types);
  for (const Change& c : changes) {
    b.AppendRow(c.values, c.op == '+' ? sql::RowOp::kInsert : sql::RowOp::kDelete);
  }
  return b.Finish();
}

// Records every chunk it receives as Chunk::ToString lines ("+ 1 | a").
class Collector final : public Operator {
 public:
  explicit Collector(std::vector<sql::Type> types) : Operator("Collector", std::move(types)) {}
  Status Process(int, const sql::Chunk& chunk) override {
    for (auto line : absl::StrSplit(chunk.ToString(), '\n', absl::SkipEmpty())) {
      lines_.emplace_back(line);
    }
    return Status();
  }
  // The lines received since the last call.
  std::vector<std::string> Take() { return std::exchange(lines_, {}); }

 private:
  std::vector<std::string> lines_;
};

// The barrier as the pipeline runs it: checkpoint, commit, AfterCommit.
inline void Barrier(StateStore& store, const std::vector<Operator*>& ops) {
  auto batch = store.NewBatch();
  for (Operator* op : ops) ASSERT_TRUE(op->Checkpoint(*batch).ok());
  ASSERT_TRUE(store.Commit(*batch).ok());
  for (Operator* op : ops) ASSERT_TRUE(op->AfterCommit().ok());
}

// The number of keys the store holds for `id`.
inline size_t StoredKeys(StateStore& store, StateId id) {
  size_t n = 0;
  EXPECT_TRUE(store
                  .Scan(id, "",
                        [&](std::string_view, std::string_view) {
                          ++n;
                          return Status();
                        })
                  .ok());
  return n;
}

}  // namespace oxbow::stream::testing
