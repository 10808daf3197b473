// The binder: a query's AST (ast.h) → a logical plan (plan.h), resolving names against the
// catalog and typing expressions with PostgreSQL's rules (expr/expr.h), then simplifying the
// plan (plan_rewrite.h: predicate pushdown, Top-N recognition, projection pruning).
//
// What it resolves:
//   FROM: pg_catalog / information_schema relations (constant VALUES from a catalog
//     snapshot, system_catalog.h; unqualified names look in pg_catalog first),
//     tables (Scan of their topic), views (their SQL re-parsed and bound in place),
//     materialized views (a Scan of the view's changes), subqueries, WITH queries (inlined
//     at each reference), [INNER|LEFT|RIGHT] JOIN ON/USING and comma joins (equi-conditions
//     become join keys, the rest a residual), TUMBLE/HOP/SESSION(table, time_col, interval
//     [, interval]) adding window_start and window_end.
//   Names: `col`, `t.col`; 42703 column "x" does not exist / column t.x does not exist,
//     42702 column reference "x" is ambiguous, 42P01 missing FROM-clause entry for table "t".
//   Expressions: operators and functions by PostgreSQL's overload rules, implicit casts;
//     42883, 42804, 42846 from the expression builders, positioned at the construct.
//   Aggregates count(*), count(DISTINCT x), sum, avg, min, max, bool_and, bool_or,
//     string_agg with GROUP BY (by expression, output name or position) and HAVING; 42803
//     for a column neither grouped nor aggregated, aggregates in WHERE/GROUP BY/JOIN, nested
//     aggregates.
//   SELECT DISTINCT, UNION [ALL] (42601 on differing column counts, 42804 on types without a
//     common type), VALUES, ORDER BY (expression, output name or position), LIMIT/OFFSET.
//   ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) in a subquery's select list, filtered by
//     `rn <= n` (or `< n`, `= 1`) outside: a TopN node. Any other window use is 0A000.
//   Materialized views: now()/current_timestamp/… are 0A000 with a hint (the result would
//     change with no input changing); ORDER BY without LIMIT is dropped (a view's rows have
//     no order); ORDER BY … LIMIT n becomes a TopN; LIMIT without ORDER BY and OFFSET are
//     0A000.
//
// Errors are sql_error.h errors positioned in `statement` (whose text the AST's locations
// index). Errors inside a view's stored SQL are reported at the view's reference.
//
// Thread safety: stateless functions; the catalog is read through snapshots.
#pragma once

#include "base/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/plan.h"
#include "sql/statement.h"

namespace oxbow::sql {

struct PlanOptions {
  // The query defines a materialized view (see above); false for ad-hoc queries and views.
  bool materialized_view = false;
  // $1, $2, …: each binds as a constant of its value (an unknown-typed value reads as a
  // literal of the type its context needs). Without a value: 42P02 there is no parameter $n.
  std::vector<Value> params;
  // What information_schema's *_catalog columns and pg_database show (the session's
  // database).
  std::string database_name = "oxbow";
};

// Binds and plans `query`, a part of `statement`. The plan's schema is the query's output
// columns (names as PostgreSQL names them: alias, column name, function name or ?column?).
Result<PlanPtr> PlanQuery(const Query& query, const Statement& statement, const Catalog& catalog,
                          const PlanOptions& options = {});

// INSERT … VALUES: binds each row's expressions and assigns each to its target column, as
// PostgreSQL does: unknown literals are read as the column's type, other values are cast in
// assignment context. Errors: 42601 `INSERT has more expressions than target columns` (or
// fewer), 42804 `column "x" is of type integer but expression is of type text`, the
// expressions' own (22P02 for a malformed literal, …), positioned in `statement`.
Result<std::vector<std::vector<ExprPtr>>> BindInsertValues(
    const Query& values, const Statement& statement, const Catalog& catalog,
    const std::vector<CatalogColumn>& targets);

}  // namespace oxbow::sql
