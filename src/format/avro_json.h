// Avro's JSON encoding (spec section "JSON Encoding"), as Confluent's REST Proxy accepts it in
// `application/vnd.kafka.avro.v2+json` records and as field defaults are written in schemas.
//
// JSON ↔ value, for a schema node:
//   null             null
//   boolean          true / false
//   int, long        a JSON integer in range (1.0 is not an int)
//   float, double    a JSON number; NaN and the infinities as the strings "NaN", "Infinity",
//                    "-Infinity" (JSON has no literal for them)
//   bytes, fixed     a string whose code points U+0000..U+00FF are the bytes (ISO-8859-1);
//                    fixed must have exactly `size` of them
//   string           a string
//   enum             one of its symbols, as a string
//   record           an object, one member per field; a field the object lacks takes its
//                    default (an error when it has none); members that are not fields are
//                    ignored, as Confluent's REST Proxy ignores them
//   array, map       an array; an object
//   union            null for the null branch, otherwise an object with one member whose name
//                    is the branch's type — its full name for records, enums and fixed
//                    ({"com.acme.Point": {...}}; the unqualified name is accepted when no other
//                    branch has it), else the type name ({"string": "x"}, {"array": [...]}) —
//                    and whose value is the value
// Field defaults differ in one point: a union default is a value of the union's first branch,
// unwrapped (AvroValueFromDefault).
//
// Errors are InvalidArgument naming the place inside the JSON value and what was expected:
//   at .items[2].amount: expected double (a JSON number), got "12,5"
// All functions are reentrant.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "format/avro_value.h"
#include "nlohmann/json.hpp"
#include "registry/avro_schema.h"

namespace oxbow::format {

// The JSON value `json` (Avro's JSON encoding) as a value of `schema`. Logical types are
// annotated on the result as the decoder does.
Result<AvroValue> AvroValueFromJson(const nlohmann::json& json, const registry::AvroNode& schema);
Result<AvroValue> AvroValueFromJson(const nlohmann::json& json, const registry::AvroSchema& schema);

// A field's default value (AvroField::default_value) as a value of the field's type.
Result<AvroValue> AvroValueFromDefault(const nlohmann::json& json,
                                       const registry::AvroNode& schema);

// `value` in Avro's JSON encoding. InvalidArgument when the value does not fit the schema
// (wrong kind, union branch or enum index out of range, fixed of the wrong size). Strings
// that are not valid UTF-8 come out with each invalid byte replaced by U+FFFD, so the result
// can always be dumped.
Result<nlohmann::json> AvroValueToJson(const AvroValue& value, const registry::AvroNode& schema);
Result<nlohmann::json> AvroValueToJson(const AvroValue& value, const registry::AvroSchema& schema);

// What the REST proxy calls for each record: the JSON value `json` (Avro's JSON encoding)
// appended to `out` as the Avro binary encoding of a datum written with `schema`. On error
// `out` is left as it was.
Status EncodeAvroJson(const nlohmann::json& json, const registry::AvroSchema& schema,
                      ByteBuffer* out);
// The same, as a Confluent-framed message: header with `schema_id`, then the datum.
Status EncodeConfluentAvroJson(const nlohmann::json& json, const registry::AvroSchema& schema,
                               int32_t schema_id, ByteBuffer* out);

}  // namespace oxbow::format
