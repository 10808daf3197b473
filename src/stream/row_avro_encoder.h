// Rows → Confluent-framed Avro records: the writing side of the `avro` format (a view's
// output topic, INSERT into an Avro table). docs/formats.md has the user-facing rules.
//
// AvroRecordSchemaFor derives the record schema Oxbow registers for a view's rows (or its
// key): one field per column, in column order, each a ["null", T] union with default null
// (a view's columns may be NULL, and fields with defaults keep later versions of the view
// BACKWARD compatible when columns are added or removed):
//   boolean            "boolean"
//   smallint, integer  "int"
//   bigint             "long"
//   real               "float"
//   double precision   "double"
//   numeric(p,s)       bytes with logicalType decimal, precision p, scale s
//   numeric            "string" (PostgreSQL's text: an unconstrained numeric has a scale per
//                      value, which no one Avro decimal holds; cast to numeric(p,s) for a
//                      decimal)
//   text, varchar      "string"
//   bytea              "bytes"
//   date               int with logicalType date
//   timestamp          long with logicalType local-timestamp-micros
//   timestamptz        long with logicalType timestamp-micros
//   interval           "string" (PostgreSQL's text output: Avro's duration holds neither
//                      negative parts nor microseconds)
//   jsonb              "string" (the JSON text)
// Field names are the column names with characters Avro names do not allow replaced by "_"
// (and "_" before a leading digit); two columns with the same Avro name are 42P17 with a
// hint to rename one (AS). The record is named after `record_name` the same way, in
// namespace "oxbow".
//
// RowAvroEncoder writes rows with any Avro record schema (derived or the latest one of a
// subject): each field takes the column of its name (sql_avro_value.h has the conversions);
// a field without a column must take null; a column without a field must be NULL. A schema
// that is not a record writes one column alone (a record key such as "long").
//
// Thread safety: an encoder is immutable after Create; use it from any thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"
#include "sql/chunk/chunk.h"
#include "sql/types/value.h"
#include "stream/json_row_decoder.h"

namespace oxbow::stream {

// The schema JSON text described above for `columns`.
Result<std::string> AvroRecordSchemaFor(std::string_view record_name,
                                        std::span<const SourceColumn> columns);

class RowAvroEncoder {
 public:
  // Writes the columns `written` (indices into `columns`; empty: all) of rows of `columns`
  // as datums of record schema `schema`, registry id `schema_id`. Errors (SQL): 42804 when
  // `schema` is not a record and more than one column is written, 42703 when a field has no
  // column and cannot be null.
  static Result<std::shared_ptr<const RowAvroEncoder>> Create(
      std::shared_ptr<const registry::AvroSchema> schema, int32_t schema_id,
      std::vector<SourceColumn> columns, std::vector<int> written = {});

  // Appends the Confluent-framed record of `row` (one Value per column) to `out`. Errors are
  // sql_avro_value.h's, and 42703 for a non-NULL value of a column the schema lacks; `out`
  // is unchanged then.
  Status Encode(std::span<const sql::Value> row, std::string* out) const;
  // The same for row `row` of `chunk`, whose columns are the encoder's.
  Status Encode(const sql::Chunk& chunk, size_t row, std::string* out) const;

  int32_t schema_id() const { return schema_id_; }
  const registry::AvroSchema& schema() const { return *schema_; }

 private:
  RowAvroEncoder() = default;
  Status EncodeValues(std::span<const sql::Value> written_values, std::string* out) const;
  Status EncodeChecked(const format::AvroValue& value, ByteBuffer* out) const;

  std::shared_ptr<const registry::AvroSchema> schema_;
  int32_t schema_id_ = 0;
  std::vector<SourceColumn> columns_;
  std::vector<int> written_;
  bool single_ = false;  // the schema is not a record: written_ has the one column
  // Per field: the position in written_ of its column, or -1.
  std::vector<int> field_source_;
  // Positions in written_ of the columns without a field.
  std::vector<int> unmapped_;
};

}  // namespace oxbow::stream
