// PostgreSQL's text input and output functions for the scalar types (the typinput/typoutput
// of pg_type): what `'...'::type` accepts and what psql shows. One function per type; Value
// and ColumnVector dispatch on the type to these.
//
// Input errors carry PostgreSQL's SQLSTATE and wording, e.g. 22P02 `invalid input syntax for
// type integer: "12a"`, 22003 `value "3000000000" is out of range for type integer`, 22001
// `value too long for type character varying(3)`.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "sql/types/type.h"

namespace oxbow::sql {

// t/true/yes/on/1 and f/false/no/off/0, any case, unique prefixes, surrounding whitespace.
Result<bool> ParseBool(std::string_view text);
Result<int16_t> ParseInt16(std::string_view text);
Result<int32_t> ParseInt32(std::string_view text);
Result<int64_t> ParseInt64(std::string_view text);
// Decimal, exponent, "NaN", "Infinity", "-Infinity", "inf" (any case). 22003 when the value
// is out of the type's range (overflow or, for non-zero input, underflow to zero).
Result<float> ParseFloat32(std::string_view text);
Result<double> ParseFloat64(std::string_view text);
// "\x0a0B" (hex) or the escape format ("abc\\\001"); returns the raw bytes.
Result<std::string> ParseBytea(std::string_view text);
// varchar(n) input: longer than n characters is 22001 unless the excess is spaces, which are
// cut. `type` without a typmod accepts anything. Length counts UTF-8 characters.
Result<std::string_view> CheckVarcharInput(std::string_view text, const Type& type);
// varchar(n) explicit cast: silently cut to n characters.
std::string_view TruncateVarchar(std::string_view text, const Type& type);
// Number of UTF-8 characters (bytes that are not continuation bytes).
int64_t Utf8Length(std::string_view s);

void AppendBool(std::string& out, bool v);               // "t" / "f"
void AppendFloat32(std::string& out, float v);           // shortest round trip, "1e+06"
void AppendFloat64(std::string& out, double v);          // shortest round trip, "1e+15"
void AppendBytea(std::string& out, std::string_view v);  // "\x0a0b"
std::string FormatFloat64(double v);
std::string FormatFloat32(float v);

}  // namespace oxbow::sql
