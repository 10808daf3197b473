#include "stream/sql_avro_value.h"

#include <limits>

#include "fmt/format.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"

namespace oxbow::stream {

namespace {

using format::AvroValue;
using registry::AvroLogicalType;
using registry::AvroNode;
using registry::AvroType;
using sql::Decimal;
using sql::TypeId;
using sql::Value;
namespace sqlstate = sql::sqlstate;

std::string AvroKind(const AvroNode& node) {
  std::string_view logical = registry::AvroLogicalTypeName(node.logical.type);
  if (node.type == AvroType::kUnion) {
    std::string out = "union [";
    for (size_t i = 0; i < node.branches.size(); ++i) {
      out += fmt::format("{}{}", i ? ", " : "", AvroKind(*node.branches[i]));
    }
    return out + "]";
  }
  std::string base(registry::AvroTypeName(node.type));
  if (!node.full_name.empty()) base += " " + node.full_name;
  if (logical.empty()) return base;
  return fmt::format("{} ({})", base, logical);
}

Status Mismatch(const Value& v, const AvroNode& node, std::string_view column) {
  return sql::SqlError(sqlstate::kDatatypeMismatch,
                       fmt::format("column \"{}\" of type {} cannot be written as Avro {}", column,
                                   v.type().ToString(), AvroKind(node)));
}

Status OutOfRange(const Value& v, const AvroNode& node, std::string_view column) {
  return sql::SqlError(sqlstate::kNumericValueOutOfRange,
                       fmt::format("column \"{}\": {} is out of range for Avro {}", column,
                                   v.ToString(), AvroKind(node)));
}

Status InColumn(const Status& s, std::string_view column) {
  sql::SqlErrorInfo info = sql::SqlErrorOf(s);
  info.message = fmt::format("column \"{}\": {}", column, info.message);
  return sql::SqlError(info);
}

bool IsInteger(TypeId id) {
  return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}
bool IsStringLike(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kUnknown;
}

// The value as a whole number, for int and long: integers as they are, numeric rounded,
// text through bigint's input.
Result<int64_t> WholeNumber(const Value& v, const AvroNode& node, std::string_view column) {
  TypeId id = v.type().id();
  if (IsInteger(id)) return v.int_value();
  if (id == TypeId::kNumeric) {
    Result<int64_t> i = v.decimal_value().ToInt64();
    if (!i.ok()) return OutOfRange(v, node, column);
    return *i;
  }
  if (IsStringLike(id)) {
    Result<Value> parsed = sql::ParseValue(sql::Type::Int64(), v.string_value());
    if (!parsed.ok()) return InColumn(parsed.status(), column);
    return parsed->int_value();
  }
  return Mismatch(v, node, column);
}

// Microseconds since 1970-01-01 UTC of a timestamp, timestamptz or date.
Result<int64_t> UnixMicros(const Value& v, const AvroNode& node, std::string_view column) {
  int64_t micros = 0;
  switch (v.type().id()) {
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      micros = v.int_value();
      if (!sql::IsFiniteTimestamp(micros)) break;
      return micros + sql::kUnixEpochOffsetMicros;  // finite timestamps are far from overflow
    case TypeId::kDate:
      if (!sql::IsFiniteDate(static_cast<int32_t>(v.int_value()))) break;
      return (v.int_value() + sql::kUnixEpochOffsetDays) * sql::kMicrosPerDay;
    default:
      return Mismatch(v, node, column);
  }
  return sql::SqlError(sqlstate::kDatetimeFieldOverflow,
                       fmt::format("column \"{}\": {} has no Avro {} representation", column,
                                   v.ToString(), AvroKind(node)));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Result<AvroValue> ToLong(const Value& v, const AvroNode& node, std::string_view column) {
  AvroValue out;
  switch (node.logical.type) {
    case AvroLogicalType::kTimestampMicros:
    case AvroLogicalType::kLocalTimestampMicros: {
      ASSIGN_OR_RETURN(int64_t micros, UnixMicros(v, node, column));
      out.SetLong(micros);
      break;
    }
    case AvroLogicalType::kTimestampMillis:
    case AvroLogicalType::kLocalTimestampMillis: {
      ASSIGN_OR_RETURN(int64_t micros, UnixMicros(v, node, column));
      out.SetLong(FloorDiv(micros, 1000));
      break;
    }
    default: {
      TypeId id = v.type().id();
      if (id == TypeId::kTimestamp || id == TypeId::kTimestampTz) {
        ASSIGN_OR_RETURN(int64_t micros, UnixMicros(v, node, column));
        out.SetLong(FloorDiv(micros, 1000));
        return out;
      }
      ASSIGN_OR_RETURN(int64_t i, WholeNumber(v, node, column));
      out.SetLong(i);
      return out;
    }
  }
  out.SetLogical(node.logical.type);
  return out;
}

Result<AvroValue> ToInt(const Value& v, const AvroNode& node, std::string_view column) {
  AvroValue out;
  if (node.logical.type == AvroLogicalType::kDate) {
    if (v.type().id() != TypeId::kDate) return Mismatch(v, node, column);
    int32_t days = static_cast<int32_t>(v.int_value());
    if (!sql::IsFiniteDate(days)) {
      return sql::SqlError(
          sqlstate::kDatetimeFieldOverflow,
          fmt::format("column \"{}\": {} has no Avro date representation", column, v.ToString()));
    }
    out.SetInt(static_cast<int32_t>(days + sql::kUnixEpochOffsetDays));
    out.SetLogical(AvroLogicalType::kDate);
    return out;
  }
  if (node.logical.type != AvroLogicalType::kNone) return Mismatch(v, node, column);
  ASSIGN_OR_RETURN(int64_t i, WholeNumber(v, node, column));
  if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) {
    return OutOfRange(v, node, column);
  }
  out.SetInt(static_cast<int32_t>(i));
  return out;
}

Result<AvroValue> ToFloating(const Value& v, const AvroNode& node, std::string_view column) {
  TypeId id = v.type().id();
  double d;
  if (id == TypeId::kFloat32 || id == TypeId::kFloat64) {
    d = v.double_value();
  } else if (IsInteger(id)) {
    d = static_cast<double>(v.int_value());
  } else if (id == TypeId::kNumeric) {
    d = v.decimal_value().ToDouble();
  } else {
    return Mismatch(v, node, column);
  }
  AvroValue out;
  if (node.type == AvroType::kFloat) {
    out.SetFloat(static_cast<float>(d));
  } else {
    out.SetDouble(d);
  }
  return out;
}

// Big-endian two's complement of `unscaled` in `size` bytes (0: as few as hold it).
std::string TwosComplement(sql::int128 unscaled, size_t size) {
  std::string be;
  for (int i = 0; i < 16; ++i) be.insert(be.begin(), static_cast<char>(unscaled >> (8 * i)));
  // Drop leading bytes that only repeat the sign.
  size_t skip = 0;
  while (skip + 1 < be.size()) {
    auto b0 = static_cast<uint8_t>(be[skip]);
    auto b1 = static_cast<uint8_t>(be[skip + 1]);
    if (!((b0 == 0x00 && b1 < 0x80) || (b0 == 0xff && b1 >= 0x80))) break;
    ++skip;
  }
  be.erase(0, skip);
  if (size > be.size()) be.insert(0, size - be.size(), unscaled < 0 ? '\xff' : '\0');
  return be;
}

Result<AvroValue> ToDecimal(const Value& v, const AvroNode& node, std::string_view column) {
  TypeId id = v.type().id();
  Decimal d;
  if (id == TypeId::kNumeric) {
    d = v.decimal_value();
  } else if (IsInteger(id)) {
    d = Decimal::FromInt(v.int_value());
  } else {
    return Mismatch(v, node, column);
  }
  Result<Decimal> fitted = sql::DecimalApplyTypmod(d, node.logical.precision, node.logical.scale);
  if (!fitted.ok()) return InColumn(fitted.status(), column);
  std::string bytes = TwosComplement(fitted->value, 0);
  if (node.type == AvroType::kFixed) {
    if (bytes.size() > static_cast<size_t>(node.size)) return OutOfRange(v, node, column);
    bytes = TwosComplement(fitted->value, static_cast<size_t>(node.size));
  }
  AvroValue out;
  out.SetBytesOf(node.type, bytes);
  out.SetLogical(AvroLogicalType::kDecimal, node.logical.scale);
  return out;
}

Result<AvroValue> ToDuration(const Value& v, const AvroNode& node, std::string_view column) {
  if (v.type().id() != TypeId::kInterval) return Mismatch(v, node, column);
  const sql::Interval& iv = v.interval_value();
  constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
  if (iv.months < 0 || iv.days < 0 || iv.micros < 0 || iv.micros % 1000 != 0 ||
      iv.micros / 1000 > kMax) {
    return sql::SqlError(
        sqlstate::kDatetimeFieldOverflow,
        fmt::format("column \"{}\": interval '{}' has no Avro duration representation (unsigned "
                    "months, days and whole milliseconds)",
                    column, v.ToString()));
  }
  std::string bytes;
  for (uint32_t part : {static_cast<uint32_t>(iv.months), static_cast<uint32_t>(iv.days),
                        static_cast<uint32_t>(iv.micros / 1000)}) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(part >> (8 * i)));
  }
  AvroValue out;
  out.SetBytesOf(AvroType::kFixed, bytes);
  out.SetLogical(AvroLogicalType::kDuration);
  return out;
}

Result<AvroValue> ToBytes(const Value& v, const AvroNode& node, std::string_view column) {
  TypeId id = v.type().id();
  if (id != TypeId::kBytea && !IsStringLike(id)) return Mismatch(v, node, column);
  const std::string& bytes = v.string_value();
  if (node.type == AvroType::kFixed && bytes.size() != static_cast<size_t>(node.size)) {
    return sql::SqlError(sqlstate::kStringDataRightTruncation,
                         fmt::format("column \"{}\": {} bytes do not fit Avro {} of {} bytes",
                                     column, bytes.size(), AvroKind(node), node.size));
  }
  AvroValue out;
  out.SetBytesOf(node.type, bytes);
  return out;
}

Result<AvroValue> ToEnum(const Value& v, const AvroNode& node, std::string_view column) {
  if (!IsStringLike(v.type().id())) return Mismatch(v, node, column);
  const std::string& text = v.string_value();
  for (size_t i = 0; i < node.symbols.size(); ++i) {
    if (node.symbols[i] == text) return AvroValue::Enum(static_cast<int32_t>(i), text);
  }
  return sql::SqlError(sqlstate::kInvalidTextRepresentation,
                       fmt::format("column \"{}\": \"{}\" is not a symbol of Avro enum {}", column,
                                   text, node.full_name));
}

Result<AvroValue> ToUnion(const Value& v, const AvroNode& node, std::string_view column) {
  std::optional<Status> first_error;
  for (size_t b = 0; b < node.branches.size(); ++b) {
    const AvroNode& branch = *node.branches[b];
    if (v.is_null() != (branch.type == AvroType::kNull)) continue;
    Result<AvroValue> value = SqlToAvroValue(v, branch, column);
    if (value.ok()) return AvroValue::Union(static_cast<int32_t>(b), std::move(*value));
    // A branch that takes the type but not this value explains more than a type mismatch.
    if (!first_error || (sql::SqlStateOf(*first_error) == sqlstate::kDatatypeMismatch &&
                         sql::SqlStateOf(value.status()) != sqlstate::kDatatypeMismatch)) {
      first_error = value.status();
    }
  }
  if (v.is_null()) return SqlToAvroValue(v, *node.branches.front(), column);  // 23502
  if (first_error && sql::SqlStateOf(*first_error) != sqlstate::kDatatypeMismatch) {
    return *first_error;
  }
  return Mismatch(v, node, column);
}

}  // namespace

Result<AvroValue> SqlToAvroValue(const Value& v, const AvroNode& node, std::string_view column) {
  if (node.type == AvroType::kUnion && !node.branches.empty()) return ToUnion(v, node, column);
  if (v.is_null()) {
    if (node.type == AvroType::kNull) return AvroValue::Null();
    return sql::SqlError("23502",
                         fmt::format("null value in column \"{}\" violates its Avro schema: {} "
                                     "is not nullable",
                                     column, AvroKind(node)));
  }
  TypeId id = v.type().id();
  switch (node.type) {
    case AvroType::kBoolean:
      if (id != TypeId::kBool) return Mismatch(v, node, column);
      return AvroValue::Boolean(v.bool_value());
    case AvroType::kInt:
      return ToInt(v, node, column);
    case AvroType::kLong:
      return ToLong(v, node, column);
    case AvroType::kFloat:
    case AvroType::kDouble:
      return ToFloating(v, node, column);
    case AvroType::kString: {
      if (IsStringLike(id) || id == TypeId::kJsonb) return AvroValue::String(v.string_value());
      std::string text;
      sql::AppendValueText(text, v);
      return AvroValue::String(text);
    }
    case AvroType::kBytes:
    case AvroType::kFixed:
      if (node.logical.type == AvroLogicalType::kDecimal) return ToDecimal(v, node, column);
      if (node.logical.type == AvroLogicalType::kDuration) return ToDuration(v, node, column);
      return ToBytes(v, node, column);
    case AvroType::kEnum:
      return ToEnum(v, node, column);
    default:
      return Mismatch(v, node, column);
  }
}

}  // namespace oxbow::stream
