// Chunk: the unit operators exchange (ARCHITECTURE.md decision 3) — columns of equal length
// plus one op per row. An insert adds the row, a delete retracts an equal row; an update is a
// delete then an insert. Append-only streams carry inserts only.
//
// Thread safety: as ColumnVector — built by one thread, then read-only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sql/chunk/column_vector.h"

namespace oxbow::sql {

enum class RowOp : uint8_t { kInsert = 0, kDelete = 1 };

// +1 for an insert, -1 for a delete: the weight retractable aggregates apply.
inline int RowWeight(RowOp op) { return op == RowOp::kInsert ? 1 : -1; }

class Chunk {
 public:
  Chunk() = default;
  Chunk(std::vector<ColumnVector> columns, std::vector<RowOp> ops);

  size_t num_rows() const { return ops_.size(); }
  size_t num_columns() const { return columns_.size(); }
  const ColumnVector& column(size_t i) const { return columns_[i]; }
  ColumnVector& column(size_t i) { return columns_[i]; }
  const std::vector<ColumnVector>& columns() const { return columns_; }
  RowOp op(size_t row) const { return ops_[row]; }
  const std::vector<RowOp>& ops() const { return ops_; }

  // The listed rows (a filter's output), ops kept.
  Chunk Select(std::span<const uint32_t> rows) const;
  // A chunk with these columns and this chunk's ops (a projection's output).
  Chunk WithColumns(std::vector<ColumnVector> columns) const;
  // "+ 1 | abc" / "- 2 | NULL" lines, for tests and debugging.
  std::string ToString() const;

 private:
  std::vector<ColumnVector> columns_;
  std::vector<RowOp> ops_;
};

// Builds a chunk row by row (sources, tests).
class ChunkBuilder {
 public:
  explicit ChunkBuilder(std::vector<Type> types);
  // `row` must have one Value per column, NULL or of the column's physical type.
  void AppendRow(std::span<const Value> row, RowOp op = RowOp::kInsert);
  size_t num_rows() const { return ops_.size(); }
  ColumnVector& column(size_t i) { return columns_[i]; }
  // Appends the op for a row whose values were appended column by column.
  void AppendOp(RowOp op) { ops_.push_back(op); }
  // Drops the values appended to the columns beyond num_rows() (a row given up half-way).
  void DropPartialRow() {
    for (ColumnVector& c : columns_) c.Truncate(ops_.size());
  }
  Chunk Finish();

 private:
  std::vector<ColumnVector> columns_;
  std::vector<RowOp> ops_;
};

}  // namespace oxbow::sql
