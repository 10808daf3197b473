#include "sql/types/type.h"

#include "absl/strings/ascii.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

struct TypeInfo {
  TypeId id;
  uint32_t oid;
  int16_t wire_size;
  std::string_view internal_name;
  std::string_view display_name;
  PhysicalType physical;
  TypeCategory category;
  bool preferred;
};

// Indexed by TypeId.
constexpr TypeInfo kTypes[] = {
    {TypeId::kUnknown, 705, -2, "unknown", "unknown", PhysicalType::kString, TypeCategory::kUnknown,
     false},
    {TypeId::kBool, 16, 1, "bool", "boolean", PhysicalType::kBool, TypeCategory::kBoolean, true},
    {TypeId::kInt16, 21, 2, "int2", "smallint", PhysicalType::kInt16, TypeCategory::kNumeric,
     false},
    {TypeId::kInt32, 23, 4, "int4", "integer", PhysicalType::kInt32, TypeCategory::kNumeric, false},
    {TypeId::kInt64, 20, 8, "int8", "bigint", PhysicalType::kInt64, TypeCategory::kNumeric, false},
    {TypeId::kFloat32, 700, 4, "float4", "real", PhysicalType::kFloat32, TypeCategory::kNumeric,
     false},
    {TypeId::kFloat64, 701, 8, "float8", "double precision", PhysicalType::kFloat64,
     TypeCategory::kNumeric, true},
    {TypeId::kNumeric, 1700, -1, "numeric", "numeric", PhysicalType::kDecimal,
     TypeCategory::kNumeric, false},
    {TypeId::kText, 25, -1, "text", "text", PhysicalType::kString, TypeCategory::kString, true},
    {TypeId::kVarchar, 1043, -1, "varchar", "character varying", PhysicalType::kString,
     TypeCategory::kString, false},
    {TypeId::kBytea, 17, -1, "bytea", "bytea", PhysicalType::kString, TypeCategory::kUser, false},
    {TypeId::kDate, 1082, 4, "date", "date", PhysicalType::kInt32, TypeCategory::kDateTime, false},
    {TypeId::kTimestamp, 1114, 8, "timestamp", "timestamp without time zone", PhysicalType::kInt64,
     TypeCategory::kDateTime, false},
    {TypeId::kTimestampTz, 1184, 8, "timestamptz", "timestamp with time zone", PhysicalType::kInt64,
     TypeCategory::kDateTime, true},
    {TypeId::kInterval, 1186, 16, "interval", "interval", PhysicalType::kInterval,
     TypeCategory::kTimespan, true},
    {TypeId::kJsonb, 3802, -1, "jsonb", "jsonb", PhysicalType::kString, TypeCategory::kUser, false},
    {TypeId::kArray, 2277, -1, "anyarray", "anyarray", PhysicalType::kString, TypeCategory::kArray,
     false},
};

struct ArrayInfo {
  TypeId element;
  uint32_t oid;
  std::string_view internal_name;
};

// pg_type's array types of Oxbow's types (typarray).
constexpr ArrayInfo kArrays[] = {
    {TypeId::kBool, 1000, "_bool"},
    {TypeId::kInt16, 1005, "_int2"},
    {TypeId::kInt32, 1007, "_int4"},
    {TypeId::kInt64, 1016, "_int8"},
    {TypeId::kFloat32, 1021, "_float4"},
    {TypeId::kFloat64, 1022, "_float8"},
    {TypeId::kNumeric, 1231, "_numeric"},
    {TypeId::kText, 1009, "_text"},
    {TypeId::kVarchar, 1015, "_varchar"},
    {TypeId::kBytea, 1001, "_bytea"},
    {TypeId::kDate, 1182, "_date"},
    {TypeId::kTimestamp, 1115, "_timestamp"},
    {TypeId::kTimestampTz, 1185, "_timestamptz"},
    {TypeId::kInterval, 1187, "_interval"},
    {TypeId::kJsonb, 3807, "_jsonb"},
};

const ArrayInfo* FindArray(TypeId element) {
  for (const ArrayInfo& a : kArrays) {
    if (a.element == element) return &a;
  }
  return nullptr;  // anyarray
}

const TypeInfo& Info(TypeId id) { return kTypes[static_cast<int>(id)]; }

struct NameEntry {
  std::string_view name;
  TypeId id;
};

constexpr NameEntry kNames[] = {
    {"bool", TypeId::kBool},
    {"boolean", TypeId::kBool},
    {"int2", TypeId::kInt16},
    {"smallint", TypeId::kInt16},
    {"int", TypeId::kInt32},
    {"int4", TypeId::kInt32},
    {"integer", TypeId::kInt32},
    {"int8", TypeId::kInt64},
    {"bigint", TypeId::kInt64},
    {"real", TypeId::kFloat32},
    {"float4", TypeId::kFloat32},
    {"float8", TypeId::kFloat64},
    {"float", TypeId::kFloat64},
    {"double precision", TypeId::kFloat64},
    {"numeric", TypeId::kNumeric},
    {"decimal", TypeId::kNumeric},
    {"text", TypeId::kText},
    {"varchar", TypeId::kVarchar},
    {"character varying", TypeId::kVarchar},
    {"bytea", TypeId::kBytea},
    {"date", TypeId::kDate},
    {"timestamp", TypeId::kTimestamp},
    {"timestamp without time zone", TypeId::kTimestamp},
    {"timestamptz", TypeId::kTimestampTz},
    {"timestamp with time zone", TypeId::kTimestampTz},
    {"interval", TypeId::kInterval},
    {"jsonb", TypeId::kJsonb},
    {"unknown", TypeId::kUnknown},
};

}  // namespace

Result<Type> Type::NumericOf(int precision, int scale) {
  if (precision < 1 || precision > kMaxNumericPrecision) {
    return SqlError(sqlstate::kInvalidParameterValue,
                    fmt::format("NUMERIC precision {} must be between 1 and {}", precision,
                                kMaxNumericPrecision));
  }
  if (scale < 0 || scale > precision) {
    return SqlError(
        sqlstate::kInvalidParameterValue,
        fmt::format("NUMERIC scale {} must be between 0 and precision {}", scale, precision));
  }
  return FromTypmod(TypeId::kNumeric, ((precision << 16) | scale) + 4);
}

Result<Type> Type::VarcharOf(int length) {
  if (length < 1 || length > 10485760) {
    return SqlError(sqlstate::kInvalidParameterValue,
                    fmt::format("length for type varchar must be between 1 and 10485760"));
  }
  return FromTypmod(TypeId::kVarchar, length + 4);
}

Type Type::FromTypmod(TypeId id, int32_t typmod) {
  Type t(id);
  t.typmod_ = typmod < 0 ? kNoTypmod : typmod;
  return t;
}

PhysicalType Type::physical() const { return Info(id_).physical; }
TypeCategory Type::category() const { return Info(id_).category; }
bool Type::is_preferred() const { return Info(id_).preferred; }
bool Type::is_string_like() const {
  return id_ == TypeId::kText || id_ == TypeId::kVarchar || id_ == TypeId::kUnknown;
}
bool Type::is_integer() const {
  return id_ == TypeId::kInt16 || id_ == TypeId::kInt32 || id_ == TypeId::kInt64;
}
uint32_t Type::oid() const {
  if (vector_) return 22;
  if (id_ == TypeId::kArray) {
    const ArrayInfo* a = FindArray(element_);
    if (a != nullptr) return a->oid;
  }
  return Info(id_).oid;
}
int16_t Type::wire_size() const { return Info(id_).wire_size; }
std::string_view Type::internal_name() const {
  if (vector_) return "int2vector";
  if (id_ == TypeId::kArray) {
    const ArrayInfo* a = FindArray(element_);
    if (a != nullptr) return a->internal_name;
  }
  return Info(id_).internal_name;
}

std::string Type::ToString() const {
  if (vector_) return "int2vector";
  if (id_ == TypeId::kArray && element_ != TypeId::kUnknown) {
    return fmt::format("{}[]", Info(element_).display_name);
  }
  std::string_view name = Info(id_).display_name;
  if (!has_typmod()) return std::string(name);
  if (id_ == TypeId::kNumeric) return fmt::format("numeric({},{})", precision(), scale());
  if (id_ == TypeId::kVarchar) return fmt::format("character varying({})", max_length());
  return std::string(name);
}

Result<Type> TypeFromName(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  std::string_view key = lower;
  if (key.starts_with("pg_catalog.")) key.remove_prefix(11);
  for (const NameEntry& e : kNames) {
    if (e.name == key) return Type(e.id);
  }
  return SqlError(sqlstate::kUndefinedObject, fmt::format("type \"{}\" does not exist", name));
}

std::optional<Type> TypeFromOid(uint32_t oid) {
  for (const TypeInfo& info : kTypes) {
    if (info.oid == oid && info.id != TypeId::kArray) return Type(info.id);
  }
  for (const ArrayInfo& a : kArrays) {
    if (a.oid == oid) return Type::ArrayOf(Type(a.element));
  }
  if (oid == 22) return Type::Int2Vector();
  if (oid == 1028) return Type::ArrayOf(Type::Int64());                // _oid
  if (oid == 1003 || oid == 1002) return Type::ArrayOf(Type::Text());  // _name, _char
  return std::nullopt;
}

}  // namespace oxbow::sql
