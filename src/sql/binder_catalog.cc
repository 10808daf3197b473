// The binder's view of the system catalogs (system_catalog.h): pg_catalog / information_schema
// tables as constant relations, the reg* casts ('t'::regclass → oid, oid::regclass → name)
// and the functions that read the catalog (pg_get_constraintdef, pg_get_indexdef,
// pg_get_viewdef), all resolved against the snapshot the query is bound with.
#include "fmt/format.h"
#include "sql/binder_internal.h"
#include "sql/sql_error.h"
#include "sql/system_catalog.h"
#include "sql/type_resolution.h"

namespace oxbow::sql::binder_internal {
namespace {

using OidNames = std::vector<std::pair<int64_t, std::string>>;

// CASE arg WHEN oid THEN name … ELSE otherwise END, with arg as bigint.
Result<ExprPtr> MapOids(ExprPtr arg, const OidNames& names, ExprPtr otherwise) {
  ASSIGN_OR_RETURN(arg, MakeCast(std::move(arg), Type::Int64(), CastContext::kImplicit));
  if (names.empty()) return otherwise;
  std::vector<ExprPtr> whens, thens;
  for (const auto& [oid, name] : names) {
    whens.push_back(MakeConstant(Value::Int64(oid)));
    thens.push_back(MakeConstant(Value::Text(name)));
  }
  return MakeCase(std::move(arg), std::move(whens), std::move(thens), std::move(otherwise));
}

bool IsStringConstant(const Expr& e) {
  return e.kind == Expr::Kind::kConstant && e.type.is_string_like();
}

}  // namespace

bool Binder::IsSystemRelation(const TableName& t) const {
  if (!t.schema.empty()) return true;
  for (const auto& scope : ctes_) {
    if (scope.count(t.name) != 0) return false;
  }
  // search_path: pg_catalog comes first.
  return IsPgCatalogTable(t.name);
}

Result<Relation> Binder::BindSystemTable(const TableName& t) {
  std::string_view schema = t.schema.empty() ? std::string_view("pg_catalog") : t.schema;
  std::optional<SystemTable> table =
      BuildSystemTable(schema, t.name, catalog_, options_.database_name);
  if (!table) {
    return ErrorAt(SqlError(sqlstate::kUndefinedTable,
                            fmt::format("relation \"{}.{}\" does not exist", schema, t.name)),
                   t.location);
  }
  std::vector<std::vector<ExprPtr>> rows;
  rows.reserve(table->rows.size());
  for (std::vector<Value>& row : table->rows) {
    std::vector<ExprPtr> exprs;
    exprs.reserve(row.size());
    for (size_t i = 0; i < row.size(); ++i) {
      // NULLs take their column's type (an array column's NULL is built as NULL text).
      if (row[i].is_null()) row[i] = Value::Null(table->columns[i].type);
      exprs.push_back(MakeConstant(std::move(row[i])));
    }
    rows.push_back(std::move(exprs));
  }
  PlanPtr plan = MakeValues(std::move(rows), std::move(table->columns));
  Scope scope;
  for (const PlanColumn& c : plan->schema)
    scope.columns.push_back(ScopeColumn{t.name, c.name, c.type});
  return Relation{std::move(plan), std::move(scope)};
}

Result<std::optional<ExprPtr>> Binder::BindCatalogCast(const Cast& cast, ExprPtr arg) {
  const std::string& type = cast.type.name;
  if (type == "oid") {
    ASSIGN_OR_RETURN(ExprPtr e, MakeCast(std::move(arg), Type::Int64(), CastContext::kExplicit));
    return std::optional<ExprPtr>(std::move(e));
  }
  if (type != "regclass" && type != "regtype" && type != "regnamespace") return std::nullopt;
  if (IsStringConstant(*arg)) {
    // 'name'::regclass: the object's oid, looked up now (as PostgreSQL does for constants).
    if (arg->constant.is_null()) {
      return std::optional<ExprPtr>(MakeConstant(Value::Null(Type::Int64())));
    }
    const std::string written = arg->constant.string_value();
    std::optional<int64_t> oid;
    std::string what;
    if (type == "regclass") {
      oid = RelationOid(catalog_, written);
      what = fmt::format("relation \"{}\" does not exist", written);
    } else if (type == "regtype") {
      Result<Type> t = TypeFromName(written);
      if (t.ok()) oid = t->oid();
      for (const auto& [o, name] : TypeOids()) {
        if (name == written) oid = o;
      }
      what = fmt::format("type \"{}\" does not exist", written);
    } else {
      for (const auto& [o, name] : NamespaceOids()) {
        if (name == written) oid = o;
      }
      what = fmt::format("schema \"{}\" does not exist", written);
    }
    if (!oid) {
      return ErrorAt(SqlError(type == "regclass"  ? sqlstate::kUndefinedTable
                              : type == "regtype" ? sqlstate::kUndefinedObject
                                                  : sqlstate::kInvalidSchemaName,
                              what),
                     cast.expr->location >= 0 ? cast.expr->location : cast.type.location);
    }
    return std::optional<ExprPtr>(MakeConstant(Value::Int64(*oid)));
  }
  if (!arg->type.is_integer()) {
    return ErrorAt(SqlError(sqlstate::kCannotCoerce,
                            fmt::format("cannot cast type {} to {}", arg->type.ToString(), type)),
                   cast.type.location);
  }
  // oid::regclass prints the name; unknown oids print as the number (as PostgreSQL does).
  const OidNames names = type == "regclass"  ? RelationOids(catalog_)
                         : type == "regtype" ? TypeOids()
                                             : NamespaceOids();
  ExprPtr arg_copy = arg->Clone();
  ASSIGN_OR_RETURN(ExprPtr number,
                   MakeCast(std::move(arg_copy), Type::Text(), CastContext::kExplicit));
  ASSIGN_OR_RETURN(ExprPtr e, MapOids(std::move(arg), names, std::move(number)));
  return std::optional<ExprPtr>(std::move(e));
}

Result<std::optional<ExprPtr>> Binder::BindCatalogFunction(std::string_view name,
                                                           std::vector<ExprPtr>& args) {
  OidNames names;
  if ((name == "pg_get_constraintdef" || name == "pg_get_indexdef") && !args.empty() &&
      args.size() <= 3) {
    names = name == "pg_get_constraintdef" ? ConstraintDefinitions(catalog_)
                                           : IndexDefinitions(catalog_);
  } else if (name == "pg_get_viewdef" && !args.empty() && args.size() <= 2 &&
             args[0]->type.is_integer()) {
    names = ViewDefinitions(catalog_);
  } else {
    return std::nullopt;
  }
  if (!args[0]->type.is_integer() && !IsStringConstant(*args[0])) return std::nullopt;
  ExprPtr column;
  if (name == "pg_get_indexdef" && args.size() >= 2) {
    ASSIGN_OR_RETURN(column, MakeCast(args[1]->Clone(), Type::Int32(), CastContext::kImplicit));
  }
  ExprPtr oid = column ? args[0]->Clone() : nullptr;
  ASSIGN_OR_RETURN(ExprPtr e,
                   MapOids(std::move(args[0]), names, MakeConstant(Value::Null(Type::Text()))));
  if (!column) return std::optional<ExprPtr>(std::move(e));
  // pg_get_indexdef(index, k, …) with k > 0: only the definition of the k-th key column.
  ASSIGN_OR_RETURN(oid, MakeCast(std::move(oid), Type::Int64(), CastContext::kImplicit));
  std::vector<ExprPtr> whens, thens;
  for (const auto& [index, columns] : IndexColumns(catalog_)) {
    std::vector<ExprPtr> ks, names_k;
    for (size_t k = 0; k < columns.size(); ++k) {
      ks.push_back(MakeConstant(Value::Int32(static_cast<int32_t>(k + 1))));
      names_k.push_back(MakeConstant(Value::Text(columns[k])));
    }
    ASSIGN_OR_RETURN(ExprPtr by_k, MakeCase(column->Clone(), std::move(ks), std::move(names_k),
                                            MakeConstant(Value::Null(Type::Text()))));
    whens.push_back(MakeConstant(Value::Int64(index)));
    thens.push_back(std::move(by_k));
  }
  ExprPtr one_column = MakeConstant(Value::Null(Type::Text()));
  if (!whens.empty()) {
    ASSIGN_OR_RETURN(one_column, MakeCase(std::move(oid), std::move(whens), std::move(thens),
                                          MakeConstant(Value::Null(Type::Text()))));
  }
  std::vector<ExprPtr> is_whole, whole;
  is_whole.push_back(MakeConstant(Value::Int32(0)));
  whole.push_back(std::move(e));
  ASSIGN_OR_RETURN(
      e, MakeCase(std::move(column), std::move(is_whole), std::move(whole), std::move(one_column)));
  return std::optional<ExprPtr>(std::move(e));
}

}  // namespace oxbow::sql::binder_internal
