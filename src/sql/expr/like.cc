#include "sql/expr/like.h"

#include "sql/sql_error.h"

namespace oxbow::sql::internal {
namespace {

size_t CharLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  return std::min(n, s.size() - i);
}

Status EndsWithEscape() {
  return SqlError(sqlstate::kInvalidEscapeSequence,
                  "LIKE pattern must not end with escape character");
}

// Iterative matcher with single backtrack point for the last '%' (linear for most patterns).
Result<bool> Match(std::string_view t, std::string_view p) {
  size_t ti = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '%') {
        star_p = ++pi;
        star_t = ti;
        continue;
      }
      if (c == '_') {
        ti += CharLen(t, ti);
        ++pi;
        continue;
      }
      size_t plen = 1;
      if (c == '\\') {
        if (pi + 1 >= p.size()) return EndsWithEscape();
        c = p[pi + 1];
        plen = 2;
      }
      if (t[ti] == c) {
        ++ti;
        pi += plen;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_t += CharLen(t, star_t);
    ti = star_t;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  if (pi < p.size() && p[pi] == '\\' && pi + 1 >= p.size()) return EndsWithEscape();
  return pi == p.size();
}

}  // namespace

Result<bool> LikeMatch(std::string_view text, std::string_view pattern) {
  return Match(text, pattern);
}

Result<std::string> LikeEscape(std::string_view pattern, std::string_view escape) {
  std::string out;
  if (escape.empty()) {
    for (char c : pattern) {
      if (c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  }
  if (CharLen(escape, 0) != escape.size()) {
    return WithHint(SqlError(sqlstate::kInvalidEscapeSequence, "invalid escape string"),
                    "Escape string must be empty or one character.");
  }
  for (size_t i = 0; i < pattern.size();) {
    size_t n = CharLen(pattern, i);
    std::string_view ch = pattern.substr(i, n);
    if (ch == escape) {
      if (i + n >= pattern.size()) return EndsWithEscape();
      out.push_back('\\');
      i += n;
      n = CharLen(pattern, i);
      out.append(pattern.substr(i, n));
    } else if (ch == "\\") {
      out.append("\\\\");
    } else {
      out.append(ch);
    }
    i += n;
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace oxbow::sql::internal
