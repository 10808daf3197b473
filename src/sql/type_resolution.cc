#include "sql/type_resolution.h"

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::sql {

namespace {

// The element type PostgreSQL's catalog types stand for in an array type name: Oxbow reads
// oid as bigint and name and "char" as text, so `::oid[]` and `::name[]` work in catalog
// queries.
Result<Type> ArrayElementFromName(std::string_view name) {
  if (name == "oid" || name == "pg_catalog.oid") return Type::Int64();
  if (name == "name" || name == "pg_catalog.name" || name == "char" || name == "\"char\"") {
    return Type::Text();
  }
  return TypeFromName(name);
}

}  // namespace

Result<Type> ResolveTypeName(const TypeName& type) {
  if (type.array_dimensions > 0) {
    TypeName element = type;
    element.array_dimensions = 0;
    Result<Type> e = ArrayElementFromName(type.name);
    if (!e.ok() || !type.modifiers.empty()) {
      ASSIGN_OR_RETURN(e, ResolveTypeName(element));
    }
    if (e->id() == TypeId::kUnknown) {
      return SqlError(sqlstate::kUndefinedObject, "type \"unknown[]\" does not exist");
    }
    return Type::ArrayOf(*e);  // int[][] is int[] too, as in PostgreSQL
  }
  ASSIGN_OR_RETURN(Type base, TypeFromName(type.name));
  const std::vector<int32_t>& mods = type.modifiers;
  if (mods.empty()) return base;
  switch (base.id()) {
    case TypeId::kNumeric:
      if (mods.size() > 2) {
        return SqlError(sqlstate::kInvalidParameterValue, "invalid NUMERIC type modifier");
      }
      return Type::NumericOf(mods[0], mods.size() == 2 ? mods[1] : 0);
    case TypeId::kVarchar:
      if (mods.size() > 1) {
        return SqlError(sqlstate::kSyntaxError, "invalid type modifier");
      }
      return Type::VarcharOf(mods[0]);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return SqlError(sqlstate::kFeatureNotSupported,
                      fmt::format("{} with a precision is not supported", base.ToString()));
    case TypeId::kInterval:
      return SqlError(sqlstate::kFeatureNotSupported,
                      "interval fields and precision are not supported");
    default:
      return SqlError(
          sqlstate::kSyntaxError,
          fmt::format("type modifier is not allowed for type \"{}\"", base.internal_name()));
  }
}

}  // namespace oxbow::sql
