// Expressions: AST → bound expression trees (expr/expr.h), with names resolved in a scope
// and, after GROUP BY, against the group keys and aggregate calls.
#include <algorithm>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "sql/aggregate/aggregate.h"
#include "sql/binder_internal.h"
#include "sql/set_function.h"
#include "sql/sql_error.h"
#include "sql/type_resolution.h"
#include "sql/types/decimal.h"

namespace oxbow::sql::binder_internal {
namespace {

constexpr std::string_view kTimeFunctions[] = {"now",
                                               "current_timestamp",
                                               "current_date",
                                               "current_time",
                                               "localtime",
                                               "localtimestamp",
                                               "statement_timestamp",
                                               "transaction_timestamp",
                                               "clock_timestamp"};

bool IsTimeFunction(std::string_view name) {
  return std::find(std::begin(kTimeFunctions), std::end(kTimeFunctions), name) !=
         std::end(kTimeFunctions);
}

std::string Dotted(const std::vector<std::string>& names) { return absl::StrJoin(names, "."); }

Result<ExprPtr> BindConstant(const Constant& c) {
  switch (c.constant_kind) {
    case ConstantKind::kNull:
      return MakeConstant(Value::Null(Type::Unknown()));
    case ConstantKind::kBoolean:
      return MakeConstant(Value::Bool(c.boolean));
    case ConstantKind::kInteger:
      if (c.integer >= INT32_MIN && c.integer <= INT32_MAX) {
        return MakeConstant(Value::Int32(static_cast<int32_t>(c.integer)));
      }
      return MakeConstant(Value::Int64(c.integer));
    case ConstantKind::kNumeric: {
      ASSIGN_OR_RETURN(Value v, ParseValue(Type::Numeric(), c.value));
      return MakeConstant(std::move(v));
    }
    case ConstantKind::kString:
      return MakeConstant(Value::String(Type::Unknown(), c.value));
    case ConstantKind::kBitString:
      break;
  }
  return SqlError(sqlstate::kFeatureNotSupported, "bit string constants are not supported");
}

ExprPtr BoolConstant(bool b) { return MakeConstant(Value::Bool(b)); }

}  // namespace

Result<int> ResolveColumn(const ColumnRef& ref, const Scope& scope) {
  if (ref.names.size() > 2) {
    return SqlError(sqlstate::kFeatureNotSupported,
                    fmt::format("cross-database or schema-qualified column references are not "
                                "supported: {}",
                                Dotted(ref.names)));
  }
  const std::string& name = ref.names.back();
  int found = -1;
  bool qualifier_seen = false;
  for (size_t i = 0; i < scope.columns.size(); ++i) {
    const ScopeColumn& c = scope.columns[i];
    if (ref.names.size() == 2) {
      if (c.qualifier != ref.names[0]) continue;
      qualifier_seen = true;
    } else if (c.using_hidden) {
      continue;
    }
    if (c.name != name) continue;
    if (found >= 0) {
      return SqlError(sqlstate::kAmbiguousColumn,
                      fmt::format("column reference \"{}\" is ambiguous", Dotted(ref.names)));
    }
    found = static_cast<int>(i);
  }
  if (found >= 0) return found;
  if (ref.names.size() == 2) {
    if (!qualifier_seen) {
      return SqlError(sqlstate::kUndefinedTable,
                      fmt::format("missing FROM-clause entry for table \"{}\"", ref.names[0]));
    }
    return SqlError(sqlstate::kUndefinedColumn,
                    fmt::format("column {} does not exist", Dotted(ref.names)));
  }
  return SqlError(sqlstate::kUndefinedColumn, fmt::format("column \"{}\" does not exist", name));
}

bool IsAggregateCall(const ParsedExpr& expr) {
  if (expr.kind != ExprKind::kFunctionCall) return false;
  const FunctionCall& f = expr.As<FunctionCall>();
  return f.over == nullptr && f.name.size() == 1 && IsAggregateName(f.function_name());
}

namespace {

// PostgreSQL's FigureColnameInternal: the name and its strength (2: a column or function
// name, 1: a fallback such as a cast's type or "case", 0: none).
int FigureName(const ParsedExpr& expr, std::string& name) {
  switch (expr.kind) {
    case ExprKind::kColumnRef:
      name = expr.As<ColumnRef>().names.back();
      return 2;
    case ExprKind::kFunctionCall:
      name = expr.As<FunctionCall>().function_name();
      return 2;
    case ExprKind::kCase:
      name = "case";
      return 1;
    case ExprKind::kSubscript:
      return FigureName(*expr.As<Subscript>().array, name);
    case ExprKind::kFieldSelect:
      name = expr.As<FieldSelect>().field;
      return 2;
    case ExprKind::kSubLink:
      if (expr.As<SubLink>().link == SubLinkKind::kExists) {
        name = "exists";
        return 2;
      }
      if (expr.As<SubLink>().link == SubLinkKind::kArray) {
        name = "array";
        return 2;
      }
      if (expr.As<SubLink>().link == SubLinkKind::kExpr) {
        // The subquery's (only) output column's name: `(SELECT count(*) FROM t)` is count.
        const Query* q = expr.As<SubLink>().query.get();
        while (q != nullptr && q->kind == QueryKind::kUnion) q = q->left.get();
        if (q == nullptr || q->kind != QueryKind::kSelect || q->select_list.empty()) return 0;
        const SelectItem& first = q->select_list[0];
        if (first.alias) {
          name = *first.alias;
        } else if (first.expr->kind == ExprKind::kStar) {
          return 0;
        } else {
          name = OutputName(*first.expr);
        }
        return 2;
      }
      return 0;
    case ExprKind::kCast: {
      const Cast& c = expr.As<Cast>();
      int strength = FigureName(*c.expr, name);
      if (strength <= 1) {
        // The cast's type as written (its last name part); reg*/oid are not Oxbow types.
        Result<Type> t = ResolveTypeName(c.type);
        name = t.ok() && c.type.array_dimensions == 0 ? std::string(t->internal_name())
               : t.ok()                               ? std::string(t->element().internal_name())
                                                      : c.type.name;
        if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
        return 1;
      }
      return strength;
    }
    default:
      return 0;
  }
}

}  // namespace

std::string OutputName(const ParsedExpr& expr) {
  std::string name;
  if (FigureName(expr, name) == 0) return "?column?";
  return name;
}

Result<ExprPtr> Binder::BindCondition(const ParsedExpr& expr, const ExprContext& ctx) {
  ASSIGN_OR_RETURN(ExprPtr e, BindExpr(expr, ctx));
  if (e->type.id() == TypeId::kUnknown) {
    Result<ExprPtr> cast = MakeCast(std::move(e), Type::Bool(), CastContext::kImplicit);
    if (!cast.ok()) return ErrorAt(cast.status(), expr.location);
    return cast;
  }
  if (e->type.id() != TypeId::kBool) {
    return ErrorAt(SqlError(sqlstate::kDatatypeMismatch,
                            fmt::format("argument of {} must be type boolean, not type {}",
                                        ctx.clause, e->type.ToString())),
                   expr.location);
  }
  return e;
}

Result<ExprPtr> Binder::BindFieldSelect(const FieldSelect& select, const ExprContext& ctx) {
  auto field_of = [&](const std::vector<PlanColumn>& fields) -> Result<size_t> {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == select.field) return i;
    }
    return ErrorAt(
        SqlError(sqlstate::kUndefinedColumn,
                 fmt::format("column \"{}\" not found in data type record", select.field)),
        select.location);
  };
  // A set-returning call's field is its column.
  if (ctx.set_functions != nullptr) {
    if (auto it = ctx.set_functions->find(select.arg.get()); it != ctx.set_functions->end()) {
      const SetFunctionOutput& out = it->second;
      ASSIGN_OR_RETURN(size_t i, field_of(out.columns));
      return MakeColumnRef(out.first_column + static_cast<int>(i), out.columns[i].type);
    }
  }
  ASSIGN_OR_RETURN(ExprPtr arg, BindExpr(*select.arg, ctx));
  const std::vector<PlanColumn>* fields = nullptr;
  if (arg->kind == Expr::Kind::kColumnRef && ctx.grouping == nullptr && ctx.scope != nullptr &&
      static_cast<size_t>(arg->column) < ctx.scope->columns.size()) {
    fields = &ctx.scope->columns[arg->column].fields;
  }
  if (fields == nullptr || fields->empty()) {
    return ErrorAt(SqlError(sqlstate::kWrongObjectType,
                            fmt::format("column notation .{} applied to type {}, which is not a "
                                        "composite type",
                                        select.field, arg->type.ToString())),
                   select.location);
  }
  // A composite column holds its text: the field's text, read as the field's type.
  ASSIGN_OR_RETURN(size_t i, field_of(*fields));
  const Type type = (*fields)[i].type;
  std::vector<ExprPtr> args;
  args.push_back(std::move(arg));
  args.push_back(MakeConstant(Value::Int32(static_cast<int32_t>(i))));
  Result<ExprPtr> text = MakeCall("__record_field", std::move(args));
  if (!text.ok()) return ErrorAt(text.status(), select.location);
  Result<ExprPtr> typed = MakeCast(std::move(*text), type, CastContext::kExplicit);
  if (!typed.ok()) return ErrorAt(typed.status(), select.location);
  return typed;
}

Result<ExprPtr> Binder::BindExpr(const ParsedExpr& expr, const ExprContext& ctx) {
  auto at = [&](Status s) { return ErrorAt(std::move(s), expr.location); };
  auto positioned = [&](Result<ExprPtr> r) -> Result<ExprPtr> {
    if (!r.ok()) return at(r.status());
    return r;
  };
  auto bind = [&](const ParsedExpr& child) { return BindExpr(child, ctx); };

  if (ctx.grouping != nullptr) {
    if (expr.kind == ExprKind::kFunctionCall) {
      auto it = ctx.grouping->calls.find(&expr.As<FunctionCall>());
      if (it != ctx.grouping->calls.end()) {
        return MakeColumnRef(static_cast<int>(ctx.grouping->keys.size()) + it->second,
                             ctx.grouping->call_types[it->second]);
      }
    }
    if (expr.kind != ExprKind::kConstant && !ctx.grouping->keys.empty()) {
      // An expression equal to a group key reads that key.
      ExprContext plain{ctx.grouping->from_scope, ctx.clause, nullptr};
      Result<ExprPtr> as_input = BindExpr(expr, plain);
      if (as_input.ok()) {
        std::string text = (*as_input)->ToString();
        for (size_t i = 0; i < ctx.grouping->keys.size(); ++i) {
          if (ctx.grouping->keys[i] == text) {
            return MakeColumnRef(static_cast<int>(i), ctx.grouping->key_types[i]);
          }
        }
      }
    }
    if (expr.kind == ExprKind::kColumnRef) {
      const ColumnRef& ref = expr.As<ColumnRef>();
      Result<int> column = ResolveColumn(ref, *ctx.grouping->from_scope);
      if (!column.ok()) {
        if (std::optional<ExprPtr> outer = OuterColumn(ref)) return std::move(*outer);
        return at(column.status());
      }
      const ScopeColumn& c = ctx.grouping->from_scope->columns[*column];
      return at(SqlError(sqlstate::kGroupingError,
                         fmt::format("column \"{}.{}\" must appear in the GROUP BY clause or be "
                                     "used in an aggregate function",
                                     c.qualifier, c.name)));
    }
  }

  switch (expr.kind) {
    case ExprKind::kColumnRef: {
      Result<int> column = ResolveColumn(expr.As<ColumnRef>(), *ctx.scope);
      if (!column.ok()) {
        if (std::optional<ExprPtr> outer = OuterColumn(expr.As<ColumnRef>())) {
          return std::move(*outer);
        }
        return at(column.status());
      }
      return MakeColumnRef(*column, ctx.scope->columns[*column].type);
    }
    case ExprKind::kStar:
      return at(SqlError(sqlstate::kFeatureNotSupported, "* is only allowed in a select list"));
    case ExprKind::kConstant:
      return positioned(BindConstant(expr.As<Constant>()));
    case ExprKind::kParam: {
      int n = expr.As<Param>().number;
      if (n < 1 || static_cast<size_t>(n) > options_.params.size()) {
        return at(SqlError("42P02", fmt::format("there is no parameter ${}", n)));
      }
      return MakeConstant(options_.params[static_cast<size_t>(n) - 1]);
    }
    case ExprKind::kOperator: {
      const Operator& op = expr.As<Operator>();
      if (op.left == nullptr) {
        ASSIGN_OR_RETURN(ExprPtr r, bind(*op.right));
        return positioned(MakeUnaryOperator(op.op, std::move(r)));
      }
      ASSIGN_OR_RETURN(ExprPtr l, bind(*op.left));
      ASSIGN_OR_RETURN(ExprPtr r, bind(*op.right));
      if (op.quantifier != Quantifier::kNone) {
        return positioned(
            MakeQuantified(op.op, op.quantifier == Quantifier::kAll, std::move(l), std::move(r)));
      }
      return positioned(MakeOperator(op.op, std::move(l), std::move(r)));
    }
    case ExprKind::kBoolean: {
      const BooleanExpr& b = expr.As<BooleanExpr>();
      std::vector<ExprPtr> args;
      for (const ParsedExprPtr& a : b.args) {
        ASSIGN_OR_RETURN(ExprPtr e, bind(*a));
        args.push_back(std::move(e));
      }
      switch (b.op) {
        case BooleanOp::kAnd:
          return positioned(MakeAnd(std::move(args)));
        case BooleanOp::kOr:
          return positioned(MakeOr(std::move(args)));
        case BooleanOp::kNot:
          return positioned(MakeNot(std::move(args[0])));
      }
      break;
    }
    case ExprKind::kFunctionCall: {
      const FunctionCall& f = expr.As<FunctionCall>();
      const std::string& name = f.function_name();
      if (f.over == nullptr && IsSetFunctionName(f.name)) {
        auto it = ctx.set_functions == nullptr ? SetFunctionOutputs::const_iterator()
                                               : ctx.set_functions->find(&expr);
        if (ctx.set_functions == nullptr || it == ctx.set_functions->end()) {
          return at(
              SqlError(sqlstate::kFeatureNotSupported,
                       fmt::format("set-returning functions are not allowed in {}", ctx.clause)));
        }
        const SetFunctionOutput& out = it->second;
        if (out.columns.size() == 1) return MakeColumnRef(out.first_column, out.columns[0].type);
        // A composite: its text form (its fields stay reachable as `(call).field`).
        std::vector<ExprPtr> fields;
        for (size_t i = 0; i < out.columns.size(); ++i) {
          fields.push_back(
              MakeColumnRef(out.first_column + static_cast<int>(i), out.columns[i].type));
        }
        return positioned(MakeCall("__record", std::move(fields)));
      }
      if (f.over != nullptr) {
        return at(WithHint(
            SqlError(sqlstate::kFeatureNotSupported,
                     fmt::format("window function {}() is not supported here", name)),
            "Window functions are supported as Top-N only: ROW_NUMBER() OVER (PARTITION BY … "
            "ORDER BY …) AS rn in a subquery's select list, and WHERE rn <= n outside it."));
      }
      if (IsAggregateCall(expr)) {
        return at(
            SqlError(sqlstate::kGroupingError,
                     ctx.clause == "aggregate arguments"
                         ? std::string("aggregate function calls cannot be nested")
                         : fmt::format("aggregate functions are not allowed in {}", ctx.clause)));
      }
      if (f.name.size() > 1) {
        return at(SqlError(sqlstate::kUndefinedFunction,
                           fmt::format("function {} does not exist", Dotted(f.name))));
      }
      if (options_.materialized_view && IsTimeFunction(name)) {
        return at(WithHint(
            SqlError(sqlstate::kFeatureNotSupported,
                     fmt::format("{}() cannot be used in a materialized view", name)),
            "A materialized view is maintained as its inputs change, and the current time "
            "changes without them. Filter on an event-time column instead (e.g. window_start "
            "of TUMBLE), or apply the time condition in the query that reads the view."));
      }
      if (f.star || f.distinct || !f.order_by.empty() || f.filter != nullptr) {
        return at(SqlError(sqlstate::kWrongObjectType,
                           fmt::format("{} specified, but {} is not an aggregate function",
                                       f.star       ? "*"
                                       : f.distinct ? "DISTINCT"
                                       : f.filter   ? "FILTER"
                                                    : "ORDER BY",
                                       name)));
      }
      std::vector<ExprPtr> args;
      for (const ParsedExprPtr& a : f.args) {
        ASSIGN_OR_RETURN(ExprPtr e, bind(*a));
        args.push_back(std::move(e));
      }
      if (name == "coalesce") return positioned(MakeCoalesce(std::move(args)));
      ASSIGN_OR_RETURN(std::optional<ExprPtr> catalog_call, BindCatalogFunction(name, args));
      if (catalog_call) return std::move(*catalog_call);
      if (name == "nullif" && args.size() == 2) {
        return positioned(MakeNullIf(std::move(args[0]), std::move(args[1])));
      }
      return positioned(MakeCall(name, std::move(args)));
    }
    case ExprKind::kCase: {
      const CaseExpr& c = expr.As<CaseExpr>();
      ExprPtr operand;
      if (c.operand) {
        ASSIGN_OR_RETURN(operand, bind(*c.operand));
      }
      std::vector<ExprPtr> whens, thens;
      for (const CaseWhen& w : c.whens) {
        ASSIGN_OR_RETURN(ExprPtr cond,
                         c.operand ? bind(*w.condition)
                                   : BindCondition(*w.condition, ExprContext{ctx.scope, "CASE/WHEN",
                                                                             ctx.grouping}));
        ASSIGN_OR_RETURN(ExprPtr result, bind(*w.result));
        whens.push_back(std::move(cond));
        thens.push_back(std::move(result));
      }
      ExprPtr else_expr;
      if (c.else_result) {
        ASSIGN_OR_RETURN(else_expr, bind(*c.else_result));
      }
      return positioned(
          MakeCase(std::move(operand), std::move(whens), std::move(thens), std::move(else_expr)));
    }
    case ExprKind::kCast: {
      const Cast& c = expr.As<Cast>();
      if (c.type.array_dimensions == 0 &&
          (c.type.name == "oid" || c.type.name.starts_with("reg"))) {
        ASSIGN_OR_RETURN(ExprPtr arg, bind(*c.expr));
        ExprPtr copy = arg->Clone();
        ASSIGN_OR_RETURN(std::optional<ExprPtr> e, BindCatalogCast(c, std::move(copy)));
        if (e) return std::move(*e);
      }
      Result<Type> type = ResolveTypeName(c.type);
      if (!type.ok()) return ErrorAt(type.status(), c.type.location);
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*c.expr));
      return positioned(MakeCast(std::move(arg), *type, CastContext::kExplicit));
    }
    case ExprKind::kInList: {
      const InList& in = expr.As<InList>();
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*in.expr));
      std::vector<ExprPtr> list;
      for (const ParsedExprPtr& a : in.list) {
        ASSIGN_OR_RETURN(ExprPtr e, bind(*a));
        list.push_back(std::move(e));
      }
      return positioned(MakeIn(std::move(arg), std::move(list), in.negated));
    }
    case ExprKind::kBetween: {
      const Between& b = expr.As<Between>();
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*b.expr));
      ASSIGN_OR_RETURN(ExprPtr low, bind(*b.low));
      ASSIGN_OR_RETURN(ExprPtr high, bind(*b.high));
      if (!b.symmetric) {
        return positioned(MakeBetween(std::move(arg), std::move(low), std::move(high), b.negated));
      }
      // BETWEEN SYMMETRIC: either order of the bounds.
      ExprPtr arg2 = arg->Clone(), low2 = low->Clone(), high2 = high->Clone();
      ASSIGN_OR_RETURN(ExprPtr one, positioned(MakeBetween(std::move(arg), std::move(low),
                                                           std::move(high), false)));
      ASSIGN_OR_RETURN(ExprPtr two, positioned(MakeBetween(std::move(arg2), std::move(high2),
                                                           std::move(low2), false)));
      std::vector<ExprPtr> either;
      either.push_back(std::move(one));
      either.push_back(std::move(two));
      ASSIGN_OR_RETURN(ExprPtr any, positioned(MakeOr(std::move(either))));
      return b.negated ? positioned(MakeNot(std::move(any))) : Result<ExprPtr>(std::move(any));
    }
    case ExprKind::kLike: {
      const Like& l = expr.As<Like>();
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*l.expr));
      ASSIGN_OR_RETURN(ExprPtr pattern, bind(*l.pattern));
      ExprPtr escape;
      if (l.escape) {
        ASSIGN_OR_RETURN(escape, bind(*l.escape));
      }
      return positioned(MakeLike(std::move(arg), std::move(pattern), std::move(escape),
                                 l.case_insensitive, l.negated));
    }
    case ExprKind::kNullTest: {
      const NullTest& n = expr.As<NullTest>();
      ASSIGN_OR_RETURN(ExprPtr arg, bind(*n.expr));
      return MakeIsNull(std::move(arg), n.negated);
    }
    case ExprKind::kBooleanTest: {
      const BooleanTest& t = expr.As<BooleanTest>();
      ASSIGN_OR_RETURN(ExprPtr arg,
                       BindCondition(*t.expr, ExprContext{ctx.scope, "IS TRUE", ctx.grouping}));
      if (t.test == BooleanTestKind::kUnknown || t.test == BooleanTestKind::kNotUnknown) {
        return MakeIsNull(std::move(arg), t.test == BooleanTestKind::kNotUnknown);
      }
      // x IS TRUE = coalesce(x, false); x IS FALSE = coalesce(NOT x, false).
      bool want_false = t.test == BooleanTestKind::kFalse || t.test == BooleanTestKind::kNotFalse;
      bool negate = t.test == BooleanTestKind::kNotTrue || t.test == BooleanTestKind::kNotFalse;
      if (want_false) {
        ASSIGN_OR_RETURN(arg, positioned(MakeNot(std::move(arg))));
      }
      std::vector<ExprPtr> args;
      args.push_back(std::move(arg));
      args.push_back(BoolConstant(false));
      ASSIGN_OR_RETURN(ExprPtr test, positioned(MakeCoalesce(std::move(args))));
      return negate ? positioned(MakeNot(std::move(test))) : Result<ExprPtr>(std::move(test));
    }
    case ExprKind::kSubLink:
      return BindSubLink(expr.As<SubLink>(), ctx);
    case ExprKind::kFieldSelect:
      return BindFieldSelect(expr.As<FieldSelect>(), ctx);
    case ExprKind::kSubscript: {
      ASSIGN_OR_RETURN(ExprPtr array, bind(*expr.As<Subscript>().array));
      ASSIGN_OR_RETURN(ExprPtr index, bind(*expr.As<Subscript>().index));
      return positioned(MakeSubscript(std::move(array), std::move(index)));
    }
    case ExprKind::kIsDistinct: {
      const IsDistinct& d = expr.As<IsDistinct>();
      ASSIGN_OR_RETURN(ExprPtr l, bind(*d.left));
      ASSIGN_OR_RETURN(ExprPtr r, bind(*d.right));
      // CASE WHEN l IS NULL THEN r IS NOT NULL WHEN r IS NULL THEN true ELSE l <> r END
      ExprPtr l_null = MakeIsNull(l->Clone(), false);
      ExprPtr r_not_null = MakeIsNull(r->Clone(), true);
      ExprPtr r_null = MakeIsNull(r->Clone(), false);
      ASSIGN_OR_RETURN(ExprPtr differ, positioned(MakeOperator("<>", std::move(l), std::move(r))));
      std::vector<ExprPtr> whens, thens;
      whens.push_back(std::move(l_null));
      thens.push_back(std::move(r_not_null));
      whens.push_back(std::move(r_null));
      thens.push_back(BoolConstant(true));
      ASSIGN_OR_RETURN(ExprPtr distinct, positioned(MakeCase(nullptr, std::move(whens),
                                                             std::move(thens), std::move(differ))));
      return d.negated ? positioned(MakeNot(std::move(distinct)))
                       : Result<ExprPtr>(std::move(distinct));
    }
  }
  return at(SqlError(sqlstate::kInternalError, "unhandled expression"));
}

}  // namespace oxbow::sql::binder_internal
