// String functions and operators: ||, concat, lower/upper, length, substring, position, trims,
// replace, split_part, left/right/repeat/reverse, LIKE/ILIKE and RE2-backed regular expressions.
// Lengths and positions count UTF-8 characters, as PostgreSQL in a UTF8 database.
#include <memory>

#include "re2/re2.h"
#include "sql/expr/kernel_util.h"
#include "sql/expr/like.h"
#include "sql/sql_error.h"
#include "sql/types/text_format.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;
using internal::Ternary;
using internal::Unary;
using SV = std::string_view;

constexpr TypeId kText = TypeId::kText;
constexpr TypeId kInt = TypeId::kInt32;

// Byte offset of the character with 0-based index `n` (or s.size()).
size_t CharOffset(SV s, int64_t n) {
  if (n <= 0) return 0;
  int64_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == n) return i;
      ++chars;
    }
  }
  return s.size();
}

Result<std::string> Substring(SV s, int64_t start, std::optional<int64_t> count) {
  if (count && *count < 0) {
    return SqlError(sqlstate::kSubstringError, "negative substring length not allowed");
  }
  int64_t first = std::max<int64_t>(start, 1);
  int64_t end = count ? start + *count : INT64_MAX;  // exclusive, 1-based
  if (end <= first) return std::string();
  size_t b = CharOffset(s, first - 1);
  size_t e = end == INT64_MAX ? s.size() : CharOffset(s, end - 1);
  return std::string(s.substr(b, e - b));
}

int32_t Position(SV s, SV sub) {
  size_t pos = s.find(sub);
  if (pos == SV::npos) return 0;
  return static_cast<int32_t>(Utf8Length(s.substr(0, pos)) + 1);
}

std::string Trim(SV s, SV chars, bool left, bool right) {
  // Characters to strip are UTF-8 characters of `chars`.
  auto in_set = [&](SV ch) { return chars.find(ch) != SV::npos; };
  size_t b = 0, e = s.size();
  auto char_at = [&](size_t i) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    return s.substr(i, n);
  };
  if (left) {
    while (b < e) {
      SV ch = char_at(b);
      if (!in_set(ch)) break;
      b += ch.size();
    }
  }
  if (right) {
    while (e > b) {
      size_t start = e - 1;
      while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      SV ch = s.substr(start, e - start);
      if (!in_set(ch)) break;
      e = start;
    }
  }
  return std::string(s.substr(b, e - b));
}

std::string Replace(SV s, SV from, SV to) {
  if (from.empty()) return std::string(s);
  std::string out;
  size_t i = 0;
  while (true) {
    size_t p = s.find(from, i);
    if (p == SV::npos) break;
    out.append(s.substr(i, p - i));
    out.append(to);
    i = p + from.size();
  }
  out.append(s.substr(i));
  return out;
}

Result<std::optional<std::string>> SplitPart(SV s, SV delim, int32_t n) {
  if (n == 0) return SqlError(sqlstate::kInvalidParameterValue, "field position must not be zero");
  std::vector<SV> parts;
  if (delim.empty()) {
    parts.push_back(s);
  } else {
    size_t i = 0;
    while (true) {
      size_t p = s.find(delim, i);
      if (p == SV::npos) break;
      parts.push_back(s.substr(i, p - i));
      i = p + delim.size();
    }
    parts.push_back(s.substr(i));
  }
  if (s.empty()) return std::optional<std::string>(std::string());
  int64_t idx = n > 0 ? n - 1 : static_cast<int64_t>(parts.size()) + n;
  if (idx < 0 || idx >= static_cast<int64_t>(parts.size())) {
    return std::optional<std::string>(std::string());
  }
  return std::optional<std::string>(std::string(parts[idx]));
}

// A compiled-pattern cache for one kernel call: patterns are usually constant.
class RegexCache {
 public:
  Result<const RE2*> Get(SV pattern, SV flags, bool* global) {
    *global = false;
    bool case_insensitive = false;
    for (char f : flags) {
      if (f == 'g') {
        *global = true;
      } else if (f == 'i') {
        case_insensitive = true;
      } else if (f == 'c') {
        case_insensitive = false;
      } else {
        return SqlError(sqlstate::kInvalidParameterValue,
                        fmt::format("invalid regular expression option: \"{}\"", f));
      }
    }
    if (re_ && pattern == pattern_ && case_insensitive == case_insensitive_) return re_.get();
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);  // PostgreSQL's '.' matches newlines by default
    options.set_case_sensitive(!case_insensitive);
    auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!re->ok()) {
      return SqlError(sqlstate::kInvalidRegularExpression,
                      fmt::format("invalid regular expression: {}", re->error()));
    }
    re_ = std::move(re);
    pattern_ = std::string(pattern);
    case_insensitive_ = case_insensitive;
    return re_.get();
  }

 private:
  std::unique_ptr<RE2> re_;
  std::string pattern_;
  bool case_insensitive_ = false;
};

// PostgreSQL's replacement syntax (\1..\9, \& the whole match, \\) in RE2's (\0..\9, \\).
std::string ToRe2Rewrite(SV repl) {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] != '\\' || i + 1 >= repl.size()) {
      out.push_back(repl[i]);
      continue;
    }
    char n = repl[++i];
    if (n >= '0' && n <= '9') {
      out.push_back('\\');
      out.push_back(n);
    } else if (n == '&') {
      out.append("\\0");
    } else if (n == '\\') {
      out.append("\\\\");
    } else {
      out.push_back(n);
    }
  }
  return out;
}

// PostgreSQL's text[] output for regexp_match: {a,"b c",NULL}.
std::string ArrayLiteral(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (!items[i]) {
      out.append("NULL");
      continue;
    }
    const std::string& s = *items[i];
    bool quote = s.empty() || s == "NULL" || s.find_first_of("{},\"\\ \t\n\r") != SV::npos;
    if (!quote) {
      out.append(s);
      continue;
    }
    out.push_back('"');
    for (char c : s) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

Status RegexpReplace(std::span<const ColumnVector* const> args, const Rows& rows,
                     ColumnVector& out) {
  RegexCache cache;
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    SV s = args[0]->Get<SV>(r), pattern = args[1]->Get<SV>(r), repl = args[2]->Get<SV>(r);
    SV flags = args.size() > 3 ? args[3]->Get<SV>(r) : SV();
    bool global;
    ASSIGN_OR_RETURN(const RE2* re, cache.Get(pattern, flags, &global));
    std::string str(s);
    std::string rewrite = ToRe2Rewrite(repl);
    if (global) {
      RE2::GlobalReplace(&str, *re, rewrite);
    } else {
      RE2::Replace(&str, *re, rewrite);
    }
    out.SetString(r, str);
  }
  return Status();
}

Status RegexpMatch(std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
  RegexCache cache;
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    SV s = args[0]->Get<SV>(r), pattern = args[1]->Get<SV>(r);
    SV flags = args.size() > 2 ? args[2]->Get<SV>(r) : SV();
    bool global;
    ASSIGN_OR_RETURN(const RE2* re, cache.Get(pattern, flags, &global));
    if (global) {
      return WithHint(SqlError(sqlstate::kInvalidParameterValue,
                               "regexp_match() does not support the \"global\" option"),
                      "Use the regexp_matches function instead.");
    }
    int groups = re->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> m(groups + 1);
    if (!re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, m.data(),
                   groups + 1)) {
      continue;  // no match: NULL
    }
    std::vector<std::optional<std::string>> items;
    if (groups == 0) {
      items.emplace_back(std::string(m[0].data(), m[0].size()));
    } else {
      for (int g = 1; g <= groups; ++g) {
        if (m[g].data() == nullptr) {
          items.emplace_back(std::nullopt);
        } else {
          items.emplace_back(std::string(m[g].data(), m[g].size()));
        }
      }
    }
    out.SetString(r, ArrayLiteral(items));
  }
  return Status();
}

ScalarKernel RegexMatchOp(bool case_insensitive, bool negate) {
  return [=](std::span<const ColumnVector* const> args, const Rows& rows,
             ColumnVector& out) -> Status {
    RegexCache cache;
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      SV s = args[0]->template Get<SV>(r), pattern = args[1]->template Get<SV>(r);
      bool global;
      ASSIGN_OR_RETURN(const RE2* re, cache.Get(pattern, case_insensitive ? "i" : "", &global));
      bool m = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
      out.Set<uint8_t>(r, m != negate);
    }
    return Status();
  };
}

ScalarKernel LikeOp(bool case_insensitive, bool negate) {
  return [=](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
    return Binary<SV, SV>(args, rows, out, [=](SV s, SV p) -> Result<bool> {
      Result<bool> m = case_insensitive
                           ? internal::LikeMatch(internal::AsciiLower(s), internal::AsciiLower(p))
                           : internal::LikeMatch(s, p);
      if (!m.ok()) return m.status();
      return *m != negate;
    });
  };
}

// concat / concat_ws: NULL arguments are skipped; values print with their output function.
ScalarKernel ConcatKernel(bool with_separator) {
  return [=](std::span<const ColumnVector* const> args, const Rows& rows,
             ColumnVector& out) -> Status {
    std::string buf;
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      size_t first = 0;
      SV sep;
      if (with_separator) {
        if (args[0]->IsNull(r)) continue;  // a NULL separator gives NULL
        sep = args[0]->template Get<SV>(r);
        first = 1;
      }
      buf.clear();
      bool any = false;
      for (size_t a = first; a < args.size(); ++a) {
        if (args[a]->IsNull(r)) continue;
        if (any) buf.append(sep);
        AppendValueText(buf, args[a]->GetValue(r));
        any = true;
      }
      out.SetString(r, buf);
    }
    return Status();
  };
}

// text || anynonarray and anynonarray || text.
ScalarKernel AnyConcat(int text_side) {
  return [=](std::span<const ColumnVector* const> args, const Rows& rows,
             ColumnVector& out) -> Status {
    std::string buf;
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      buf.clear();
      for (int a = 0; a < 2; ++a) {
        if (a == text_side) {
          buf.append(args[a]->template Get<SV>(r));
        } else {
          AppendValueText(buf, args[a]->GetValue(r));
        }
      }
      out.SetString(r, buf);
    }
    return Status();
  };
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& reg) {
  Type text = Type::Text();
  Def(reg, "||", {kText, kText}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        std::string buf;
        return Binary<SV, SV>(args, rows, out, [&](SV a, SV b) {
          buf.assign(a);
          buf.append(b);
          return SV(buf);
        });
      });
  Def(reg, "||", {kText, std::nullopt}, text, AnyConcat(0));
  Def(reg, "||", {std::nullopt, kText}, text, AnyConcat(1));
  for (bool ws : {false, true}) {
    ScalarFunction f;
    f.name = ws ? "concat_ws" : "concat";
    f.params = ws ? std::vector<std::optional<TypeId>>{kText, std::nullopt}
                  : std::vector<std::optional<TypeId>>{std::nullopt};
    f.variadic = true;
    f.strict = false;
    f.return_type = text;
    f.kernel = ConcatKernel(ws);
    reg.Add(std::move(f));
  }
  auto text_fn = [&](std::string name, auto fn) {
    Def(reg, name, {kText}, text,
        [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Unary<SV>(args, rows, out, fn);
        });
  };
  text_fn("lower", [](SV s) { return internal::AsciiLower(s); });
  text_fn("upper", [](SV s) {
    std::string o(s);
    for (char& c : o) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return o;
  });
  text_fn("reverse", [](SV s) {
    std::string o;
    for (size_t e = s.size(); e > 0;) {
      size_t b = e - 1;
      while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
      o.append(s.substr(b, e - b));
      e = b;
    }
    return o;
  });
  text_fn("btrim", [](SV s) { return Trim(s, " ", true, true); });
  text_fn("ltrim", [](SV s) { return Trim(s, " ", true, false); });
  text_fn("rtrim", [](SV s) { return Trim(s, " ", false, true); });
  auto trim2 = [&](std::string name, bool l, bool r) {
    Def(reg, name, {kText, kText}, text,
        [l, r](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<SV, SV>(args, rows, out,
                                [=](SV s, SV chars) { return Trim(s, chars, l, r); });
        });
  };
  trim2("btrim", true, true);
  trim2("ltrim", true, false);
  trim2("rtrim", false, true);
  for (const char* name : {"length", "char_length", "character_length"}) {
    Def(reg, name, {kText}, Type::Int32(),
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Unary<SV>(args, rows, out,
                           [](SV s) { return static_cast<int32_t>(Utf8Length(s)); });
        });
  }
  for (TypeId t : {kText, TypeId::kBytea}) {
    Def(reg, "octet_length", {t}, Type::Int32(),
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Unary<SV>(args, rows, out, [](SV s) { return static_cast<int32_t>(s.size()); });
        });
  }
  Def(reg, "length", {TypeId::kBytea}, Type::Int32(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<SV>(args, rows, out, [](SV s) { return static_cast<int32_t>(s.size()); });
      });
  for (const char* name : {"substring", "substr"}) {
    Def(reg, name, {kText, kInt, kInt}, text,
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Ternary<SV, int32_t, int32_t>(
              args, rows, out, [](SV s, int32_t st, int32_t n) { return Substring(s, st, n); });
        });
    Def(reg, name, {kText, kInt}, text,
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<SV, int32_t>(
              args, rows, out, [](SV s, int32_t st) { return Substring(s, st, std::nullopt); });
        });
  }
  Def(reg, "left", {kText, kInt}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<SV, int32_t>(args, rows, out, [](SV s, int32_t n) {
          int64_t len = Utf8Length(s);
          int64_t keep = n >= 0 ? n : std::max<int64_t>(len + n, 0);
          return std::string(s.substr(0, CharOffset(s, keep)));
        });
      });
  Def(reg, "right", {kText, kInt}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<SV, int32_t>(args, rows, out, [](SV s, int32_t n) {
          int64_t len = Utf8Length(s);
          int64_t skip =
              n >= 0 ? std::max<int64_t>(len - n, 0) : std::min<int64_t>(-int64_t{n}, len);
          return std::string(s.substr(CharOffset(s, skip)));
        });
      });
  Def(reg, "repeat", {kText, kInt}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<SV, int32_t>(args, rows, out, [](SV s, int32_t n) -> Result<std::string> {
          if (n > 0 && s.size() * static_cast<size_t>(n) > (size_t{1} << 30)) {
            return SqlError(sqlstate::kProgramLimitExceeded, "requested length too large");
          }
          std::string o;
          for (int32_t k = 0; k < n; ++k) o.append(s);
          return o;
        });
      });
  for (const char* name : {"position", "strpos"}) {
    Def(reg, name, {kText, kText}, Type::Int32(),
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<SV, SV>(args, rows, out, Position);
        });
  }
  Def(reg, "starts_with", {kText, kText}, Type::Bool(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<SV, SV>(args, rows, out, [](SV s, SV p) { return s.starts_with(p); });
      });
  Def(reg, "replace", {kText, kText, kText}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Ternary<SV, SV, SV>(args, rows, out, Replace);
      });
  Def(reg, "split_part", {kText, kText, kInt}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) -> Status {
        for (size_t i = 0; i < rows.count; ++i) {
          uint32_t r = rows[i];
          ASSIGN_OR_RETURN(auto part, SplitPart(args[0]->Get<SV>(r), args[1]->Get<SV>(r),
                                                args[2]->Get<int32_t>(r)));
          if (part) out.SetString(r, *part);
        }
        return Status();
      });
  Def(reg, "like_escape", {kText, kText}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<SV, SV>(args, rows, out, internal::LikeEscape);
      });
  Def(reg, "~~", {kText, kText}, Type::Bool(), LikeOp(false, false));
  Def(reg, "!~~", {kText, kText}, Type::Bool(), LikeOp(false, true));
  Def(reg, "~~*", {kText, kText}, Type::Bool(), LikeOp(true, false));
  Def(reg, "!~~*", {kText, kText}, Type::Bool(), LikeOp(true, true));
  Def(reg, "~", {kText, kText}, Type::Bool(), RegexMatchOp(false, false));
  Def(reg, "!~", {kText, kText}, Type::Bool(), RegexMatchOp(false, true));
  Def(reg, "~*", {kText, kText}, Type::Bool(), RegexMatchOp(true, false));
  Def(reg, "!~*", {kText, kText}, Type::Bool(), RegexMatchOp(true, true));
  Def(reg, "regexp_replace", {kText, kText, kText}, text, RegexpReplace);
  Def(reg, "regexp_replace", {kText, kText, kText, kText}, text, RegexpReplace);
  Def(reg, "regexp_match", {kText, kText}, text, RegexpMatch);
  Def(reg, "regexp_match", {kText, kText, kText}, text, RegexpMatch);
}

}  // namespace oxbow::sql
