// How INSERT writes a table's rows as records, per table format (insert.h has the rest):
//
//   json           value = the row's JSON object (stream/row_encoder.h); key = the JSON
//                  object of the primary key (keyed tables), else none
//   debezium_json  value = a Debezium create event {"before":null,"after":<row>,"op":"c"},
//                  which the table's decoder (stream/debezium_record_decoder.h) reads as an
//                  insert (stream) or upsert (keyed); key as for json
//   avro           value = Confluent-framed Avro written with the latest schema of subject
//                  "<topic>-value" (stream/row_avro_encoder.h: each field takes the column of
//                  its name); key = Avro with the latest schema of "<topic>-key" when that
//                  subject exists, else the JSON key object (both read back by the table)
//
// Errors: 55000 for an Avro table without a schema registry or without a value schema
// under its subject; Avro values that do not fit the schema as stream/sql_avro_value.h
// (23502, 22003, 22P02, 22008, 42804, 42703).
// Thread safety: immutable after For; any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalog_object.h"
#include "stream/row_avro_encoder.h"
#include "stream/row_encoder.h"
#include "stream/schema_lookup.h"

namespace oxbow::engine {

class InsertEncoder {
 public:
  // For `table` (its rows have one value per column, in table order; `key_columns` its
  // primary key's positions). `schemas` may be null (no registry).
  static Result<InsertEncoder> For(const sql::TableDefinition& table, std::vector<int> key_columns,
                                   stream::SchemaLookup* schemas);

  // The record of `row`: its key (nullopt for a table without primary key) and value.
  Status Encode(std::span<const sql::Value> row, std::optional<std::string>* key,
                std::string* value) const;

 private:
  InsertEncoder(sql::TableFormat format, std::vector<stream::SourceColumn> columns,
                std::vector<int> key_columns)
      : format_(format), json_(std::move(columns)), key_columns_(std::move(key_columns)) {}

  sql::TableFormat format_;
  stream::RowJsonEncoder json_;
  std::vector<int> key_columns_;
  std::shared_ptr<const stream::RowAvroEncoder> avro_value_;
  std::shared_ptr<const stream::RowAvroEncoder> avro_key_;  // null: JSON keys
};

}  // namespace oxbow::engine
