#include "sql/types/jsonb.h"

#include <algorithm>

#include "sql/sql_error.h"
#include "sql/types/decimal.h"

namespace oxbow::sql {
namespace {

constexpr int kMaxDepth = 6400;

// PostgreSQL's jsonb key order: shorter keys first, then bytewise.
bool KeyLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonValue> ParseDocument() {
    ASSIGN_OR_RETURN(JsonValue v, ParseValue(0));
    SkipSpace();
    if (i_ != s_.size()) return Error("Expected end of input, but found more.");
    return v;
  }

 private:
  Status Error(std::string_view detail) {
    return WithDetail(
        SqlError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json"),
        detail);
  }

  void SkipSpace() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Result<JsonValue> ParseValue(int depth) {
    if (depth > kMaxDepth) {
      return SqlError(sqlstate::kProgramLimitExceeded, "stack depth limit exceeded");
    }
    SkipSpace();
    if (i_ >= s_.size()) return Error("The input string ended unexpectedly.");
    JsonValue v;
    char c = s_[i_];
    if (c == '{') return ParseObject(depth);
    if (c == '[') return ParseArray(depth);
    if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      ASSIGN_OR_RETURN(v.text, ParseString());
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
    if (Literal("true")) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = true;
      return v;
    }
    if (Literal("false")) {
      v.kind = JsonValue::Kind::kBool;
      return v;
    }
    if (Literal("null")) return v;
    return Error("Token is invalid.");
  }

  Result<JsonValue> ParseNumber() {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      size_t b = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - b;
    };
    size_t int_start = i_;
    if (digits() == 0) return Error("Token is invalid.");
    if (s_[int_start] == '0' && i_ - int_start > 1) return Error("Token is invalid.");
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) return Error("Token is invalid.");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) return Error("Token is invalid.");
    }
    JsonValue v;
    v.kind = JsonValue::Kind::kNumber;
    std::string_view literal = s_.substr(start, i_ - start);
    Result<Decimal> d = Decimal::Parse(literal);
    // Numbers beyond numeric's 38 digits keep their literal text.
    v.text = d.ok() ? d->ToString() : std::string(literal);
    return v;
  }

  Status AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return Status();
  }

  Result<uint32_t> Hex4() {
    if (i_ + 4 > s_.size()) return Error("\"\\u\" must be followed by four hexadecimal digits.");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return Error("\"\\u\" must be followed by four hexadecimal digits.");
      v = v * 16 + d;
    }
    return v;
  }

  Result<std::string> ParseString() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) return Error("The input string ended unexpectedly.");
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error("Character with value 0x" + fmt::format("{:02x}", c) + " must be escaped.");
      }
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return Error("The input string ended unexpectedly.");
      char e = s_[i_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          ASSIGN_OR_RETURN(uint32_t cp, Hex4());
          if (cp == 0) {
            return WithDetail(
                SqlError(sqlstate::kUntranslatableCharacter, "unsupported Unicode escape sequence"),
                "\\u0000 cannot be converted to text.");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Literal("\\u"))
              return Error("Unicode high surrogate must not follow a high surrogate.");
            ASSIGN_OR_RETURN(uint32_t lo, Hex4());
            if (lo < 0xDC00 || lo > 0xDFFF) {
              return Error("Unicode low surrogate must follow a high surrogate.");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("Unicode low surrogate must follow a high surrogate.");
          }
          RETURN_IF_ERROR(AppendUtf8(out, cp));
          break;
        }
        default:
          return Error(fmt::format("Escape sequence \"\\{}\" is invalid.", e));
      }
    }
  }

  Result<JsonValue> ParseArray(int depth) {
    ++i_;
    JsonValue v;
    v.kind = JsonValue::Kind::kArray;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return v;
    }
    while (true) {
      ASSIGN_OR_RETURN(JsonValue e, ParseValue(depth + 1));
      v.elements.push_back(std::move(e));
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return v;
      }
      return Error("Expected \",\" or \"]\", but found something else.");
    }
  }

  Result<JsonValue> ParseObject(int depth) {
    ++i_;
    JsonValue v;
    v.kind = JsonValue::Kind::kObject;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return v;
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '"')
        return Error("Expected string, but found something else.");
      ASSIGN_OR_RETURN(std::string key, ParseString());
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ':')
        return Error("Expected \":\", but found something else.");
      ++i_;
      ASSIGN_OR_RETURN(JsonValue e, ParseValue(depth + 1));
      v.members.push_back(JsonMember{std::move(key), std::move(e)});
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        break;
      }
      return Error("Expected \",\" or \"}\", but found something else.");
    }
    // Canonical order; the last of duplicate keys wins (stable sort keeps input order among
    // equal keys, so keep the last of each run).
    std::stable_sort(v.members.begin(), v.members.end(),
                     [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
    std::vector<JsonMember> unique;
    for (size_t k = 0; k < v.members.size(); ++k) {
      if (k + 1 < v.members.size() && v.members[k].first == v.members[k + 1].first) continue;
      unique.push_back(std::move(v.members[k]));
    }
    v.members = std::move(unique);
    return v;
  }

  std::string_view s_;
  size_t i_ = 0;
};

std::optional<std::string> Render(const JsonValue* v, bool as_text) {
  if (v == nullptr) return std::nullopt;
  if (as_text) {
    if (v->kind == JsonValue::Kind::kNull) return std::nullopt;
    if (v->kind == JsonValue::Kind::kString) return v->text;
  }
  return ToJsonText(*v);
}

const JsonValue* Element(const JsonValue& v, int64_t index) {
  if (v.kind != JsonValue::Kind::kArray) return nullptr;
  int64_t n = static_cast<int64_t>(v.elements.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &v.elements[index];
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).ParseDocument(); }

void AppendJson(std::string& out, const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::kNull:
      out.append("null");
      break;
    case JsonValue::Kind::kBool:
      out.append(v.boolean ? "true" : "false");
      break;
    case JsonValue::Kind::kNumber:
      out.append(v.text);
      break;
    case JsonValue::Kind::kString:
      AppendJsonString(out, v.text);
      break;
    case JsonValue::Kind::kArray:
      out.push_back('[');
      for (size_t i = 0; i < v.elements.size(); ++i) {
        if (i > 0) out.append(", ");
        AppendJson(out, v.elements[i]);
      }
      out.push_back(']');
      break;
    case JsonValue::Kind::kObject:
      out.push_back('{');
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i > 0) out.append(", ");
        AppendJsonString(out, v.members[i].first);
        out.append(": ");
        AppendJson(out, v.members[i].second);
      }
      out.push_back('}');
      break;
  }
}

std::string ToJsonText(const JsonValue& v) {
  std::string out;
  AppendJson(out, v);
  return out;
}

Result<std::string> CanonicalJsonb(std::string_view text) {
  ASSIGN_OR_RETURN(JsonValue v, ParseJson(text));
  return ToJsonText(v);
}

Result<std::optional<std::string>> JsonbGetField(std::string_view jsonb, std::string_view key,
                                                 bool as_text) {
  ASSIGN_OR_RETURN(JsonValue v, ParseJson(jsonb));
  return Render(v.Find(key), as_text);
}

Result<std::optional<std::string>> JsonbGetIndex(std::string_view jsonb, int64_t index,
                                                 bool as_text) {
  ASSIGN_OR_RETURN(JsonValue v, ParseJson(jsonb));
  return Render(Element(v, index), as_text);
}

Result<std::optional<std::string>> JsonbGetPath(std::string_view jsonb,
                                                const std::vector<std::string>& path,
                                                bool as_text) {
  ASSIGN_OR_RETURN(JsonValue v, ParseJson(jsonb));
  const JsonValue* cur = &v;
  for (const std::string& step : path) {
    if (cur->kind == JsonValue::Kind::kObject) {
      cur = cur->Find(step);
    } else if (cur->kind == JsonValue::Kind::kArray) {
      char* end = nullptr;
      long long idx = std::strtoll(step.c_str(), &end, 10);
      if (step.empty() || end != step.c_str() + step.size()) return std::optional<std::string>();
      cur = Element(*cur, idx);
    } else {
      cur = nullptr;
    }
    if (cur == nullptr) return std::optional<std::string>();
  }
  return Render(cur, as_text);
}

Result<std::string> JsonbTypeof(std::string_view jsonb) {
  ASSIGN_OR_RETURN(JsonValue v, ParseJson(jsonb));
  switch (v.kind) {
    case JsonValue::Kind::kNull:
      return std::string("null");
    case JsonValue::Kind::kBool:
      return std::string("boolean");
    case JsonValue::Kind::kNumber:
      return std::string("number");
    case JsonValue::Kind::kString:
      return std::string("string");
    case JsonValue::Kind::kArray:
      return std::string("array");
    case JsonValue::Kind::kObject:
      return std::string("object");
  }
  return std::string("null");
}

}  // namespace oxbow::sql
