#include "stream/materialized_view.h"

#include <algorithm>

#include "stream/row_codec.h"

namespace oxbow::stream {

MaterializedView::MaterializedView(StateId id, std::vector<sql::Type> types)
    : Operator("MaterializedView", std::move(types)), id_(id) {}

Status MaterializedView::Process(int, const sql::Chunk& chunk) {
  std::vector<std::string> encoded(chunk.num_rows());
  for (size_t r = 0; r < chunk.num_rows(); ++r) EncodeRow(chunk, r, &encoded[r]);
  absl::MutexLock lock(&mu_);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    int64_t& n = rows_[encoded[r]];
    n += sql::RowWeight(chunk.op(r));
    if (n < 0) return absl::InternalError("MaterializedView: a row was deleted that it never held");
    if (n == 0) rows_.erase(encoded[r]);
    dirty_.insert(std::move(encoded[r]));
  }
  if (!listeners_.empty() && chunk.num_rows() > 0) {
    std::erase_if(listeners_, [&](const Listener& l) { return !l(chunk); });
  }
  return Status();
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::SnapshotAndSubscribe(
    Listener listener) {
  std::vector<std::vector<sql::Value>> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [key, n] : rows_) {
    ASSIGN_OR_RETURN(std::vector<sql::Value> row, DecodeRowValues(key, output_types()));
    for (int64_t i = 0; i < n; ++i) out.push_back(row);
  }
  listeners_.push_back(std::move(listener));
  return out;
}

Status MaterializedView::Checkpoint(StateWriteBatch& batch) {
  absl::MutexLock lock(&mu_);
  std::string value;
  for (const std::string& key : TakeSortedKeys(dirty_)) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
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

Status MaterializedView::Restore(StateStore& store) {
  absl::flat_hash_map<std::string, int64_t> rows;
  RETURN_IF_ERROR(store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (!GetVarint(&value, &n) || n == 0) {
      return absl::DataLossError("MaterializedView: malformed state");
    }
    rows[std::string(key)] = static_cast<int64_t>(n);
    return Status();
  }));
  absl::MutexLock lock(&mu_);
  rows_ = std::move(rows);
  dirty_.clear();
  return Status();
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::Snapshot() const {
  std::vector<std::vector<sql::Value>> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [key, n] : rows_) {
    ASSIGN_OR_RETURN(std::vector<sql::Value> row, DecodeRowValues(key, output_types()));
    for (int64_t i = 0; i < n; ++i) out.push_back(row);
  }
  return out;
}

std::vector<std::string> MaterializedView::SortedLines() const {
  std::vector<std::string> lines;
  Result<std::vector<std::vector<sql::Value>>> rows = Snapshot();
  if (!rows.ok()) return {std::string(rows.status().message())};
  for (const auto& row : *rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += " | ";
      line += row[i].ToString();
    }
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

size_t MaterializedView::num_distinct_rows() const {
  absl::MutexLock lock(&mu_);
  return rows_.size();
}

}  // namespace oxbow::stream
