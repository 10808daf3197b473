// Type names: PostgreSQL's grammar turns `int`, `integer` and `int4` alike into
// pg_catalog.int4; here they become the name format_type() prints ("integer").
#include "fmt/format.h"
#include "sql/convert_internal.h"
#include "sql/sql_error.h"

namespace oxbow::sql::internal {
namespace {

// Internal (pg_type) names → the SQL spelling. Names not listed stay as written.
std::string_view NormalizedTypeName(std::string_view name) {
  struct Alias {
    std::string_view internal;
    std::string_view sql;
  };
  static constexpr Alias kAliases[] = {
      {"bool", "boolean"},
      {"int2", "smallint"},
      {"int4", "integer"},
      {"int", "integer"},
      {"int8", "bigint"},
      {"float4", "real"},
      {"float8", "double precision"},
      {"decimal", "numeric"},
      {"varchar", "character varying"},
      {"bpchar", "character"},
      {"time", "time without time zone"},
      {"timetz", "time with time zone"},
      {"timestamp", "timestamp without time zone"},
      {"timestamptz", "timestamp with time zone"},
      {"varbit", "bit varying"},
  };
  for (const Alias& a : kAliases) {
    if (a.internal == name) return a.sql;
  }
  return name;
}

}  // namespace

Result<TypeName> Converter::ConvertTypeName(const pg_query::TypeName& type) {
  if (type.setof()) return Unsupported("SETOF", type.location());
  if (type.pct_type()) return Unsupported("%TYPE", type.location());
  std::vector<std::string> names;
  for (const pg_query::Node& n : type.names()) names.push_back(StringOf(n));
  if (names.empty()) return Error(sqlstate::kSyntaxError, "type name expected", type.location());
  if (names.size() > 2 || (names.size() == 2 && names[0] != "pg_catalog")) {
    std::string written;
    for (const std::string& n : names) written += (written.empty() ? "" : ".") + n;
    return Error(sqlstate::kUndefinedObject, fmt::format("type \"{}\" does not exist", written),
                 type.location());
  }
  TypeName out;
  out.name = std::string(NormalizedTypeName(names.back()));
  out.location = Loc(type.location());
  for (const pg_query::Node& mod : type.typmods()) {
    if (mod.has_a_const() && mod.a_const().has_ival()) {
      out.modifiers.push_back(mod.a_const().ival().ival());
    } else {
      return Error(sqlstate::kSyntaxError, "type modifiers must be simple constants",
                   NodeLocation(mod) >= 0 ? NodeLocation(mod) : type.location());
    }
  }
  // `character` without a length means character(1) to the grammar; a bare bpchar (from
  // N'…' literals) has no length, so it keeps its internal name, as format_type prints it.
  if (out.name == "character" && out.modifiers.empty()) out.name = "bpchar";
  out.array_dimensions = type.array_bounds_size();
  return out;
}

}  // namespace oxbow::sql::internal
