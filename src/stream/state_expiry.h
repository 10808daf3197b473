// State expiry by event time: what lets window state stay flat on an infinite stream.
//
// An operator's keyed state can expire when its key holds a time column whose future values
// are bounded by the watermark: after the input watermark reached W, no change with a value
// below W + `offset` arrives in that column (the dataflow builder derives which columns are
// so bounded: a window's end has offset 1 µs, since every row in [start, end) has time ≥ W
// and end > time). Every key whose value is below W + offset is then final: its state is
// dropped — its result stays where it was emitted, nothing is retracted.
//
// ExpiryIndex remembers keys by that time so the operator finds the expired ones without
// scanning its state. Thread safety: none (the operator's thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sql/chunk/chunk.h"

namespace oxbow::stream {

struct StateExpiry {
  int column = -1;  // the time column (in the operator's key); -1: state never expires
  int64_t offset = 0;

  bool enabled() const { return column >= 0; }
  // Values below this are final once the watermark is `watermark`.
  int64_t Bound(int64_t watermark) const;
};

// Whether row `row` of `chunk` is a retraction (a changelog's delete) of a row whose time in
// `column` is below `bound`: a row of a window the watermark already closed, whose state is
// gone and whose result is final. Operators with an expiry skip such rows.
bool RetractsFinalRow(const sql::Chunk& chunk, size_t row, int column, int64_t bound);

class ExpiryIndex {
 public:
  // `key` holds time `time`. Adding a key twice is harmless (expired once).
  void Add(int64_t time, std::string_view key) { by_time_[time].emplace_back(key); }
  // Removes and returns the keys whose time is below `bound`, oldest first.
  std::vector<std::string> TakeBelow(int64_t bound);
  void Clear() { by_time_.clear(); }
  size_t num_times() const { return by_time_.size(); }

 private:
  std::map<int64_t, std::vector<std::string>> by_time_;
};

}  // namespace oxbow::stream
