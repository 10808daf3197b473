// Decoded Avro values → SQL values of a source's columns (the `avro` format).
//
//   Avro                               SQL column types it reads into
//   null                               NULL of any type
//   boolean                            boolean; text/varchar/jsonb
//   int, long                          smallint/integer/bigint (range-checked), real, double,
//                                      numeric; timestamp/timestamptz as epoch milliseconds
//                                      (Kafka's convention, as the json format); text; jsonb
//   date (int)                         date; timestamp/timestamptz (midnight UTC); text
//   timestamp-millis/-micros,          timestamptz, timestamp (the UTC instant); text
//   local-timestamp-millis/-micros
//   float, double                      real, double, numeric; text; jsonb
//   decimal (bytes, fixed)             numeric (exactly; numeric(p,s) rounds and checks),
//                                      real, double; text; jsonb
//   string (also uuid)                 text/varchar as is; jsonb as a JSON string; other
//                                      types through their text input ("12.50", "2024-01-02")
//   bytes, fixed                       bytea
//   enum                               text/varchar (the symbol); jsonb
//   record, array, map                 jsonb (records and maps as objects); text gets the JSON
//   union                              its branch's value (["null", T] is a nullable T)
// Nested values in jsonb: unions are their branch's value, bytes and fixed strings of their
// bytes as code points U+0000–U+00FF (Avro's JSON encoding), decimals numbers, logical
// dates and timestamps their underlying numbers, float NaN/±Infinity strings.
// Anything else is InvalidArgument naming the column:
//   column "qty": expected integer, got Avro string
// Reentrant.
#pragma once

#include <string>

#include "base/status.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"
#include "sql/types/value.h"
#include "stream/json_row_decoder.h"

namespace oxbow::stream {

// `value` was decoded with (reader) schema node `node`.
Result<sql::Value> AvroToSqlValue(const format::AvroValue& value, const registry::AvroNode& node,
                                  const SourceColumn& column);

// `value` as JSON text (not canonicalized), as described above.
Status AppendAvroAsJson(const format::AvroValue& value, const registry::AvroNode& node,
                        std::string& out);

}  // namespace oxbow::stream
