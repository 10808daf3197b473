#include "sql/types/array.h"

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

bool IsArraySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

Status Malformed(std::string_view text, std::string_view detail) {
  return WithDetail(SqlError(sqlstate::kInvalidTextRepresentation,
                             fmt::format("malformed array literal: \"{}\"", text)),
                    std::string(detail));
}

// One element's raw text and whether it was the NULL keyword.
struct RawElement {
  std::string text;
  bool null = false;
};

// Splits `{…}` into raw elements (quotes and escapes removed).
Result<std::vector<RawElement>> SplitArray(std::string_view text) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && IsArraySpace(text[i])) ++i;
  };
  skip_space();
  if (i < text.size() && text[i] == '[') {
    return SqlError(sqlstate::kFeatureNotSupported,
                    "array bounds (\"[lower:upper]=\") are not supported");
  }
  if (i >= text.size() || text[i] != '{') {
    return Malformed(text, "Array value must start with \"{\" or dimension information.");
  }
  ++i;
  std::vector<RawElement> out;
  skip_space();
  if (i < text.size() && text[i] == '}') {
    ++i;
  } else {
    while (true) {
      skip_space();
      if (i >= text.size()) return Malformed(text, "Unexpected end of input.");
      if (text[i] == '{') {
        return SqlError(sqlstate::kFeatureNotSupported,
                        "multidimensional arrays are not supported");
      }
      RawElement e;
      if (text[i] == '"') {
        ++i;
        while (i < text.size() && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          e.text.push_back(text[i++]);
        }
        if (i >= text.size()) return Malformed(text, "Unexpected end of input.");
        ++i;  // closing quote
        skip_space();
      } else {
        size_t trailing = 0;  // unquoted trailing whitespace is not part of the element
        while (i < text.size() && text[i] != ',' && text[i] != '}') {
          if (text[i] == '"' || text[i] == '{') {
            return Malformed(text, fmt::format("Unexpected \"{}\" character.", text[i]));
          }
          if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
            trailing = 0;
            e.text.push_back(text[i++]);
            continue;
          }
          trailing = IsArraySpace(text[i]) ? trailing + 1 : 0;
          e.text.push_back(text[i++]);
        }
        e.text.resize(e.text.size() - trailing);
        if (e.text.empty()) return Malformed(text, "Unexpected \",\" character.");
        e.null = e.text.size() == 4 && (e.text[0] | 0x20) == 'n' && (e.text[1] | 0x20) == 'u' &&
                 (e.text[2] | 0x20) == 'l' && (e.text[3] | 0x20) == 'l';
      }
      out.push_back(std::move(e));
      if (i >= text.size()) return Malformed(text, "Unexpected end of input.");
      if (text[i] == ',') {
        ++i;
        continue;
      }
      if (text[i] == '}') {
        ++i;
        break;
      }
      return Malformed(text, fmt::format("Unexpected \"{}\" character.", text[i]));
    }
  }
  skip_space();
  if (i != text.size()) return Malformed(text, "Junk after closing right brace.");
  return out;
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' &&
      (s[3] | 0x20) == 'l') {
    return true;
  }
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || IsArraySpace(c)) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<Value>> ParseArrayElements(const Type& element, std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<RawElement> raw, SplitArray(text));
  Type type = element.id() == TypeId::kUnknown ? Type::Text() : element;
  std::vector<Value> out;
  out.reserve(raw.size());
  for (RawElement& e : raw) {
    if (e.null) {
      out.push_back(Value::Null(type));
      continue;
    }
    ASSIGN_OR_RETURN(Value v, ParseValue(type, e.text));
    out.push_back(std::move(v));
  }
  return out;
}

std::string FormatArray(const std::vector<Value>& elements) {
  std::string out = "{";
  std::string text;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out.push_back(',');
    const Value& v = elements[i];
    if (v.is_null()) {
      out.append("NULL");
      continue;
    }
    text.clear();
    AppendValueText(text, v);
    if (!NeedsQuotes(text)) {
      out.append(text);
      continue;
    }
    out.push_back('"');
    for (char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

Value MakeArrayValue(const Type& element, const std::vector<Value>& elements) {
  return Value::String(Type::ArrayOf(element), FormatArray(elements));
}

Result<std::vector<Value>> DecodeArray(const Type& array_type, std::string_view canonical) {
  return ParseArrayElements(array_type.element(), canonical);
}

int CompareArrays(const Type& array_type, std::string_view a, std::string_view b) {
  Result<std::vector<Value>> x = DecodeArray(array_type, a);
  Result<std::vector<Value>> y = DecodeArray(array_type, b);
  if (!x.ok() || !y.ok()) return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  size_t n = std::min(x->size(), y->size());
  for (size_t i = 0; i < n; ++i) {
    const Value& p = (*x)[i];
    const Value& q = (*y)[i];
    if (p.is_null() || q.is_null()) {
      if (p.is_null() && q.is_null()) continue;
      return p.is_null() ? 1 : -1;
    }
    int c = CompareValues(p, q);
    if (c != 0) return c;
  }
  return x->size() < y->size() ? -1 : (x->size() > y->size() ? 1 : 0);
}

}  // namespace oxbow::sql
