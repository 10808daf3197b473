// Queries: FROM items, SELECT lists, grouping, ROW_NUMBER(), DISTINCT, UNION, VALUES,
// ORDER BY and LIMIT. Expressions are in binder_expr.cc.
#include "sql/binder.h"

#include <algorithm>
#include <set>

#include "fmt/format.h"
#include "sql/aggregate/aggregate.h"
#include "sql/binder_internal.h"
#include "sql/expr/evaluator.h"
#include "sql/parser.h"
#include "sql/plan_rewrite.h"
#include "sql/series.h"
#include "sql/set_function.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace binder_internal {
namespace {

constexpr int kMaxViewDepth = 32;

std::vector<PlanColumn> ColumnsOf(const std::vector<CatalogColumn>& columns) {
  std::vector<PlanColumn> out;
  for (const CatalogColumn& c : columns) out.push_back(PlanColumn{c.name, c.type, !c.not_null});
  return out;
}

Scope ScopeOf(const std::vector<PlanColumn>& schema, const std::string& qualifier) {
  Scope scope;
  for (const PlanColumn& c : schema)
    scope.columns.push_back(ScopeColumn{qualifier, c.name, c.type, false, c.fields});
  return scope;
}

std::vector<ExprPtr> Identity(const std::vector<PlanColumn>& schema) {
  std::vector<ExprPtr> exprs;
  for (size_t i = 0; i < schema.size(); ++i) {
    exprs.push_back(MakeColumnRef(static_cast<int>(i), schema[i].type));
  }
  return exprs;
}

std::vector<std::string> NamesOf(const std::vector<PlanColumn>& schema) {
  std::vector<std::string> names;
  for (const PlanColumn& c : schema) names.push_back(c.name);
  return names;
}

// Keeps the first `n` columns of `plan`.
PlanPtr Trim(PlanPtr plan, size_t n) {
  if (plan->schema.size() == n) return plan;
  std::vector<PlanColumn> kept(plan->schema.begin(), plan->schema.begin() + n);
  return MakeProject(std::move(plan), Identity(kept), NamesOf(kept));
}

// A row with no columns, for SELECT without FROM.
PlanPtr OneEmptyRow() {
  std::vector<std::vector<ExprPtr>> rows(1);
  return MakeValues(std::move(rows), {});
}

bool IsWindowCall(const ParsedExpr& e) {
  return e.kind == ExprKind::kFunctionCall && e.As<FunctionCall>().over != nullptr;
}

// Aggregate calls in `expr`, outermost first (not inside other aggregates).
void FindAggregates(const ParsedExpr& expr, std::vector<const FunctionCall*>& out) {
  if (IsAggregateCall(expr)) {
    out.push_back(&expr.As<FunctionCall>());
    return;
  }
  ForEachChild(expr, [&](const ParsedExpr& child) { FindAggregates(child, out); });
}

// Set-returning calls in a select item (not inside their own arguments or subqueries).
void FindSetFunctions(const ParsedExpr& expr, std::vector<const FunctionCall*>& out) {
  if (expr.kind == ExprKind::kFunctionCall && expr.As<FunctionCall>().over == nullptr &&
      IsSetFunctionName(expr.As<FunctionCall>().name)) {
    out.push_back(&expr.As<FunctionCall>());
    return;
  }
  ForEachChild(expr, [&](const ParsedExpr& child) { FindSetFunctions(child, out); });
}

}  // namespace

Result<PlanPtr> Binder::BindSetFunctions(PlanPtr plan, const Scope& scope,
                                         const std::vector<const FunctionCall*>& calls,
                                         SetFunctionOutputs& outputs) {
  std::vector<SetFunctionCall> resolved;
  int next_column = static_cast<int>(plan->schema.size());
  for (const FunctionCall* f : calls) {
    std::vector<ExprPtr> args;
    for (const ParsedExprPtr& a : f->args) {
      ASSIGN_OR_RETURN(ExprPtr e, BindExpr(*a, ExprContext{&scope, "SELECT", nullptr}));
      args.push_back(std::move(e));
    }
    Result<SetFunctionCall> call = ResolveSetFunction(f->name, std::move(args));
    if (!call.ok()) return ErrorAt(call.status(), f->location);
    outputs[f] = SetFunctionOutput{next_column, call->columns};
    next_column += static_cast<int>(call->columns.size());
    resolved.push_back(std::move(*call));
  }
  return MakeProjectSet(std::move(plan), std::move(resolved));
}

Result<PlanPtr> Binder::BindQuery(const Query& query) {
  std::map<std::string, const CommonTableExpr*> ctes;
  for (const CommonTableExpr& cte : query.with) ctes[cte.name] = &cte;
  ctes_.push_back(std::move(ctes));
  Result<PlanPtr> plan = [&]() -> Result<PlanPtr> {
    switch (query.kind) {
      case QueryKind::kSelect:
        return BindSelect(query);
      case QueryKind::kUnion:
        return BindUnion(query);
      case QueryKind::kValues:
        return BindValues(query);
    }
    return SqlError(sqlstate::kInternalError, "unknown query kind");
  }();
  ctes_.pop_back();
  return plan;
}

Result<int64_t> Binder::BindCount(const ParsedExpr& expr, std::string_view clause) {
  Scope empty;
  ASSIGN_OR_RETURN(ExprPtr e, BindExpr(expr, ExprContext{&empty, clause, nullptr}));
  Result<ExprPtr> cast = MakeCast(std::move(e), Type::Int64(), CastContext::kImplicit);
  if (!cast.ok()) {
    return ErrorAt(SqlError(sqlstate::kDatatypeMismatch,
                            fmt::format("argument of {} must be type bigint", clause)),
                   expr.location);
  }
  Result<Value> v = EvaluateConstant(**cast);
  if (!v.ok()) return ErrorAt(v.status(), expr.location);
  if (v->is_null()) return int64_t{-1};
  if (v->int_value() < 0) {
    return ErrorAt(
        SqlError(sqlstate::kInvalidParameterValue, fmt::format("{} must not be negative", clause)),
        expr.location);
  }
  return v->int_value();
}

Result<PlanPtr> Binder::FinishOrderLimit(PlanPtr plan, const Query& query,
                                         std::vector<SortKey> keys, size_t visible) {
  int64_t limit = -1, offset = 0;
  if (query.limit) {
    ASSIGN_OR_RETURN(limit, BindCount(*query.limit, "LIMIT"));
  }
  if (query.offset) {
    ASSIGN_OR_RETURN(offset, BindCount(*query.offset, "OFFSET"));
  }
  if (options_.materialized_view) {
    if (offset > 0) {
      return ErrorAt(SqlError(sqlstate::kFeatureNotSupported,
                              "OFFSET is not supported in a materialized view"),
                     query.offset->location);
    }
    if (limit >= 0) {
      if (keys.empty()) {
        return ErrorAt(WithHint(SqlError(sqlstate::kFeatureNotSupported,
                                         "LIMIT in a materialized view needs ORDER BY"),
                                "Which rows are kept must not depend on arrival order."),
                       query.limit->location);
      }
      TopNOp topn;
      topn.order_by = std::move(keys);
      topn.limit = limit;
      plan = MakeTopN(std::move(plan), std::move(topn), "row_number");
    }
    // Without LIMIT, ORDER BY has no meaning for a view's rows.
    return Trim(std::move(plan), visible);
  }
  if (!keys.empty()) plan = MakeSort(std::move(plan), std::move(keys));
  if (limit >= 0 || offset > 0) plan = MakeLimit(std::move(plan), limit, offset);
  return Trim(std::move(plan), visible);
}

// ORDER BY by output name or position only (UNION, VALUES).
Result<PlanPtr> Binder::OrderAndLimit(PlanPtr plan, const Query& query) {
  std::vector<SortKey> keys;
  for (const OrderItem& item : query.order_by) {
    int column = -1;
    const ParsedExpr& e = *item.expr;
    if (e.kind == ExprKind::kConstant && e.As<Constant>().constant_kind == ConstantKind::kInteger) {
      int64_t pos = e.As<Constant>().integer;
      if (pos < 1 || pos > static_cast<int64_t>(plan->schema.size())) {
        return ErrorAt(SqlError(sqlstate::kInvalidColumnReference,
                                fmt::format("ORDER BY position {} is not in select list", pos)),
                       e.location);
      }
      column = static_cast<int>(pos - 1);
    } else if (e.kind == ExprKind::kColumnRef && e.As<ColumnRef>().names.size() == 1) {
      Scope scope = ScopeOf(plan->schema, "");
      ASSIGN_OR_RETURN(ExprPtr ref, BindExpr(e, ExprContext{&scope, "ORDER BY", nullptr}));
      column = ref->column;
    } else {
      return ErrorAt(
          SqlError(sqlstate::kFeatureNotSupported,
                   "ORDER BY on a UNION or VALUES result must name an output column or position"),
          e.location);
    }
    bool desc = item.direction == SortDirection::kDescending;
    bool nulls_first = item.nulls == NullsOrder::kDefault ? desc : item.nulls == NullsOrder::kFirst;
    keys.push_back(SortKey{column, desc, nulls_first});
  }
  size_t visible = plan->schema.size();
  return FinishOrderLimit(std::move(plan), query, std::move(keys), visible);
}

Result<PlanPtr> Binder::BindValues(const Query& query) {
  size_t width = query.values.empty() ? 0 : query.values[0].size();
  Scope empty;
  std::vector<std::vector<ExprPtr>> rows;
  std::vector<Type> types(width, Type::Unknown());
  for (const auto& row : query.values) {
    if (row.size() != width) {
      return ErrorAt(SqlError(sqlstate::kSyntaxError, "VALUES lists must all be the same length"),
                     row.empty() ? query.location : row[0]->location);
    }
    std::vector<ExprPtr> bound;
    for (size_t i = 0; i < width; ++i) {
      ASSIGN_OR_RETURN(ExprPtr e, BindExpr(*row[i], ExprContext{&empty, "VALUES", nullptr}));
      Result<Type> t = CommonType(types[i], e->type, "VALUES");
      if (!t.ok()) return ErrorAt(t.status(), row[i]->location);
      types[i] = *t;
      bound.push_back(std::move(e));
    }
    rows.push_back(std::move(bound));
  }
  std::vector<PlanColumn> schema;
  for (size_t i = 0; i < width; ++i) {
    // PostgreSQL resolves unknown literals in VALUES as text.
    if (types[i].id() == TypeId::kUnknown) types[i] = Type::Text();
    schema.push_back(PlanColumn{fmt::format("column{}", i + 1), types[i], true});
    for (size_t r = 0; r < rows.size(); ++r) {
      Result<ExprPtr> cast = MakeCast(std::move(rows[r][i]), types[i], CastContext::kImplicit);
      if (!cast.ok()) return ErrorAt(cast.status(), query.values[r][i]->location);
      rows[r][i] = std::move(*cast);
    }
  }
  return OrderAndLimit(MakeValues(std::move(rows), std::move(schema)), query);
}

Result<PlanPtr> Binder::BindUnion(const Query& query) {
  ASSIGN_OR_RETURN(PlanPtr left, BindQuery(*query.left));
  ASSIGN_OR_RETURN(PlanPtr right, BindQuery(*query.right));
  int right_location = query.right->location >= 0 ? query.right->location : query.location;
  if (left->schema.size() != right->schema.size()) {
    return ErrorAt(
        SqlError(sqlstate::kSyntaxError, "each UNION query must have the same number of columns"),
        right_location);
  }
  std::vector<Type> types;
  for (size_t i = 0; i < left->schema.size(); ++i) {
    Result<Type> t = CommonType(left->schema[i].type, right->schema[i].type, "UNION");
    if (!t.ok()) return ErrorAt(t.status(), right_location);
    types.push_back(t->id() == TypeId::kUnknown ? Type::Text() : *t);
  }
  auto conform = [&](PlanPtr side) -> Result<PlanPtr> {
    bool same = true;
    for (size_t i = 0; i < types.size(); ++i) same = same && side->schema[i].type == types[i];
    if (same) return side;
    std::vector<ExprPtr> exprs;
    for (size_t i = 0; i < types.size(); ++i) {
      Result<ExprPtr> cast = MakeCast(MakeColumnRef(static_cast<int>(i), side->schema[i].type),
                                      types[i], CastContext::kImplicit);
      if (!cast.ok()) return ErrorAt(cast.status(), right_location);
      exprs.push_back(std::move(*cast));
    }
    std::vector<std::string> names = NamesOf(side->schema);
    return MakeProject(std::move(side), std::move(exprs), std::move(names));
  };
  ASSIGN_OR_RETURN(left, conform(std::move(left)));
  ASSIGN_OR_RETURN(right, conform(std::move(right)));
  PlanPtr plan = MakeUnionAll(std::move(left), std::move(right));
  if (!query.union_all) plan = MakeDistinct(std::move(plan));
  return OrderAndLimit(std::move(plan), query);
}

// --- FROM ---

Status Binder::ApplyAlias(const TableRef& ref, Relation& relation) {
  if (!ref.alias) return absl::OkStatus();
  for (ScopeColumn& c : relation.scope.columns) c.qualifier = ref.alias->name;
  const std::vector<std::string>& names = ref.alias->columns;
  if (names.size() > relation.scope.columns.size()) {
    return ErrorAt(
        SqlError(sqlstate::kInvalidColumnReference,
                 fmt::format("table \"{}\" has {} columns available but {} columns "
                             "specified",
                             ref.alias->name, relation.scope.columns.size(), names.size())),
        ref.location);
  }
  if (names.empty()) return absl::OkStatus();
  for (size_t i = 0; i < names.size(); ++i) relation.scope.columns[i].name = names[i];
  std::vector<std::string> all = NamesOf(relation.plan->schema);
  for (size_t i = 0; i < names.size(); ++i) all[i] = names[i];
  std::vector<PlanColumn> schema = relation.plan->schema;
  relation.plan = MakeProject(std::move(relation.plan), Identity(schema), std::move(all));
  return absl::OkStatus();
}

Result<Relation> Binder::BindCatalogView(const CatalogObject& object, int location,
                                         const std::string& qualifier) {
  if (depth_ >= kMaxViewDepth) {
    return ErrorAt(SqlError(sqlstate::kStatementTooComplex,
                            fmt::format("views nest deeper than {} levels", kMaxViewDepth)),
                   location);
  }
  const ViewDefinition& view = *object.view();
  auto in_view = [&](Status s) {
    SqlErrorInfo info = SqlErrorOf(s);
    info.position = 0;
    if (info.detail.empty()) {
      info.detail =
          fmt::format("In {} \"{}\": {}", ObjectTypeName(object.type), object.name, view.query);
    }
    return ErrorAt(SqlError(info), location);
  };
  Result<Statement> parsed = ParseStatement(view.query);
  if (!parsed.ok()) return in_view(parsed.status());
  const SelectStatement* select = parsed->As<SelectStatement>();
  if (select == nullptr) {
    return in_view(SqlError(sqlstate::kInternalError, "the stored query is not a query"));
  }
  PlanOptions options = options_;
  if (object.type == ObjectType::kMaterializedView) options.materialized_view = true;
  Binder inner(catalog_, *parsed, options, depth_ + 1);
  Result<PlanPtr> plan = inner.BindQuery(*select->query);
  if (!plan.ok()) return in_view(plan.status());
  PlanPtr p = std::move(*plan);
  // CREATE VIEW v (a, b): the view's own column names.
  if (!view.column_names.empty()) {
    std::vector<std::string> names = NamesOf(p->schema);
    for (size_t i = 0; i < view.column_names.size() && i < names.size(); ++i) {
      names[i] = view.column_names[i];
    }
    std::vector<PlanColumn> schema = p->schema;
    p = MakeProject(std::move(p), Identity(schema), std::move(names));
  }
  if (object.type == ObjectType::kMaterializedView) {
    // Read the view's maintained result rather than computing it again.
    ScanOp scan;
    scan.source = ScanOp::Source::kMaterializedView;
    scan.relation = object.name;
    scan.relation_columns = p->schema;
    scan.relation_key = p->key;
    scan.relation_append_only = p->append_only;
    for (size_t i = 0; i < p->schema.size(); ++i) scan.columns.push_back(static_cast<int>(i));
    p = MakeScan(std::move(scan));
  }
  Scope scope = ScopeOf(p->schema, qualifier);
  return Relation{std::move(p), std::move(scope)};
}

Result<Relation> Binder::BindNamedRelation(const std::string& name, int location,
                                           const std::string& qualifier) {
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
    auto found = it->find(name);
    if (found == it->end()) continue;
    const CommonTableExpr& cte = *found->second;
    // The WITH query sees only the WITH queries before it.
    std::vector<std::map<std::string, const CommonTableExpr*>> saved(ctes_.begin(), it.base());
    saved.back().erase(name);
    std::swap(saved, ctes_);
    Result<PlanPtr> plan = BindQuery(*cte.query);
    std::swap(saved, ctes_);
    if (!plan.ok()) return plan.status();
    PlanPtr p = std::move(*plan);
    if (!cte.columns.empty()) {
      std::vector<std::string> names = NamesOf(p->schema);
      for (size_t i = 0; i < cte.columns.size() && i < names.size(); ++i) names[i] = cte.columns[i];
      std::vector<PlanColumn> schema = p->schema;
      p = MakeProject(std::move(p), Identity(schema), std::move(names));
    }
    Scope scope = ScopeOf(p->schema, qualifier);
    return Relation{std::move(p), std::move(scope)};
  }
  CatalogObjectPtr object = catalog_.Find(name);
  if (object == nullptr) {
    return ErrorAt(
        SqlError(sqlstate::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name)),
        location);
  }
  if (object->view() != nullptr) return BindCatalogView(*object, location, qualifier);
  const TableDefinition& table = *object->table();
  ScanOp scan;
  scan.source = table.is_changelog() ? ScanOp::Source::kChangelogTable : ScanOp::Source::kStream;
  scan.relation = object->name;
  scan.topic = table.topic;
  scan.format = table.format;
  scan.relation_columns = ColumnsOf(table.columns);
  for (const std::string& k : table.primary_key) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name == k) scan.relation_key.push_back(static_cast<int>(i));
    }
  }
  // A Debezium stream without a key still carries updates and deletes (before images).
  scan.relation_append_only = !table.is_changelog() && table.format != TableFormat::kDebeziumJson;
  for (size_t i = 0; i < table.columns.size(); ++i) scan.columns.push_back(static_cast<int>(i));
  PlanPtr p = MakeScan(std::move(scan));
  Scope scope = ScopeOf(p->schema, qualifier);
  return Relation{std::move(p), std::move(scope)};
}

Result<Interval> Binder::BindInterval(const ParsedExpr& expr, std::string_view what) {
  // A typed literal (INTERVAL '1 minute') is positioned at its string.
  int location = expr.location;
  if (location < 0 && expr.kind == ExprKind::kCast) location = expr.As<Cast>().expr->location;
  Scope empty;
  ASSIGN_OR_RETURN(ExprPtr e, BindExpr(expr, ExprContext{&empty, what, nullptr}));
  Result<ExprPtr> cast = MakeCast(std::move(e), Type::Interval(), CastContext::kImplicit);
  if (!cast.ok()) return ErrorAt(cast.status(), location);
  Result<Value> v = EvaluateConstant(**cast);
  if (!v.ok()) return ErrorAt(v.status(), location);
  if (v->is_null()) {
    return ErrorAt(
        SqlError(sqlstate::kInvalidParameterValue, fmt::format("the {} must not be NULL", what)),
        location);
  }
  Interval i = v->interval_value();
  if (i.months < 0 || i.days < 0 || i.micros < 0 ||
      (i.months == 0 && i.days == 0 && i.micros == 0)) {
    return ErrorAt(
        SqlError(sqlstate::kInvalidParameterValue, fmt::format("the {} must be positive", what)),
        location);
  }
  return i;
}

Result<Relation> Binder::BindSeries(const TableFunctionRef& ref) {
  // The arguments see no FROM item of this query (no LATERAL), only an enclosing query's.
  Scope none;
  std::vector<ExprPtr> args;
  for (const ParsedExprPtr& a : ref.call->args) {
    ASSIGN_OR_RETURN(ExprPtr e,
                     BindExpr(*a, ExprContext{&none, "FROM function arguments", nullptr}));
    args.push_back(std::move(e));
  }
  // Its column is named after the alias (`generate_series(1, 3) s` has column s).
  const bool unnest = ref.call->function_name() == "unnest";
  std::string column = ref.alias ? ref.alias->name : ref.call->function_name();
  if (unnest && args.size() != 1) {
    return ErrorAt(WithHint(SqlError(sqlstate::kFeatureNotSupported,
                                     "unnest takes exactly one array argument here"),
                            "Unnest each array separately."),
                   ref.call->location);
  }
  Result<PlanPtr> plan =
      unnest ? MakeUnnest(std::move(args[0]), column) : MakeSeries(std::move(args), column);
  if (!plan.ok()) return ErrorAt(plan.status(), ref.call->location);
  Relation r;
  r.scope.columns.push_back(ScopeColumn{column, column, (*plan)->schema[0].type});
  r.plan = std::move(*plan);
  RETURN_IF_ERROR(ApplyAlias(ref, r));
  return r;
}

Result<Relation> Binder::BindTableFunction(const TableFunctionRef& ref) {
  const FunctionCall& call = *ref.call;
  const std::string& name = call.function_name();
  WindowTvfOp window;
  size_t want = 0;
  std::string_view usage;
  if (name == "tumble" && call.name.size() == 1) {
    window.window = WindowKind::kTumble;
    want = 3;
    usage = "TUMBLE(table, time_column, size)";
  } else if (name == "hop" && call.name.size() == 1) {
    window.window = WindowKind::kHop;
    want = 4;
    usage = "HOP(table, time_column, slide, size)";
  } else if (name == "session" && call.name.size() == 1) {
    window.window = WindowKind::kSession;
    want = 3;
    usage = "SESSION(table, time_column, gap)";
  } else if ((name == "generate_series" || name == "unnest") &&
             (call.name.size() == 1 || call.name[0] == "pg_catalog")) {
    return BindSeries(ref);
  } else {
    return ErrorAt(SqlError(sqlstate::kUndefinedFunction,
                            fmt::format("table function {} does not exist", name)),
                   call.location);
  }
  if (call.args.size() != want || call.args[0]->kind != ExprKind::kColumnRef ||
      call.args[0]->As<ColumnRef>().names.size() != 1) {
    return ErrorAt(
        WithHint(SqlError(sqlstate::kUndefinedFunction,
                          fmt::format("function {} takes {} arguments: {}", name, want, usage)),
                 fmt::format("Call it as {}.", usage)),
        call.location);
  }
  const std::string& table = call.args[0]->As<ColumnRef>().names[0];
  std::string qualifier = ref.alias ? ref.alias->name : table;
  ASSIGN_OR_RETURN(Relation input, BindNamedRelation(table, call.args[0]->location, qualifier));
  ASSIGN_OR_RETURN(ExprPtr time,
                   BindExpr(*call.args[1], ExprContext{&input.scope, "window arguments", nullptr}));
  if (time->kind != Expr::Kind::kColumnRef ||
      (time->type.id() != TypeId::kTimestamp && time->type.id() != TypeId::kTimestampTz)) {
    return ErrorAt(
        SqlError(sqlstate::kDatatypeMismatch,
                 fmt::format("the time column of {} must be a timestamp or timestamptz "
                             "column, not {}",
                             usage.substr(0, usage.find('(')),
                             time->kind == Expr::Kind::kColumnRef ? "type " + time->type.ToString()
                                                                  : std::string("an expression"))),
        call.args[1]->location);
  }
  window.time_column = time->column;
  if (window.window == WindowKind::kHop) {
    ASSIGN_OR_RETURN(window.slide, BindInterval(*call.args[2], "window slide"));
    ASSIGN_OR_RETURN(window.size, BindInterval(*call.args[3], "window size"));
  } else {
    ASSIGN_OR_RETURN(window.size, BindInterval(*call.args[2], window.window == WindowKind::kSession
                                                                  ? "session gap"
                                                                  : "window size"));
  }
  Type t = time->type;
  Relation out;
  out.plan = MakeWindowTvf(std::move(input.plan), window);
  out.scope = std::move(input.scope);
  out.scope.columns.push_back(ScopeColumn{qualifier, "window_start", t});
  out.scope.columns.push_back(ScopeColumn{qualifier, "window_end", t});
  if (ref.alias && !ref.alias->columns.empty()) {
    TableRef plain(TableRefKind::kTable, ref.location);
    plain.alias = ref.alias;
    RETURN_IF_ERROR(ApplyAlias(plain, out));
  }
  return out;
}

Result<Relation> Binder::BindJoin(const JoinRef& join) {
  if (join.join_type == JoinType::kFull) {
    return ErrorAt(SqlError(sqlstate::kFeatureNotSupported, "FULL JOIN is not supported"),
                   join.location);
  }
  ASSIGN_OR_RETURN(Relation left, BindTableRef(*join.left));
  ASSIGN_OR_RETURN(Relation right, BindTableRef(*join.right));
  const bool swap = join.join_type == JoinType::kRight;
  Scope scope = left.scope;
  for (const ScopeColumn& c : right.scope.columns) scope.columns.push_back(c);
  const size_t lw = left.scope.columns.size();
  std::vector<ExprPtr> conditions;
  if (join.on) {
    ASSIGN_OR_RETURN(ExprPtr on, BindCondition(*join.on, ExprContext{&scope, "JOIN/ON", nullptr}));
    conditions = SplitConjuncts(std::move(on));
  }
  for (const std::string& name : join.using_columns) {
    auto find = [&](size_t from, size_t to, std::string_view side) -> Result<int> {
      int found = -1;
      for (size_t i = from; i < to; ++i) {
        if (scope.columns[i].name != name || scope.columns[i].using_hidden) continue;
        if (found >= 0) {
          return ErrorAt(SqlError(sqlstate::kAmbiguousColumn,
                                  fmt::format("common column name \"{}\" appears more than once "
                                              "in {} table",
                                              name, side)),
                         join.location);
        }
        found = static_cast<int>(i);
      }
      if (found < 0) {
        return ErrorAt(SqlError(sqlstate::kUndefinedColumn,
                                fmt::format("column \"{}\" specified in USING clause does not "
                                            "exist in {} table",
                                            name, side)),
                       join.location);
      }
      return found;
    };
    ASSIGN_OR_RETURN(int l, find(0, lw, "left"));
    ASSIGN_OR_RETURN(int r, find(lw, scope.columns.size(), "right"));
    Result<ExprPtr> eq = MakeOperator("=", MakeColumnRef(l, scope.columns[l].type),
                                      MakeColumnRef(r, scope.columns[r].type));
    if (!eq.ok()) return ErrorAt(eq.status(), join.location);
    conditions.push_back(std::move(*eq));
    // For a RIGHT join the right side's copy is the one that is never NULL.
    scope.columns[swap ? l : r].using_hidden = true;
  }
  JoinOp op;
  op.kind = join.join_type == JoinType::kInner || join.join_type == JoinType::kCross
                ? JoinKind::kInner
                : JoinKind::kLeft;
  op.location = join.location;
  if (!swap) {
    PlanPtr plan = MakeJoin(std::move(left.plan), std::move(right.plan), std::move(op));
    plan = AddJoinConditions(std::move(plan), std::move(conditions), true);
    return Relation{std::move(plan), std::move(scope)};
  }
  // RIGHT JOIN: a LEFT join with the sides swapped, then the columns put back in order.
  const size_t rw = right.scope.columns.size();
  std::vector<int> to_swapped(lw + rw);
  for (size_t i = 0; i < lw; ++i) to_swapped[i] = static_cast<int>(rw + i);
  for (size_t i = 0; i < rw; ++i) to_swapped[lw + i] = static_cast<int>(i);
  std::vector<ExprPtr> swapped_conditions;
  for (ExprPtr& c : conditions) swapped_conditions.push_back(RemapColumns(*c, to_swapped));
  PlanPtr plan = MakeJoin(std::move(right.plan), std::move(left.plan), std::move(op));
  plan = AddJoinConditions(std::move(plan), std::move(swapped_conditions), true);
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < lw + rw; ++i) {
    const PlanColumn& c = plan->schema[to_swapped[i]];
    exprs.push_back(MakeColumnRef(to_swapped[i], c.type));
    names.push_back(c.name);
  }
  plan = MakeProject(std::move(plan), std::move(exprs), std::move(names));
  return Relation{std::move(plan), std::move(scope)};
}

Result<Relation> Binder::BindTableRef(const TableRef& ref) {
  switch (ref.kind) {
    case TableRefKind::kTable: {
      const TableName& t = ref.As<TableName>();
      if (IsSystemRelation(t)) {
        ASSIGN_OR_RETURN(Relation r, BindSystemTable(t));
        RETURN_IF_ERROR(ApplyAlias(ref, r));
        return r;
      }
      ASSIGN_OR_RETURN(Relation r, BindNamedRelation(t.name, t.location, t.name));
      RETURN_IF_ERROR(ApplyAlias(ref, r));
      return r;
    }
    case TableRefKind::kSubquery: {
      ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*ref.As<SubqueryRef>().query));
      Scope scope = ScopeOf(plan->schema, ref.alias ? ref.alias->name : "");
      Relation r{std::move(plan), std::move(scope)};
      RETURN_IF_ERROR(ApplyAlias(ref, r));
      return r;
    }
    case TableRefKind::kJoin: {
      ASSIGN_OR_RETURN(Relation r, BindJoin(ref.As<JoinRef>()));
      if (ref.alias) {
        for (ScopeColumn& c : r.scope.columns) c.qualifier = ref.alias->name;
      }
      return r;
    }
    case TableRefKind::kTableFunction:
      return BindTableFunction(ref.As<TableFunctionRef>());
  }
  return SqlError(sqlstate::kInternalError, "unknown FROM item");
}

Result<Relation> Binder::BindFrom(const Query& query) {
  if (query.from.empty()) return Relation{OneEmptyRow(), Scope{}};
  ASSIGN_OR_RETURN(Relation rel, BindTableRef(*query.from[0]));
  for (size_t i = 1; i < query.from.size(); ++i) {
    ASSIGN_OR_RETURN(Relation next, BindTableRef(*query.from[i]));
    JoinOp op;
    op.location = query.from[i]->location;
    for (const ScopeColumn& c : next.scope.columns) rel.scope.columns.push_back(c);
    rel.plan = MakeJoin(std::move(rel.plan), std::move(next.plan), std::move(op));
  }
  return rel;
}

// --- SELECT ---

Result<PlanPtr> Binder::BindSelect(const Query& query) {
  ASSIGN_OR_RETURN(Relation from, BindFrom(query));
  PlanPtr plan = std::move(from.plan);
  const Scope& scope = from.scope;
  if (query.where) {
    ASSIGN_OR_RETURN(ExprPtr where,
                     BindCondition(*query.where, ExprContext{&scope, "WHERE", nullptr}));
    plan = MakeFilter(std::move(plan), std::move(where));
  }

  // Select items, with `*` expanded: (expression or column index, name, location).
  struct Item {
    const ParsedExpr* expr = nullptr;  // null: scope column `column`
    int column = -1;
    std::string name;
  };
  std::vector<Item> items;
  for (const SelectItem& s : query.select_list) {
    if (s.expr->kind == ExprKind::kStar) {
      const std::vector<std::string>& q = s.expr->As<Star>().qualifier;
      bool any = false;
      for (size_t i = 0; i < scope.columns.size(); ++i) {
        const ScopeColumn& c = scope.columns[i];
        if (q.empty() ? c.using_hidden : c.qualifier != q.back()) continue;
        items.push_back(Item{nullptr, static_cast<int>(i), c.name});
        any = true;
      }
      if (!q.empty() && !any) {
        return ErrorAt(
            SqlError(sqlstate::kUndefinedTable,
                     fmt::format("missing FROM-clause entry for table \"{}\"", q.back())),
            s.expr->location);
      }
      if (q.empty() && query.from.empty()) {
        return ErrorAt(
            SqlError(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid"),
            s.expr->location);
      }
      continue;
    }
    items.push_back(Item{s.expr.get(), -1, s.alias ? *s.alias : OutputName(*s.expr)});
  }

  // Aggregates in the select list, HAVING and ORDER BY.
  std::vector<const FunctionCall*> aggregates;
  for (const Item& item : items) {
    if (item.expr) FindAggregates(*item.expr, aggregates);
  }
  if (query.having) FindAggregates(*query.having, aggregates);
  for (const OrderItem& o : query.order_by) FindAggregates(*o.expr, aggregates);
  const bool grouped = !aggregates.empty() || !query.group_by.empty() || query.having;

  Grouping grouping;
  grouping.from_scope = &scope;
  ExprContext select_ctx{&scope, "SELECT", nullptr};

  // Set-returning functions in the select list: a ProjectSet below it (set_function.h).
  std::vector<const FunctionCall*> set_calls;
  for (const Item& item : items) {
    if (item.expr) FindSetFunctions(*item.expr, set_calls);
  }
  SetFunctionOutputs set_outputs;
  if (!set_calls.empty()) {
    if (grouped) {
      return ErrorAt(SqlError(sqlstate::kFeatureNotSupported,
                              "set-returning functions in a select list with GROUP BY or "
                              "aggregates are not supported"),
                     set_calls[0]->location);
    }
    ASSIGN_OR_RETURN(plan, BindSetFunctions(std::move(plan), scope, set_calls, set_outputs));
    select_ctx.set_functions = &set_outputs;
  }
  if (grouped) {
    std::vector<ExprPtr> pre;  // the Aggregate's input: group keys, then call arguments
    std::vector<std::string> pre_names;
    for (const ParsedExprPtr& g : query.group_by) {
      const ParsedExpr* target = g.get();
      // GROUP BY 2 / GROUP BY alias (an input column of that name wins, as in PostgreSQL).
      if (g->kind == ExprKind::kConstant &&
          g->As<Constant>().constant_kind == ConstantKind::kInteger) {
        int64_t pos = g->As<Constant>().integer;
        if (pos < 1 || pos > static_cast<int64_t>(items.size())) {
          return ErrorAt(SqlError(sqlstate::kInvalidColumnReference,
                                  fmt::format("GROUP BY position {} is not in select list", pos)),
                         g->location);
        }
        target = items[pos - 1].expr;
        if (target == nullptr) {
          pre.push_back(
              MakeColumnRef(items[pos - 1].column, scope.columns[items[pos - 1].column].type));
          pre_names.push_back(items[pos - 1].name);
          continue;
        }
      } else if (g->kind == ExprKind::kColumnRef && g->As<ColumnRef>().names.size() == 1) {
        const std::string& n = g->As<ColumnRef>().names[0];
        bool in_scope = std::any_of(scope.columns.begin(), scope.columns.end(),
                                    [&](const ScopeColumn& c) { return c.name == n; });
        if (!in_scope) {
          for (const Item& item : items) {
            if (item.expr && item.name == n) target = item.expr;
          }
        }
      }
      ASSIGN_OR_RETURN(ExprPtr key, BindExpr(*target, ExprContext{&scope, "GROUP BY", nullptr}));
      pre_names.push_back(OutputName(*target));
      pre.push_back(std::move(key));
    }
    for (const ExprPtr& k : pre) {
      grouping.keys.push_back(k->ToString());
      grouping.key_types.push_back(k->type);
    }
    std::vector<AggregateCall> calls;
    std::vector<std::string> call_names;
    std::map<std::string, int> seen;
    for (const FunctionCall* f : aggregates) {
      if (!f->order_by.empty()) {
        return ErrorAt(SqlError(sqlstate::kFeatureNotSupported,
                                "ORDER BY inside an aggregate is not supported"),
                       f->location);
      }
      std::vector<ExprPtr> args;
      std::vector<Type> types;
      for (const ParsedExprPtr& a : f->args) {
        ASSIGN_OR_RETURN(ExprPtr e,
                         BindExpr(*a, ExprContext{&scope, "aggregate arguments", nullptr}));
        types.push_back(e->type.id() == TypeId::kUnknown ? Type::Text() : e->type);
        args.push_back(std::move(e));
      }
      Result<AggregateFunction> fn = ResolveAggregate(f->function_name(), types, f->distinct);
      if (!fn.ok()) return ErrorAt(fn.status(), f->location);
      ExprPtr filter;
      if (f->filter) {
        ASSIGN_OR_RETURN(filter, BindCondition(*f->filter, ExprContext{&scope, "FILTER", nullptr}));
      }
      std::string signature = fmt::format("{}/{}/", f->function_name(), f->distinct);
      for (size_t i = 0; i < args.size(); ++i) {
        Result<ExprPtr> cast =
            MakeCast(std::move(args[i]), fn->arg_types[i], CastContext::kImplicit);
        if (!cast.ok()) return ErrorAt(cast.status(), f->args[i]->location);
        args[i] = std::move(*cast);
        signature += args[i]->ToString() + ",";
      }
      if (filter) signature += " FILTER " + filter->ToString();
      auto [it, inserted] = seen.emplace(signature, static_cast<int>(calls.size()));
      if (!inserted) {
        grouping.calls[f] = it->second;
        continue;
      }
      AggregateCall call;
      call.function = std::move(*fn);
      for (ExprPtr& a : args) {
        call.args.push_back(static_cast<int>(pre.size()));
        pre_names.push_back(fmt::format("{}_arg", f->function_name()));
        pre.push_back(std::move(a));
      }
      if (filter) {
        call.filter = static_cast<int>(pre.size());
        pre_names.push_back("filter");
        pre.push_back(std::move(filter));
      }
      grouping.calls[f] = static_cast<int>(calls.size());
      grouping.call_types.push_back(call.function.return_type);
      call_names.push_back(f->function_name());
      calls.push_back(std::move(call));
    }
    std::vector<int> group_keys;
    for (size_t i = 0; i < query.group_by.size(); ++i) group_keys.push_back(static_cast<int>(i));
    // count(*) alone needs no input columns: the aggregate reads its input's rows directly.
    if (!pre.empty()) plan = MakeProject(std::move(plan), std::move(pre), std::move(pre_names));
    plan = MakeAggregate(std::move(plan), std::move(group_keys), std::move(calls),
                         std::move(call_names));
    select_ctx.grouping = &grouping;
    if (query.having) {
      ASSIGN_OR_RETURN(ExprPtr having,
                       BindCondition(*query.having, ExprContext{&scope, "HAVING", &grouping}));
      plan = MakeFilter(std::move(plan), std::move(having));
    }
  }

  // ROW_NUMBER() OVER (…): a Top-N waiting for its bound.
  int row_number_column = -1;
  for (const Item& item : items) {
    if (item.expr == nullptr || !IsWindowCall(*item.expr)) continue;
    const FunctionCall& f = item.expr->As<FunctionCall>();
    if (f.function_name() != "row_number" || !f.args.empty() || grouped || row_number_column >= 0) {
      return ErrorAt(
          WithHint(SqlError(sqlstate::kFeatureNotSupported,
                            fmt::format("window function {}() is not supported here",
                                        f.function_name())),
                   "Window functions are supported as Top-N only: one ROW_NUMBER() OVER "
                   "(PARTITION BY … ORDER BY …) AS rn in a subquery's select list without GROUP "
                   "BY, and WHERE rn <= n outside it."),
          f.location);
    }
    std::vector<ExprPtr> pre = Identity(plan->schema);
    std::vector<std::string> pre_names = NamesOf(plan->schema);
    auto column_of = [&](const ParsedExpr& e) -> Result<int> {
      ASSIGN_OR_RETURN(ExprPtr b, BindExpr(e, ExprContext{&scope, "window definition", nullptr}));
      if (b->kind == Expr::Kind::kColumnRef) return b->column;
      pre_names.push_back(OutputName(e));
      pre.push_back(std::move(b));
      return static_cast<int>(pre.size() - 1);
    };
    TopNOp topn;
    topn.unbounded = true;
    topn.location = f.location;
    for (const ParsedExprPtr& p : f.over->partition_by) {
      ASSIGN_OR_RETURN(int c, column_of(*p));
      topn.partition_by.push_back(c);
    }
    for (const OrderItem& o : f.over->order_by) {
      ASSIGN_OR_RETURN(int c, column_of(*o.expr));
      bool desc = o.direction == SortDirection::kDescending;
      bool nulls_first = o.nulls == NullsOrder::kDefault ? desc : o.nulls == NullsOrder::kFirst;
      topn.order_by.push_back(SortKey{c, desc, nulls_first});
    }
    if (topn.order_by.empty()) {
      return ErrorAt(SqlError(sqlstate::kFeatureNotSupported,
                              "ROW_NUMBER() needs ORDER BY in its window for a Top-N"),
                     f.location);
    }
    if (pre.size() > plan->schema.size()) {
      plan = MakeProject(std::move(plan), std::move(pre), std::move(pre_names));
    }
    row_number_column = static_cast<int>(plan->schema.size());
    plan = MakeTopN(std::move(plan), std::move(topn), item.name);
  }

  // The select list, then ORDER BY expressions not in it (dropped after sorting).
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (const Item& item : items) {
    if (item.expr == nullptr) {
      if (grouped) {
        ColumnRef ref(-1);
        ref.names = {scope.columns[item.column].qualifier, scope.columns[item.column].name};
        ASSIGN_OR_RETURN(ExprPtr e, BindExpr(ref, select_ctx));
        exprs.push_back(std::move(e));
      } else {
        exprs.push_back(MakeColumnRef(item.column, scope.columns[item.column].type));
      }
    } else if (IsWindowCall(*item.expr)) {
      exprs.push_back(MakeColumnRef(row_number_column, Type::Int64()));
    } else {
      ASSIGN_OR_RETURN(ExprPtr e, BindExpr(*item.expr, select_ctx));
      if (e->type.id() == TypeId::kUnknown) {
        // PostgreSQL resolves an unknown literal in a select list as text.
        ASSIGN_OR_RETURN(e, MakeCast(std::move(e), Type::Text(), CastContext::kImplicit));
      }
      exprs.push_back(std::move(e));
    }
    names.push_back(item.name);
  }
  const size_t visible = exprs.size();
  std::vector<SortKey> keys;
  for (const OrderItem& o : query.order_by) {
    const ParsedExpr& e = *o.expr;
    int column = -1;
    if (e.kind == ExprKind::kConstant && e.As<Constant>().constant_kind == ConstantKind::kInteger) {
      int64_t pos = e.As<Constant>().integer;
      if (pos < 1 || pos > static_cast<int64_t>(visible)) {
        return ErrorAt(SqlError(sqlstate::kInvalidColumnReference,
                                fmt::format("ORDER BY position {} is not in select list", pos)),
                       e.location);
      }
      column = static_cast<int>(pos - 1);
    } else if (e.kind == ExprKind::kColumnRef && e.As<ColumnRef>().names.size() == 1) {
      // An output name wins over an input column in ORDER BY, as in PostgreSQL.
      for (size_t i = 0; i < visible; ++i) {
        if (names[i] != e.As<ColumnRef>().names[0]) continue;
        if (column >= 0) {
          return ErrorAt(SqlError(sqlstate::kAmbiguousColumn,
                                  fmt::format("ORDER BY \"{}\" is ambiguous", names[i])),
                         e.location);
        }
        column = static_cast<int>(i);
      }
    }
    if (column < 0) {
      ASSIGN_OR_RETURN(ExprPtr b, BindExpr(e, select_ctx));
      std::string text = b->ToString();
      for (size_t i = 0; i < exprs.size() && column < 0; ++i) {
        if (exprs[i]->ToString() == text) column = static_cast<int>(i);
      }
      if (column < 0) {
        if (query.distinct) {
          return ErrorAt(SqlError(sqlstate::kInvalidColumnReference,
                                  "for SELECT DISTINCT, ORDER BY expressions must appear in "
                                  "select list"),
                         e.location);
        }
        column = static_cast<int>(exprs.size());
        exprs.push_back(std::move(b));
        names.push_back(OutputName(e));
      }
    }
    bool desc = o.direction == SortDirection::kDescending;
    bool nulls_first = o.nulls == NullsOrder::kDefault ? desc : o.nulls == NullsOrder::kFirst;
    keys.push_back(SortKey{column, desc, nulls_first});
  }
  plan = MakeProject(std::move(plan), std::move(exprs), std::move(names));
  // A set-returning call yielding a composite: the column holds its text, with its fields.
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].expr == nullptr) continue;
    auto it = set_outputs.find(items[i].expr);
    if (it != set_outputs.end() && it->second.columns.size() > 1) {
      plan->schema[i].fields = it->second.columns;
    }
  }
  if (query.distinct) plan = MakeDistinct(std::move(plan));
  return FinishOrderLimit(std::move(plan), query, std::move(keys), visible);
}

}  // namespace binder_internal

namespace {

void NumberAllRows(PlanNode& plan) {
  if (TopNOp* t = plan.As<TopNOp>(); t != nullptr && t->unbounded) {
    t->unbounded = false;
    t->limit = INT64_MAX;
  }
  for (PlanPtr& in : plan.inputs) NumberAllRows(*in);
}

bool ReadsNoRelation(const PlanNode& plan) {
  if (plan.As<ScanOp>() != nullptr) return false;
  for (const PlanPtr& in : plan.inputs) {
    if (!ReadsNoRelation(*in)) return false;
  }
  return true;
}

// A join without an equality between constant relations (the system catalogs: psql writes
// `FROM pg_class c, pg_class c2, pg_index i WHERE c.oid = i.indrelid AND i.indexrelid =
// c2.oid`) pairs every row with every other: a join on a constant key. Relations that grow
// keep the 0A000 (FindUnsupported).
void CrossJoinConstants(PlanNode& plan) {
  for (PlanPtr& in : plan.inputs) CrossJoinConstants(*in);
  JoinOp* j = plan.As<JoinOp>();
  if (j == nullptr || !j->left_keys.empty() || !ReadsNoRelation(plan)) return;
  j->left_keys.push_back(MakeConstant(Value::Bool(true)));
  j->right_keys.push_back(MakeConstant(Value::Bool(true)));
}

}  // namespace

Result<PlanPtr> PlanQuery(const Query& query, const Statement& statement, const Catalog& catalog,
                          const PlanOptions& options) {
  binder_internal::Binder binder(catalog, statement, options, 0);
  ASSIGN_OR_RETURN(PlanPtr plan, binder.BindQuery(query));
  if (options.materialized_view) {
    // A view's rows are kept in its changelog topic and state, whose encodings have no arrays.
    for (const PlanColumn& c : plan->schema) {
      if (!c.type.is_array()) continue;
      return statement.ErrorAt(
          WithHint(SqlError(sqlstate::kFeatureNotSupported,
                            fmt::format("column \"{}\" of a materialized view cannot have an "
                                        "array type ({})",
                                        c.name, c.type.ToString())),
                   "Arrays are supported in ad-hoc queries; store array_to_string(…) instead."),
          query.location);
    }
  }
  return binder_internal::FinishPlan(std::move(plan), statement, options);
}

namespace binder_internal {

Result<PlanPtr> FinishPlan(PlanPtr plan, const Statement& statement, const PlanOptions& options) {
  plan = OptimizePlan(std::move(plan));
  // An ad-hoc query computes ROW_NUMBER() once over a snapshot: no bound needed (pgJDBC's
  // getColumns numbers columns so). A view keeps every rank up to date, so needs one.
  if (!options.materialized_view) NumberAllRows(*plan);
  CrossJoinConstants(*plan);
  std::string what;
  int at = FindUnsupported(*plan, &what);
  if (at >= 0 && what == "row_number") {
    return statement.ErrorAt(
        WithHint(SqlError(sqlstate::kFeatureNotSupported,
                          "ROW_NUMBER() is supported only as a Top-N filter"),
                 "Select it in a subquery AS rn and filter WHERE rn <= n outside it."),
        at);
  }
  if (at >= 0) {
    return statement.ErrorAt(
        WithHint(SqlError(sqlstate::kFeatureNotSupported,
                          "joins need an equality condition between the two sides"),
                 "Join ON a.x = b.y (or USING); a join without one would pair every row with "
                 "every other."),
        at);
  }
  return plan;
}

}  // namespace binder_internal

Result<std::vector<std::vector<ExprPtr>>> BindInsertValues(
    const Query& values, const Statement& statement, const Catalog& catalog,
    const std::vector<CatalogColumn>& targets) {
  binder_internal::Binder binder(catalog, statement, PlanOptions{}, 0);
  binder_internal::Scope empty;
  std::vector<std::vector<ExprPtr>> rows;
  for (const auto& row : values.values) {
    if (row.size() != targets.size()) {
      bool more = row.size() > targets.size();
      int at = more ? row[targets.size()]->location : values.location;
      return statement.ErrorAt(SqlError(sqlstate::kSyntaxError,
                                        more ? "INSERT has more expressions than target columns"
                                             : "INSERT has more target columns than expressions"),
                               at);
    }
    std::vector<ExprPtr> bound;
    for (size_t i = 0; i < row.size(); ++i) {
      ASSIGN_OR_RETURN(ExprPtr e, binder.BindExpr(*row[i], binder_internal::ExprContext{
                                                               &empty, "VALUES", nullptr}));
      Type from = e->type;
      Result<ExprPtr> cast = MakeCast(std::move(e), targets[i].type, CastContext::kAssignment);
      if (!cast.ok()) {
        Status error = cast.status();
        if (SqlStateOf(error) == sqlstate::kCannotCoerce) {
          error = WithHint(
              SqlError(sqlstate::kDatatypeMismatch,
                       fmt::format("column \"{}\" is of type {} but expression is of "
                                   "type {}",
                                   targets[i].name, targets[i].type.ToString(), from.ToString())),
              "You will need to rewrite or cast the expression.");
        }
        return statement.ErrorAt(error, row[i]->location);
      }
      bound.push_back(std::move(*cast));
    }
    rows.push_back(std::move(bound));
  }
  return rows;
}

}  // namespace oxbow::sql
