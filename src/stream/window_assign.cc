#include "stream/window_assign.h"

#include "sql/types/datetime.h"

namespace oxbow::stream {

namespace {
std::vector<sql::Type> OutputTypes(std::vector<sql::Type> types, int time_column) {
  sql::Type t = types[time_column];
  types.push_back(t);
  types.push_back(t);
  return types;
}
}  // namespace

WindowAssign::WindowAssign(std::vector<sql::Type> input_types, WindowSpec spec)
    : Operator(spec.slide_us > 0 ? "Hop" : "Tumble", OutputTypes(input_types, spec.time_column)),
      spec_(spec) {
  if (spec_.slide_us <= 0) spec_.slide_us = spec_.size_us;
}

int64_t WindowAssign::LastStart(int64_t t, int64_t slide) {
  // Times count from 2000-01-01; windows align to 1970-01-01.
  int64_t since_unix = t + sql::kUnixEpochOffsetMicros;
  int64_t rem = since_unix % slide;
  if (rem < 0) rem += slide;
  return t - rem;
}

Status WindowAssign::Process(int, const sql::Chunk& chunk) {
  const sql::ColumnVector& time = chunk.column(spec_.time_column);
  sql::SelectionVector rows;
  sql::ColumnVector starts(time.type()), ends(time.type());
  const size_t n = chunk.num_rows();
  rows.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    if (time.IsNull(r)) {
      rows.push_back(static_cast<uint32_t>(r));
      starts.AppendNull();
      ends.AppendNull();
      continue;
    }
    int64_t t = time.Get<int64_t>(r);
    // Every window [s, s + size) with s ≤ t < s + size, oldest first.
    int64_t last = LastStart(t, spec_.slide_us);
    int64_t first = last;
    while (first - spec_.slide_us > t - spec_.size_us) first -= spec_.slide_us;
    for (int64_t s = first; s <= last; s += spec_.slide_us) {
      rows.push_back(static_cast<uint32_t>(r));
      starts.Append<int64_t>(s);
      ends.Append<int64_t>(s + spec_.size_us);
    }
  }
  sql::Chunk out = rows.size() == n ? chunk : chunk.Select(rows);
  std::vector<sql::ColumnVector> columns(out.columns().begin(), out.columns().end());
  columns.push_back(std::move(starts));
  columns.push_back(std::move(ends));
  return Emit(out.WithColumns(std::move(columns)));
}

}  // namespace oxbow::stream
