#include "stream/hash_aggregate.h"

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {
std::vector<sql::Type> OutputTypes(const std::vector<sql::Type>& input,
                                   const std::vector<int>& group_columns,
                                   const std::vector<AggregateCall>& aggregates) {
  std::vector<sql::Type> types;
  for (int c : group_columns) types.push_back(input[c]);
  for (const auto& a : aggregates) types.push_back(a.function.return_type);
  return types;
}
}  // namespace

HashAggregate::HashAggregate(StateId id, std::vector<sql::Type> input_types,
                             std::vector<int> group_columns, std::vector<AggregateCall> aggregates)
    : Operator("HashAggregate", OutputTypes(input_types, group_columns, aggregates)),
      id_(id),
      input_types_(std::move(input_types)),
      group_columns_(std::move(group_columns)),
      aggregates_(std::move(aggregates)) {}

HashAggregate::Group HashAggregate::NewGroup() const {
  Group g;
  for (const auto& a : aggregates_) g.states.push_back(a.function.NewState());
  return g;
}

std::vector<sql::Value> HashAggregate::Results(const Group& g) const {
  std::vector<sql::Value> results;
  results.reserve(g.states.size());
  for (const auto& s : g.states) results.push_back(s->Result());
  return results;
}

Status HashAggregate::AppendRow(std::string_view key, const Group& g,
                                const std::vector<sql::Value>& results, sql::RowOp op,
                                std::vector<sql::ColumnVector>& out, std::vector<sql::RowOp>& ops) {
  RETURN_IF_ERROR(DecodeCells(&key, out, 0, group_columns_.size()));
  for (size_t i = 0; i < results.size(); ++i) {
    out[group_columns_.size() + i].AppendValue(results[i]);
  }
  ops.push_back(op);
  return Status();
}

Status HashAggregate::Process(int, const sql::Chunk& chunk) {
  std::vector<const sql::ColumnVector*> args;
  // The groups this chunk touched, in first-touch order, with their rows before it.
  struct Touched {
    std::string key;
    bool existed;
    std::vector<sql::Value> before;
  };
  std::vector<Touched> touched;
  const uint64_t seq = ++chunk_seq_;
  std::string key;
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    key.clear();
    EncodeKey(chunk, group_columns_, row, &key);
    auto [it, inserted] = groups_.try_emplace(key);
    Group& g = it->second;
    if (inserted) g = NewGroup();
    if (g.last_chunk != seq) {
      g.last_chunk = seq;
      bool existed = group_columns_.empty() ? g.emitted : g.rows > 0;
      touched.push_back({key, existed, existed ? Results(g) : std::vector<sql::Value>()});
    }
    int weight = sql::RowWeight(chunk.op(row));
    g.rows += weight;
    if (g.rows < 0) {
      return absl::InternalError(
          fmt::format("{}: a group received more deletes than inserts", name()));
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      if (int f = aggregates_[a].filter; f >= 0) {
        const sql::ColumnVector& pass = chunk.column(f);
        if (pass.IsNull(row) || pass.Get<uint8_t>(row) == 0) continue;
      }
      args.clear();
      for (int c : aggregates_[a].args) args.push_back(&chunk.column(c));
      RETURN_IF_ERROR(g.states[a]->Add(args, row, weight));
    }
  }

  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  for (Touched& t : touched) {
    dirty_.insert(t.key);
    auto it = groups_.find(t.key);
    Group& g = it->second;
    bool exists = group_columns_.empty() || g.rows > 0;
    std::vector<sql::Value> after = exists ? Results(g) : std::vector<sql::Value>();
    if (t.existed && exists && after == t.before) continue;
    if (t.existed) RETURN_IF_ERROR(AppendRow(t.key, g, t.before, sql::RowOp::kDelete, out, ops));
    if (exists) RETURN_IF_ERROR(AppendRow(t.key, g, after, sql::RowOp::kInsert, out, ops));
    g.emitted = exists;
    if (!exists) groups_.erase(it);
  }
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status HashAggregate::Start() {
  if (!group_columns_.empty()) return Status();
  auto [it, inserted] = groups_.try_emplace(std::string());
  Group& g = it->second;
  if (inserted) g = NewGroup();
  if (g.emitted) return Status();
  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  RETURN_IF_ERROR(AppendRow(it->first, g, Results(g), sql::RowOp::kInsert, out, ops));
  g.emitted = true;
  dirty_.insert(it->first);
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

// Stored value: varint rows, a byte `emitted`, then each aggregate's Save bytes.
Status HashAggregate::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& key : TakeSortedKeys(dirty_)) {
    auto it = groups_.find(key);
    if (it == groups_.end()) {
      batch.Delete(id_, key);
      continue;
    }
    value.clear();
    PutVarint(static_cast<uint64_t>(it->second.rows), &value);
    value.push_back(it->second.emitted ? 1 : 0);
    for (const auto& s : it->second.states) s->Save(&value);
    batch.Put(id_, key, value);
  }
  dirty_.clear();
  return Status();
}

Status HashAggregate::Restore(StateStore& store) {
  groups_.clear();
  dirty_.clear();
  return store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    Group g = NewGroup();
    uint64_t rows;
    if (!GetVarint(&value, &rows) || value.empty()) {
      return absl::DataLossError(fmt::format("{}: malformed group state", name()));
    }
    g.rows = static_cast<int64_t>(rows);
    g.emitted = value.front() != 0;
    value.remove_prefix(1);
    for (auto& s : g.states) RETURN_IF_ERROR(s->Load(&value));
    groups_.emplace(std::string(key), std::move(g));
    return Status();
  });
}

}  // namespace oxbow::stream
