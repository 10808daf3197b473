#include "stream/state_expiry.h"

#include <limits>

#include "stream/operator.h"

namespace oxbow::stream {

int64_t StateExpiry::Bound(int64_t watermark) const {
  if (watermark == kNoWatermark) return kNoWatermark;
  if (watermark == kFinalWatermark) return kFinalWatermark;
  if (offset > 0 && watermark > std::numeric_limits<int64_t>::max() - offset) {
    return kFinalWatermark;
  }
  if (offset < 0 && watermark < std::numeric_limits<int64_t>::min() - offset) return kNoWatermark;
  return watermark + offset;
}

bool RetractsFinalRow(const sql::Chunk& chunk, size_t row, int column, int64_t bound) {
  if (chunk.op(row) != sql::RowOp::kDelete) return false;
  const sql::ColumnVector& time = chunk.column(column);
  return !time.IsNull(row) && time.Get<int64_t>(row) < bound;
}

std::vector<std::string> ExpiryIndex::TakeBelow(int64_t bound) {
  std::vector<std::string> keys;
  auto end = by_time_.lower_bound(bound);
  for (auto it = by_time_.begin(); it != end; ++it) {
    for (std::string& k : it->second) keys.push_back(std::move(k));
  }
  by_time_.erase(by_time_.begin(), end);
  return keys;
}

}  // namespace oxbow::stream
