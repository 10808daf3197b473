#include "stream/materialized_view.h"

#include <algorithm>

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

Result<int64_t> DecodeCount(std::string_view value) {
  uint64_t n;
  if (!GetVarint(&value, &n) || n == 0) {
    return absl::DataLossError("MaterializedView: malformed state");
  }
  return static_cast<int64_t>(n);
}

// EncodeKey of one row of `values` (of `types`).
std::string EncodeKeyValues(const std::vector<sql::Type>& types,
                            const std::vector<sql::Value>& values) {
  sql::ChunkBuilder builder(types);
  builder.AppendRow(values);
  sql::Chunk chunk = builder.Finish();
  std::vector<int> all(values.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  std::string encoded;
  EncodeKey(chunk, all, 0, &encoded);
  return encoded;
}

}  // namespace

MaterializedView::MaterializedView(StateId id, std::vector<sql::Type> types)
    : Operator("MaterializedView", std::move(types)),
      id_(id),
      rows_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<int64_t>> {
            ASSIGN_OR_RETURN(std::optional<std::string> v, store.Get(id_, key));
            if (!v) return std::optional<int64_t>();
            ASSIGN_OR_RETURN(int64_t n, DecodeCount(*v));
            return std::optional<int64_t>(n);
          },
          nullptr, [](const int64_t& n) { return n == 0; }),
      keyed_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<KeyedRows>> {
            ASSIGN_OR_RETURN(std::optional<std::string> v, store.Get(id_, key));
            if (!v) return std::optional<KeyedRows>();
            ASSIGN_OR_RETURN(KeyedRows rows, DecodeKeyedRows(*v));
            return std::optional<KeyedRows>(std::move(rows));
          },
          [](const KeyedRows& rows) {
            size_t bytes = 0;
            for (const auto& [row, n] : rows) bytes += sizeof(rows[0]) + row.size();
            return bytes;
          },
          [](const KeyedRows& rows) { return rows.empty(); }) {}

// Stored value of a key: varint row count, then per row varint length, bytes, varint
// multiplicity.
void MaterializedView::EncodeKeyedRows(const KeyedRows& rows, std::string* out) {
  PutVarint(rows.size(), out);
  for (const auto& [row, n] : rows) {
    PutVarint(row.size(), out);
    out->append(row);
    PutVarint(static_cast<uint64_t>(n), out);
  }
}

Result<MaterializedView::KeyedRows> MaterializedView::DecodeKeyedRows(std::string_view value) {
  // Views with a key stored row → count before they stored key → rows: such state (from an
  // older Oxbow) does not parse as this, and the view must be created again.
  auto malformed = [] {
    return absl::DataLossError(
        "MaterializedView: malformed keyed state (a view with a key created by an older "
        "version of Oxbow stores its rows differently: DROP and CREATE the view again)");
  };
  uint64_t count;
  if (!GetVarint(&value, &count) || count == 0 || count > value.size()) return malformed();
  KeyedRows rows;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len, n;
    if (!GetVarint(&value, &len) || len > value.size()) return malformed();
    std::string row(value.substr(0, len));
    value.remove_prefix(len);
    if (!GetVarint(&value, &n) || n == 0) return malformed();
    rows.emplace_back(std::move(row), static_cast<int64_t>(n));
  }
  if (!value.empty()) return malformed();
  return rows;
}

void MaterializedView::StoreAppendOnly() {
  absl::MutexLock lock(&mu_);
  appended_ = std::make_unique<AppendOnlyRows>(id_);
}

void MaterializedView::DeriveFrom(HashAggregate* aggregate,
                                  std::vector<const StatelessOperator*> chain,
                                  std::vector<int> key_to_group) {
  aggregate_ = aggregate;
  chain_ = std::move(chain);
  key_to_group_ = std::move(key_to_group);
  aggregate_->GuardStateWith(&mu_);
}

Result<sql::Chunk> MaterializedView::ApplyChain(sql::Chunk chunk) const {
  for (const StatelessOperator* op : chain_) {
    ASSIGN_OR_RETURN(chunk, op->Apply(chunk));
  }
  return chunk;
}

void MaterializedView::SetStateMemory(size_t bytes) {
  if (derived()) return;
  absl::MutexLock lock(&mu_);
  if (appended_) appended_->set_budget(bytes);
  rows_.set_budget(bytes);
  keyed_.set_budget(bytes);
}

bool MaterializedView::StateOverBudget() const {
  if (derived()) return false;
  absl::MutexLock lock(&mu_);
  if (appended_) return appended_->over_budget();
  return indexed() ? keyed_.over_budget() : rows_.over_budget();
}

Status MaterializedView::ProcessKeyed(const sql::Chunk& chunk) {
  std::string key, row;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    key.clear();
    row.clear();
    EncodeKey(chunk, index_columns_, r, &key);
    encoder.Append(r, &row);
    ASSIGN_OR_RETURN(KeyedRows * rows, keyed_.Find(key));
    if (rows != nullptr) {
      keyed_.MarkDirty(key);
    } else {
      rows = keyed_.Insert(key, KeyedRows());
    }
    auto it = std::find_if(rows->begin(), rows->end(),
                           [&](const auto& entry) { return entry.first == row; });
    if (it == rows->end()) it = rows->emplace(rows->end(), row, 0);
    it->second += sql::RowWeight(chunk.op(r));
    if (it->second < 0) {
      return absl::InternalError("MaterializedView: a row was deleted that it never held");
    }
    if (it->second == 0) rows->erase(it);
  }
  return Status();
}

Status MaterializedView::Process(int, const sql::Chunk& chunk) {
  if (derived()) {
    // The aggregate holds mu_ while it emits (DeriveFrom).
    mu_.AssertHeld();
    if (!listeners_.empty())
      std::erase_if(listeners_, [&](const Listener& l) { return !l(chunk); });
    return Status();
  }
  if (indexed()) {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(ProcessKeyed(chunk));
    if (!listeners_.empty() && chunk.num_rows() > 0) {
      std::erase_if(listeners_, [&](const Listener& l) { return !l(chunk); });
    }
    keyed_.Trim();
    return Status();
  }
  if (appended_) {
    std::string row;
    const ChunkRowEncoder encoder(chunk);
    absl::MutexLock lock(&mu_);
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      if (chunk.op(r) != sql::RowOp::kInsert) {
        return absl::InternalError("MaterializedView: a delete reached an append-only view");
      }
      row.clear();
      encoder.Append(r, &row);
      appended_->Append(row);
    }
    if (!listeners_.empty() && chunk.num_rows() > 0) {
      std::erase_if(listeners_, [&](const Listener& l) { return !l(chunk); });
    }
    return Status();
  }
  std::vector<std::string> encoded(chunk.num_rows());
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) encoder.Append(r, &encoded[r]);
  absl::MutexLock lock(&mu_);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    ASSIGN_OR_RETURN(int64_t * found, rows_.Find(encoded[r]));
    if (found != nullptr) {
      rows_.MarkDirty(encoded[r]);
    } else {
      found = rows_.Insert(encoded[r], 0);
    }
    *found += sql::RowWeight(chunk.op(r));
    if (*found < 0) {
      return absl::InternalError("MaterializedView: a row was deleted that it never held");
    }
  }
  if (!listeners_.empty() && chunk.num_rows() > 0) {
    std::erase_if(listeners_, [&](const Listener& l) { return !l(chunk); });
  }
  rows_.Trim();
  return Status();
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::SnapshotAndSubscribe(
    Listener listener) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::vector<std::vector<sql::Value>> out, SnapshotLocked());
  listeners_.push_back(std::move(listener));
  return out;
}

Status MaterializedView::Checkpoint(StateWriteBatch& batch) {
  absl::MutexLock lock(&mu_);
  if (derived()) {
    if (clear_stored_rows_) batch.DeleteAll(id_);
    clear_stored_rows_ = false;
    return Status();
  }
  if (appended_) {
    appended_->Checkpoint(batch);
    return Status();
  }
  if (indexed()) {
    keyed_.Checkpoint(batch, id_, EncodeKeyedRows);
    return Status();
  }
  rows_.Checkpoint(batch, id_, [](const int64_t& n, std::string* out) {
    PutVarint(static_cast<uint64_t>(n), out);
  });
  return Status();
}

Status MaterializedView::AfterCommit() {
  if (derived()) return Status();
  absl::MutexLock lock(&mu_);
  if (appended_) {
    appended_->AfterCommit();
  } else if (indexed()) {
    keyed_.AfterCommit();
  } else {
    rows_.AfterCommit();
  }
  return Status();
}

Status MaterializedView::Restore(StateStore& store) {
  absl::MutexLock lock(&mu_);
  store_ = &store;
  if (derived()) {
    clear_stored_rows_ = false;
    Status s = store.Scan(id_, "", [&](std::string_view, std::string_view) {
      clear_stored_rows_ = true;
      return absl::CancelledError("found one");  // stops the scan
    });
    if (!clear_stored_rows_) return s;
    return Status();
  }
  if (appended_) return appended_->Restore(store);
  if (indexed()) return RestoreSingleRows(store, id_, keyed_, DecodeKeyedRows);
  return RestoreSingleRows(store, id_, rows_, DecodeCount);
}

void MaterializedView::IndexBy(std::vector<int> key_columns) {
  index_columns_ = std::move(key_columns);
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::Lookup(
    const std::vector<sql::Value>& key) const {
  if (!indexed() || key.size() != index_columns_.size()) {
    return absl::FailedPreconditionError("MaterializedView: Lookup without a matching index");
  }
  if (derived()) {
    // The group key: the key's values in the aggregate's group column order.
    std::vector<sql::Value> group_key(key.size());
    std::vector<sql::Type> types(key.size());
    for (size_t i = 0; i < key.size(); ++i) {
      group_key[key_to_group_[i]] = key[i];
      types[key_to_group_[i]] = aggregate_->output_types()[key_to_group_[i]];
    }
    const std::string encoded = EncodeKeyValues(types, group_key);
    std::vector<std::vector<sql::Value>> out;
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(std::optional<sql::Chunk> group, aggregate_->OutputRow(encoded));
    if (!group) return out;
    ASSIGN_OR_RETURN(sql::Chunk rows, ApplyChain(std::move(*group)));
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      std::vector<sql::Value>& values = out.emplace_back();
      for (size_t c = 0; c < rows.num_columns(); ++c) values.push_back(rows.column(c).GetValue(r));
    }
    return out;
  }
  std::vector<sql::Type> types;
  for (int c : index_columns_) types.push_back(output_types()[c]);
  const std::string encoded = EncodeKeyValues(types, key);
  std::vector<std::vector<sql::Value>> out;
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(const KeyedRows* rows, keyed_.Find(encoded));
  if (rows == nullptr) return out;
  for (const auto& [row, n] : *rows) {
    ASSIGN_OR_RETURN(std::vector<sql::Value> values, DecodeRowValues(row, output_types()));
    for (int64_t i = 0; i < n; ++i) out.push_back(values);
  }
  return out;
}

Status MaterializedView::ForEachRow(
    const std::function<Status(std::string_view, int64_t)>& fn) const {
  // Rows in memory are current; the others are as the last checkpoint committed them (a row
  // is evicted only once clean, and a commit only changes rows that are dirty, so resident).
  if (appended_) {
    return appended_->ForEach([&](std::string_view row) { return fn(row, 1); });
  }
  if (derived()) {
    std::string row;
    return aggregate_->ForEachOutputChunk(store_, [&](const sql::Chunk& groups) -> Status {
      ASSIGN_OR_RETURN(sql::Chunk rows, ApplyChain(groups));
      for (size_t r = 0; r < rows.num_rows(); ++r) {
        row.clear();
        EncodeRow(rows, r, &row);
        RETURN_IF_ERROR(fn(row, 1));
      }
      return Status();
    });
  }
  if (indexed()) {
    if (!keyed_.complete() && store_ != nullptr) {
      RETURN_IF_ERROR(
          store_->Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
            if (keyed_.contains(key)) return Status();
            ASSIGN_OR_RETURN(KeyedRows rows, DecodeKeyedRows(value));
            for (const auto& [row, n] : rows) RETURN_IF_ERROR(fn(row, n));
            return Status();
          }));
    }
    Status status;
    keyed_.ForEachResident([&](const std::string&, const KeyedRows& rows) {
      for (const auto& [row, n] : rows) {
        if (status.ok()) status = fn(row, n);
      }
    });
    return status;
  }
  if (!rows_.complete() && store_ != nullptr) {
    RETURN_IF_ERROR(
        store_->Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
          if (rows_.contains(key)) return Status();
          ASSIGN_OR_RETURN(int64_t n, DecodeCount(value));
          return fn(key, n);
        }));
  }
  Status status;
  rows_.ForEachResident([&](const std::string& key, const int64_t& n) {
    if (n > 0 && status.ok()) status = fn(key, n);
  });
  return status;
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return SnapshotLocked();
}

Result<std::vector<std::vector<sql::Value>>> MaterializedView::SnapshotLocked() const {
  std::vector<std::vector<sql::Value>> out;
  RETURN_IF_ERROR(ForEachRow([&](std::string_view key, int64_t n) -> Status {
    ASSIGN_OR_RETURN(std::vector<sql::Value> row, DecodeRowValues(key, output_types()));
    for (int64_t i = 0; i < n; ++i) out.push_back(row);
    return Status();
  }));
  return out;
}

Status MaterializedView::SnapshotEncoded(std::string* out) const {
  absl::MutexLock lock(&mu_);
  return ForEachRow([&](std::string_view row, int64_t n) -> Status {
    PutVarint(static_cast<uint64_t>(n), out);
    PutVarint(row.size(), out);
    out->append(row);
    return Status();
  });
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
  size_t n = 0;
  Status s = ForEachRow([&](std::string_view, int64_t) {
    ++n;
    return Status();
  });
  return s.ok() ? n : 0;
}

size_t MaterializedView::num_resident_rows() const {
  absl::MutexLock lock(&mu_);
  if (appended_) return appended_->resident_rows();
  if (derived()) return aggregate_->num_resident_groups();
  return indexed() ? keyed_.resident() : rows_.resident();
}

}  // namespace oxbow::stream
