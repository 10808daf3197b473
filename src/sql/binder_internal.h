// The binder's internals, shared by binder.cc (queries, FROM, grouping) and binder_expr.cc
// (expressions). Not part of the module's contract; see binder.h.
#pragma once

#include <map>
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

struct ExprContext {
  const Scope* scope = nullptr;
  // The clause, for messages: "WHERE", "JOIN conditions", "GROUP BY", …
  std::string_view clause;
  // Non-null after grouping: names resolve to group keys and aggregates only.
  const Grouping* grouping = nullptr;
};

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
  Result<PlanPtr> BindUnion(const Query& query);
  Result<PlanPtr> BindValues(const Query& query);
  Result<Relation> BindFrom(const Query& query);
  Result<Relation> BindTableRef(const TableRef& ref);
  Result<Relation> BindJoin(const JoinRef& join);
  Result<Relation> BindTableFunction(const TableFunctionRef& ref);
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
};

// PostgreSQL's name for an output column without an alias (FigureColname).
std::string OutputName(const ParsedExpr& expr);

// Whether `call` is an aggregate call (not a window function).
bool IsAggregateCall(const ParsedExpr& expr);

// Calls `fn` on each direct child expression of `expr` (not into window specs).
template <typename Fn>
void ForEachChild(const ParsedExpr& expr, Fn&& fn) {
  auto visit = [&](const ParsedExprPtr& e) {
    if (e) fn(*e);
  };
  switch (expr.kind) {
    case ExprKind::kColumnRef:
    case ExprKind::kStar:
    case ExprKind::kConstant:
    case ExprKind::kParam:
      return;
    case ExprKind::kOperator:
      visit(expr.As<Operator>().left);
      visit(expr.As<Operator>().right);
      return;
    case ExprKind::kBoolean:
      for (const ParsedExprPtr& a : expr.As<BooleanExpr>().args) visit(a);
      return;
    case ExprKind::kFunctionCall: {
      const FunctionCall& f = expr.As<FunctionCall>();
      for (const ParsedExprPtr& a : f.args) visit(a);
      visit(f.filter);
      return;
    }
    case ExprKind::kCase: {
      const CaseExpr& c = expr.As<CaseExpr>();
      visit(c.operand);
      for (const CaseWhen& w : c.whens) {
        visit(w.condition);
        visit(w.result);
      }
      visit(c.else_result);
      return;
    }
    case ExprKind::kCast:
      visit(expr.As<Cast>().expr);
      return;
    case ExprKind::kInList:
      visit(expr.As<InList>().expr);
      for (const ParsedExprPtr& a : expr.As<InList>().list) visit(a);
      return;
    case ExprKind::kBetween:
      visit(expr.As<Between>().expr);
      visit(expr.As<Between>().low);
      visit(expr.As<Between>().high);
      return;
    case ExprKind::kLike:
      visit(expr.As<Like>().expr);
      visit(expr.As<Like>().pattern);
      visit(expr.As<Like>().escape);
      return;
    case ExprKind::kNullTest:
      visit(expr.As<NullTest>().expr);
      return;
    case ExprKind::kBooleanTest:
      visit(expr.As<BooleanTest>().expr);
      return;
    case ExprKind::kIsDistinct:
      visit(expr.As<IsDistinct>().left);
      visit(expr.As<IsDistinct>().right);
      return;
  }
}

}  // namespace oxbow::sql::binder_internal
