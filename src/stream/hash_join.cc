#include "stream/hash_join.h"

#include <algorithm>

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

std::vector<sql::Type> Concat(std::vector<sql::Type> a, const std::vector<sql::Type>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The side, then GroupedRowKey(key, row), into `out` (cleared first).
void StoreKeyTo(int side, std::string_view key, std::string_view row, std::string* out) {
  out->clear();
  out->reserve(1 + 5 + key.size() + row.size());
  out->push_back(static_cast<char>(side));
  PutVarint(key.size(), out);
  out->append(key);
  out->append(row);
}

std::string StoreKey(int side, std::string_view key, std::string_view row) {
  std::string out;
  StoreKeyTo(side, key, row, &out);
  return out;
}

// Splits a stored key (side, then GroupedRowKey) into key and row.
bool SplitStoreKey(std::string_view store_key, std::string_view* key, std::string_view* row) {
  if (store_key.empty() || store_key.front() > 1) return false;
  return SplitGroupedRowKey(store_key.substr(1), key, row);
}

size_t RowsBytes(const absl::flat_hash_map<std::string, int64_t>& rows) {
  size_t bytes = 0;
  for (const auto& [row, n] : rows) bytes += row.size() + sizeof(std::string) + 16;
  return bytes;
}

}  // namespace

// Builds the output chunk: left cells, then right cells or NULLs.
class HashJoin::Output {
 public:
  Output(const std::vector<sql::Type>& types, size_t left_width)
      : left_width_(left_width), right_width_(types.size() - left_width) {
    for (const sql::Type& t : types) columns_.emplace_back(t);
  }
  // `right` nullptr: NULL-padded.
  Status Append(std::string_view left, const std::string_view* right, sql::RowOp op,
                int64_t times) {
    for (int64_t i = 0; i < times; ++i) {
      std::string_view l = left;
      RETURN_IF_ERROR(DecodeCells(&l, columns_, 0, left_width_));
      if (right != nullptr) {
        std::string_view r = *right;
        RETURN_IF_ERROR(DecodeCells(&r, columns_, left_width_, right_width_));
      } else {
        for (size_t c = 0; c < right_width_; ++c) columns_[left_width_ + c].AppendNull();
      }
      ops_.push_back(op);
    }
    return Status();
  }
  sql::Chunk Finish() { return sql::Chunk(std::move(columns_), std::move(ops_)); }

 private:
  size_t left_width_, right_width_;
  std::vector<sql::ColumnVector> columns_;
  std::vector<sql::RowOp> ops_;
};

HashJoin::HashJoin(StateId id, JoinType type, std::vector<sql::Type> left_types,
                   std::vector<int> left_keys, std::vector<sql::Type> right_types,
                   std::vector<int> right_keys)
    : Operator(type == JoinType::kInner ? "HashJoin(inner)" : "HashJoin(left)",
               Concat(left_types, right_types)),
      id_(id),
      type_(type) {
  sides_[0].keys = std::move(left_keys);
  sides_[0].width = left_types.size();
  sides_[0].types = std::move(left_types);
  sides_[1].keys = std::move(right_keys);
  sides_[1].width = right_types.size();
  sides_[1].types = std::move(right_types);
  for (int side = 0; side < 2; ++side) {
    sides_[side].by_key = std::make_unique<StateCache<Rows>>(
        [this, side](StateStore& store, std::string_view key) -> Result<std::optional<Rows>> {
          Rows rows;
          RETURN_IF_ERROR(store.Scan(id_, StoreKey(side, key, ""),
                                     [&](std::string_view store_key, std::string_view value) {
                                       return AddStoredRow(rows, store_key, value);
                                     }));
          if (rows.empty()) return std::optional<Rows>();
          return std::optional<Rows>(std::move(rows));
        },
        RowsBytes, [](const Rows& rows) { return rows.empty(); });
  }
}

Status HashJoin::AddStoredRow(Rows& rows, std::string_view store_key,
                              std::string_view value) const {
  std::string_view key, row;
  uint64_t n = 0;
  if (!SplitStoreKey(store_key, &key, &row) || !GetVarint(&value, &n) || n == 0) {
    return absl::DataLossError(fmt::format("{}: malformed state", name()));
  }
  rows[std::string(row)] = static_cast<int64_t>(n);
  return Status();
}

void HashJoin::SetStateMemory(size_t bytes) {
  for (Side& s : sides_) {
    s.by_key->set_budget(bytes);
    if (s.blocks != nullptr) s.blocks->set_budget(bytes);
  }
}

bool HashJoin::StateOverBudget() const {
  for (const Side& s : sides_) {
    if (s.by_key->over_budget() || (s.blocks != nullptr && s.blocks->over_budget())) return true;
  }
  return false;
}

bool HashJoin::HasNullKey(const sql::Chunk& chunk, const std::vector<int>& keys, size_t row) {
  for (int k : keys) {
    if (chunk.column(k).IsNull(row)) return true;
  }
  return false;
}

Status HashJoin::Apply(int side, const std::string& key, const std::string& row,
                       const std::string& store_key, int64_t weight) {
  StateCache<Rows>& by_key = *sides_[side].by_key;
  ASSIGN_OR_RETURN(Rows * found, by_key.Find(key));
  if (found != nullptr) {
    by_key.MarkDirty(key);
  } else {
    found = by_key.Insert(key, Rows());
  }
  Rows& rows = *found;
  int64_t& n = rows[row];
  n += weight;
  if (n < 0) {
    return absl::InternalError(fmt::format("{}: a row was deleted that the {} side does not hold",
                                           name(), side == 0 ? "left" : "right"));
  }
  if (n == 0) rows.erase(row);  // an empty entry stays until its deletes are committed
  dirty_.insert(store_key);
  return Status();
}

void HashJoin::set_expiry(int side, StateExpiry expiry, bool append_only) {
  Side& s = sides_[side];
  s.expiry = expiry;
  s.blocks.reset();
  if (!append_only || !expiry.enabled()) return;
  // Rows stay until the watermark passes their time by -offset (an interval join's bound);
  // buckets of a quarter of that keep them at most a quarter longer, with ~5 buckets to probe.
  constexpr int64_t kMinWidth = 10'000, kMaxWidth = 3'600'000'000;  // 10 ms, 1 h
  const int64_t width =
      std::clamp<int64_t>(expiry.offset < 0 ? -(expiry.offset / 4) : 0, kMinWidth, kMaxWidth);
  s.blocks = std::make_unique<TimeBucketedRows>(id_, static_cast<char>(2 + side), width, name());
}

template <typename Fn>
Status HashJoin::ForEachMatch(Side& s, const std::string& key, Fn&& fn) {
  if (s.blocks != nullptr) {
    return s.blocks->ForEachMatch(key, [&](std::string_view row) { return fn(row, 1); });
  }
  ASSIGN_OR_RETURN(Rows * found, s.by_key->Find(key));
  if (found == nullptr) return Status();
  for (const auto& [row, n] : *found) RETURN_IF_ERROR(fn(std::string_view(row), n));
  return Status();
}

Status HashJoin::Process(int port, const sql::Chunk& chunk) {
  const bool left_outer = type_ == JoinType::kLeftOuter;
  Side& mine = sides_[port];
  Side& other = sides_[1 - port];
  Output out(output_types(), sides_[0].width);
  std::string key, row, store_key;
  const int64_t closed = mine.expiry.enabled() ? mine.expiry.Bound(watermark()) : kNoWatermark;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    sql::RowOp op = chunk.op(r);
    if (mine.expiry.enabled() && RetractsFinalRow(chunk, r, mine.expiry.column, closed)) {
      continue;  // what the expired row joined with is final
    }
    if (mine.blocks != nullptr && op != sql::RowOp::kInsert) {
      return absl::InternalError(fmt::format("{}: a delete reached the append-only {} side", name(),
                                             port == 0 ? "left" : "right"));
    }
    int weight = sql::RowWeight(op);
    row.clear();
    encoder.Append(r, &row);
    if (HasNullKey(chunk, mine.keys, r)) {
      if (port == 0 && left_outer) RETURN_IF_ERROR(out.Append(row, nullptr, op, 1));
      continue;
    }
    key.clear();
    EncodeKey(chunk, mine.keys, r, &key);
    if (port == 0) {
      bool matched = false;
      RETURN_IF_ERROR(ForEachMatch(other, key, [&](std::string_view right, int64_t n) {
        matched = true;
        return out.Append(row, &right, op, n);
      }));
      if (!matched && left_outer) RETURN_IF_ERROR(out.Append(row, nullptr, op, 1));
    } else {
      bool had_right = false, last_right = false;
      if (mine.blocks != nullptr) {
        // Only inserts: never the last right row of its key.
        if (left_outer) {
          ASSIGN_OR_RETURN(had_right, mine.blocks->Contains(key));
        }
      } else {
        ASSIGN_OR_RETURN(Rows * mine_rows, mine.by_key->Find(key));
        had_right = mine_rows != nullptr && !mine_rows->empty();
        last_right = had_right && op == sql::RowOp::kDelete && mine_rows->size() == 1 &&
                     mine_rows->begin()->second == 1;
      }
      std::string_view rv = row;
      // First right row of the key: the padded left rows go before the joined ones arrive.
      if (left_outer && !had_right && op == sql::RowOp::kInsert) {
        RETURN_IF_ERROR(ForEachMatch(other, key, [&](std::string_view left, int64_t n) {
          return out.Append(left, nullptr, sql::RowOp::kDelete, n);
        }));
      }
      RETURN_IF_ERROR(ForEachMatch(other, key, [&](std::string_view left, int64_t n) {
        return out.Append(left, &rv, op, n);
      }));
      if (left_outer && last_right) {
        RETURN_IF_ERROR(ForEachMatch(other, key, [&](std::string_view left, int64_t n) {
          return out.Append(left, nullptr, sql::RowOp::kInsert, n);
        }));
      }
    }
    if (mine.blocks != nullptr) {
      const sql::ColumnVector& time = chunk.column(mine.expiry.column);
      const bool has_time = !time.IsNull(r);
      mine.blocks->Add(key, row, has_time, has_time ? time.Get<int64_t>(r) : 0);
      continue;
    }
    StoreKeyTo(port, key, row, &store_key);
    if (mine.expiry.enabled() && op == sql::RowOp::kInsert) {
      const sql::ColumnVector& time = chunk.column(mine.expiry.column);
      if (!time.IsNull(r)) mine.expiring.Add(time.Get<int64_t>(r), store_key);
    }
    RETURN_IF_ERROR(Apply(port, key, row, store_key, weight));
  }
  for (Side& s : sides_) s.by_key->Trim();
  return Emit(out.Finish());
}

Status HashJoin::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& store_key : TakeSortedKeys(dirty_)) {
    std::string_view key, row;
    SplitStoreKey(store_key, &key, &row);
    int64_t n = 0;
    // A changed key is dirty, so in memory.
    if (const Rows* rows = sides_[store_key.front() == 0 ? 0 : 1].by_key->Resident(key);
        rows != nullptr) {
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
  for (Side& s : sides_) {
    s.by_key->TookDirty();
    if (s.blocks != nullptr) s.blocks->Checkpoint(batch);  // after the row keys: sorted
  }
  return Status();
}

Status HashJoin::WatermarkAdvanced(int64_t watermark) {
  for (int side = 0; side < 2; ++side) {
    Side& s = sides_[side];
    if (!s.expiry.enabled()) continue;
    if (s.blocks != nullptr) {
      s.blocks->ExpireBelow(s.expiry.Bound(watermark));
      continue;
    }
    for (const std::string& store_key : s.expiring.TakeBelow(s.expiry.Bound(watermark))) {
      std::string_view key, row;
      if (!SplitStoreKey(store_key, &key, &row)) continue;
      ASSIGN_OR_RETURN(Rows * rows, s.by_key->Find(key));
      if (rows == nullptr) continue;
      auto it = rows->find(absl::string_view(row.data(), row.size()));
      if (it == rows->end()) continue;  // retracted meanwhile
      rows->erase(it);
      s.by_key->MarkDirty(key);
      dirty_.insert(store_key);  // the checkpoint deletes it
    }
    s.by_key->Trim();
  }
  return EmitWatermark(watermark);
}

Status HashJoin::RestoreExpiryIndex(StateStore& store, int side) {
  Side& s = sides_[side];
  s.expiring.Clear();
  if (!s.expiry.enabled()) return Status();
  return store.Scan(id_, std::string(1, static_cast<char>(side)),
                    [&](std::string_view store_key, std::string_view) -> Status {
                      std::string_view key, row;
                      if (!SplitStoreKey(store_key, &key, &row)) {
                        return absl::DataLossError(fmt::format("{}: malformed state", name()));
                      }
                      ASSIGN_OR_RETURN(std::vector<sql::Value> cells,
                                       DecodeRowValues(row, s.types));
                      const sql::Value& time = cells[s.expiry.column];
                      if (!time.is_null()) s.expiring.Add(time.int_value(), store_key);
                      return Status();
                    });
}

Status HashJoin::AfterCommit() {
  for (Side& s : sides_) {
    s.by_key->AfterCommit();
    if (s.blocks != nullptr) s.blocks->AfterCommit();
  }
  return Status();
}

Status HashJoin::Restore(StateStore& store) {
  dirty_.clear();
  for (int side = 0; side < 2; ++side) {
    // A side's rows are stored either as rows (prefix: the side) or as blocks (2 + side);
    // state in the other form was written by a version of Oxbow that planned this join
    // differently.
    const bool as_blocks = sides_[side].blocks != nullptr;
    RETURN_IF_ERROR(store.Scan(
        id_, std::string(1, static_cast<char>(as_blocks ? side : 2 + side)),
        [&](std::string_view, std::string_view) -> Status {
          return absl::DataLossError(fmt::format(
              "{}: the stored rows of this join's {} side are in another format than this "
              "version of Oxbow keeps them in (DROP and CREATE the view again)",
              name(), side == 0 ? "left" : "right"));
        }));
    if (as_blocks) {
      sides_[side].by_key->BeginRestore(&store);
      sides_[side].by_key->FinishRestore(false);
      sides_[side].expiring.Clear();
      RETURN_IF_ERROR(sides_[side].blocks->Restore(store));
      continue;
    }
    RETURN_IF_ERROR(RestoreGroupedRows(
        store, id_, std::string(1, static_cast<char>(side)), *sides_[side].by_key,
        [](std::string_view store_key, std::string_view* key) {
          std::string_view row;
          return SplitStoreKey(store_key, key, &row);
        },
        [] { return Rows(); },
        [&](Rows& rows, std::string_view store_key, std::string_view value) {
          return AddStoredRow(rows, store_key, value);
        },
        name()));
    RETURN_IF_ERROR(RestoreExpiryIndex(store, side));
  }
  return Status();
}

}  // namespace oxbow::stream
