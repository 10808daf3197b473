#include "stream/keyed_operators.h"

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

std::vector<sql::ColumnVector> EmptyColumns(const std::vector<sql::Type>& types) {
  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : types) out.emplace_back(t);
  return out;
}

Status CorruptState(const std::string& name) {
  return absl::DataLossError(fmt::format("{}: malformed state", name));
}

}  // namespace

Distinct::Distinct(StateId id, std::vector<sql::Type> types)
    : Operator("Distinct", std::move(types)), id_(id) {
  for (size_t i = 0; i < output_types().size(); ++i) all_columns_.push_back(static_cast<int>(i));
}

Status Distinct::Process(int, const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> out = EmptyColumns(output_types());
  std::vector<sql::RowOp> ops;
  std::string key;
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    key.clear();
    EncodeKey(chunk, all_columns_, row, &key);
    int64_t& n = counts_[key];
    int64_t before = n;
    n += sql::RowWeight(chunk.op(row));
    if (n < 0) return absl::InternalError("Distinct: a row was deleted that was never inserted");
    dirty_.insert(key);
    if ((before == 0) != (n == 0)) {
      std::string_view in = key;
      RETURN_IF_ERROR(DecodeCells(&in, out, 0, out.size()));
      ops.push_back(chunk.op(row));
    }
    if (n == 0) counts_.erase(key);
  }
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status Distinct::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& key : TakeSortedKeys(dirty_)) {
    auto it = counts_.find(key);
    if (it == counts_.end()) {
      batch.Delete(id_, key);
    } else {
      value.clear();
      PutVarint(static_cast<uint64_t>(it->second), &value);
      batch.Put(id_, key, value);
    }
  }
  dirty_.clear();
  return Status();
}

Status Distinct::Restore(StateStore& store) {
  counts_.clear();
  dirty_.clear();
  return store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (!GetVarint(&value, &n) || n == 0) return CorruptState(name());
    counts_[std::string(key)] = static_cast<int64_t>(n);
    return Status();
  });
}

UpsertTable::UpsertTable(StateId id, std::vector<sql::Type> types, std::vector<int> key_columns)
    : Operator("UpsertTable", std::move(types)), id_(id), key_columns_(std::move(key_columns)) {}

Status UpsertTable::Process(int, const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> out = EmptyColumns(output_types());
  std::vector<sql::RowOp> ops;
  auto append = [&](std::string_view row, sql::RowOp op) -> Status {
    RETURN_IF_ERROR(DecodeCells(&row, out, 0, out.size()));
    ops.push_back(op);
    return Status();
  };
  std::string key, row_bytes;
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    key.clear();
    EncodeKey(chunk, key_columns_, row, &key);
    auto it = rows_.find(key);
    if (chunk.op(row) == sql::RowOp::kDelete) {
      if (it == rows_.end()) continue;
      RETURN_IF_ERROR(append(it->second, sql::RowOp::kDelete));
      rows_.erase(it);
      dirty_.insert(key);
      continue;
    }
    row_bytes.clear();
    EncodeRow(chunk, row, &row_bytes);
    if (it != rows_.end()) {
      if (it->second == row_bytes) continue;
      RETURN_IF_ERROR(append(it->second, sql::RowOp::kDelete));
      it->second = row_bytes;
    } else {
      rows_.emplace(key, row_bytes);
    }
    RETURN_IF_ERROR(append(row_bytes, sql::RowOp::kInsert));
    dirty_.insert(key);
  }
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status UpsertTable::Checkpoint(StateWriteBatch& batch) {
  for (const std::string& key : TakeSortedKeys(dirty_)) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      batch.Delete(id_, key);
    } else {
      batch.Put(id_, key, it->second);
    }
  }
  dirty_.clear();
  return Status();
}

Status UpsertTable::Restore(StateStore& store) {
  rows_.clear();
  dirty_.clear();
  return store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    rows_[std::string(key)] = std::string(value);
    return Status();
  });
}

}  // namespace oxbow::stream
