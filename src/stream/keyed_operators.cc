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

// Restores `cache` from `id`'s rows, as far as the budget allows.

Result<int64_t> DecodeCount(std::string_view value, const std::string& name) {
  uint64_t n;
  if (!GetVarint(&value, &n) || n == 0) return CorruptState(name);
  return static_cast<int64_t>(n);
}

void EncodeCount(const int64_t& n, std::string* out) { PutVarint(static_cast<uint64_t>(n), out); }

}  // namespace

Distinct::Distinct(StateId id, std::vector<sql::Type> types)
    : Operator("Distinct", std::move(types)),
      id_(id),
      counts_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<int64_t>> {
            ASSIGN_OR_RETURN(std::optional<std::string> v, store.Get(id_, key));
            if (!v) return std::optional<int64_t>();
            ASSIGN_OR_RETURN(int64_t n, DecodeCount(*v, name()));
            return std::optional<int64_t>(n);
          },
          nullptr, [](const int64_t& n) { return n == 0; }) {
  for (size_t i = 0; i < output_types().size(); ++i) all_columns_.push_back(static_cast<int>(i));
}

Status Distinct::Process(int, const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> out = EmptyColumns(output_types());
  std::vector<sql::RowOp> ops;
  std::string key;
  const int64_t closed = expiry_.enabled() ? expiry_.Bound(watermark()) : kNoWatermark;
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    if (expiry_.enabled() && RetractsFinalRow(chunk, row, expiry_.column, closed)) continue;
    const sql::ColumnVector* time = expiry_.enabled() ? &chunk.column(expiry_.column) : nullptr;
    key.clear();
    EncodeKey(chunk, all_columns_, row, &key);
    ASSIGN_OR_RETURN(int64_t * found, counts_.Find(key));
    if (found != nullptr) {
      counts_.MarkDirty(key);
    } else {
      found = counts_.Insert(key, 0);
      if (time != nullptr && !time->IsNull(row)) expiring_.Add(time->Get<int64_t>(row), key);
    }
    int64_t& n = *found;
    int64_t before = n;
    n += sql::RowWeight(chunk.op(row));
    if (n < 0) return absl::InternalError("Distinct: a row was deleted that was never inserted");
    if ((before == 0) != (n == 0)) {
      std::string_view in = key;
      RETURN_IF_ERROR(DecodeCells(&in, out, 0, out.size()));
      ops.push_back(chunk.op(row));
    }
  }
  counts_.Trim();
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status Distinct::Checkpoint(StateWriteBatch& batch) {
  counts_.Checkpoint(batch, id_, EncodeCount);
  return Status();
}

Status Distinct::AfterCommit() {
  counts_.AfterCommit();
  return Status();
}

Status Distinct::Restore(StateStore& store) {
  RETURN_IF_ERROR(RestoreSingleRows(
      store, id_, counts_, [&](std::string_view value) { return DecodeCount(value, name()); }));
  expiring_.Clear();
  if (!expiry_.enabled()) return Status();
  return store.Scan(id_, "", [&](std::string_view key, std::string_view) -> Status {
    ASSIGN_OR_RETURN(std::vector<sql::Value> cells, DecodeRowValues(key, output_types()));
    const sql::Value& time = cells[expiry_.column];
    if (!time.is_null()) expiring_.Add(time.int_value(), key);
    return Status();
  });
}

Status Distinct::WatermarkAdvanced(int64_t watermark) {
  if (expiry_.enabled()) {
    for (const std::string& key : expiring_.TakeBelow(expiry_.Bound(watermark))) {
      counts_.Erase(key, 0);
    }
  }
  return EmitWatermark(watermark);
}

UpsertTable::UpsertTable(StateId id, std::vector<sql::Type> types, std::vector<int> key_columns)
    : Operator("UpsertTable", std::move(types)),
      id_(id),
      key_columns_(std::move(key_columns)),
      rows_(
          [this](StateStore& store,
                 std::string_view key) -> Result<std::optional<std::optional<std::string>>> {
            ASSIGN_OR_RETURN(std::optional<std::string> v, store.Get(id_, key));
            if (!v) return std::optional<std::optional<std::string>>();
            return std::optional<std::optional<std::string>>(std::move(v));
          },
          [](const std::optional<std::string>& row) { return row ? row->size() : 0; },
          [](const std::optional<std::string>& row) { return !row.has_value(); }) {}

Status UpsertTable::Process(int, const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> out = EmptyColumns(output_types());
  std::vector<sql::RowOp> ops;
  auto append = [&](std::string_view row, sql::RowOp op) -> Status {
    RETURN_IF_ERROR(DecodeCells(&row, out, 0, out.size()));
    ops.push_back(op);
    return Status();
  };
  std::string key, row_bytes;
  const ChunkRowEncoder encoder(chunk);
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    key.clear();
    EncodeKey(chunk, key_columns_, row, &key);
    ASSIGN_OR_RETURN(std::optional<std::string> * stored, rows_.Find(key));
    const bool present = stored != nullptr && stored->has_value();
    if (chunk.op(row) == sql::RowOp::kDelete) {
      if (!present) continue;
      RETURN_IF_ERROR(append(**stored, sql::RowOp::kDelete));
      stored->reset();
      rows_.MarkDirty(key);
      continue;
    }
    row_bytes.clear();
    encoder.Append(row, &row_bytes);
    if (present) {
      if (**stored == row_bytes) continue;
      RETURN_IF_ERROR(append(**stored, sql::RowOp::kDelete));
    }
    if (stored != nullptr) {
      *stored = row_bytes;
      rows_.MarkDirty(key);
    } else {
      rows_.Insert(key, row_bytes);
    }
    RETURN_IF_ERROR(append(row_bytes, sql::RowOp::kInsert));
  }
  rows_.Trim();
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status UpsertTable::Checkpoint(StateWriteBatch& batch) {
  rows_.Checkpoint(batch, id_,
                   [](const std::optional<std::string>& row, std::string* out) { *out = *row; });
  return Status();
}

Status UpsertTable::AfterCommit() {
  rows_.AfterCommit();
  return Status();
}

Status UpsertTable::Restore(StateStore& store) {
  return RestoreSingleRows(store, id_, rows_, [](std::string_view value) {
    return Result<std::optional<std::string>>(std::optional<std::string>(std::string(value)));
  });
}

}  // namespace oxbow::stream
