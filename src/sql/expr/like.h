// LIKE / ILIKE pattern matching as PostgreSQL: % any sequence, _ one character (UTF-8 aware),
// backslash escapes the next character. Internal to sql/expr (used by string_functions.cc).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::sql::internal {

// Whether `text` matches `pattern`. 22025 "LIKE pattern must not end with escape character".
Result<bool> LikeMatch(std::string_view text, std::string_view pattern);
// Rewrites a pattern written with ESCAPE `escape` into the backslash form LikeMatch reads; an
// empty escape disables escaping. 22025 `invalid escape string` unless one character.
Result<std::string> LikeEscape(std::string_view pattern, std::string_view escape);
// ASCII lower-casing (ILIKE, lower()).
std::string AsciiLower(std::string_view s);

}  // namespace oxbow::sql::internal
