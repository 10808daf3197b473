#include "stream/stream_table_join.h"

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

std::vector<sql::Type> Concat(std::vector<sql::Type> a, const std::vector<sql::Type>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool HasNull(const sql::Chunk& chunk, const std::vector<int>& keys, size_t row) {
  for (int k : keys) {
    if (chunk.column(k).IsNull(row)) return true;
  }
  return false;
}

}  // namespace

StreamTableJoin::StreamTableJoin(StateId id, JoinType type, std::vector<sql::Type> stream_types,
                                 std::vector<int> stream_keys, std::vector<sql::Type> table_types,
                                 std::vector<int> table_keys)
    : Operator(type == JoinType::kInner ? "StreamTableJoin(inner)" : "StreamTableJoin(left)",
               Concat(stream_types, table_types)),
      id_(id),
      type_(type),
      stream_keys_(std::move(stream_keys)),
      table_keys_(std::move(table_keys)),
      stream_width_(stream_types.size()),
      table_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<Rows>> {
            Rows rows;
            RETURN_IF_ERROR(store.Scan(id_, GroupedRowKey(key, ""),
                                       [&](std::string_view store_key, std::string_view value) {
                                         return AddStoredRow(rows, store_key, value);
                                       }));
            if (rows.empty()) return std::optional<Rows>();
            return std::optional<Rows>(std::move(rows));
          },
          [](const Rows& rows) {
            size_t bytes = 0;
            for (const auto& [row, n] : rows) bytes += row.size() + sizeof(std::string) + 16;
            return bytes;
          },
          [](const Rows& rows) { return rows.empty(); }) {}

Status StreamTableJoin::AddStoredRow(Rows& rows, std::string_view store_key,
                                     std::string_view value) const {
  std::string_view key, row;
  uint64_t n = 0;
  if (!SplitGroupedRowKey(store_key, &key, &row) || !GetVarint(&value, &n) || n == 0) {
    return absl::DataLossError(fmt::format("{}: malformed state", name()));
  }
  rows[std::string(row)] = static_cast<int64_t>(n);
  return Status();
}

Status StreamTableJoin::Process(int port, const sql::Chunk& chunk) {
  return port == 0 ? ProcessStream(chunk) : ProcessTable(chunk);
}

Status StreamTableJoin::ProcessStream(const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  const size_t table_width = out.size() - stream_width_;
  std::string key;
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    if (chunk.op(r) != sql::RowOp::kInsert) {
      return absl::InvalidArgumentError(
          fmt::format("{}: the stream side must be append-only (got a delete)", name()));
    }
    const Rows* matches = nullptr;
    if (!HasNull(chunk, stream_keys_, r)) {
      key.clear();
      EncodeKey(chunk, stream_keys_, r, &key);
      ASSIGN_OR_RETURN(Rows * found, table_.Find(key));
      if (found != nullptr && !found->empty()) matches = found;
    }
    auto append_stream = [&] {
      for (size_t c = 0; c < stream_width_; ++c) out[c].AppendFrom(chunk.column(c), r);
    };
    if (matches == nullptr) {
      if (type_ == JoinType::kInner) continue;
      append_stream();
      for (size_t c = 0; c < table_width; ++c) out[stream_width_ + c].AppendNull();
      ops.push_back(sql::RowOp::kInsert);
      continue;
    }
    for (const auto& [row, n] : *matches) {
      for (int64_t i = 0; i < n; ++i) {
        append_stream();
        std::string_view in = row;
        RETURN_IF_ERROR(DecodeCells(&in, out, stream_width_, table_width));
        ops.push_back(sql::RowOp::kInsert);
      }
    }
  }
  table_.Trim();
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status StreamTableJoin::ProcessTable(const sql::Chunk& chunk) {
  std::string key, row;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    if (HasNull(chunk, table_keys_, r)) continue;
    key.clear();
    row.clear();
    EncodeKey(chunk, table_keys_, r, &key);
    encoder.Append(r, &row);
    ASSIGN_OR_RETURN(Rows * found, table_.Find(key));
    if (found != nullptr) {
      table_.MarkDirty(key);
    } else {
      found = table_.Insert(key, Rows());
    }
    Rows& rows = *found;
    int64_t& n = rows[row];
    n += sql::RowWeight(chunk.op(r));
    if (n < 0) {
      return absl::InternalError(
          fmt::format("{}: the table deleted a row it does not hold", name()));
    }
    if (n == 0) rows.erase(row);  // an empty entry stays until its deletes are committed
    dirty_.insert(GroupedRowKey(key, row));
  }
  table_.Trim();
  return Status();
}

Status StreamTableJoin::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& store_key : TakeSortedKeys(dirty_)) {
    std::string_view key, row;
    SplitGroupedRowKey(store_key, &key, &row);
    int64_t n = 0;
    if (const Rows* rows = table_.Resident(key); rows != nullptr) {  // dirty: in memory
      auto r = rows->find(absl::string_view(row.data(), row.size()));
      if (r != rows->end()) n = r->second;
    }
    if (n == 0) {
      batch.Delete(id_, store_key);
    } else {
      value.clear();
      PutVarint(static_cast<uint64_t>(n), &value);
      batch.Put(id_, store_key, value);
    }
  }
  table_.TookDirty();
  return Status();
}

Status StreamTableJoin::AfterCommit() {
  table_.AfterCommit();
  return Status();
}

Status StreamTableJoin::Restore(StateStore& store) {
  dirty_.clear();
  return RestoreGroupedRows(
      store, id_, "", table_,
      [](std::string_view store_key, std::string_view* key) {
        std::string_view row;
        return SplitGroupedRowKey(store_key, key, &row);
      },
      [] { return Rows(); },
      [&](Rows& rows, std::string_view store_key, std::string_view value) {
        return AddStoredRow(rows, store_key, value);
      },
      name());
}

}  // namespace oxbow::stream
