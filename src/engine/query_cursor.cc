#include "engine/query_cursor.h"

#include <algorithm>
#include <span>
#include <utility>

namespace oxbow::engine {
namespace {

constexpr size_t kRowsPerChunk = 1024;

class RowsCursor final : public QueryCursor {
 public:
  explicit RowsCursor(QueryResult result)
      : QueryCursor(std::move(result.column_names), std::move(result.column_types)),
        rows_(std::move(result.rows)) {
    notices() = std::move(result.notices);
  }

  Result<std::optional<sql::Chunk>> Next() override {
    if (next_ >= rows_.size()) return std::optional<sql::Chunk>();
    sql::ChunkBuilder builder(column_types());
    const size_t end = std::min(rows_.size(), next_ + kRowsPerChunk);
    for (; next_ < end; ++next_) builder.AppendRow(std::span<const sql::Value>(rows_[next_]));
    return std::optional<sql::Chunk>(builder.Finish());
  }

 private:
  std::vector<std::vector<sql::Value>> rows_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<QueryCursor> CursorOverRows(QueryResult result) {
  return std::make_unique<RowsCursor>(std::move(result));
}

Result<QueryResult> DrainCursor(QueryCursor& cursor) {
  QueryResult result;
  result.column_names = cursor.column_names();
  result.column_types = cursor.column_types();
  result.notices = cursor.notices();
  while (true) {
    ASSIGN_OR_RETURN(std::optional<sql::Chunk> chunk, cursor.Next());
    if (!chunk) break;
    for (size_t r = 0; r < chunk->num_rows(); ++r) {
      std::vector<sql::Value> row;
      row.reserve(chunk->num_columns());
      for (size_t c = 0; c < chunk->num_columns(); ++c) row.push_back(chunk->column(c).GetValue(r));
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace oxbow::engine
