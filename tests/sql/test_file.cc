#include "test_file.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <ctime>
#include <sstream>

namespace oxbow::sqltest {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The rest of `line` after the first `n` words.
std::string_view AfterWords(std::string_view line, int n) {
  line = Trim(line);
  for (int i = 0; i < n; ++i) {
    size_t sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return {};
    line = Trim(line.substr(sp));
  }
  return line;
}

// The length of the token at the start of `s`: a JSON string, object or array (balanced,
// strings skipped), else everything up to the next whitespace.
size_t TokenLength(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] != '{' && s[0] != '[' && s[0] != '"') {
    size_t sp = s.find_first_of(" \t");
    return sp == std::string_view::npos ? s.size() : sp;
  }
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return s.size();  // unbalanced: take the rest (a deliberately broken record)
}

Result<int64_t> ParseTime(std::string_view s) {
  int64_t ms = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
  if (ec == std::errc() && p == s.data() + s.size()) return ms;
  std::tm tm{};
  int frac = 0;
  char sep = 0;
  std::string str(s);
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac);
  if (n < 3 || (n > 3 && n < 7)) {
    return absl::InvalidArgumentError(fmt::format("bad time {:?}: ms or ISO 8601 (UTC)", str));
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + (n == 8 ? frac : 0);
}

Result<std::optional<std::string>> ParseBytes(std::string_view token) {
  if (token == "null") return std::optional<std::string>();
  return std::optional<std::string>(std::string(token));
}

}  // namespace

Result<InputRecord> ParseInputLine(std::string_view line) {
  InputRecord r;
  std::string_view s = Trim(line);
  if (!s.empty() && s[0] == '{') {
    r.value = std::string(s);
    return r;
  }
  while (!s.empty()) {
    size_t eq = s.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(fmt::format("expected key=, value= or time= at {:?}", s));
    }
    std::string_view field = s.substr(0, eq);
    std::string_view rest = s.substr(eq + 1);
    size_t len = TokenLength(rest);
    std::string_view token = rest.substr(0, len);
    if (field == "key") {
      ASSIGN_OR_RETURN(r.key, ParseBytes(token));
    } else if (field == "value") {
      ASSIGN_OR_RETURN(r.value, ParseBytes(token));
    } else if (field == "time") {
      ASSIGN_OR_RETURN(r.timestamp_ms, ParseTime(token));
    } else {
      return absl::InvalidArgumentError(fmt::format("unknown field {:?}", field));
    }
    s = Trim(rest.substr(len));
  }
  return r;
}

Result<std::vector<TestRecord>> ParseTestFile(const std::string& path, const std::string& text) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  auto error = [&](size_t i, std::string_view what) {
    return absl::InvalidArgumentError(fmt::format("{}:{}: {}", path, i + 1, what));
  };
  auto blank = [&](size_t i) { return Trim(lines[i]).empty(); };
  // Lines up to the next blank line (or `----` when `stop_at_dashes`), from i.
  auto body = [&](size_t& i, bool stop_at_dashes) {
    std::vector<std::string> out;
    while (i < lines.size() && !blank(i) && !(stop_at_dashes && Trim(lines[i]) == "----")) {
      out.push_back(lines[i++]);
    }
    return out;
  };
  auto rows = [&](size_t& i) {
    std::vector<std::string> out;
    while (i < lines.size() && !blank(i)) {
      out.emplace_back(Trim(lines[i++]));
    }
    return out;
  };
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) s += l + "\n";
    return s;
  };

  std::vector<TestRecord> records;
  std::optional<std::string> known_bug;
  size_t i = 0;
  while (i < lines.size()) {
    std::string_view line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    std::vector<std::string> w = Words(line);
    size_t directive = i++;
    TestRecord r{};
    r.line = static_cast<int>(directive) + 1;
    if (w[0] == "skipif") {
      if (w.size() < 2 || !w[1].starts_with("engine-bug:")) {
        return error(directive, "expected `skipif engine-bug:<reason>`");
      }
      known_bug = std::string(AfterWords(line, 1).substr(11));
      continue;
    }
    if (w[0] == "statement" && w.size() == 2 && w[1] == "ok") {
      r.kind = TestRecord::Kind::kStatementOk;
      r.sql = join(body(i, false));
    } else if (w[0] == "statement" && w.size() >= 3 && w[1] == "error") {
      r.kind = TestRecord::Kind::kStatementError;
      r.error_sqlstate = w[2];
      r.error_substring = std::string(AfterWords(line, 3));
      r.sql = join(body(i, false));
    } else if (w[0] == "query") {
      r.kind = TestRecord::Kind::kQuery;
      if (w.size() > 2 || (w.size() == 2 && w[1] != "sorted" && w[1] != "ordered")) {
        return error(directive, "expected `query [sorted|ordered]`");
      }
      r.ordered = w.size() == 2 && w[1] == "ordered";
      r.sql = join(body(i, true));
      if (i >= lines.size() || Trim(lines[i]) != "----") return error(directive, "no ----");
      ++i;
      r.expected = rows(i);
    } else if (w[0] == "view" && w.size() >= 2) {
      r.kind = TestRecord::Kind::kView;
      r.name = w[1];
      if (w.size() >= 4 && w[2] == "error") {
        r.error_sqlstate = w[3];
        r.error_substring = std::string(AfterWords(line, 4));
      } else {
        if (w.size() != 2) return error(directive, "expected `view <name>` or `view <name> error`");
        if (i >= lines.size() || Trim(lines[i]) != "----") return error(directive, "no ----");
        ++i;
        r.expected = rows(i);
      }
    } else if (w[0] == "dlq" && w.size() == 2) {
      r.kind = TestRecord::Kind::kDlq;
      r.name = w[1];
      if (i >= lines.size() || Trim(lines[i]) != "----") return error(directive, "no ----");
      ++i;
      r.expected = rows(i);
    } else if (w[0] == "topic" && w.size() == 3 &&
               (w[2] == "upsert" || w[2] == "debezium" || w[2] == "avro")) {
      r.kind = TestRecord::Kind::kTopic;
      r.name = w[1];
      r.debezium = w[2] == "debezium";
      r.avro = w[2] == "avro";
      if (i >= lines.size() || Trim(lines[i]) != "----") return error(directive, "no ----");
      ++i;
      r.expected = rows(i);
    } else if (w[0] == "produce" && (w.size() == 2 || w.size() == 3)) {
      r.kind = TestRecord::Kind::kProduce;
      r.name = w[1];
      if (w.size() == 3) {
        if (!w[2].starts_with("partition=")) return error(directive, "expected partition=N");
        r.partition = std::atoi(w[2].c_str() + 10);
      }
      while (i < lines.size() && !blank(i)) {
        Result<InputRecord> rec = ParseInputLine(lines[i]);
        if (!rec.ok()) return error(i, std::string(rec.status().message()));
        rec->line = static_cast<int>(i++) + 1;
        r.records.push_back(*rec);
      }
    } else if (w[0] == "register" && w.size() == 2) {
      r.kind = TestRecord::Kind::kRegister;
      r.name = w[1];
      r.sql = join(body(i, false));
    } else if (w[0] == "restart" && w.size() == 1) {
      r.kind = TestRecord::Kind::kRestart;
    } else {
      return error(directive, fmt::format("unknown directive {:?}", line));
    }
    r.known_bug = std::move(known_bug);
    known_bug.reset();
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace oxbow::sqltest
