// The SQL type descriptor: which type a column or expression has, with its modifier
// (numeric precision/scale, varchar length), PostgreSQL's name and OID for it, and how values
// of it are laid out in a ColumnVector.
//
// Types are small values; copy them freely. Thread safety: immutable values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::sql {

enum class TypeId : uint8_t {
  kUnknown,  // an untyped literal ('abc' or NULL) before the binder resolves it; text-like
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,
  kText,
  kVarchar,
  kBytea,
  kDate,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kJsonb,
  // A one-dimensional array of element(): any other id but kArray (kUnknown only as the
  // "anyarray" parameter type of array functions). Stored as its PostgreSQL text form.
  kArray,
};

// PostgreSQL's type categories (pg_type.typcategory), used by overload resolution.
enum class TypeCategory : char {
  kBoolean = 'B',
  kNumeric = 'N',
  kString = 'S',
  kDateTime = 'D',
  kTimespan = 'T',
  kUser = 'U',  // bytea, jsonb
  kArray = 'A',
  kUnknown = 'X',
};

// How a type's values are stored in a column (see chunk/column_vector.h).
enum class PhysicalType : uint8_t {
  kBool,      // uint8_t 0/1
  kInt16,     // int16_t
  kInt32,     // int32_t (also date: days since 2000-01-01)
  kInt64,     // int64_t (also timestamp/timestamptz: µs since 2000-01-01 UTC)
  kFloat32,   // float
  kFloat64,   // double
  kDecimal,   // Decimal (128-bit unscaled value + scale per value)
  kInterval,  // Interval {months, days, micros}
  kString,    // std::string_view into the column's arena (text, varchar, bytea, jsonb, unknown,
              // arrays: their canonical text form, types/array.h)
};

class Type {
 public:
  // Maximum numeric precision (decimal digits) Oxbow represents exactly.
  static constexpr int kMaxNumericPrecision = 38;
  // Typmod value meaning "no modifier" (numeric without (p,s), varchar without (n)).
  static constexpr int32_t kNoTypmod = -1;

  constexpr Type() = default;
  constexpr explicit Type(TypeId id) : id_(id) {}

  static constexpr Type Unknown() { return Type(TypeId::kUnknown); }
  static constexpr Type Bool() { return Type(TypeId::kBool); }
  static constexpr Type Int16() { return Type(TypeId::kInt16); }
  static constexpr Type Int32() { return Type(TypeId::kInt32); }
  static constexpr Type Int64() { return Type(TypeId::kInt64); }
  static constexpr Type Float32() { return Type(TypeId::kFloat32); }
  static constexpr Type Float64() { return Type(TypeId::kFloat64); }
  static constexpr Type Numeric() { return Type(TypeId::kNumeric); }
  static constexpr Type Text() { return Type(TypeId::kText); }
  static constexpr Type Varchar() { return Type(TypeId::kVarchar); }
  static constexpr Type Bytea() { return Type(TypeId::kBytea); }
  static constexpr Type Date() { return Type(TypeId::kDate); }
  static constexpr Type Timestamp() { return Type(TypeId::kTimestamp); }
  static constexpr Type TimestampTz() { return Type(TypeId::kTimestampTz); }
  static constexpr Type Interval() { return Type(TypeId::kInterval); }
  static constexpr Type Jsonb() { return Type(TypeId::kJsonb); }
  // element[] (element's typmod is dropped, as PostgreSQL's array columns keep one typmod for
  // the elements that Oxbow does not need). Arrays of arrays are not types: element must not
  // be an array.
  static constexpr Type ArrayOf(const Type& element) {
    Type t(TypeId::kArray);
    t.element_ = element.id_;
    return t;
  }
  // int2vector (pg_index.indkey): an int2 array that PostgreSQL subscripts from 0 and writes
  // space-separated (`1 2`); stored as arrays are (types/array.h), OID 22.
  static constexpr Type Int2Vector() {
    Type t = ArrayOf(Int16());
    t.vector_ = true;
    return t;
  }

  // numeric(precision, scale): 1 <= precision <= 38, 0 <= scale <= precision; else 22023
  // with PostgreSQL's message ("NUMERIC precision 40 must be between 1 and 38").
  static Result<Type> NumericOf(int precision, int scale);
  // varchar(n): 1 <= n <= 10485760; else 22023.
  static Result<Type> VarcharOf(int length);

  TypeId id() const { return id_; }
  bool is_array() const { return id_ == TypeId::kArray; }
  // int2vector: subscripts start at 0; text form space-separated.
  bool is_vector() const { return vector_; }
  // An array's element type (unknown for "anyarray"); unknown for other types.
  Type element() const { return Type(element_); }
  // PostgreSQL's atttypmod encoding: numeric ((p << 16) | s) + 4, varchar n + 4, else -1.
  int32_t typmod() const { return typmod_; }
  bool has_typmod() const { return typmod_ != kNoTypmod; }
  // numeric(p,s) parts; only meaningful when has_typmod() and id() == kNumeric.
  int precision() const { return ((typmod_ - 4) >> 16) & 0xffff; }
  int scale() const { return (typmod_ - 4) & 0xffff; }
  // varchar(n) length; only meaningful when has_typmod() and id() == kVarchar.
  int max_length() const { return typmod_ - 4; }

  // The same type without its modifier (numeric(10,2) → numeric).
  Type WithoutTypmod() const { return Type(id_); }
  // Rebuilds from a PostgreSQL (oid-independent) id and atttypmod; typmod is not validated.
  static Type FromTypmod(TypeId id, int32_t typmod);

  PhysicalType physical() const;
  TypeCategory category() const;
  // The preferred type of the category (PostgreSQL: float8 for numeric, text for string,
  // timestamptz for datetime, interval for timespan).
  bool is_preferred() const;
  bool is_string_like() const;  // text, varchar, unknown
  bool is_integer() const;      // int2, int4, int8
  bool is_numeric_category() const { return category() == TypeCategory::kNumeric; }

  // PostgreSQL's OID (pg_type.oid): bool 16, int2 21, int4 23, int8 20, float4 700,
  // float8 701, numeric 1700, text 25, varchar 1043, bytea 17, date 1082, timestamp 1114,
  // timestamptz 1184, interval 1186, jsonb 3802, unknown 705; arrays their array type's
  // (_int2 1005, _int4 1007, _int8 1016, _text 1009, …; anyarray 2277).
  uint32_t oid() const;
  // Fixed size on the wire (pg_type.typlen): 1, 2, 4, 8, 16 or -1 for variable length.
  int16_t wire_size() const;
  // pg_type.typname: "int4", "float8", "timestamptz", "_int4" (int4[]), ...
  std::string_view internal_name() const;
  // The name as PostgreSQL's format_type prints it, with the modifier:
  // "integer", "double precision", "numeric(10,2)", "character varying(5)",
  // "timestamp without time zone", "timestamp with time zone", "integer[]".
  std::string ToString() const;

  bool operator==(const Type&) const = default;

 private:
  TypeId id_ = TypeId::kUnknown;
  TypeId element_ = TypeId::kUnknown;  // kArray only
  int32_t typmod_ = kNoTypmod;
  bool vector_ = false;  // int2vector
};

// Looks up a type by any of the names PostgreSQL accepts in a type name (case-insensitive,
// as already lower-cased by the parser): "int", "integer", "int4", "bigint", "int8",
// "smallint", "int2", "real", "float4", "double precision", "float8", "float", "numeric",
// "decimal", "text", "varchar", "character varying", "bytea", "date", "timestamp",
// "timestamp without time zone", "timestamptz", "timestamp with time zone", "interval",
// "jsonb", "bool", "boolean". libpg_query's "pg_catalog.int4" style names are accepted too.
// Modifiers are applied separately (Type::NumericOf / VarcharOf). Unknown names return
// 42704 `type "foo" does not exist`.
Result<Type> TypeFromName(std::string_view name);

// Looks up by OID (for pgwire parameter types); nullopt when not one of ours. The arrays of
// PostgreSQL types Oxbow reads as others are theirs: _oid (1028) is bigint[], _name (1003)
// and _char (1002) text[].
std::optional<Type> TypeFromOid(uint32_t oid);

}  // namespace oxbow::sql
