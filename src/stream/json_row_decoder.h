// JSON record → one row of typed columns, matched by name (the source's schema).
//
// The value must be a JSON object. Members named like a column fill it (the last duplicate
// wins); other members are ignored; columns without a member are NULL. Conversions:
//   JSON null          → NULL for any column
//   true / false       → boolean
//   integer            → smallint/integer/bigint (range-checked), numeric (exact), real,
//                        double precision; timestamp/timestamptz read it as milliseconds
//                        since 1970-01-01 UTC (Kafka's convention)
//   other number       → numeric (exact, from its text), real, double precision
//   string             → PostgreSQL's text input for the column's type (so "12.50",
//                        "2024-01-02 03:04:05+00", "NaN", "t" work), text/varchar as is
//   object / array     → jsonb (canonicalized); text gets the JSON text
// (simdjson's on-demand parser validates what it visits: members of unknown names are
// skipped without full validation, and bytes after the closing brace are not checked.)
// Anything else is a type error naming the column: `column "qty": expected integer, got
// "abc"` — the record goes to the error sink instead of the view.
//
// Thread safety: a decoder holds a simdjson parser and a buffer; one per thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "sql/chunk/chunk.h"
#include "sql/types/value.h"

namespace oxbow::stream {

struct SourceColumn {
  std::string name;
  sql::Type type;
};

class JsonRowDecoder {
 public:
  explicit JsonRowDecoder(std::vector<SourceColumn> columns);
  ~JsonRowDecoder();

  // Decodes `json` (an object) into `row` (one Value per column; entries whose `filled`
  // flag is set are left alone unless the object has the member and `overwrite`).
  // Sets `filled[i]` for each column the object had. InvalidArgument with the reason on
  // malformed JSON, a non-object, or a value that does not fit its column.
  Status DecodeObject(std::string_view json, std::vector<sql::Value>& row,
                      std::vector<bool>& filled, bool overwrite);
  // The same decoding straight into columns: appends one row to `builder`'s columns (one per
  // decoder column, of the columns' physical types) without its op, which the caller
  // appends (ChunkBuilder::AppendOp) or drops (DropPartialRow). No Values are made for the
  // common conversions (text, integers, floats). On error the columns are as before.
  Status AppendObject(std::string_view json, sql::ChunkBuilder& builder);
  // Which columns AppendObject must fill (empty: all). The others' text and jsonb members
  // that are JSON strings are skipped (any string fits those types; its escapes are not
  // checked, as for unknown members) and their cells stay NULL; every other value is still
  // converted, so whether a record fits the table does not depend on the columns read.
  void SetAppendedColumns(const std::vector<bool>& columns) {
    appended_.assign(columns.begin(), columns.end());
  }
  // Decodes a bare JSON scalar (a record key that is just the primary key) into column `col`.
  Status DecodeScalar(std::string_view json, int col, std::vector<sql::Value>& row);

  const std::vector<SourceColumn>& columns() const { return columns_; }

 private:
  template <typename F>
  Status VisitMembers(std::string_view json, F&& fn);

  struct Impl;
  std::vector<SourceColumn> columns_;
  absl::flat_hash_map<std::string, int> by_name_;
  // Per column: its name has no '"' or '\\', so a member key whose raw bytes equal it is it
  // (compared in place, without unescaping the key first).
  std::vector<uint8_t> plain_name_;
  // Bytes, not std::vector<bool>: read for every member of every record, and a bit vector's
  // indexing cost ~6% of decoding one.
  std::vector<uint8_t> appended_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oxbow::stream
