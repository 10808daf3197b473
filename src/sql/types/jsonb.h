// jsonb: JSON values stored in PostgreSQL's canonical form. A jsonb column holds the canonical
// text of each value (what jsonb_out prints): object keys sorted shortest first then bytewise,
// duplicate keys resolved to the last one, numbers as numeric ("1.50" stays, "1e2" is "100"),
// ", " and ": " separators. Equal documents therefore have equal bytes, so jsonb compares,
// hashes and groups by its bytes.
//
// Thread safety: pure functions; JsonValue is a plain tree.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace oxbow::sql {

struct JsonMember;

struct JsonValue {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // kNumber: canonical numeric text; kString: the decoded UTF-8 string
  std::vector<JsonValue> elements;  // kArray
  std::vector<JsonMember> members;  // kObject, canonical order

  // Member by key (objects) or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

// An object's member. Not std::pair: pair's constructor traits need JsonValue complete
// inside its own definition, which clang (with libstdc++ 12) refuses.
struct JsonMember {
  std::string first;  // the key
  JsonValue second;
};

// Parses JSON text (RFC 8259) into canonical form. Errors: 22P02 `invalid input syntax for
// type json` with PostgreSQL-like detail; \u0000 is 22P05. Nesting deeper than 6400 levels
// is 54001-like 54000 "stack depth limit exceeded".
Result<JsonValue> ParseJson(std::string_view text);
// Canonical jsonb text of a value.
void AppendJson(std::string& out, const JsonValue& v);
// `s` as a JSON string literal, quotes included, escaped as PostgreSQL's escape_json does
// (\" \\ \b \f \n \r \t, \u00XX for other control characters, other bytes as they are).
void AppendJsonString(std::string& out, std::string_view s);
std::string ToJsonText(const JsonValue& v);
// Text input of jsonb: parse + canonicalize.
Result<std::string> CanonicalJsonb(std::string_view text);

// The operators on stored (canonical) jsonb text. nullopt means SQL NULL (missing key, index
// out of range, or not an object/array).
//   jsonb -> text   object field            jsonb -> int   array element (negative from end)
//   jsonb ->> text  as text (strings unquoted, JSON null is SQL NULL)
Result<std::optional<std::string>> JsonbGetField(std::string_view jsonb, std::string_view key,
                                                 bool as_text);
Result<std::optional<std::string>> JsonbGetIndex(std::string_view jsonb, int64_t index,
                                                 bool as_text);
// #> / #>> with a path of keys or array indexes.
Result<std::optional<std::string>> JsonbGetPath(std::string_view jsonb,
                                                const std::vector<std::string>& path, bool as_text);
// jsonb_typeof: "object", "array", "string", "number", "boolean", "null".
Result<std::string> JsonbTypeof(std::string_view jsonb);

}  // namespace oxbow::sql
