// Values on the wire: PostgreSQL's text format (sql/types' text output, exactly PostgreSQL's)
// and binary format (the send/recv functions of each type: big-endian integers and IEEE
// floats, bool as one byte, date as int32 days and timestamps as int64 µs since 2000-01-01,
// numeric as base-10000 digits with weight, sign and display scale, interval as µs, days,
// months, jsonb as version 1 + text, text and bytea as raw bytes).
//
// Errors (sql_error.h): 22P02 for bad text input (as sql::ParseValue), 22P03
// invalid_binary_representation for binary input of the wrong size or out of range.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "sql/types/value.h"

namespace oxbow::pgwire {

// Appends the text (format 0) or binary (format 1) encoding of a non-NULL value.
void AppendValue(std::string& out, const sql::Value& value, int16_t format);

// Decodes a non-NULL parameter of `type` sent in `format`.
Result<sql::Value> DecodeValue(const sql::Type& type, std::string_view bytes, int16_t format);

}  // namespace oxbow::pgwire
