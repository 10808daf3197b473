#include "stream/avro_sql_value.h"

#include <cmath>
#include <limits>

#include "fmt/format.h"
#include "sql/types/datetime.h"
#include "sql/types/jsonb.h"

namespace oxbow::stream {

namespace {

using format::AvroValue;
using registry::AvroLogicalType;
using registry::AvroNode;
using registry::AvroType;
using sql::Decimal;
using sql::TypeId;
using sql::Value;

std::string AvroKind(const AvroValue& v) {
  std::string_view logical = registry::AvroLogicalTypeName(v.logical_type());
  if (logical.empty()) return std::string(registry::AvroTypeName(v.type()));
  return fmt::format("{} ({})", registry::AvroTypeName(v.type()), logical);
}

Status Mismatch(const SourceColumn& c, const AvroValue& v) {
  return absl::InvalidArgumentError(fmt::format("column \"{}\": expected {}, got Avro {}", c.name,
                                                c.type.ToString(), AvroKind(v)));
}

Status ColumnError(const SourceColumn& c, const Status& s) {
  return absl::InvalidArgumentError(fmt::format("column \"{}\": {}", c.name, s.message()));
}

// The column's text input, errors naming the column.
Result<Value> FromText(const SourceColumn& c, std::string_view text) {
  if (c.type.id() == TypeId::kText) return Value::Text(std::string(text));
  Result<Value> v = sql::ParseValue(c.type, text);
  if (!v.ok()) return ColumnError(c, v.status());
  return v;
}

Result<Value> FromDecimal(const SourceColumn& c, Decimal d) {
  if (c.type.has_typmod()) {
    Result<Decimal> fitted = sql::DecimalApplyTypmod(d, c.type.precision(), c.type.scale());
    if (!fitted.ok()) return ColumnError(c, fitted.status());
    d = *fitted;
  }
  return Value::Numeric(d, c.type);
}

Result<Value> FromInteger(const SourceColumn& c, const AvroValue& v, int64_t i) {
  auto in = [&](int64_t lo, int64_t hi) { return i >= lo && i <= hi; };
  switch (c.type.id()) {
    case TypeId::kInt16:
      if (!in(INT16_MIN, INT16_MAX)) break;
      return Value::Int16(static_cast<int16_t>(i));
    case TypeId::kInt32:
      if (!in(INT32_MIN, INT32_MAX)) break;
      return Value::Int32(static_cast<int32_t>(i));
    case TypeId::kInt64:
      return Value::Int64(i);
    case TypeId::kFloat32:
      return Value::Float32(static_cast<float>(i));
    case TypeId::kFloat64:
      return Value::Float64(static_cast<double>(i));
    case TypeId::kNumeric:
      return FromDecimal(c, Decimal::FromInt(i));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      // Epoch milliseconds, as the json format reads integers.
      int64_t micros;
      if (__builtin_mul_overflow(i, int64_t{1000}, &micros) ||
          __builtin_sub_overflow(micros, sql::kUnixEpochOffsetMicros, &micros)) {
        break;
      }
      return c.type.id() == TypeId::kTimestamp ? Value::Timestamp(micros)
                                               : Value::TimestampTz(micros);
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJsonb:
      return FromText(c, fmt::format("{}", i));
    default:
      return Mismatch(c, v);
  }
  return absl::InvalidArgumentError(
      fmt::format("column \"{}\": {} is out of range for {}", c.name, i, c.type.ToString()));
}

Result<Value> FromDays(const SourceColumn& c, const AvroValue& v, int64_t unix_days) {
  int64_t days = unix_days - sql::kUnixEpochOffsetDays;
  if (!sql::DateInRange(days)) {
    return absl::InvalidArgumentError(fmt::format("column \"{}\": date out of range", c.name));
  }
  switch (c.type.id()) {
    case TypeId::kDate:
      return Value::Date(static_cast<int32_t>(days));
    case TypeId::kTimestamp:
      return Value::Timestamp(days * sql::kMicrosPerDay);
    case TypeId::kTimestampTz:
      return Value::TimestampTz(days * sql::kMicrosPerDay);
    case TypeId::kText:
    case TypeId::kVarchar:
      return FromText(c, sql::FormatDate(static_cast<int32_t>(days)));
    default:
      return Mismatch(c, v);
  }
}

Result<Value> FromInstant(const SourceColumn& c, const AvroValue& v, int64_t unix_micros,
                          bool local) {
  int64_t micros;
  if (__builtin_sub_overflow(unix_micros, sql::kUnixEpochOffsetMicros, &micros) ||
      !sql::TimestampInRange(micros)) {
    return absl::InvalidArgumentError(fmt::format("column \"{}\": timestamp out of range", c.name));
  }
  switch (c.type.id()) {
    case TypeId::kTimestamp:
      return Value::Timestamp(micros);
    case TypeId::kTimestampTz:
      return Value::TimestampTz(micros);
    case TypeId::kText:
    case TypeId::kVarchar:
      return FromText(c, sql::FormatTimestamp(micros, /*with_time_zone=*/!local));
    default:
      return Mismatch(c, v);
  }
}

Result<Value> FromLong(const SourceColumn& c, const AvroValue& v, int64_t i) {
  switch (v.logical_type()) {
    case AvroLogicalType::kDate:
      return FromDays(c, v, i);
    case AvroLogicalType::kTimestampMillis:
    case AvroLogicalType::kLocalTimestampMillis: {
      int64_t micros;
      if (__builtin_mul_overflow(i, int64_t{1000}, &micros)) {
        return absl::InvalidArgumentError(
            fmt::format("column \"{}\": timestamp out of range", c.name));
      }
      return FromInstant(c, v, micros, v.logical_type() == AvroLogicalType::kLocalTimestampMillis);
    }
    case AvroLogicalType::kTimestampMicros:
    case AvroLogicalType::kLocalTimestampMicros:
      return FromInstant(c, v, i, v.logical_type() == AvroLogicalType::kLocalTimestampMicros);
    default:
      return FromInteger(c, v, i);
  }
}

std::string DoubleText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);
}

Result<Value> FromDouble(const SourceColumn& c, const AvroValue& v, double d) {
  switch (c.type.id()) {
    case TypeId::kFloat32:
      return Value::Float32(static_cast<float>(d));
    case TypeId::kFloat64:
      return Value::Float64(d);
    case TypeId::kNumeric: {
      Result<Decimal> dec = Decimal::FromDouble(d);
      if (!dec.ok()) return ColumnError(c, dec.status());
      return FromDecimal(c, *dec);
    }
    case TypeId::kText:
    case TypeId::kVarchar:
      return FromText(c, DoubleText(d));
    case TypeId::kJsonb:
      if (!std::isfinite(d)) return FromText(c, fmt::format("\"{}\"", DoubleText(d)));
      return FromText(c, DoubleText(d));
    default:
      return Mismatch(c, v);
  }
}

// A decimal's unscaled value: big-endian two's complement of any length, as long as it fits
// 38 digits.
Result<Decimal> AvroDecimal(std::string_view bytes, int32_t scale) {
  if (bytes.empty()) return absl::InvalidArgumentError("decimal without bytes");
  if (scale > Decimal::kMaxScale) {
    return absl::InvalidArgumentError(
        fmt::format("decimal scale {} exceeds {}", scale, Decimal::kMaxScale));
  }
  const bool negative = (static_cast<uint8_t>(bytes[0]) & 0x80) != 0;
  const uint8_t sign_byte = negative ? 0xff : 0x00;
  size_t start = 0;
  // Bytes beyond 16 must be sign extension, and the 16 left must keep the sign.
  while (bytes.size() - start > 16) {
    if (static_cast<uint8_t>(bytes[start]) != sign_byte) {
      return absl::InvalidArgumentError("decimal out of range (more than 38 digits)");
    }
    ++start;
  }
  if (((static_cast<uint8_t>(bytes[start]) & 0x80) != 0) != negative) {
    return absl::InvalidArgumentError("decimal out of range (more than 38 digits)");
  }
  unsigned __int128 u = negative ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = start; i < bytes.size(); ++i) u = (u << 8) | static_cast<uint8_t>(bytes[i]);
  sql::int128 value = static_cast<sql::int128>(u);
  const sql::int128 limit = sql::Pow10(Decimal::kMaxDigits);
  if (value >= limit || value <= -limit) {
    return absl::InvalidArgumentError("decimal out of range (more than 38 digits)");
  }
  return Decimal{value, scale};
}

Result<Value> FromAvroDecimal(const SourceColumn& c, const AvroValue& v) {
  Result<Decimal> d = AvroDecimal(v.bytes(), v.decimal_scale());
  if (!d.ok()) return ColumnError(c, d.status());
  switch (c.type.id()) {
    case TypeId::kNumeric:
      return FromDecimal(c, *d);
    case TypeId::kFloat32:
      return Value::Float32(static_cast<float>(d->ToDouble()));
    case TypeId::kFloat64:
      return Value::Float64(d->ToDouble());
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJsonb:
      return FromText(c, d->ToString());
    default:
      return Mismatch(c, v);
  }
}

void AppendJsonString(std::string_view s, bool latin1, std::string& out) {
  out.push_back('"');
  for (char ch : s) {
    uint8_t b = static_cast<uint8_t>(ch);
    if (b == '"' || b == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (b < 0x20) {
      out += fmt::format("\\u{:04x}", b);
    } else if (latin1 && b >= 0x80) {
      out.push_back(static_cast<char>(0xc0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3f)));
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

Result<Value> FromNested(const SourceColumn& c, const AvroValue& v, const AvroNode& node) {
  if (c.type.id() != TypeId::kJsonb && !c.type.is_string_like()) return Mismatch(c, v);
  std::string json;
  RETURN_IF_ERROR(AppendAvroAsJson(v, node, json));
  return FromText(c, json);
}

}  // namespace

Status AppendAvroAsJson(const AvroValue& v, const AvroNode& node, std::string& out) {
  switch (v.type()) {
    case AvroType::kNull:
      out += "null";
      return Status();
    case AvroType::kBoolean:
      out += v.boolean_value() ? "true" : "false";
      return Status();
    case AvroType::kInt:
      out += fmt::format("{}", v.int_value());
      return Status();
    case AvroType::kLong:
      out += fmt::format("{}", v.long_value());
      return Status();
    case AvroType::kFloat:
    case AvroType::kDouble: {
      double d = v.type() == AvroType::kFloat ? v.float_value() : v.double_value();
      if (std::isfinite(d)) {
        out += DoubleText(d);
      } else {
        AppendJsonString(DoubleText(d), false, out);
      }
      return Status();
    }
    case AvroType::kBytes:
    case AvroType::kFixed:
      if (v.logical_type() == AvroLogicalType::kDecimal) {
        ASSIGN_OR_RETURN(Decimal d, AvroDecimal(v.bytes(), v.decimal_scale()));
        d.AppendTo(out);
        return Status();
      }
      AppendJsonString(v.bytes(), /*latin1=*/true, out);
      return Status();
    case AvroType::kString:
      AppendJsonString(v.bytes(), /*latin1=*/false, out);
      return Status();
    case AvroType::kEnum:
      AppendJsonString(v.enum_symbol(), false, out);
      return Status();
    case AvroType::kRecord: {
      out.push_back('{');
      auto fields = v.fields();
      for (size_t i = 0; i < fields.size() && i < node.fields.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(node.fields[i].name, false, out);
        out.push_back(':');
        RETURN_IF_ERROR(AppendAvroAsJson(fields[i], *node.fields[i].type, out));
      }
      out.push_back('}');
      return Status();
    }
    case AvroType::kArray: {
      out.push_back('[');
      auto items = v.items();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        RETURN_IF_ERROR(AppendAvroAsJson(items[i], *node.items, out));
      }
      out.push_back(']');
      return Status();
    }
    case AvroType::kMap: {
      out.push_back('{');
      auto keys = v.keys();
      auto items = v.items();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(keys[i], false, out);
        out.push_back(':');
        RETURN_IF_ERROR(AppendAvroAsJson(items[i], *node.values, out));
      }
      out.push_back('}');
      return Status();
    }
    case AvroType::kUnion:
      return AppendAvroAsJson(v.branch_value(), *node.branches[v.branch()], out);
  }
  return absl::InternalError("unknown Avro value kind");
}

Result<Value> AvroToSqlValue(const AvroValue& v, const AvroNode& node, const SourceColumn& c) {
  switch (v.type()) {
    case AvroType::kNull:
      return Value::Null(c.type);
    case AvroType::kUnion:
      return AvroToSqlValue(v.branch_value(), *node.branches[v.branch()], c);
    case AvroType::kBoolean:
      if (c.type.id() == TypeId::kBool) return Value::Bool(v.boolean_value());
      if (c.type.is_string_like() || c.type.id() == TypeId::kJsonb) {
        return FromText(c, v.boolean_value() ? "true" : "false");
      }
      return Mismatch(c, v);
    case AvroType::kInt:
      return FromLong(c, v, v.int_value());
    case AvroType::kLong:
      return FromLong(c, v, v.long_value());
    case AvroType::kFloat:
      return FromDouble(c, v, v.float_value());
    case AvroType::kDouble:
      return FromDouble(c, v, v.double_value());
    case AvroType::kString:
      if (c.type.id() == TypeId::kJsonb) {
        std::string json;
        AppendJsonString(v.bytes(), false, json);
        return FromText(c, json);
      }
      return FromText(c, v.bytes());
    case AvroType::kBytes:
    case AvroType::kFixed:
      if (v.logical_type() == AvroLogicalType::kDecimal) return FromAvroDecimal(c, v);
      if (c.type.id() == TypeId::kBytea) return Value::String(c.type, std::string(v.bytes()));
      return Mismatch(c, v);
    case AvroType::kEnum:
      if (c.type.is_string_like()) return FromText(c, v.enum_symbol());
      if (c.type.id() == TypeId::kJsonb) {
        std::string json;
        AppendJsonString(v.enum_symbol(), false, json);
        return FromText(c, json);
      }
      return Mismatch(c, v);
    case AvroType::kRecord:
    case AvroType::kArray:
    case AvroType::kMap:
      return FromNested(c, v, node);
  }
  return Mismatch(c, v);
}

}  // namespace oxbow::stream
