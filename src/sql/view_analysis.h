// What CREATE VIEW needs from a query before a binder exists: the relations it reads and,
// for simple queries, a check of its column names and its output columns.
#pragma once

#include <optional>
#include <vector>

#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/statement.h"

namespace oxbow::sql {

// The relations `query` reads, in order of appearance, each once: FROM tables, the first
// argument of TUMBLE/HOP/SESSION, and those of subqueries and WITH queries. Names of WITH
// queries are not relations and are left out where they are in scope.
std::vector<NameRef> ReferencedRelations(const Query& query);

// For a SELECT over one table or view whose columns are known (no joins, no table
// functions), checks that every column it names exists: 42703 `column "x" does not exist`,
// positioned in `statement`. Other queries pass unchecked (the binder checks them).
Status CheckColumnNames(const Query& query, const Catalog& catalog, const Statement& statement);

// The output columns of a SELECT of plain column references (and `*`) over one relation
// with known columns; nullopt for anything else.
std::optional<std::vector<CatalogColumn>> SimpleOutputColumns(const Query& query,
                                                              const Catalog& catalog);

}  // namespace oxbow::sql
