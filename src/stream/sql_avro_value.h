// SQL values → Avro values of a given schema node: the writing side of the `avro` format (a
// view's output topic, INSERT into an Avro table), the inverse of avro_sql_value.h. Each
// conversion below reads back (avro_sql_value.h) into a column of the same type as the
// same value.
//
//   Avro node                      SQL types written into it
//   boolean                        boolean
//   int, long                      smallint/integer/bigint (range-checked); numeric (rounded
//                                  to an integer, as PostgreSQL's cast); text through
//                                  bigint's text input
//   float, double                  real, double precision, the integers, numeric
//   decimal (bytes, fixed)         numeric and the integers, rounded to the schema's scale
//                                  and checked against its precision (numeric(p,s)'s rules)
//   date (int)                     date (days since 1970-01-01)
//   timestamp-millis/-micros,      timestamptz and timestamp (the UTC instant; millis
//   local-timestamp-millis/-micros truncated toward minus infinity), date (midnight)
//   long without logical type      timestamp/timestamptz as epoch milliseconds (Kafka's
//                                  convention, the one avro_sql_value.h reads)
//   duration (fixed 12)            interval, when it has no negative part and whole
//                                  milliseconds (Avro durations are unsigned months, days,
//                                  milliseconds)
//   string (also uuid)             any type, as PostgreSQL's text output (jsonb: its JSON
//                                  text)
//   bytes, fixed                   bytea (fixed: exactly its size); text as its bytes
//   enum                           text that is one of its symbols
//   union                          NULL → its null branch; otherwise the first other branch
//                                  that takes the value
// Infinite dates and timestamps have no Avro representation except as strings.
//
// Errors are SQL errors naming the column (or Avro field):
//   23502 NULL where the schema has no null branch
//   22003 a number out of the Avro type's or decimal's range
//   22P02 text that is not a value of the field's type, not one of an enum's symbols
//   22008 an infinite or out-of-range date/timestamp, an interval a duration cannot hold
//   22001 bytea of the wrong size for a fixed
//   42804 a SQL type the Avro type cannot take (e.g. boolean into long, jsonb into a record)
// Reentrant.
#pragma once

#include <string_view>

#include "base/status.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"
#include "sql/types/value.h"

namespace oxbow::stream {

// `value` as a datum of `node`; `column` names it in errors.
Result<format::AvroValue> SqlToAvroValue(const sql::Value& value, const registry::AvroNode& node,
                                         std::string_view column);

}  // namespace oxbow::stream
