#include "pgwire/value_codec.h"

#include <bit>
#include <cstring>

#include "base/bytes.h"
#include "fmt/format.h"
#include "sql/sql_error.h"
#include "sql/types/array.h"

namespace oxbow::pgwire {
namespace {

using sql::TypeId;
using sql::Value;

constexpr int16_t kNumericPositive = 0x0000;
constexpr int16_t kNumericNegative = 0x4000;
// A numeric with more base-10000 digits than this is not one we could represent (38 digits).
constexpr int kMaxNumericGroups = 64;

void Put16(std::string& out, uint16_t v) {
  uint8_t b[2];
  StoreBE16(b, v);
  out.append(reinterpret_cast<const char*>(b), 2);
}
void Put32(std::string& out, uint32_t v) {
  uint8_t b[4];
  StoreBE32(b, v);
  out.append(reinterpret_cast<const char*>(b), 4);
}
void Put64(std::string& out, uint64_t v) {
  uint8_t b[8];
  StoreBE64(b, v);
  out.append(reinterpret_cast<const char*>(b), 8);
}

// The decimal digits of |v| (no sign), "0" for zero.
std::string AbsDigits(sql::int128 v) {
  unsigned __int128 u =
      v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  do {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  return std::string(s.rbegin(), s.rend());
}

void AppendNumericBinary(std::string& out, const sql::Decimal& d) {
  std::string digits = AbsDigits(d.value);
  const size_t scale = static_cast<size_t>(d.scale);
  if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
  std::string int_part = digits.substr(0, digits.size() - scale);
  std::string frac_part = digits.substr(digits.size() - scale);
  // Integer digits grouped by 4 from the point leftwards, fraction by 4 rightwards.
  int_part.insert(0, (4 - int_part.size() % 4) % 4, '0');
  frac_part.append((4 - frac_part.size() % 4) % 4, '0');
  std::vector<int16_t> groups;
  for (size_t i = 0; i < int_part.size(); i += 4) {
    groups.push_back(static_cast<int16_t>(std::stoi(int_part.substr(i, 4))));
  }
  int weight = static_cast<int>(groups.size()) - 1;
  for (size_t i = 0; i < frac_part.size(); i += 4) {
    groups.push_back(static_cast<int16_t>(std::stoi(frac_part.substr(i, 4))));
  }
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) weight = 0;  // zero: no digits
  Put16(out, static_cast<uint16_t>(last - first));
  Put16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  Put16(out, static_cast<uint16_t>(d.value < 0 ? kNumericNegative : kNumericPositive));
  Put16(out, static_cast<uint16_t>(d.scale));
  for (size_t i = first; i < last; ++i) Put16(out, static_cast<uint16_t>(groups[i]));
}

Status BadBinary(const sql::Type& type, std::string_view why) {
  return sql::SqlError("22P03", fmt::format("incorrect binary data format for type {}: {}",
                                            type.internal_name(), why));
}

Result<Value> DecodeNumericBinary(const sql::Type& type, std::string_view b) {
  if (b.size() < 8) return BadBinary(type, "too short");
  auto at = [&](size_t i) {
    return static_cast<int16_t>(LoadBE16(reinterpret_cast<const uint8_t*>(b.data()) + i));
  };
  int ndigits = at(0), weight = at(2), sign = at(4), dscale = at(6);
  if (ndigits < 0 || ndigits > kMaxNumericGroups || b.size() != 8 + 2 * size_t(ndigits)) {
    return BadBinary(type, "invalid length");
  }
  if (sign != kNumericPositive && sign != kNumericNegative) {
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                         "numeric NaN and infinity are not supported");
  }
  if (dscale < 0 || dscale > sql::Decimal::kMaxScale || weight < -kMaxNumericGroups ||
      weight > kMaxNumericGroups) {
    return sql::SqlError(sql::sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
  }
  // Text "ddd.ddd" with exactly dscale fraction digits, then PostgreSQL's text input.
  std::string int_part, frac_part;
  for (int i = 0; i < ndigits; ++i) {
    int g = at(8 + 2 * size_t(i));
    if (g < 0 || g > 9999) return BadBinary(type, "invalid digit");
    std::string four = fmt::format("{:04d}", g);
    int power = weight - i;  // this group is g * 10000^power
    if (power >= 0) {
      int_part += four;
    } else {
      if (frac_part.empty()) frac_part.assign(size_t(-power - 1) * 4, '0');
      frac_part += four;
    }
  }
  if (!int_part.empty() && weight - (ndigits - 1) > 0) {
    int_part.append(size_t(weight - (ndigits - 1)) * 4, '0');
  }
  if (int_part.empty()) int_part.push_back('0');
  frac_part.resize(size_t(dscale), '0');
  std::string text = fmt::format("{}{}{}{}", sign == kNumericNegative ? "-" : "", int_part,
                                 dscale > 0 ? "." : "", frac_part);
  return sql::ParseValue(type, text);
}

template <typename T>
Result<T> Fixed(const sql::Type& type, std::string_view b) {
  if (b.size() != sizeof(T)) {
    return BadBinary(type, fmt::format("expected {} bytes, got {}", sizeof(T), b.size()));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  if constexpr (sizeof(T) == 1) return static_cast<T>(p[0]);
  if constexpr (sizeof(T) == 2) return static_cast<T>(LoadBE16(p));
  if constexpr (sizeof(T) == 4) return static_cast<T>(LoadBE32(p));
  if constexpr (sizeof(T) == 8) return static_cast<T>(LoadBE64(p));
}

// array_send: ndim, has-nulls flag, element oid, (size, lower bound) per dimension, then
// each element as length (-1 for NULL) and its binary form.
void AppendArrayBinary(std::string& out, const Value& v) {
  std::vector<Value> elements =
      sql::DecodeArray(v.type(), v.string_value()).value_or(std::vector<Value>());
  bool has_nulls = false;
  for (const Value& e : elements) has_nulls = has_nulls || e.is_null();
  Put32(out, elements.empty() ? 0 : 1);
  Put32(out, has_nulls ? 1 : 0);
  Put32(out, v.type().element().oid());
  if (elements.empty()) return;
  Put32(out, static_cast<uint32_t>(elements.size()));
  Put32(out, v.type().is_vector() ? 0 : 1);  // the lower bound: int2vector counts from 0
  for (const Value& e : elements) {
    if (e.is_null()) {
      Put32(out, 0xFFFFFFFFu);
      continue;
    }
    size_t at = out.size();
    Put32(out, 0);
    AppendValue(out, e, 1);
    uint32_t len = static_cast<uint32_t>(out.size() - at - 4);
    std::string be;
    Put32(be, len);
    out.replace(at, 4, be);
  }
}

Result<Value> DecodeArrayBinary(const sql::Type& type, std::string_view b) {
  auto bad = [&](std::string_view why) { return BadBinary(type, why); };
  auto read32 = [&](size_t& at) -> std::optional<uint32_t> {
    if (b.size() < at + 4) return std::nullopt;
    uint32_t v = LoadBE32(reinterpret_cast<const uint8_t*>(b.data() + at));
    at += 4;
    return v;
  };
  size_t at = 0;
  std::optional<uint32_t> ndim = read32(at), flags = read32(at), elem = read32(at);
  if (!ndim || !flags || !elem) return bad("truncated array header");
  if (*ndim > 1) {
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                         "multidimensional arrays are not supported");
  }
  std::vector<Value> elements;
  if (*ndim == 1) {
    std::optional<uint32_t> n = read32(at), lower = read32(at);
    if (!n || !lower) return bad("truncated array header");
    for (uint32_t i = 0; i < *n; ++i) {
      std::optional<uint32_t> len = read32(at);
      if (!len) return bad("truncated array element");
      if (*len == 0xFFFFFFFFu) {
        elements.push_back(Value::Null(type.element()));
        continue;
      }
      if (b.size() - at < *len) return bad("truncated array element");
      ASSIGN_OR_RETURN(Value e, DecodeValue(type.element(), b.substr(at, *len), 1));
      elements.push_back(std::move(e));
      at += *len;
    }
  }
  if (at != b.size()) return bad("trailing bytes after the array");
  return sql::MakeArrayValue(type.element(), elements);
}

}  // namespace

void AppendValue(std::string& out, const Value& v, int16_t format) {
  if (format == 0) {
    sql::AppendValueText(out, v);
    return;
  }
  switch (v.type().id()) {
    case TypeId::kBool:
      out.push_back(v.bool_value() ? 1 : 0);
      return;
    case TypeId::kInt16:
      Put16(out, static_cast<uint16_t>(v.int_value()));
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      Put32(out, static_cast<uint32_t>(v.int_value()));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      Put64(out, static_cast<uint64_t>(v.int_value()));
      return;
    case TypeId::kFloat32:
      Put32(out, std::bit_cast<uint32_t>(static_cast<float>(v.double_value())));
      return;
    case TypeId::kFloat64:
      Put64(out, std::bit_cast<uint64_t>(v.double_value()));
      return;
    case TypeId::kNumeric:
      AppendNumericBinary(out, v.decimal_value());
      return;
    case TypeId::kInterval: {
      const sql::Interval& iv = v.interval_value();
      Put64(out, static_cast<uint64_t>(iv.micros));
      Put32(out, static_cast<uint32_t>(iv.days));
      Put32(out, static_cast<uint32_t>(iv.months));
      return;
    }
    case TypeId::kJsonb:
      out.push_back(1);  // jsonb binary format version
      out.append(v.string_value());
      return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kUnknown:
      out.append(v.string_value());
      return;
    case TypeId::kArray:
      AppendArrayBinary(out, v);
      return;
  }
}

Result<Value> DecodeValue(const sql::Type& type, std::string_view b, int16_t format) {
  if (format == 0) return sql::ParseValue(type, b);
  switch (type.id()) {
    case TypeId::kBool: {
      ASSIGN_OR_RETURN(uint8_t v, Fixed<uint8_t>(type, b));
      return Value::Bool(v != 0);
    }
    case TypeId::kInt16: {
      ASSIGN_OR_RETURN(uint16_t v, Fixed<uint16_t>(type, b));
      return Value::Int16(static_cast<int16_t>(v));
    }
    case TypeId::kInt32: {
      ASSIGN_OR_RETURN(uint32_t v, Fixed<uint32_t>(type, b));
      return Value::Int32(static_cast<int32_t>(v));
    }
    case TypeId::kInt64: {
      ASSIGN_OR_RETURN(uint64_t v, Fixed<uint64_t>(type, b));
      return Value::Int64(static_cast<int64_t>(v));
    }
    case TypeId::kFloat32: {
      ASSIGN_OR_RETURN(uint32_t v, Fixed<uint32_t>(type, b));
      return Value::Float32(std::bit_cast<float>(v));
    }
    case TypeId::kFloat64: {
      ASSIGN_OR_RETURN(uint64_t v, Fixed<uint64_t>(type, b));
      return Value::Float64(std::bit_cast<double>(v));
    }
    case TypeId::kNumeric:
      return DecodeNumericBinary(type, b);
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(uint32_t v, Fixed<uint32_t>(type, b));
      int32_t days = static_cast<int32_t>(v);
      if (sql::IsFiniteDate(days) && !sql::DateInRange(days)) {
        return sql::SqlError(sql::sqlstate::kDatetimeFieldOverflow, "date out of range");
      }
      return Value::Date(days);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      ASSIGN_OR_RETURN(uint64_t v, Fixed<uint64_t>(type, b));
      int64_t micros = static_cast<int64_t>(v);
      if (sql::IsFiniteTimestamp(micros) && !sql::TimestampInRange(micros)) {
        return sql::SqlError(sql::sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
      }
      return type.id() == TypeId::kTimestamp ? Value::Timestamp(micros)
                                             : Value::TimestampTz(micros);
    }
    case TypeId::kInterval: {
      if (b.size() != 16) return BadBinary(type, "expected 16 bytes");
      const auto* p = reinterpret_cast<const uint8_t*>(b.data());
      sql::Interval iv;
      iv.micros = static_cast<int64_t>(LoadBE64(p));
      iv.days = static_cast<int32_t>(LoadBE32(p + 8));
      iv.months = static_cast<int32_t>(LoadBE32(p + 12));
      return Value::IntervalOf(iv);
    }
    case TypeId::kJsonb:
      if (b.empty() || b[0] != 1) return BadBinary(type, "unsupported jsonb version number");
      return sql::ParseValue(type, b.substr(1));
    case TypeId::kBytea:
      return Value::String(type, std::string(b));
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kUnknown:
      // Binary text is the text itself: the same checks as text input (UTF-8, length).
      return sql::ParseValue(type, b);
    case TypeId::kArray:
      return DecodeArrayBinary(type, b);
  }
  return BadBinary(type, "unsupported type");
}

}  // namespace oxbow::pgwire
