#include "stream/top_n.h"

#include <algorithm>

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

std::vector<sql::Type> WithRank(std::vector<sql::Type> types, bool emit_rank) {
  if (emit_rank) types.push_back(sql::Type::Int64());
  return types;
}

std::string StoreKey(std::string_view key, std::string_view row) {
  std::string out;
  PutVarint(key.size(), &out);
  out.append(key);
  out.append(row);
  return out;
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
      input_types_(std::move(types)) {}

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
  auto [pit, inserted] = partitions_.try_emplace(key, Partition(EntryLess{&order_}));
  Partition& p = pit->second;
  dirty_.insert(StoreKey(key, entry.row));
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
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    key.clear();
    row.clear();
    EncodeKey(chunk, partition_columns_, r, &key);
    EncodeRow(chunk, r, &row);
    if (!before.contains(key)) {
      auto pit = partitions_.find(key);
      before[key] = pit == partitions_.end() ? Ranked() : Top(pit->second);
      touched.push_back(key);
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
    auto pit = partitions_.find(k);
    Ranked after;
    if (pit != partitions_.end()) {
      after = Top(pit->second);
      if (pit->second.empty()) partitions_.erase(pit);
    }
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
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status TopN::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& store_key : TakeSortedKeys(dirty_)) {
    std::string_view in = store_key;
    uint64_t n = 0;
    GetVarint(&in, &n);
    std::string key(in.substr(0, n));
    int64_t count = 0;
    auto pit = partitions_.find(key);
    if (pit != partitions_.end()) {
      auto it = pit->second.find(MakeEntry(std::string(in.substr(n))));
      if (it != pit->second.end()) count = it->second;
    }
    if (count == 0) {
      batch.Delete(id_, store_key);
    } else {
      value.clear();
      PutVarint(static_cast<uint64_t>(count), &value);
      batch.Put(id_, store_key, value);
    }
  }
  return Status();
}

Status TopN::Restore(StateStore& store) {
  partitions_.clear();
  dirty_.clear();
  return store.Scan(id_, "", [&](std::string_view store_key, std::string_view value) -> Status {
    uint64_t n = 0, count = 0;
    if (!GetVarint(&store_key, &n) || n > store_key.size() || !GetVarint(&value, &count) ||
        count == 0) {
      return absl::DataLossError(fmt::format("{}: malformed state", name()));
    }
    std::string row(store_key.substr(n));
    // Rows are stored as they came in (the rank is computed, never stored).
    Result<std::vector<sql::Value>> values = DecodeRowValues(row, input_types_);
    if (!values.ok()) return values.status();
    std::string key(store_key.substr(0, n));
    auto [pit, inserted] = partitions_.try_emplace(key, Partition(EntryLess{&order_}));
    pit->second.emplace(MakeEntry(std::move(row)), static_cast<int64_t>(count));
    return Status();
  });
}

}  // namespace oxbow::stream
