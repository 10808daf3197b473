#include "stream/session_window.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

using Rows = std::map<std::string, int64_t>;
using Times = std::map<int64_t, Rows>;

std::vector<sql::Type> OutputTypes(std::vector<sql::Type> types, int time_column) {
  sql::Type t = types[time_column];
  types.push_back(t);
  types.push_back(t);
  return types;
}

// Big-endian with the sign bit flipped: byte order is time order.
void PutOrderedTime(int64_t t, std::string* out) {
  uint64_t u = static_cast<uint64_t>(t) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(u >> shift));
}

bool GetOrderedTime(std::string_view* in, int64_t* t) {
  if (in->size() < 8) return false;
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(8);
  *t = static_cast<int64_t>(u ^ (uint64_t{1} << 63));
  return true;
}

std::string StoreKey(std::string_view key, int64_t time, std::string_view row) {
  std::string rest;
  PutOrderedTime(time, &rest);
  rest.append(row);
  return GroupedRowKey(key, rest);
}

}  // namespace

SessionWindow::SessionWindow(StateId id, std::vector<sql::Type> input_types, SessionSpec spec)
    : Operator("Session", OutputTypes(input_types, spec.time_column)),
      id_(id),
      input_types_(std::move(input_types)),
      spec_(std::move(spec)),
      partitions_(
          [this](StateStore& store, std::string_view key) -> Result<std::optional<Partition>> {
            Partition p;
            RETURN_IF_ERROR(store.Scan(id_, GroupedRowKey(key, ""),
                                       [&](std::string_view store_key, std::string_view value) {
                                         return AddStoredRow(p, store_key, value);
                                       }));
            if (p.rows.empty()) return std::optional<Partition>();
            return std::optional<Partition>(std::move(p));
          },
          [](const Partition& p) {
            if (p.rows.empty()) return size_t{0};
            const Rows& first = p.rows.begin()->second;
            return p.rows.size() * (160 + first.size() * (64 + first.begin()->first.size()));
          },
          [](const Partition& p) { return p.rows.empty(); }) {
  // A session ending at or below W + d is final: ends below W + d + 1.
  if (spec_.time_bound) expiry_ = StateExpiry{0, *spec_.time_bound + 1};
}

int64_t SessionWindow::FinalBound() const {
  return expiry_.enabled() ? expiry_.Bound(watermark()) : kNoWatermark;
}

std::pair<int64_t, int64_t> SessionWindow::Region(const Partition& p, int64_t t) const {
  const Times& m = p.rows;
  const int64_t gap = spec_.gap_us;
  int64_t lo = t, hi = t;
  auto right = m.lower_bound(t);
  if (right != m.begin()) {
    auto it = std::prev(right);
    if (t - it->first < gap) {
      while (it != m.begin() && it->first - std::prev(it)->first < gap) --it;
      lo = it->first;
    }
  }
  if (right != m.end() && right->first - t < gap) {
    auto it = right;
    for (auto next = std::next(it); next != m.end() && next->first - it->first < gap; ++next) {
      it = next;
    }
    hi = it->first;
  }
  return {lo, hi};
}

std::map<int64_t, SessionWindow::Bounds> SessionWindow::SessionsIn(const Partition& p, int64_t lo,
                                                                   int64_t hi) const {
  std::map<int64_t, Bounds> out;
  auto begin = p.rows.lower_bound(lo), end = p.rows.upper_bound(hi);
  auto it = begin;
  while (it != end) {
    auto first = it, last = it;
    for (++it; it != end && it->first - last->first < spec_.gap_us; ++it) last = it;
    Bounds b{first->first, last->first + spec_.gap_us};
    for (auto t = first; t != it; ++t) out.emplace(t->first, b);
  }
  return out;
}

int64_t SessionWindow::FirstSessionEnd(const Partition& p) const {
  if (p.rows.empty()) return std::numeric_limits<int64_t>::max();
  auto it = p.rows.begin();
  for (auto next = std::next(it); next != p.rows.end() && next->first - it->first < spec_.gap_us;
       ++next) {
    it = next;
  }
  return it->first + spec_.gap_us;
}

void SessionWindow::Index(const std::string& key, Partition& p) {
  if (!expiry_.enabled() || p.rows.empty()) return;
  int64_t end = FirstSessionEnd(p);
  if (end >= p.indexed) return;
  expiry_index_.Add(end, key);
  p.indexed = end;
}

void SessionWindow::MarkRowDirty(std::string_view key, int64_t time, std::string_view row) {
  dirty_.insert(StoreKey(key, time, row));
}

Status SessionWindow::AppendRow(std::string_view row, Bounds b,
                                std::vector<sql::ColumnVector>& out) const {
  RETURN_IF_ERROR(DecodeCells(&row, out, 0, input_types_.size()));
  out[input_types_.size()].Append<int64_t>(b.start);
  out[input_types_.size() + 1].Append<int64_t>(b.end);
  return Status();
}

Status SessionWindow::ProcessPartition(const std::string& key, const std::vector<size_t>& rows,
                                       const sql::Chunk& chunk,
                                       std::vector<sql::ColumnVector>& deletes,
                                       std::vector<sql::ColumnVector>& inserts) {
  const sql::ColumnVector& time = chunk.column(spec_.time_column);
  const int64_t gap = spec_.gap_us;
  const int64_t bound = FinalBound();
  ASSIGN_OR_RETURN(Partition * found, partitions_.Find(key));
  Partition empty;
  const Partition& old = found != nullptr ? *found : empty;

  // The changes that count (deletes in final sessions do not), and the regions they touch.
  struct Change {
    int64_t time;
    std::string row;
    int weight;
  };
  std::vector<Change> changes;
  std::vector<std::pair<int64_t, int64_t>> regions;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r : rows) {
    int64_t t = time.Get<int64_t>(r);
    auto region = Region(old, t);
    int weight = sql::RowWeight(chunk.op(r));
    if (weight < 0) {
      // An existing time's region is its session: [start, last].
      bool held = old.rows.contains(t);
      int64_t end = held ? region.second + gap : t + gap;
      if (end < bound) continue;  // final (and dropped, when not held): its result stays
    }
    std::string row;
    encoder.Append(r, &row);
    changes.push_back({t, std::move(row), weight});
    regions.push_back(region);
  }
  if (changes.empty()) return Status();
  // Regions less than a gap apart may merge into one session.
  std::sort(regions.begin(), regions.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& r : regions) {
    if (!merged.empty() && r.first - merged.back().second < gap) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }

  // Before: bounds per time, and the rows at the changed times.
  std::vector<std::map<int64_t, Bounds>> before;
  for (const auto& [lo, hi] : merged) before.push_back(SessionsIn(old, lo, hi));
  absl::flat_hash_map<int64_t, Rows> old_rows;
  for (const Change& c : changes) {
    if (old_rows.contains(c.time)) continue;
    auto it = old.rows.find(c.time);
    old_rows[c.time] = it == old.rows.end() ? Rows() : it->second;
  }

  // Apply.
  Partition* p = found;
  if (p == nullptr) {
    p = partitions_.Insert(key, Partition());
  } else {
    partitions_.MarkDirty(key);
  }
  for (Change& c : changes) {
    MarkRowDirty(key, c.time, c.row);
    Rows& at = p->rows[c.time];
    int64_t& n = at[c.row];
    n += c.weight;
    if (n < 0) {
      return absl::InternalError(
          fmt::format("{}: a row was deleted that it does not hold", name()));
    }
    if (n == 0) at.erase(c.row);
    if (at.empty()) p->rows.erase(c.time);
  }
  partitions_.Resize(key);  // dirty until the barrier: the budget must see its growth

  // Emit what changed per time: rows whose bounds moved go out and in again.
  static const Rows kNone;
  for (size_t i = 0; i < merged.size(); ++i) {
    std::map<int64_t, Bounds> after = SessionsIn(*p, merged[i].first, merged[i].second);
    std::vector<int64_t> times;
    for (const auto& [t, b] : before[i]) times.push_back(t);
    for (const auto& [t, b] : after) times.push_back(t);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (int64_t t : times) {
      auto ob = before[i].find(t);
      auto nb = after.find(t);
      auto cur = p->rows.find(t);
      const Rows& now = cur == p->rows.end() ? kNone : cur->second;
      auto changed = old_rows.find(t);
      const Rows& was = changed != old_rows.end() ? changed->second : now;
      bool same = ob != before[i].end() && nb != after.end() && ob->second == nb->second;
      if (!same) {
        for (const auto& [row, n] : was) {
          for (int64_t k = 0; k < n; ++k) RETURN_IF_ERROR(AppendRow(row, ob->second, deletes));
        }
        for (const auto& [row, n] : now) {
          for (int64_t k = 0; k < n; ++k) RETURN_IF_ERROR(AppendRow(row, nb->second, inserts));
        }
        continue;
      }
      if (changed == old_rows.end()) continue;  // same rows, same session
      for (const auto& [row, n] : was) {
        auto it = now.find(row);
        for (int64_t k = it == now.end() ? 0 : it->second; k < n; ++k) {
          RETURN_IF_ERROR(AppendRow(row, ob->second, deletes));
        }
      }
      for (const auto& [row, n] : now) {
        auto it = was.find(row);
        for (int64_t k = it == was.end() ? 0 : it->second; k < n; ++k) {
          RETURN_IF_ERROR(AppendRow(row, nb->second, inserts));
        }
      }
    }
  }
  Index(key, *p);
  return Status();
}

Status SessionWindow::Process(int, const sql::Chunk& chunk) {
  std::vector<sql::ColumnVector> deletes, inserts;
  for (const sql::Type& t : output_types()) {
    deletes.emplace_back(t);
    inserts.emplace_back(t);
  }
  // A NULL time is in no session: the row passes with NULL bounds.
  const sql::ColumnVector& time = chunk.column(spec_.time_column);
  const size_t width = input_types_.size();
  absl::flat_hash_map<std::string, std::vector<size_t>> by_key;
  std::vector<std::string> order;
  std::string key, row;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    if (time.IsNull(r)) {
      auto& out = chunk.op(r) == sql::RowOp::kInsert ? inserts : deletes;
      row.clear();
      encoder.Append(r, &row);
      std::string_view bytes = row;
      RETURN_IF_ERROR(DecodeCells(&bytes, out, 0, width));
      out[width].AppendNull();
      out[width + 1].AppendNull();
      continue;
    }
    key.clear();
    EncodeKey(chunk, spec_.partition_columns, r, &key);
    auto [it, inserted] = by_key.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(r);
  }
  for (const std::string& k : order) {
    RETURN_IF_ERROR(ProcessPartition(k, by_key[k], chunk, deletes, inserts));
  }
  partitions_.Trim();
  std::vector<sql::RowOp> ops(deletes[0].size(), sql::RowOp::kDelete);
  ops.resize(ops.size() + inserts[0].size(), sql::RowOp::kInsert);
  for (size_t c = 0; c < deletes.size(); ++c) {
    for (size_t r = 0; r < inserts[c].size(); ++r) deletes[c].AppendFrom(inserts[c], r);
  }
  return Emit(sql::Chunk(std::move(deletes), std::move(ops)));
}

Status SessionWindow::DropFinal(const std::string& key, int64_t bound) {
  ASSIGN_OR_RETURN(Partition * p, partitions_.Find(key));
  if (p == nullptr) return Status();
  bool dropped = false;
  while (!p->rows.empty() && FirstSessionEnd(*p) < bound) {
    // Remove the first session: its times up to the first gap.
    int64_t last = p->rows.begin()->first;
    while (!p->rows.empty() && p->rows.begin()->first - last < spec_.gap_us) {
      auto it = p->rows.begin();
      last = it->first;
      for (const auto& [row, n] : it->second) MarkRowDirty(key, it->first, row);
      p->rows.erase(it);
    }
    dropped = true;
  }
  if (dropped) partitions_.MarkDirty(key);
  p->indexed = std::numeric_limits<int64_t>::max();  // its index entry was taken
  Index(key, *p);
  return Status();
}

Status SessionWindow::WatermarkAdvanced(int64_t watermark) {
  if (expiry_.enabled()) {
    int64_t bound = expiry_.Bound(watermark);
    for (const std::string& key : expiry_index_.TakeBelow(bound)) {
      RETURN_IF_ERROR(DropFinal(key, bound));
    }
    partitions_.Trim();
  }
  return EmitWatermark(watermark);
}

// Stored: (partition key, ordered time + exact row) → varint multiplicity.
Status SessionWindow::Checkpoint(StateWriteBatch& batch) {
  std::vector<std::string> keys(dirty_.begin(), dirty_.end());
  dirty_.clear();
  std::sort(keys.begin(), keys.end());
  std::string value;
  for (const std::string& store_key : keys) {
    std::string_view key, rest;
    SplitGroupedRowKey(store_key, &key, &rest);
    int64_t t = 0;
    GetOrderedTime(&rest, &t);
    int64_t count = 0;
    if (const Partition* p = partitions_.Resident(key); p != nullptr) {  // dirty: in memory
      if (auto at = p->rows.find(t); at != p->rows.end()) {
        if (auto it = at->second.find(std::string(rest)); it != at->second.end()) {
          count = it->second;
        }
      }
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

Status SessionWindow::AfterCommit() {
  partitions_.AfterCommit();
  return Status();
}

Status SessionWindow::AddStoredRow(Partition& p, std::string_view store_key,
                                   std::string_view value) const {
  std::string_view key, rest;
  int64_t t = 0;
  uint64_t count = 0;
  if (!SplitGroupedRowKey(store_key, &key, &rest) || !GetOrderedTime(&rest, &t) ||
      !GetVarint(&value, &count) || count == 0) {
    return absl::DataLossError(fmt::format("{}: malformed state", name()));
  }
  p.rows[t][std::string(rest)] = static_cast<int64_t>(count);
  return Status();
}

Status SessionWindow::Restore(StateStore& store) {
  dirty_.clear();
  expiry_index_.Clear();
  RETURN_IF_ERROR(RestoreGroupedRows(
      store, id_, "", partitions_,
      [](std::string_view store_key, std::string_view* key) {
        std::string_view rest;
        return SplitGroupedRowKey(store_key, key, &rest);
      },
      [] { return Partition(); },
      [&](Partition& p, std::string_view store_key, std::string_view value) {
        return AddStoredRow(p, store_key, value);
      },
      name()));
  if (!expiry_.enabled()) return Status();
  // Each partition under its first time + gap: no session of it ends before that, and
  // DropFinal re-indexes it exactly. Rows are stored in time order within a partition.
  std::string last;
  bool any = false;
  return store.Scan(id_, "", [&](std::string_view store_key, std::string_view) -> Status {
    std::string_view key, rest;
    int64_t t = 0;
    if (!SplitGroupedRowKey(store_key, &key, &rest) || !GetOrderedTime(&rest, &t)) {
      return absl::DataLossError(fmt::format("{}: malformed state", name()));
    }
    if (any && key == last) return Status();
    any = true;
    last.assign(key);
    expiry_index_.Add(t + spec_.gap_us, key);
    return Status();
  });
}

size_t SessionWindow::num_resident_rows() const {
  size_t n = 0;
  partitions_.ForEachResident([&](const std::string&, const Partition& p) {
    for (const auto& [t, rows] : p.rows) {
      for (const auto& [row, count] : rows) n += static_cast<size_t>(count);
    }
  });
  return n;
}

}  // namespace oxbow::stream
