// Row → JSON text: the inverse of json_row_decoder.h, for what Oxbow writes into topics (a
// view's output topic, INSERT into a table's topic).
//
// A row is a JSON object with one member per column, in column order, each value written
// as PostgreSQL's to_json writes that type (session time zone UTC):
//   NULL                        null
//   boolean                     true / false
//   smallint/integer/bigint     a JSON number, exact (bigint beyond 2^53 too)
//   numeric                     a JSON number, exactly as PostgreSQL prints it (12.50 keeps
//                               its scale)
//   real/double precision       a JSON number, shortest round-trip text (1e+15); NaN,
//                               Infinity and -Infinity as strings
//   text/varchar                a JSON string (escapes: \" \\ \b \f \n \r \t, \u00XX for
//                               other control characters; other bytes as they are)
//   bytea                       the hex text output as a string: "\\x0a0b"
//   date                        "2024-01-02" ("0044-03-15 BC", "infinity")
//   timestamp                   "2024-01-02T03:04:05.5" (ISO 8601, fraction without
//                               trailing zeros; " BC" after BC years; "infinity")
//   timestamptz                 "2024-01-02T03:04:05.5+00:00"
//   interval                    the text output: "1 year 2 mons 3 days 04:05:06"
//   jsonb                       the JSON itself, embedded (not a string)
// Decoding that object with a JsonRowDecoder of the same columns gives back the same row
// (Value ==) for every type, with one exception shared with PostgreSQL: a jsonb JSON
// `null` and an SQL NULL both encode as null and decode as SQL NULL.
//
// The key of a keyed row is the JSON object of its key columns alone ({"id":7}), which is
// what a keyed Source reads from a record key (source.h), so a tombstone keyed this way
// deletes the right row.
//
// Thread safety: an encoder is immutable after construction; use it from any thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sql/chunk/chunk.h"
#include "sql/types/value.h"
#include "stream/json_row_decoder.h"

namespace oxbow::stream {

class RowJsonEncoder {
 public:
  // `columns`: the names and types of the rows to encode (the names are written as keys).
  explicit RowJsonEncoder(std::vector<SourceColumn> columns);

  // Appends the row's JSON object to `out`. `row` has one Value per column, NULL or of the
  // column's type (its physical type is what counts).
  void EncodeRow(std::span<const sql::Value> row, std::string* out) const;
  // Appends the JSON object of the columns `key_columns` (indices into the columns) of `row`.
  void EncodeKey(std::span<const sql::Value> row, std::span<const int> key_columns,
                 std::string* out) const;

  // The same for row `row` of `chunk`, whose columns are the encoder's (no Value copies).
  void EncodeRow(const sql::Chunk& chunk, size_t row, std::string* out) const;
  void EncodeKey(const sql::Chunk& chunk, size_t row, std::span<const int> key_columns,
                 std::string* out) const;

  const std::vector<SourceColumn>& columns() const { return columns_; }

 private:
  std::vector<SourceColumn> columns_;
  std::vector<std::string> member_prefixes_;  // "\"name\":" per column, escaped
};

// The JSON of one value (as in the table above) and of one cell of a column.
void AppendJsonValue(std::string& out, const sql::Value& value);
void AppendJsonCell(std::string& out, const sql::ColumnVector& column, size_t row);

}  // namespace oxbow::stream
