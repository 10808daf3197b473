// Value: one SQL value of some Type, or NULL. For constants in expression trees, aggregate
// results, tests and row-at-a-time paths; bulk data lives in ColumnVector.
//
// Thread safety: a plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "sql/types/datetime.h"
#include "sql/types/decimal.h"
#include "sql/types/type.h"

namespace oxbow::sql {

class Value {
 public:
  // NULL of type unknown.
  Value() = default;
  static Value Null(Type type) { return Value(type, std::monostate{}); }
  static Value Bool(bool v) { return Value(Type::Bool(), v); }
  static Value Int16(int16_t v) { return Value(Type::Int16(), int64_t{v}); }
  static Value Int32(int32_t v) { return Value(Type::Int32(), int64_t{v}); }
  static Value Int64(int64_t v) { return Value(Type::Int64(), v); }
  static Value Float32(float v) { return Value(Type::Float32(), double{v}); }
  static Value Float64(double v) { return Value(Type::Float64(), v); }
  static Value Numeric(Decimal v, Type type = Type::Numeric()) { return Value(type, v); }
  static Value Text(std::string v) { return Value(Type::Text(), std::move(v)); }
  static Value String(Type type, std::string v) { return Value(type, std::move(v)); }
  static Value Date(int32_t days) { return Value(Type::Date(), int64_t{days}); }
  static Value Timestamp(int64_t micros) { return Value(Type::Timestamp(), micros); }
  static Value TimestampTz(int64_t micros) { return Value(Type::TimestampTz(), micros); }
  static Value IntervalOf(Interval v) { return Value(Type::Interval(), v); }

  const Type& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  // Accessors; the caller knows the type (checked by assertion in debug builds).
  bool bool_value() const { return std::get<bool>(data_); }
  // int2/int4/int8 values, date days and timestamp microseconds.
  int64_t int_value() const { return std::get<int64_t>(data_); }
  // float4/float8.
  double double_value() const { return std::get<double>(data_); }
  const Decimal& decimal_value() const { return std::get<Decimal>(data_); }
  const Interval& interval_value() const { return std::get<Interval>(data_); }
  // text/varchar/bytea (raw bytes)/jsonb (canonical text)/unknown.
  const std::string& string_value() const { return std::get<std::string>(data_); }

  // PostgreSQL's text output ("t", "12.50", "2024-01-02 03:04:05+00"); NULL prints "NULL".
  std::string ToString() const;
  bool operator==(const Value& other) const;

 private:
  using Data = std::variant<std::monostate, bool, int64_t, double, Decimal, Interval, std::string>;
  Value(Type type, Data data) : type_(type), data_(std::move(data)) {}

  Type type_;
  Data data_;
};

// SQL ordering of two non-NULL values of the same type: -1, 0, 1 (1.5 = 1.50, NaN above all
// floats, interval '1 month' = '30 days', text bytewise). For grouping, DISTINCT and min/max.
int CompareValues(const Value& a, const Value& b);
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return CompareValues(a, b) < 0; }
};

// PostgreSQL's text input for `type`, including its modifier: numeric(p,s) rounds and checks,
// varchar(n) checks the length, jsonb canonicalizes. Errors as text_format.h.
Result<Value> ParseValue(const Type& type, std::string_view text);
// Text output of a non-NULL value (NULL gives "NULL").
void AppendValueText(std::string& out, const Value& v);

}  // namespace oxbow::sql
