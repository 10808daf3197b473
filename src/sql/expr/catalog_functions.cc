// PostgreSQL's system information functions that clients' catalog queries call (psql's \d,
// pgJDBC's DatabaseMetaData, BI tools): visibility, owners, format_type, privileges (every
// user may do everything: true), descriptions and stored expressions (none: NULL). The ones
// that read the catalog itself (pg_get_constraintdef, ::regclass, …) are the binder's
// (binder_catalog.cc). Object ids are bigint (system_catalog.h).
#include <map>

#include "fmt/format.h"
#include "sql/expr/kernel_util.h"
#include "sql/types/type.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;
using internal::Unary;
using SV = std::string_view;

constexpr TypeId kOid = TypeId::kInt64;
constexpr TypeId kText = TypeId::kText;
constexpr int64_t kOwnerRoleOid = 10;                  // system_catalog.h
constexpr int64_t kFirstInformationSchemaOid = 13000;  // information_schema's relations
constexpr int64_t kLastInformationSchemaOid = 13999;

// Every selected row gets `v` (a function whose result does not depend on its arguments).
ScalarKernel ConstantBool(bool v) {
  return [v](std::span<const ColumnVector* const>, const Rows& rows, ColumnVector& out) {
    for (size_t i = 0; i < rows.count; ++i) out.Set<uint8_t>(rows[i], v ? 1 : 0);
    return Status();
  };
}

ScalarKernel ConstantText(std::string v) {
  return [v](std::span<const ColumnVector* const>, const Rows& rows, ColumnVector& out) {
    for (size_t i = 0; i < rows.count; ++i) out.SetString(rows[i], v);
    return Status();
  };
}

// Leaves every row NULL.
ScalarKernel AlwaysNull() {
  return [](std::span<const ColumnVector* const>, const Rows&, ColumnVector&) { return Status(); };
}

std::string FormatType(int64_t oid, int32_t typmod) {
  static const std::map<int64_t, std::string_view> kOthers = {
      {18, "\"char\""}, {19, "name"},       {22, "int2vector"}, {24, "regproc"},
      {26, "oid"},      {2205, "regclass"}, {2206, "regtype"},  {705, "unknown"}};
  if (oid >= 0 && oid <= UINT32_MAX) {
    if (std::optional<Type> t = TypeFromOid(static_cast<uint32_t>(oid))) {
      return Type::FromTypmod(t->id(), typmod < 0 ? Type::kNoTypmod : typmod).ToString();
    }
  }
  auto it = kOthers.find(oid);
  return it != kOthers.end() ? std::string(it->second) : std::string("???");
}

}  // namespace

void RegisterCatalogFunctions(FunctionRegistry& reg) {
  const Type text = Type::Text();
  const Type boolean = Type::Bool();
  // Relations of public and pg_catalog are on the search path; information_schema's are not.
  Def(reg, "pg_table_is_visible", {kOid}, boolean,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<int64_t>(args, rows, out, [](int64_t oid) {
          return oid < kFirstInformationSchemaOid || oid > kLastInformationSchemaOid;
        });
      });
  Def(reg, "pg_type_is_visible", {kOid}, boolean, ConstantBool(true));
  Def(reg, "pg_get_userbyid", {kOid}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<int64_t>(args, rows, out, [](int64_t oid) {
          return oid == kOwnerRoleOid ? std::string("oxbow") : fmt::format("unknown (OID={})", oid);
        });
      });
  Def(reg, "format_type", {kOid, TypeId::kInt32}, text,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int64_t, int32_t>(args, rows, out, FormatType);
      });
  // No column defaults, comments or partition bounds exist: NULL.
  Def(reg, "pg_get_expr", {kText, kOid}, text, AlwaysNull());
  Def(reg, "pg_get_expr", {kText, kOid, TypeId::kBool}, text, AlwaysNull());
  Def(reg, "obj_description", {kOid}, text, AlwaysNull());
  Def(reg, "pg_get_statisticsobjdef_columns", {kOid}, text, AlwaysNull());
  Def(reg, "obj_description", {kOid, kText}, text, AlwaysNull());
  Def(reg, "col_description", {kOid, TypeId::kInt32}, text, AlwaysNull());
  Def(reg, "shobj_description", {kOid, kText}, text, AlwaysNull());
  // No privileges: every user may do everything.
  for (SV name : {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
                  "has_any_column_privilege", "has_function_privilege", "has_sequence_privilege"}) {
    Def(reg, std::string(name), {std::nullopt, std::nullopt}, boolean, ConstantBool(true));
    Def(reg, std::string(name), {std::nullopt, std::nullopt, std::nullopt}, boolean,
        ConstantBool(true));
  }
  Def(reg, "has_column_privilege", {std::nullopt, std::nullopt, std::nullopt}, boolean,
      ConstantBool(true));
  Def(reg, "has_column_privilege", {std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      boolean, ConstantBool(true));
  Def(reg, "pg_relation_is_publishable", {std::nullopt}, boolean, ConstantBool(false));
  Def(reg, "pg_encoding_to_char", {TypeId::kInt32}, text, ConstantText("UTF8"));
  Def(reg, "current_schema", {}, text, ConstantText("public"));
  Def(reg, "current_schemas", {TypeId::kBool}, Type::ArrayOf(text),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<uint8_t>(args, rows, out, [](uint8_t implicit) {
          return std::string(implicit ? "{pg_catalog,public}" : "{public}");
        });
      });
}

}  // namespace oxbow::sql
