#include "sql/expr/cast.h"

#include <cmath>

#include "sql/sql_error.h"
#include "sql/types/array.h"
#include "sql/types/jsonb.h"
#include "sql/types/text_format.h"

namespace oxbow::sql {
namespace {

bool IsIntId(TypeId t) { return t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64; }
bool IsFloatId(TypeId t) { return t == TypeId::kFloat32 || t == TypeId::kFloat64; }
bool IsNumberId(TypeId t) { return IsIntId(t) || IsFloatId(t) || t == TypeId::kNumeric; }
bool IsStringId(TypeId t) {
  return t == TypeId::kText || t == TypeId::kVarchar || t == TypeId::kUnknown;
}
int IntRank(TypeId t) { return t == TypeId::kInt16 ? 0 : (t == TypeId::kInt32 ? 1 : 2); }

Status CannotCast(const Type& from, const Type& to) {
  return SqlError(sqlstate::kCannotCoerce,
                  fmt::format("cannot cast type {} to {}", from.ToString(), to.ToString()));
}

Status IntOutOfRange(TypeId t) {
  if (t == TypeId::kInt16) return SmallintOutOfRange();
  if (t == TypeId::kInt32) return IntegerOutOfRange();
  return BigintOutOfRange();
}

Result<Value> MakeInt(TypeId t, int64_t v) {
  if (t == TypeId::kInt16) {
    if (v < INT16_MIN || v > INT16_MAX) return SmallintOutOfRange();
    return Value::Int16(static_cast<int16_t>(v));
  }
  if (t == TypeId::kInt32) {
    if (v < INT32_MIN || v > INT32_MAX) return IntegerOutOfRange();
    return Value::Int32(static_cast<int32_t>(v));
  }
  return Value::Int64(v);
}

Result<Value> NumberToNumber(const Value& v, const Type& to) {
  TypeId from = v.type().id();
  if (IsIntId(to.id())) {
    if (IsIntId(from)) return MakeInt(to.id(), v.int_value());
    if (IsFloatId(from)) {
      double d = std::rint(v.double_value());  // PostgreSQL rounds half to even here
      if (std::isnan(d) || d < -9.223372036854775808e18 || d >= 9.223372036854775808e18) {
        return IntOutOfRange(to.id());
      }
      return MakeInt(to.id(), static_cast<int64_t>(d));
    }
    Result<int64_t> i = v.decimal_value().ToInt64();
    if (!i.ok()) return IntOutOfRange(to.id());
    return MakeInt(to.id(), *i);
  }
  if (IsFloatId(to.id())) {
    double d = IsIntId(from)     ? static_cast<double>(v.int_value())
               : IsFloatId(from) ? v.double_value()
                                 : v.decimal_value().ToDouble();
    if (to.id() == TypeId::kFloat32) {
      float f = static_cast<float>(d);
      if (std::isinf(f) && !std::isinf(d)) {
        return SqlError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
      }
      if (f == 0 && d != 0) {
        return SqlError(sqlstate::kNumericValueOutOfRange, "value out of range: underflow");
      }
      return Value::Float32(f);
    }
    return Value::Float64(d);
  }
  // to numeric
  Decimal d;
  if (IsIntId(from)) {
    d = Decimal::FromInt(v.int_value());
  } else if (from == TypeId::kFloat32) {
    double x = v.double_value();
    if (std::isnan(x) || std::isinf(x)) return Decimal::FromDouble(x).status();
    ASSIGN_OR_RETURN(d, Decimal::Parse(fmt::format("{:.6g}", x)));  // FLT_DIG digits
  } else if (from == TypeId::kFloat64) {
    ASSIGN_OR_RETURN(d, Decimal::FromDouble(v.double_value()));
  } else {
    d = v.decimal_value();
  }
  if (to.has_typmod()) {
    ASSIGN_OR_RETURN(d, DecimalApplyTypmod(d, to.precision(), to.scale()));
  }
  return Value::Numeric(d, to);
}

Result<Value> ToStringType(const Value& v, const Type& to, CastContext context) {
  std::string s;
  if (v.type().id() == TypeId::kBool) {
    s = v.bool_value() ? "true" : "false";  // bool → text says true/false, not t/f
  } else {
    AppendValueText(s, v);
  }
  if (to.id() == TypeId::kVarchar && to.has_typmod()) {
    if (context == CastContext::kExplicit) {
      s = std::string(TruncateVarchar(s, to));
    } else {
      ASSIGN_OR_RETURN(std::string_view checked, CheckVarcharInput(s, to));
      s = std::string(checked);
    }
  }
  return Value::String(to, std::move(s));
}

Result<Value> FromJsonb(const Value& v, const Type& to) {
  ASSIGN_OR_RETURN(JsonValue j, ParseJson(v.string_value()));
  auto mismatch = [&](std::string_view kind) {
    return SqlError(sqlstate::kInvalidParameterValue,
                    fmt::format("cannot cast jsonb {} to type {}", kind, to.ToString()));
  };
  std::string_view kind = j.kind == JsonValue::Kind::kNull     ? "null"
                          : j.kind == JsonValue::Kind::kBool   ? "boolean"
                          : j.kind == JsonValue::Kind::kString ? "string"
                          : j.kind == JsonValue::Kind::kArray  ? "array"
                          : j.kind == JsonValue::Kind::kObject ? "object"
                                                               : "numeric";
  if (to.id() == TypeId::kBool) {
    if (j.kind != JsonValue::Kind::kBool) return mismatch(kind);
    return Value::Bool(j.boolean);
  }
  if (j.kind != JsonValue::Kind::kNumber) return mismatch(kind);
  ASSIGN_OR_RETURN(Value n, ParseValue(Type::Numeric(), j.text));
  return NumberToNumber(n, to);
}

// Element by element; to anyarray (unknown element) as is.
Result<Value> CastArray(const Value& v, const Type& to, CastContext context) {
  if (to.element().id() == TypeId::kUnknown || to.element() == v.type().element()) return v;
  ASSIGN_OR_RETURN(std::vector<Value> elements, DecodeArray(v.type(), v.string_value()));
  for (Value& e : elements) {
    ASSIGN_OR_RETURN(e, CastValue(e, to.element(), context));
  }
  return MakeArrayValue(to.element(), elements);
}

}  // namespace

bool CanCast(const Type& from_type, const Type& to_type, CastContext context) {
  TypeId from = from_type.id(), to = to_type.id();
  // anyarray (an array parameter) takes arrays only: an untyped literal has no element type.
  if (to == TypeId::kArray && to_type.element().id() == TypeId::kUnknown) {
    return from == TypeId::kArray;
  }
  if (from == TypeId::kArray && to == TypeId::kArray) {
    // Element by element (to anyarray: as is), as PostgreSQL's array_coerce.
    return to_type.element().id() == TypeId::kUnknown ||
           CanCast(from_type.element(), to_type.element(), context);
  }
  if (from == to || from == TypeId::kUnknown) return true;
  // Implicit (pg_cast castcontext 'i').
  if (IsIntId(from) && IsIntId(to) && IntRank(to) > IntRank(from)) return true;
  if (IsIntId(from) && (IsFloatId(to) || to == TypeId::kNumeric)) return true;
  if (from == TypeId::kFloat32 && to == TypeId::kFloat64) return true;
  if (from == TypeId::kNumeric && IsFloatId(to)) return true;
  if (from == TypeId::kDate && (to == TypeId::kTimestamp || to == TypeId::kTimestampTz)) {
    return true;
  }
  if (from == TypeId::kTimestamp && to == TypeId::kTimestampTz) return true;
  if (IsStringId(from) && (to == TypeId::kText || to == TypeId::kVarchar)) return true;
  if (context == CastContext::kImplicit) return false;
  // Assignment ('a').
  if (IsNumberId(from) && IsNumberId(to)) return true;
  if ((from == TypeId::kTimestamp || from == TypeId::kTimestampTz) &&
      (to == TypeId::kDate || to == TypeId::kTimestamp)) {
    return true;
  }
  if (to == TypeId::kText || to == TypeId::kVarchar) return true;
  if (context == CastContext::kAssignment) return false;
  // Explicit ('e' and I/O conversions).
  if (IsStringId(from)) return true;
  if ((from == TypeId::kBool && to == TypeId::kInt32) ||
      (from == TypeId::kInt32 && to == TypeId::kBool)) {
    return true;
  }
  if (from == TypeId::kJsonb && (IsNumberId(to) || to == TypeId::kBool)) return true;
  return false;
}

Result<Value> CastValue(const Value& v, const Type& to, CastContext context) {
  if (v.is_null()) return Value::Null(to);
  const Type& from = v.type();
  if (!CanCast(from, to, context)) return CannotCast(from, to);
  TypeId f = from.id(), t = to.id();
  if (f == TypeId::kArray && t == TypeId::kArray) return CastArray(v, to, context);
  if (f == t && !to.has_typmod() && t != TypeId::kVarchar) return v;
  if (t == TypeId::kText || t == TypeId::kVarchar) {
    if (IsStringId(f) || f == TypeId::kJsonb) {
      std::string s = v.string_value();
      if (t == TypeId::kVarchar && to.has_typmod()) {
        if (context == CastContext::kExplicit) {
          s = std::string(TruncateVarchar(s, to));
        } else {
          ASSIGN_OR_RETURN(std::string_view checked, CheckVarcharInput(s, to));
          s = std::string(checked);
        }
      }
      return Value::String(to, std::move(s));
    }
    return ToStringType(v, to, context);
  }
  if (IsStringId(f)) return ParseValue(to, v.string_value());
  if (IsNumberId(f) && IsNumberId(t)) return NumberToNumber(v, to);
  if (f == TypeId::kBool && t == TypeId::kInt32) return Value::Int32(v.bool_value() ? 1 : 0);
  if (f == TypeId::kInt32 && t == TypeId::kBool) return Value::Bool(v.int_value() != 0);
  if (f == TypeId::kDate && (t == TypeId::kTimestamp || t == TypeId::kTimestampTz)) {
    int32_t d = static_cast<int32_t>(v.int_value());
    int64_t ts = d == kDateInfinity      ? kTimestampInfinity
                 : d == kDateNegInfinity ? kTimestampNegInfinity
                                         : int64_t{d} * kMicrosPerDay;
    if (IsFiniteDate(d) && !TimestampInRange(ts)) {
      return SqlError(sqlstate::kDatetimeFieldOverflow, "date out of range for timestamp");
    }
    return t == TypeId::kTimestamp ? Value::Timestamp(ts) : Value::TimestampTz(ts);
  }
  if ((f == TypeId::kTimestamp || f == TypeId::kTimestampTz) && t == TypeId::kDate) {
    int64_t ts = v.int_value();
    if (ts == kTimestampInfinity) return Value::Date(kDateInfinity);
    if (ts == kTimestampNegInfinity) return Value::Date(kDateNegInfinity);
    int64_t days = ts / kMicrosPerDay - (ts % kMicrosPerDay < 0 ? 1 : 0);
    return Value::Date(static_cast<int32_t>(days));
  }
  if (f == TypeId::kTimestamp && t == TypeId::kTimestampTz) {
    return Value::TimestampTz(v.int_value());  // the session zone is UTC
  }
  if (f == TypeId::kTimestampTz && t == TypeId::kTimestamp) {
    return Value::Timestamp(v.int_value());
  }
  if (f == TypeId::kJsonb) return FromJsonb(v, to);
  return CannotCast(from, to);
}

Status CastColumn(const ColumnVector& in, const Rows& rows, const Type& to, CastContext context,
                  ColumnVector& out) {
  TypeId f = in.type().id(), t = to.id();
  // Widenings that cannot fail run as plain loops.
  if (IsIntId(f) && (t == TypeId::kInt64 || t == TypeId::kFloat64)) {
    auto widen = [&](auto src) {
      ForEachRow(rows, [&](uint32_t r) {
        if (in.IsNull(r)) return;
        if (t == TypeId::kInt64) {
          out.Set<int64_t>(r, static_cast<int64_t>(src[r]));
        } else {
          out.Set<double>(r, static_cast<double>(src[r]));
        }
      });
    };
    if (f == TypeId::kInt16) widen(in.data<int16_t>());
    if (f == TypeId::kInt32) widen(in.data<int32_t>());
    if (f == TypeId::kInt64) widen(in.data<int64_t>());
    return Status();
  }
  if (IsIntId(f) && t == TypeId::kNumeric && !to.has_typmod()) {
    ForEachRow(rows, [&](uint32_t r) {
      if (in.IsNull(r)) return;
      int64_t v = f == TypeId::kInt16   ? in.Get<int16_t>(r)
                  : f == TypeId::kInt32 ? in.Get<int32_t>(r)
                                        : in.Get<int64_t>(r);
      out.Set<Decimal>(r, Decimal::FromInt(v));
    });
    return Status();
  }
  if (f == TypeId::kFloat32 && t == TypeId::kFloat64) {
    ForEachRow(rows, [&](uint32_t r) {
      if (!in.IsNull(r)) out.Set<double>(r, in.Get<float>(r));
    });
    return Status();
  }
  ColumnVector tmp(to);
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    if (in.IsNull(r)) continue;
    ASSIGN_OR_RETURN(Value v, CastValue(in.GetValue(r), to, context));
    tmp.AppendValue(v);
    out.CopyRow(tmp, tmp.size() - 1, r);
  }
  return Status();
}

Result<Type> CommonType(const Type& a, const Type& b, std::string_view context) {
  if (a.id() == TypeId::kUnknown) return b;
  if (b.id() == TypeId::kUnknown) return a;
  if (a.is_array() && b.is_array() && a != b) {
    Result<Type> element = CommonType(a.element(), b.element(), context);
    if (!element.ok()) {
      return SqlError(
          sqlstate::kDatatypeMismatch,
          fmt::format("{} types {} and {} cannot be matched", context, a.ToString(), b.ToString()));
    }
    return Type::ArrayOf(*element);
  }
  if (a.id() == b.id()) return a.typmod() == b.typmod() ? a : a.WithoutTypmod();
  if (a.category() != b.category()) {
    return SqlError(sqlstate::kDatatypeMismatch, fmt::format("{} types {} and {} cannot be matched",
                                                             context, a.ToString(), b.ToString()));
  }
  bool a_to_b = CanCast(a, b, CastContext::kImplicit);
  bool b_to_a = CanCast(b, a, CastContext::kImplicit);
  if (a_to_b && (!b_to_a || b.is_preferred())) return b.WithoutTypmod();
  if (b_to_a) return a.WithoutTypmod();
  return SqlError(sqlstate::kDatatypeMismatch, fmt::format("{} types {} and {} cannot be matched",
                                                           context, a.ToString(), b.ToString()));
}

}  // namespace oxbow::sql
