// The binder's internals, shared by binder.cc (queries, FROM, grouping) and binder_expr.cc
// (expressions). Not part of the module's contract; see binder.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/expr/expr.h"
#include "sql/plan.h"

namespace oxbow::sql::binder_internal {

// A column visible to names: its index in the current input is its position in the scope.
struct ScopeColumn {
  std::string qualifier;  // the FROM item's alias or relation name
  std::string name;
  Type type;
  // The right side's copy of a USING column: only reachable qualified, and not part of `*`.
  bool using_hidden = false;
  // A composite column's fields (PlanColumn::fields), for `(column).field`.
  std::vector<PlanColumn> fields = {};
};

struct Scope {
  std::vector<ScopeColumn> columns;
};

// A bound FROM item.
struct Relation {
  PlanPtr plan;
  Scope scope;
};

// After GROUP BY: what select-list, HAVING and ORDER BY expressions may refer to.
struct Grouping {
  const Scope* from_scope = nullptr;
  std::vector<std::string> keys;  // bound group expressions (ToString), output columns 0..k-1
  std::vector<Type> key_types;
  // Aggregate calls by their AST node; output column = keys.size() + index.
  std::map<const FunctionCall*, int> calls;
  std::vector<Type> call_types;
};

// A set-returning function call of the select list, computed by the ProjectSet below the
// select list: its output columns, from `first_column` of the ProjectSet's output.
struct SetFunctionOutput {
  int first_column = 0;
  std::vector<PlanColumn> columns;
};
using SetFunctionOutputs = std::map<const ParsedExpr*, SetFunctionOutput>;

struct ExprContext {
  const Scope* scope = nullptr;
  // The clause, for messages: "WHERE", "JOIN conditions", "GROUP BY", …
  std::string_view clause;
  // Non-null after grouping: names resolve to group keys and aggregates only.
  const Grouping* grouping = nullptr;
  // The select list's set-returning calls (their AST nodes), read from their columns.
  const SetFunctionOutputs* set_functions = nullptr;
};

// What a subquery in an expression sees of the query it is in: names its own FROM does not
// have resolve in `scope`, each distinct column becoming an outer reference (Expr kOuterRef
// i reads columns[i] of the enclosing query's input).
struct OuterScope {
  const Scope* scope = nullptr;
  std::vector<int> columns;
};

// The rewrites and checks of a bound query (PlanQuery's, also applied to subqueries):
// pushdown, Top-N, pruning, constant folding; 0A000 for ROW_NUMBER() outside a Top-N filter
// and joins without an equality.
Result<PlanPtr> FinishPlan(PlanPtr plan, const Statement& statement, const PlanOptions& options);

class Binder {
 public:
  Binder(const Catalog& catalog, const Statement& statement, const PlanOptions& options, int depth)
      : catalog_(catalog), statement_(statement), options_(options), depth_(depth) {}

  Result<PlanPtr> BindQuery(const Query& query);

  // Expressions (binder_expr.cc).
  Result<ExprPtr> BindExpr(const ParsedExpr& expr, const ExprContext& ctx);
  // BindExpr, then a boolean check: 42804 `argument of WHERE must be type boolean, not type
  // integer`.
  Result<ExprPtr> BindCondition(const ParsedExpr& expr, const ExprContext& ctx);

  Status ErrorAt(Status status, int location) const { return statement_.ErrorAt(status, location); }
  const PlanOptions& options() const { return options_; }

 private:
  Result<PlanPtr> BindSelect(const Query& query);
  // `(arg).field` (binder_expr.cc): a set-returning call's field column, or a composite
  // column's field. 42703 for a field the composite does not have, 42809 for a value that
  // is not a composite.
  Result<ExprPtr> BindFieldSelect(const FieldSelect& select, const ExprContext& ctx);
  // The ProjectSet computing the select list's set-returning calls (`calls`) over `plan`
  // (`scope`), and where each call's columns are. 0A000 with grouping.
  Result<PlanPtr> BindSetFunctions(PlanPtr plan, const Scope& scope,
                                   const std::vector<const FunctionCall*>& calls,
                                   SetFunctionOutputs& outputs);
  Result<PlanPtr> BindUnion(const Query& query);
  Result<PlanPtr> BindValues(const Query& query);
  Result<Relation> BindFrom(const Query& query);
  Result<Relation> BindTableRef(const TableRef& ref);
  Result<Relation> BindJoin(const JoinRef& join);
  Result<Relation> BindTableFunction(const TableFunctionRef& ref);
  // generate_series(...) / unnest(array) in FROM (series.h).
  Result<Relation> BindSeries(const TableFunctionRef& ref);
  Result<Relation> BindNamedRelation(const std::string& name, int location,
                                     const std::string& qualifier);
  Result<Relation> BindCatalogView(const CatalogObject& object, int location,
                                   const std::string& qualifier);
  Status ApplyAlias(const TableRef& ref, Relation& relation);
  // The system catalogs (binder_catalog.cc): whether `t` names a pg_catalog or
  // information_schema table (qualified, or unqualified and found in pg_catalog first, as
  // the search path says, unless a WITH query has the name), and its constant relation.
  bool IsSystemRelation(const TableName& t) const;
  Result<Relation> BindSystemTable(const TableName& t);
  // (SELECT …) and EXISTS (SELECT …) in an expression (binder_subquery.cc): the subquery
  // bound with `ctx`'s scope as its outer scope, as a kSubquery expression. 0A000 in a
  // materialized view, for ARRAY(SELECT …), and for columns of a grouped query.
  Result<ExprPtr> BindSubLink(const SubLink& link, const ExprContext& ctx);
  // `ref` as an outer reference when this binder binds a subquery and the enclosing query
  // has the column; nullopt otherwise.
  std::optional<ExprPtr> OuterColumn(const ColumnRef& ref);
  // x::regclass / regtype / regnamespace / oid (a string constant → the oid, looked up now;
  // an integer → the name); nullopt for other types.
  Result<std::optional<ExprPtr>> BindCatalogCast(const Cast& cast, ExprPtr arg);
  // pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef over the catalog; nullopt for other
  // functions (args untouched then).
  Result<std::optional<ExprPtr>> BindCatalogFunction(std::string_view name,
                                                     std::vector<ExprPtr>& args);
  // ORDER BY / LIMIT over a query's output without access to its FROM (UNION, VALUES).
  Result<PlanPtr> OrderAndLimit(PlanPtr plan, const Query& query);
  Result<int64_t> BindCount(const ParsedExpr& expr, std::string_view clause);
  Result<PlanPtr> FinishOrderLimit(PlanPtr plan, const Query& query, std::vector<SortKey> keys,
                                   size_t visible);
  // Binds the expressions of an ExprContext-less helper: constant intervals for windows.
  Result<Interval> BindInterval(const ParsedExpr& expr, std::string_view what);

  const Catalog& catalog_;
  const Statement& statement_;
  const PlanOptions& options_;
  const int depth_;
  // WITH queries in scope, innermost last.
  std::vector<std::map<std::string, const CommonTableExpr*>> ctes_;
  // Set while binding a subquery in an expression.
  OuterScope* outer_ = nullptr;
};

// The index of the column `ref` names in `scope`. Errors: 42703, 42702, 42P01, 0A000 for
// more than two name parts.
Result<int> ResolveColumn(const ColumnRef& ref, const Scope& scope);

// PostgreSQL's name for an output column without an alias (FigureColname).
std::string OutputName(const ParsedExpr& expr);

// Whether `call` is an aggregate call (not a window function).
bool IsAggregateCall(const ParsedExpr& expr);

}  // namespace oxbow::sql::binder_internal
