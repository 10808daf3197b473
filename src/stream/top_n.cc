#include "stream/top_n.h"

#include <algorithm>

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

std::vector<sql::Type> WithRank(std::vector<sql::Type> types, bool emit_rank) {
  if (emit_rank) types.push_back(sql::Type::Int64());
  return types;
}

}  // namespace

bool TopN::EntryLess::operator()(const Entry& a, const Entry& b) const {
  for (size_t i = 0; i < order->size(); ++i) {
    const sql::Value& x = a.order_values[i];
    const sql::Value& y = b.order_values[i];
    bool desc = (*order)[i].descending;
    if (x.is_null() || y.is_null()) {
      if (x.is_null() && y.is_null()) continue;
      // NULLs sort as larger than every value: last ascending, first descending.
      return desc ? x.is_null() : y.is_null();
    }
    int c = sql::CompareValues(x, y);
    if (c != 0) return desc ? c > 0 : c < 0;
  }
  return a.row < b.row;
}

TopN::TopN(StateId id, std::vector<sql::Type> types, std::vector<int> partition_columns,
           std::vector<SortKey> order, int64_t limit, bool emit_rank)
    : Operator("TopN", WithRank(types, emit_rank)),
      id_(id),
      partition_columns_(std::move(partition_columns)),
      order_(std::move(order)),
      limit_(limit),
      emit_rank_(emit_rank),
      input_types_(std::move(types)),
      partitions_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<Partition>> {
            Partition p(EntryLess{&order_});
            RETURN_IF_ERROR(store.Scan(id_, GroupedRowKey(key, ""),
                                       [&](std::string_view store_key, std::string_view value) {
                                         return AddStoredRow(p, store_key, value);
                                       }));
            if (p.empty()) return std::optional<Partition>();
            return std::optional<Partition>(std::move(p));
          },
          [this](const Partition& p) {
            return p.size() * (96 + 32 * order_.size()) +
                   (p.empty() ? 0 : p.size() * p.begin()->first.row.size());
          },
          [](const Partition& p) { return p.empty(); }) {}

Status TopN::AddStoredRow(Partition& p, std::string_view store_key, std::string_view value) const {
  std::string_view key, row;
  uint64_t count = 0;
  if (!SplitGroupedRowKey(store_key, &key, &row) || !GetVarint(&value, &count) || count == 0 ||
      !DecodeRowValues(row, input_types_).ok()) {
    return absl::DataLossError(fmt::format("{}: malformed state", name()));
  }
  p.emplace(MakeEntry(std::string(row)), static_cast<int64_t>(count));
  return Status();
}

TopN::Entry TopN::MakeEntry(std::string row) const {
  Entry e;
  e.row = std::move(row);
  // The row was encoded by EncodeRow from a chunk of output_types(): it decodes.
  std::vector<sql::Value> values = DecodeRowValues(e.row, input_types_).value();
  for (const SortKey& k : order_) e.order_values.push_back(values[k.column]);
  return e;
}

std::vector<std::pair<std::string, int64_t>> TopN::Top(const Partition& p) const {
  std::vector<std::pair<std::string, int64_t>> top;
  for (const auto& [entry, n] : p) {
    for (int64_t i = 0; i < n && static_cast<int64_t>(top.size()) < limit_; ++i) {
      top.emplace_back(entry.row, emit_rank_ ? static_cast<int64_t>(top.size()) + 1 : 0);
    }
    if (static_cast<int64_t>(top.size()) >= limit_) break;
  }
  return top;
}

Status TopN::Apply(const std::string& key, Entry entry, int64_t weight) {
  ASSIGN_OR_RETURN(Partition * found, partitions_.Find(key));
  if (found != nullptr) {
    partitions_.MarkDirty(key);
  } else {
    found = partitions_.Insert(key, Partition(EntryLess{&order_}));
  }
  Partition& p = *found;
  dirty_.insert(GroupedRowKey(key, entry.row));
  auto it = p.find(entry);
  if (it == p.end()) {
    if (weight < 0) {
      return absl::InternalError(
          fmt::format("{}: a row was deleted that it does not hold", name()));
    }
    p.emplace(std::move(entry), weight);
    return Status();
  }
  it->second += weight;
  if (it->second < 0) {
    return absl::InternalError(fmt::format("{}: a row was deleted that it does not hold", name()));
  }
  if (it->second == 0) p.erase(it);
  return Status();
}

Status TopN::Process(int, const sql::Chunk& chunk) {
  // The top rows of each partition this chunk touches, before it.
  using Ranked = std::vector<std::pair<std::string, int64_t>>;
  absl::flat_hash_map<std::string, Ranked> before;
  std::vector<std::string> touched;
  std::string key, row;
  const int64_t closed = expiry_.enabled() ? expiry_.Bound(watermark()) : kNoWatermark;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    if (expiry_.enabled() &&
        RetractsFinalRow(chunk, r, partition_columns_[expiry_.column], closed)) {
      continue;
    }
    key.clear();
    row.clear();
    EncodeKey(chunk, partition_columns_, r, &key);
    encoder.Append(r, &row);
    if (!before.contains(key)) {
      ASSIGN_OR_RETURN(Partition * p, partitions_.Find(key));
      before[key] = p == nullptr ? Ranked() : Top(*p);
      touched.push_back(key);
      if (p == nullptr && expiry_.enabled()) {
        const sql::ColumnVector& time = chunk.column(partition_columns_[expiry_.column]);
        if (!time.IsNull(r)) expiring_.Add(time.Get<int64_t>(r), key);
      }
    }
    RETURN_IF_ERROR(Apply(key, MakeEntry(row), sql::RowWeight(chunk.op(r))));
  }

  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  auto append = [&](const std::pair<std::string, int64_t>& ranked, sql::RowOp op) -> Status {
    std::string_view bytes = ranked.first;
    RETURN_IF_ERROR(DecodeCells(&bytes, out, 0, input_types_.size()));
    if (emit_rank_) out.back().Append<int64_t>(ranked.second);
    ops.push_back(op);
    return Status();
  };
  for (const std::string& k : touched) {
    Ranked after;
    // Touched, so dirty and in memory (an empty one stays until its deletes are committed).
    if (const Partition* p = partitions_.Resident(k); p != nullptr) after = Top(*p);
    Ranked& old = before[k];
    std::sort(old.begin(), old.end());
    std::sort(after.begin(), after.end());
    Ranked removed, added;
    std::set_difference(old.begin(), old.end(), after.begin(), after.end(),
                        std::back_inserter(removed));
    std::set_difference(after.begin(), after.end(), old.begin(), old.end(),
                        std::back_inserter(added));
    for (const auto& r : removed) RETURN_IF_ERROR(append(r, sql::RowOp::kDelete));
    for (const auto& r : added) RETURN_IF_ERROR(append(r, sql::RowOp::kInsert));
  }
  partitions_.Trim();
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status TopN::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& store_key : TakeSortedKeys(dirty_)) {
    std::string_view key, row;
    SplitGroupedRowKey(store_key, &key, &row);
    int64_t count = 0;
    if (const Partition* p = partitions_.Resident(key); p != nullptr) {  // dirty: in memory
      auto it = p->find(MakeEntry(std::string(row)));
      if (it != p->end()) count = it->second;
    }
    if (count == 0) {
      batch.Delete(id_, store_key);
    } else {
      value.clear();
      PutVarint(static_cast<uint64_t>(count), &value);
      batch.Put(id_, store_key, value);
    }
  }
  partitions_.TookDirty();
  return Status();
}

Status TopN::WatermarkAdvanced(int64_t watermark) {
  if (expiry_.enabled()) {
    for (const std::string& key : expiring_.TakeBelow(expiry_.Bound(watermark))) {
      ASSIGN_OR_RETURN(Partition * p, partitions_.Find(key));
      if (p == nullptr) continue;
      for (const auto& [entry, n] : *p) dirty_.insert(GroupedRowKey(key, entry.row));
      partitions_.Erase(key, Partition(EntryLess{&order_}));
    }
    partitions_.Trim();
  }
  return EmitWatermark(watermark);
}

Status TopN::RestoreExpiryIndex(StateStore& store) {
  expiring_.Clear();
  if (!expiry_.enabled()) return Status();
  std::vector<sql::Type> key_types;
  for (int c : partition_columns_) key_types.push_back(input_types_[c]);
  std::string last;
  return store.Scan(id_, "", [&](std::string_view store_key, std::string_view) -> Status {
    std::string_view key, row;
    if (!SplitGroupedRowKey(store_key, &key, &row)) {
      return absl::DataLossError(fmt::format("{}: malformed state", name()));
    }
    if (key == last) return Status();  // a partition's rows are adjacent
    last = std::string(key);
    ASSIGN_OR_RETURN(std::vector<sql::Value> cells, DecodeRowValues(key, key_types));
    const sql::Value& time = cells[expiry_.column];
    if (!time.is_null()) expiring_.Add(time.int_value(), key);
    return Status();
  });
}

Status TopN::AfterCommit() {
  partitions_.AfterCommit();
  return Status();
}

Status TopN::Restore(StateStore& store) {
  dirty_.clear();
  RETURN_IF_ERROR(RestoreGroupedRows(
      store, id_, "", partitions_,
      [](std::string_view store_key, std::string_view* key) {
        std::string_view row;
        return SplitGroupedRowKey(store_key, key, &row);
      },
      [this] { return Partition(EntryLess{&order_}); },
      [&](Partition& p, std::string_view store_key, std::string_view value) {
        return AddStoredRow(p, store_key, value);
      },
      name()));
  return RestoreExpiryIndex(store);
}

}  // namespace oxbow::stream
