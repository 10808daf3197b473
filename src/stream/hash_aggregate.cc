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

// Holds the guard of a derived view (GuardStateWith), if there is one.
class GuardLock {
 public:
  explicit GuardLock(absl::Mutex* mu) : mu_(mu) {
    if (mu_ != nullptr) mu_->Lock();
  }
  ~GuardLock() {
    if (mu_ != nullptr) mu_->Unlock();
  }
  GuardLock(const GuardLock&) = delete;
  GuardLock& operator=(const GuardLock&) = delete;

 private:
  absl::Mutex* mu_;
};
}  // namespace

HashAggregate::HashAggregate(StateId id, std::vector<sql::Type> input_types,
                             std::vector<int> group_columns, std::vector<AggregateCall> aggregates)
    : Operator("HashAggregate", OutputTypes(input_types, group_columns, aggregates)),
      id_(id),
      input_types_(std::move(input_types)),
      group_columns_(std::move(group_columns)),
      aggregates_(std::move(aggregates)),
      groups_([this](StateStore& store, std::string_view key) { return Load(store, key); },
              [](const Group& g) { return sizeof(Group) + 64 * g.states.size(); },
              [this](const Group& g) { return !group_columns_.empty() && g.rows == 0; }) {}

Status HashAggregate::Decode(std::string_view value, Group& g) const {
  uint64_t rows;
  if (!GetVarint(&value, &rows) || value.empty()) {
    return absl::DataLossError(fmt::format("{}: malformed group state", name()));
  }
  g.rows = static_cast<int64_t>(rows);
  g.emitted = value.front() != 0;
  value.remove_prefix(1);
  for (auto& s : g.states) RETURN_IF_ERROR(s->Load(&value));
  return Status();
}

Result<std::optional<HashAggregate::Group>> HashAggregate::Load(StateStore& store,
                                                                std::string_view key) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(id_, key));
  if (!value) return std::optional<Group>();
  Group g = NewGroup();
  RETURN_IF_ERROR(Decode(*value, g));
  return std::optional<Group>(std::move(g));
}

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
                                std::vector<sql::ColumnVector>& out,
                                std::vector<sql::RowOp>& ops) const {
  RETURN_IF_ERROR(DecodeCells(&key, out, 0, group_columns_.size()));
  for (size_t i = 0; i < results.size(); ++i) {
    out[group_columns_.size() + i].AppendValue(results[i]);
  }
  ops.push_back(op);
  return Status();
}

Status HashAggregate::Process(int, const sql::Chunk& chunk) {
  // Held through the Emit: a derived view's readers see the groups and the view's
  // subscribers see the changes of this chunk at once (materialized_view.h).
  GuardLock lock(guard_);
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
  const int64_t closed = expiry_.enabled() ? expiry_.Bound(watermark()) : kNoWatermark;
  for (size_t row = 0; row < chunk.num_rows(); ++row) {
    if (expiry_.enabled() && RetractsFinalRow(chunk, row, group_columns_[expiry_.column], closed)) {
      ++ignored_retractions_;
      continue;
    }
    key.clear();
    EncodeKey(chunk, group_columns_, row, &key);
    ASSIGN_OR_RETURN(Group * found, groups_.Find(key));
    if (found == nullptr && expiry_.enabled()) {
      const sql::ColumnVector& time = chunk.column(group_columns_[expiry_.column]);
      if (!time.IsNull(row)) expiry_index_.Add(time.Get<int64_t>(row), key);
    }
    Group& g = found != nullptr ? *found : *groups_.Insert(key, NewGroup());
    if (g.last_chunk != seq) {
      g.last_chunk = seq;
      groups_.MarkDirty(key);
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
    Group& g = *groups_.Resident(t.key);                 // dirty, so resident
    bool exists = group_columns_.empty() || g.rows > 0;  // the global group's row stays
    std::vector<sql::Value> after = exists ? Results(g) : std::vector<sql::Value>();
    if (t.existed && exists && after == t.before) continue;
    if (t.existed) RETURN_IF_ERROR(AppendRow(t.key, g, t.before, sql::RowOp::kDelete, out, ops));
    if (exists) RETURN_IF_ERROR(AppendRow(t.key, g, after, sql::RowOp::kInsert, out, ops));
    g.emitted = exists;
    // A removed group stays (empty) until its delete is committed; fresh states as if new.
    if (!exists) g = NewGroup();
  }
  groups_.Trim();
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

Status HashAggregate::Start() {
  if (!group_columns_.empty()) return Status();
  GuardLock lock(guard_);
  ASSIGN_OR_RETURN(Group * found, groups_.Find(""));
  Group& g = found != nullptr ? *found : *groups_.Insert("", NewGroup());
  if (g.emitted) return Status();
  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  RETURN_IF_ERROR(AppendRow("", g, Results(g), sql::RowOp::kInsert, out, ops));
  g.emitted = true;
  groups_.MarkDirty("");
  return Emit(sql::Chunk(std::move(out), std::move(ops)));
}

// Stored value: varint rows, a byte `emitted`, then each aggregate's Save bytes.
Status HashAggregate::Checkpoint(StateWriteBatch& batch) {
  GuardLock lock(guard_);
  groups_.Checkpoint(batch, id_, [](const Group& g, std::string* value) {
    PutVarint(static_cast<uint64_t>(g.rows), value);
    value->push_back(g.emitted ? 1 : 0);
    for (const auto& s : g.states) s->Save(value);
  });
  return Status();
}

Status HashAggregate::AfterCommit() {
  GuardLock lock(guard_);
  groups_.AfterCommit();
  return Status();
}

bool HashAggregate::StateOverBudget() const {
  GuardLock lock(guard_);
  return groups_.over_budget();
}

Status HashAggregate::Restore(StateStore& store) {
  GuardLock lock(guard_);
  RETURN_IF_ERROR(
      RestoreSingleRows(store, id_, groups_, [&](std::string_view value) -> Result<Group> {
        Group g = NewGroup();
        RETURN_IF_ERROR(Decode(value, g));
        return g;
      }));
  return RestoreExpiryIndex(store);
}

Status HashAggregate::RestoreExpiryIndex(StateStore& store) {
  expiry_index_.Clear();
  if (!expiry_.enabled()) return Status();
  std::vector<sql::Type> key_types;
  for (int c : group_columns_) key_types.push_back(input_types_[c]);
  return store.Scan(id_, "", [&](std::string_view key, std::string_view) -> Status {
    ASSIGN_OR_RETURN(std::vector<sql::Value> cells, DecodeRowValues(key, key_types));
    const sql::Value& time = cells[expiry_.column];
    if (!time.is_null()) expiry_index_.Add(time.int_value(), key);
    return Status();
  });
}

Status HashAggregate::WatermarkAdvanced(int64_t watermark) {
  if (expiry_.enabled()) {
    GuardLock lock(guard_);
    for (const std::string& key : expiry_index_.TakeBelow(expiry_.Bound(watermark))) {
      groups_.Erase(key, NewGroup());
    }
  }
  return EmitWatermark(watermark);
}

Status HashAggregate::ForEachOutputChunk(StateStore* store,
                                         const std::function<Status(const sql::Chunk&)>& fn) const {
  std::vector<sql::ColumnVector> out;
  std::vector<sql::RowOp> ops;
  auto reset = [&] {
    out.clear();
    for (const sql::Type& t : output_types()) out.emplace_back(t);
    ops.clear();
  };
  auto add = [&](std::string_view key, const Group& g) -> Status {
    if (!Exists(g)) return Status();
    RETURN_IF_ERROR(AppendRow(key, g, Results(g), sql::RowOp::kInsert, out, ops));
    if (ops.size() < kOutputChunkRows) return Status();
    RETURN_IF_ERROR(fn(sql::Chunk(std::move(out), std::move(ops))));
    reset();
    return Status();
  };
  reset();
  // The evicted groups are clean (their stored state is current); resident ones are read
  // from memory, stored or not.
  if (!groups_.complete() && store != nullptr) {
    RETURN_IF_ERROR(store->Scan(id_, "", [&](std::string_view key, std::string_view value) {
      if (groups_.contains(key)) return Status();
      Group g = NewGroup();
      RETURN_IF_ERROR(Decode(value, g));
      return add(key, g);
    }));
  }
  Status status;
  groups_.ForEachResident([&](const std::string& key, const Group& g) {
    if (status.ok()) status = add(key, g);
  });
  RETURN_IF_ERROR(status);
  if (ops.empty()) return Status();
  return fn(sql::Chunk(std::move(out), std::move(ops)));
}

Result<std::optional<sql::Chunk>> HashAggregate::OutputRow(std::string_view key) {
  ASSIGN_OR_RETURN(Group * g, groups_.Find(key));
  if (g == nullptr || !Exists(*g)) return std::optional<sql::Chunk>();
  std::vector<sql::ColumnVector> out;
  for (const sql::Type& t : output_types()) out.emplace_back(t);
  std::vector<sql::RowOp> ops;
  RETURN_IF_ERROR(AppendRow(key, *g, Results(*g), sql::RowOp::kInsert, out, ops));
  return std::optional<sql::Chunk>(sql::Chunk(std::move(out), std::move(ops)));
}

}  // namespace oxbow::stream
