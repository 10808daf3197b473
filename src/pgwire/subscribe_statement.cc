#include "pgwire/subscribe_statement.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

// Words, parentheses and quoted identifiers; nullopt for an unterminated quote.
std::optional<std::vector<std::string>> Tokens(std::string_view sql) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == ';') {
      ++i;
    } else if (c == '(' || c == ')') {
      out.emplace_back(1, c);
      ++i;
    } else if (c == '"') {
      std::string ident = "\"";
      ++i;
      while (true) {
        if (i >= sql.size()) return std::nullopt;
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') {
            ident += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ident += sql[i++];
      }
      out.push_back(std::move(ident));
    } else {
      size_t start = i;
      while (i < sql.size() && !absl::ascii_isspace(static_cast<unsigned char>(sql[i])) &&
             sql[i] != '(' && sql[i] != ')' && sql[i] != ';' && sql[i] != '"') {
        ++i;
      }
      out.emplace_back(sql.substr(start, i - start));
    }
  }
  return out;
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

// A name token: a quoted identifier as written, others folded; `public.` dropped.
std::string Name(const std::string& token) {
  if (!token.empty() && token[0] == '"') return token.substr(1);
  std::string name = Lower(token);
  if (name.rfind("public.", 0) == 0) name = name.substr(7);
  return name;
}

}  // namespace

Result<std::optional<SubscribeStatement>> ParseSubscribe(std::string_view sql) {
  std::optional<std::vector<std::string>> tokens = Tokens(sql);
  if (!tokens || tokens->empty()) return std::optional<SubscribeStatement>();
  std::vector<std::string>& t = *tokens;
  SubscribeStatement out;
  size_t i = 0;
  if (Lower(t[0]) == "copy" && t.size() > 2 && t[1] == "(" && Lower(t[2]) == "subscribe") {
    out.copy = true;
    i = 2;
  } else if (Lower(t[0]) != "subscribe") {
    return std::optional<SubscribeStatement>();
  }
  auto syntax = [](std::string_view message) {
    return sql::SqlError(sql::sqlstate::kSyntaxError, message);
  };
  ++i;  // SUBSCRIBE
  if (i < t.size() && Lower(t[i]) == "to") ++i;
  if (i >= t.size() || t[i] == "(" || t[i] == ")") {
    return syntax("SUBSCRIBE needs the name of a materialized view: SUBSCRIBE [TO] view");
  }
  out.view = Name(t[i++]);
  if (out.copy) {
    if (i + 2 >= t.size() || t[i] != ")" || Lower(t[i + 1]) != "to" ||
        Lower(t[i + 2]) != "stdout") {
      return syntax("expected COPY (SUBSCRIBE [TO] view) TO STDOUT");
    }
    i += 3;
  }
  if (i != t.size()) {
    return syntax(fmt::format("unexpected \"{}\" after SUBSCRIBE [TO] view", t[i]));
  }
  return std::optional<SubscribeStatement>(std::move(out));
}

std::optional<std::string_view> CopyToStdoutQuery(std::string_view sql) {
  auto space = [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); };
  while (!sql.empty() && (space(sql.back()) || sql.back() == ';')) sql.remove_suffix(1);
  while (!sql.empty() && space(sql.front())) sql.remove_prefix(1);
  if (sql.size() < 4 || absl::AsciiStrToLower(std::string(sql.substr(0, 4))) != "copy") {
    return std::nullopt;
  }
  size_t open = sql.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  for (size_t i = 4; i < open; ++i) {
    if (!space(sql[i])) return std::nullopt;
  }
  // The text ends with `) TO STDOUT`.
  std::string lower = absl::AsciiStrToLower(std::string(sql));
  if (lower.size() < 6 || lower.substr(lower.size() - 6) != "stdout") return std::nullopt;
  size_t end = lower.size() - 6;
  while (end > 0 && space(lower[end - 1])) --end;
  if (end < 2 || lower.substr(end - 2, 2) != "to") return std::nullopt;
  end -= 2;
  while (end > 0 && space(lower[end - 1])) --end;
  if (end == 0 || lower[end - 1] != ')' || end - 1 <= open) return std::nullopt;
  return sql.substr(open + 1, end - 1 - open - 1);
}

}  // namespace oxbow::pgwire
