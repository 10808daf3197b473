// The system schemas as virtual tables: pg_catalog (pg_class, pg_namespace, pg_attribute,
// pg_type, pg_index, pg_constraint, …) and information_schema (tables, columns, schemata,
// views, table_constraints, key_column_usage), computed from a catalog snapshot when a query
// names them, so psql's \d commands, drivers' metadata calls and BI tools can introspect
// Oxbow as they would PostgreSQL.
//
// Each virtual table is a constant relation (the binder plans it as VALUES): it reflects the
// catalog as of binding. Object ids are PostgreSQL's where PostgreSQL fixes them (pg_catalog
// 11, public 2200, type oids, pg_class 1259, …); Oxbow's relations keep their catalog oids
// (from 16384); a primary key's index `<table>_pkey` and its constraint get derived oids
// (the table's + 0x40000000 and + 0x60000000). The one role is `oxbow` (oid 10), owner of
// everything. oid columns have type bigint (Oxbow has no oid type), "char" and name columns type
// text, arrays their text form (`{1,2}`, int2vector `1 2`).
//
// Thread safety: stateless functions over an immutable snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/catalog.h"
#include "sql/plan.h"
#include "sql/types/value.h"

namespace oxbow::sql {

inline constexpr int64_t kPgCatalogNamespaceOid = 11;
inline constexpr int64_t kPublicNamespaceOid = 2200;
inline constexpr int64_t kInformationSchemaNamespaceOid = 13000;
inline constexpr int64_t kOwnerRoleOid = 10;
inline constexpr std::string_view kOwnerRoleName = "oxbow";

struct SystemTable {
  std::vector<PlanColumn> columns;
  std::vector<std::vector<Value>> rows;
};

// The virtual table `schema.name` ("pg_catalog" or "information_schema"), or nullopt when
// there is none. `database` is what table_catalog and pg_database show.
std::optional<SystemTable> BuildSystemTable(std::string_view schema, std::string_view name,
                                            const Catalog& catalog, std::string_view database);

// Whether pg_catalog has a table `name` (unqualified names look there first, as
// PostgreSQL's search_path puts pg_catalog before public).
bool IsPgCatalogTable(std::string_view name);

// Every relation pg_class lists, as (oid, name as regclass prints it: unqualified for
// pg_catalog and public, else schema-qualified).
std::vector<std::pair<int64_t, std::string>> RelationOids(const Catalog& catalog);
// The oid of a relation written as 'name', 'schema.name' or with double quotes, as a
// '…'::regclass cast reads it; nullopt when there is none.
std::optional<int64_t> RelationOid(const Catalog& catalog, std::string_view written);
// Namespaces: (oid, name).
std::vector<std::pair<int64_t, std::string>> NamespaceOids();
// Types pg_type lists: (oid, format_type name without modifier).
std::vector<std::pair<int64_t, std::string>> TypeOids();
// pg_get_constraintdef / pg_get_indexdef texts of primary keys: (oid, text).
std::vector<std::pair<int64_t, std::string>> ConstraintDefinitions(const Catalog& catalog);
std::vector<std::pair<int64_t, std::string>> IndexDefinitions(const Catalog& catalog);
// pg_get_indexdef(index, column > 0, …): (index oid, its key columns as the definition writes
// them).
std::vector<std::pair<int64_t, std::vector<std::string>>> IndexColumns(const Catalog& catalog);
// pg_get_viewdef: (view oid, its query).
std::vector<std::pair<int64_t, std::string>> ViewDefinitions(const Catalog& catalog);

}  // namespace oxbow::sql
