#include "sql/chunk/chunk.h"

namespace oxbow::sql {

Chunk::Chunk(std::vector<ColumnVector> columns, std::vector<RowOp> ops)
    : columns_(std::move(columns)), ops_(std::move(ops)) {}

Chunk Chunk::Select(std::span<const uint32_t> rows) const {
  std::vector<ColumnVector> cols;
  cols.reserve(columns_.size());
  for (const ColumnVector& c : columns_) cols.push_back(c.Select(rows));
  std::vector<RowOp> ops;
  ops.reserve(rows.size());
  for (uint32_t r : rows) ops.push_back(ops_[r]);
  return Chunk(std::move(cols), std::move(ops));
}

Chunk Chunk::WithColumns(std::vector<ColumnVector> columns) const {
  return Chunk(std::move(columns), ops_);
}

std::string Chunk::ToString() const {
  std::string out;
  for (size_t r = 0; r < num_rows(); ++r) {
    out.append(ops_[r] == RowOp::kInsert ? "+" : "-");
    for (const ColumnVector& c : columns_) {
      out.append(" | ");
      c.AppendText(out, r);
    }
    out.push_back('\n');
  }
  return out;
}

ChunkBuilder::ChunkBuilder(std::vector<Type> types) {
  for (const Type& t : types) columns_.emplace_back(t);
}

void ChunkBuilder::AppendRow(std::span<const Value> row, RowOp op) {
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i].AppendValue(row[i]);
  ops_.push_back(op);
}

Chunk ChunkBuilder::Finish() {
  Chunk c(std::move(columns_), std::move(ops_));
  columns_.clear();
  ops_.clear();
  return c;
}

}  // namespace oxbow::sql
