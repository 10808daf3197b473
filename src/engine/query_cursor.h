// An ad-hoc query's answer: its columns, then its rows pulled a chunk at a time, so a client
// can be sent rows while later ones are still being produced (a scan of a large view).
//
// Thread safety: a cursor is used by one thread at a time (it may move between threads).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/chunk/chunk.h"
#include "sql/types/value.h"

namespace oxbow::engine {

// A query's answer: column names and types, then rows of values.
struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<sql::Type> column_types;
  std::vector<std::vector<sql::Value>> rows;
  // Things the client should know (PostgreSQL NOTICEs), e.g. records that could not be
  // decoded and were skipped.
  std::vector<std::string> notices;
};

class QueryCursor {
 public:
  QueryCursor(std::vector<std::string> column_names, std::vector<sql::Type> column_types)
      : column_names_(std::move(column_names)), column_types_(std::move(column_types)) {}
  virtual ~QueryCursor() = default;

  // The next rows (inserts, one column per column_types()), or nullopt at the end; chunks
  // may be empty. Errors: the query's execution errors (22012, …), 57014 when its cancel
  // flag is set.
  virtual Result<std::optional<sql::Chunk>> Next() = 0;

  const std::vector<std::string>& column_names() const { return column_names_; }
  const std::vector<sql::Type>& column_types() const { return column_types_; }
  // NOTICEs for the client, known when the cursor is opened.
  std::vector<std::string>& notices() { return notices_; }
  const std::vector<std::string>& notices() const { return notices_; }

 private:
  std::vector<std::string> column_names_;
  std::vector<sql::Type> column_types_;
  std::vector<std::string> notices_;
};

// A cursor over rows computed up front (chunks of up to 1024 rows).
std::unique_ptr<QueryCursor> CursorOverRows(QueryResult result);

// Pulls every row of `cursor` (Engine::Query's answer from Engine::OpenQuery's).
Result<QueryResult> DrainCursor(QueryCursor& cursor);

}  // namespace oxbow::engine
