// Subqueries in expressions: (SELECT …), EXISTS (SELECT …), ARRAY(SELECT …) and
// x op ANY/ALL (SELECT …) (IN), correlated or not. A subquery
// is bound by its own Binder whose unresolved names fall back to the enclosing query's scope
// (one level: the query the subquery is written in); each such column becomes an outer
// reference, and the kSubquery expression carries those columns as arguments, so the
// evaluator can run the subquery once per distinct set of outer values (expr/subquery.h).
#include <algorithm>

#include "fmt/format.h"
#include "sql/binder_internal.h"
#include "sql/sql_error.h"

namespace oxbow::sql::binder_internal {

std::optional<ExprPtr> Binder::OuterColumn(const ColumnRef& ref) {
  if (outer_ == nullptr || outer_->scope == nullptr) return std::nullopt;
  Result<int> column = ResolveColumn(ref, *outer_->scope);
  if (!column.ok()) return std::nullopt;
  auto it = std::find(outer_->columns.begin(), outer_->columns.end(), *column);
  int index = static_cast<int>(it - outer_->columns.begin());
  if (it == outer_->columns.end()) outer_->columns.push_back(*column);
  return MakeOuterRef(index, outer_->scope->columns[*column].type);
}

Result<ExprPtr> Binder::BindSubLink(const SubLink& link, const ExprContext& ctx) {
  if (options_.materialized_view) {
    return ErrorAt(
        WithHint(SqlError(sqlstate::kFeatureNotSupported,
                          "subqueries in expressions are not supported in a materialized view"),
                 "They are evaluated in ad-hoc queries only. Write the subquery as a join (and "
                 "GROUP BY) in the view, or run it over the view in an ad-hoc query."),
        link.location);
  }
  // After GROUP BY the enclosing rows are groups: only uncorrelated subqueries there.
  OuterScope outer;
  outer.scope = ctx.grouping == nullptr ? ctx.scope : nullptr;
  Binder inner(catalog_, statement_, options_, depth_);
  inner.ctes_ = ctes_;
  inner.outer_ = &outer;
  ASSIGN_OR_RETURN(PlanPtr plan, inner.BindQuery(*link.query));
  ASSIGN_OR_RETURN(plan, FinishPlan(std::move(plan), statement_, options_));
  Type type = Type::Bool();
  Expr::SubqueryKind kind = Expr::SubqueryKind::kExists;
  if (link.link != SubLinkKind::kExists) {
    if (plan->schema.size() != 1) {
      return ErrorAt(SqlError(sqlstate::kSyntaxError, "subquery must return only one column"),
                     link.location);
    }
    type = plan->schema[0].type;
    // An untyped literal's column (SELECT 'x') reads as text, as PostgreSQL resolves it.
    if (type.id() == TypeId::kUnknown) type = Type::Text();
    kind = Expr::SubqueryKind::kScalar;
  }
  if (link.link != SubLinkKind::kExists && link.link != SubLinkKind::kExpr) {
    if (type.is_array()) {
      return ErrorAt(SqlError(sqlstate::kFeatureNotSupported, "arrays of arrays are not supported"),
                     link.location);
    }
    type = Type::ArrayOf(type);
    kind = Expr::SubqueryKind::kArray;
  }
  std::vector<ExprPtr> args;
  for (int c : outer.columns) args.push_back(MakeColumnRef(c, ctx.scope->columns[c].type));
  ExprPtr subquery =
      MakeSubquery(kind, std::shared_ptr<const PlanNode>(std::move(plan)), type, std::move(args));
  if (link.link != SubLinkKind::kAny && link.link != SubLinkKind::kAll) return subquery;
  // x op ANY (SELECT …) is x op ANY (ARRAY(SELECT …)): the same three-valued result.
  ASSIGN_OR_RETURN(ExprPtr test, BindExpr(*link.test, ctx));
  Result<ExprPtr> e =
      MakeQuantified(link.op, link.link == SubLinkKind::kAll, std::move(test), std::move(subquery));
  if (!e.ok()) return ErrorAt(e.status(), link.location);
  return e;
}

}  // namespace oxbow::sql::binder_internal
