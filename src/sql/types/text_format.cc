#include "sql/types/text_format.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

std::string_view Trim(std::string_view s) {
  absl::string_view t = absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size()));
  return {t.data(), t.size()};
}

Status InvalidSyntax(std::string_view type_name, std::string_view text) {
  return SqlError(sqlstate::kInvalidTextRepresentation,
                  fmt::format("invalid input syntax for type {}: \"{}\"", type_name, text));
}

Status OutOfRange(std::string_view type_name, std::string_view text) {
  return SqlError(sqlstate::kNumericValueOutOfRange,
                  fmt::format("value \"{}\" is out of range for type {}", text, type_name));
}

template <typename T>
Result<T> ParseInt(std::string_view text, std::string_view type_name) {
  std::string_view s = Trim(text);
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return InvalidSyntax(type_name, text);
  // Accumulate negatively so the most negative value parses.
  int64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return InvalidSyntax(type_name, text);
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v)) {
      overflow = true;
    }
  }
  if (!negative) {
    if (overflow || v == std::numeric_limits<int64_t>::min()) {
      overflow = true;
    } else {
      v = -v;
    }
  }
  if (overflow || v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
    return OutOfRange(type_name, text);
  }
  return static_cast<T>(v);
}

template <typename T>
Result<T> ParseFloat(std::string_view text, std::string_view type_name) {
  std::string s(Trim(text));
  std::string lower = absl::AsciiStrToLower(s);
  if (lower == "nan" || lower == "+nan" || lower == "-nan") {
    return std::numeric_limits<T>::quiet_NaN();
  }
  if (lower == "infinity" || lower == "+infinity" || lower == "inf" || lower == "+inf") {
    return std::numeric_limits<T>::infinity();
  }
  if (lower == "-infinity" || lower == "-inf") return -std::numeric_limits<T>::infinity();
  if (s.empty()) return InvalidSyntax(type_name, text);
  // strtod would accept hex floats and "infinity" prefixes; PostgreSQL only takes decimal.
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
          c == '+' || c == '-')) {
      return InvalidSyntax(type_name, text);
    }
  }
  errno = 0;
  char* end = nullptr;
  T v;
  if constexpr (std::is_same_v<T, float>) {
    v = std::strtof(s.c_str(), &end);
  } else {
    v = std::strtod(s.c_str(), &end);
  }
  if (end != s.c_str() + s.size()) return InvalidSyntax(type_name, text);
  if (errno == ERANGE && (v == 0 || std::isinf(v))) {
    return SqlError(sqlstate::kNumericValueOutOfRange,
                    fmt::format("\"{}\" is out of range for type {}", Trim(text), type_name));
  }
  return v;
}

// PostgreSQL prints floats with the shortest digits that read back exactly, in %e style when
// the decimal exponent is < -4 or >= the type's DIG (15 for double, 6 for real).
template <typename T>
void AppendFloat(std::string& out, T v, int dig) {
  if (std::isnan(v)) return out.append("NaN"), void();
  if (std::isinf(v)) return out.append(v > 0 ? "Infinity" : "-Infinity"), void();
  if (v == 0) return out.append(std::signbit(v) ? "-0" : "0"), void();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);  // "-1.2345e+15"
  size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  if (negative) out.push_back('-');
  if (exponent < -4 || exponent >= dig) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    fmt::format_to(std::back_inserter(out), "e{}{:02}", exponent < 0 ? '-' : '+',
                   std::abs(exponent));
    return;
  }
  if (exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out.append(digits);
    return;
  }
  size_t int_len = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_len) {
    out.append(digits);
    out.append(int_len - digits.size(), '0');
  } else {
    out.append(digits, 0, int_len);
    out.push_back('.');
    out.append(digits, int_len);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Byte offset just past the first n UTF-8 characters of s (or s.size()).
size_t Utf8Prefix(std::string_view s, int64_t n) {
  int64_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == n) return i;
      ++chars;
    }
  }
  return s.size();
}

}  // namespace

Result<bool> ParseBool(std::string_view text) {
  std::string s = absl::AsciiStrToLower(std::string(Trim(text)));
  auto prefix_of = [&](std::string_view word, size_t min_len) {
    return s.size() >= min_len && s.size() <= word.size() && word.substr(0, s.size()) == s;
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || s == "1") {
    return true;
  }
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0") {
    return false;
  }
  return InvalidSyntax("boolean", text);
}

Result<int16_t> ParseInt16(std::string_view text) { return ParseInt<int16_t>(text, "smallint"); }
Result<int32_t> ParseInt32(std::string_view text) { return ParseInt<int32_t>(text, "integer"); }
Result<int64_t> ParseInt64(std::string_view text) { return ParseInt<int64_t>(text, "bigint"); }
Result<float> ParseFloat32(std::string_view text) { return ParseFloat<float>(text, "real"); }
Result<double> ParseFloat64(std::string_view text) {
  return ParseFloat<double>(text, "double precision");
}

Result<std::string> ParseBytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    for (size_t i = 2; i < text.size();) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      int hi = HexValue(c);
      if (hi < 0) {
        return SqlError(sqlstate::kInvalidParameterValue,
                        fmt::format("invalid hexadecimal digit: \"{}\"", c));
      }
      if (i + 1 >= text.size()) {
        return SqlError(sqlstate::kInvalidParameterValue,
                        "invalid hexadecimal data: odd number of digits");
      }
      int lo = HexValue(text[i + 1]);
      if (lo < 0) {
        return SqlError(sqlstate::kInvalidParameterValue,
                        fmt::format("invalid hexadecimal digit: \"{}\"", text[i + 1]));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out.push_back(text[i++]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i += 2;
    } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' &&
               text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 4;
    } else {
      return SqlError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type bytea");
    }
  }
  return out;
}

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Result<std::string_view> CheckVarcharInput(std::string_view text, const Type& type) {
  if (!type.has_typmod()) return text;
  int64_t max = type.max_length();
  size_t cut = Utf8Prefix(text, max);
  if (cut == text.size()) return text;
  for (size_t i = cut; i < text.size(); ++i) {
    if (text[i] != ' ') {
      return SqlError(sqlstate::kStringDataRightTruncation,
                      fmt::format("value too long for type character varying({})", max));
    }
  }
  return text.substr(0, cut);
}

std::string_view TruncateVarchar(std::string_view text, const Type& type) {
  if (!type.has_typmod()) return text;
  return text.substr(0, Utf8Prefix(text, type.max_length()));
}

void AppendBool(std::string& out, bool v) { out.push_back(v ? 't' : 'f'); }
void AppendFloat32(std::string& out, float v) { AppendFloat(out, v, 6); }
void AppendFloat64(std::string& out, double v) { AppendFloat(out, v, 15); }

void AppendBytea(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.append("\\x");
  for (unsigned char c : v) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
}

std::string FormatFloat64(double v) {
  std::string out;
  AppendFloat64(out, v);
  return out;
}

std::string FormatFloat32(float v) {
  std::string out;
  AppendFloat32(out, v);
  return out;
}

}  // namespace oxbow::sql
