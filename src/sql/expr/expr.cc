#include "sql/expr/expr.h"

#include "absl/strings/str_join.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

ExprPtr NewExpr(Expr::Kind kind, Type type) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  return e;
}

Result<ExprPtr> CoerceBool(ExprPtr e, std::string_view construct) {
  if (e->type.id() == TypeId::kBool) return e;
  if (e->type.id() == TypeId::kUnknown)
    return MakeCast(std::move(e), Type::Bool(), CastContext::kImplicit);
  return SqlError(sqlstate::kDatatypeMismatch,
                  fmt::format("argument of {} must be type boolean, not type {}", construct,
                              e->type.ToString()));
}

Result<ExprPtr> Logical(Expr::Kind kind, std::vector<ExprPtr> args, std::string_view name) {
  auto e = NewExpr(kind, Type::Bool());
  for (ExprPtr& a : args) {
    ASSIGN_OR_RETURN(ExprPtr b, CoerceBool(std::move(a), name));
    e->args.push_back(std::move(b));
  }
  return e;
}

Result<ExprPtr> Resolved(const ResolvedFunction& r, std::vector<ExprPtr> args) {
  auto e = NewExpr(Expr::Kind::kCall, r.function->return_type);
  e->function = r.function;
  for (size_t i = 0; i < args.size(); ++i) {
    ASSIGN_OR_RETURN(ExprPtr a,
                     MakeCast(std::move(args[i]), r.arg_types[i], CastContext::kImplicit));
    e->args.push_back(std::move(a));
  }
  return e;
}

Result<ExprPtr> CoerceAll(std::vector<ExprPtr>& items, std::string_view context, Type* common) {
  Type t = Type::Unknown();
  for (const ExprPtr& e : items) {
    ASSIGN_OR_RETURN(t, CommonType(t, e->type, context));
  }
  if (t.id() == TypeId::kUnknown) t = Type::Text();
  for (ExprPtr& e : items) {
    ASSIGN_OR_RETURN(e, MakeCast(std::move(e), t, CastContext::kImplicit));
  }
  *common = t;
  return ExprPtr();
}

}  // namespace

ExprPtr Expr::Clone() const {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  e->column = column;
  e->constant = constant;
  e->function = function;
  e->cast_context = cast_context;
  e->has_else = has_else;
  e->subquery_kind = subquery_kind;
  e->subplan = subplan;
  for (const ExprPtr& a : args) e->args.push_back(a->Clone());
  return e;
}

std::string Expr::ToString() const {
  std::vector<std::string> parts;
  for (const ExprPtr& a : args) parts.push_back(a->ToString());
  switch (kind) {
    case Kind::kColumnRef:
      return fmt::format("#{}", column);
    case Kind::kConstant:
      if (constant.is_null()) return fmt::format("NULL::{}", type.ToString());
      return fmt::format("'{}'::{}", constant.ToString(), type.ToString());
    case Kind::kCall:
      if (!function->name.empty() && !std::isalpha(static_cast<unsigned char>(function->name[0]))) {
        if (parts.size() == 2) return fmt::format("({} {} {})", parts[0], function->name, parts[1]);
        return fmt::format("({} {})", function->name, parts[0]);
      }
      return fmt::format("{}({})", function->name, absl::StrJoin(parts, ", "));
    case Kind::kCast:
      return fmt::format("CAST({} AS {})", parts[0], type.ToString());
    case Kind::kAnd:
      return fmt::format("({})", absl::StrJoin(parts, " AND "));
    case Kind::kOr:
      return fmt::format("({})", absl::StrJoin(parts, " OR "));
    case Kind::kNot:
      return fmt::format("(NOT {})", parts[0]);
    case Kind::kIsNull:
      return fmt::format("({} IS NULL)", parts[0]);
    case Kind::kIsNotNull:
      return fmt::format("({} IS NOT NULL)", parts[0]);
    case Kind::kCoalesce:
      return fmt::format("COALESCE({})", absl::StrJoin(parts, ", "));
    case Kind::kCase: {
      std::string s = "CASE";
      size_t pairs = (args.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        s += fmt::format(" WHEN {} THEN {}", parts[2 * i], parts[2 * i + 1]);
      }
      if (has_else) s += fmt::format(" ELSE {}", parts.back());
      return fmt::format("{} END", s);
    }
    case Kind::kSubquery:
      return fmt::format("{}(SubPlan({}))",
                         subquery_kind == SubqueryKind::kExists  ? "EXISTS "
                         : subquery_kind == SubqueryKind::kArray ? "ARRAY"
                                                                 : "",
                         absl::StrJoin(parts, ", "));
    case Kind::kOuterRef:
      return fmt::format("$outer{}", column);
  }
  return "?";
}

ExprPtr MakeColumnRef(int column, Type type) {
  auto e = NewExpr(Expr::Kind::kColumnRef, type);
  e->column = column;
  return e;
}

ExprPtr MakeSubquery(Expr::SubqueryKind kind, std::shared_ptr<const PlanNode> plan, Type type,
                     std::vector<ExprPtr> outer_args) {
  auto e = NewExpr(Expr::Kind::kSubquery, type);
  e->subquery_kind = kind;
  e->subplan = std::move(plan);
  e->args = std::move(outer_args);
  return e;
}

ExprPtr MakeOuterRef(int index, Type type) {
  auto e = NewExpr(Expr::Kind::kOuterRef, type);
  e->column = index;
  return e;
}

bool HasSubquery(const Expr& expr) {
  if (expr.kind == Expr::Kind::kSubquery || expr.kind == Expr::Kind::kOuterRef) return true;
  for (const ExprPtr& a : expr.args) {
    if (HasSubquery(*a)) return true;
  }
  return false;
}

ExprPtr MakeConstant(Value v) {
  auto e = NewExpr(Expr::Kind::kConstant, v.type());
  e->constant = std::move(v);
  return e;
}

Result<ExprPtr> MakeCast(ExprPtr arg, const Type& to, CastContext context) {
  if (arg->type == to) return arg;
  if (!CanCast(arg->type, to, context)) {
    return SqlError(sqlstate::kCannotCoerce,
                    fmt::format("cannot cast type {} to {}", arg->type.ToString(), to.ToString()));
  }
  // Literals convert now, as PostgreSQL coerces them during parse analysis: a bad literal is an
  // error even in a CASE branch no row takes.
  if (arg->kind == Expr::Kind::kConstant &&
      (arg->constant.is_null() || arg->type.id() == TypeId::kUnknown)) {
    ASSIGN_OR_RETURN(Value v, CastValue(arg->constant, to, context));
    return MakeConstant(std::move(v));
  }
  auto e = NewExpr(Expr::Kind::kCast, to);
  e->cast_context = context;
  e->args.push_back(std::move(arg));
  return e;
}

Result<ExprPtr> MakeCall(std::string_view name, std::vector<ExprPtr> args,
                         const FunctionRegistry& registry) {
  std::vector<Type> types;
  for (const ExprPtr& a : args) types.push_back(a->type);
  ASSIGN_OR_RETURN(ResolvedFunction r, registry.Resolve(name, types));
  return Resolved(r, std::move(args));
}

Result<ExprPtr> MakeOperator(std::string_view op, ExprPtr left, ExprPtr right,
                             const FunctionRegistry& registry) {
  if (op == "||") {
    ASSIGN_OR_RETURN(ExprPtr concat, MakeArrayConcat(left, right));
    if (concat != nullptr) return concat;
  }
  std::vector<ExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return MakeCall(op, std::move(args), registry);
}

Result<ExprPtr> MakeUnaryOperator(std::string_view op, ExprPtr arg,
                                  const FunctionRegistry& registry) {
  std::vector<ExprPtr> args;
  args.push_back(std::move(arg));
  return MakeCall(op, std::move(args), registry);
}

Result<ExprPtr> MakeAnd(std::vector<ExprPtr> args) {
  return Logical(Expr::Kind::kAnd, std::move(args), "AND");
}
Result<ExprPtr> MakeOr(std::vector<ExprPtr> args) {
  return Logical(Expr::Kind::kOr, std::move(args), "OR");
}
Result<ExprPtr> MakeNot(ExprPtr arg) {
  std::vector<ExprPtr> args;
  args.push_back(std::move(arg));
  return Logical(Expr::Kind::kNot, std::move(args), "NOT");
}

ExprPtr MakeIsNull(ExprPtr arg, bool negated) {
  auto e = NewExpr(negated ? Expr::Kind::kIsNotNull : Expr::Kind::kIsNull, Type::Bool());
  e->args.push_back(std::move(arg));
  return e;
}

Result<ExprPtr> MakeIn(ExprPtr arg, std::vector<ExprPtr> list, bool negated) {
  std::vector<ExprPtr> items;
  items.push_back(std::move(arg));
  for (ExprPtr& e : list) items.push_back(std::move(e));
  Type common;
  RETURN_IF_ERROR(CoerceAll(items, "IN", &common).status());
  std::vector<ExprPtr> terms;
  for (size_t i = 1; i < items.size(); ++i) {
    ASSIGN_OR_RETURN(ExprPtr t,
                     MakeOperator(negated ? "<>" : "=", items[0]->Clone(), std::move(items[i])));
    terms.push_back(std::move(t));
  }
  return negated ? MakeAnd(std::move(terms)) : MakeOr(std::move(terms));
}

Result<ExprPtr> MakeBetween(ExprPtr arg, ExprPtr low, ExprPtr high, bool negated) {
  std::vector<ExprPtr> terms;
  ASSIGN_OR_RETURN(ExprPtr a, MakeOperator(negated ? "<" : ">=", arg->Clone(), std::move(low)));
  ASSIGN_OR_RETURN(ExprPtr b, MakeOperator(negated ? ">" : "<=", std::move(arg), std::move(high)));
  terms.push_back(std::move(a));
  terms.push_back(std::move(b));
  return negated ? MakeOr(std::move(terms)) : MakeAnd(std::move(terms));
}

Result<ExprPtr> MakeLike(ExprPtr arg, ExprPtr pattern, ExprPtr escape, bool case_insensitive,
                         bool negated) {
  if (escape != nullptr) {
    ASSIGN_OR_RETURN(pattern, MakeOperator("like_escape", std::move(pattern), std::move(escape)));
  }
  std::string op = fmt::format("{}{}", negated ? "!" : "", case_insensitive ? "~~*" : "~~");
  return MakeOperator(op, std::move(arg), std::move(pattern));
}

Result<ExprPtr> MakeCase(ExprPtr operand, std::vector<ExprPtr> whens, std::vector<ExprPtr> thens,
                         ExprPtr else_expr) {
  std::vector<ExprPtr> results;
  for (ExprPtr& t : thens) results.push_back(std::move(t));
  if (else_expr) results.push_back(std::move(else_expr));
  Type common;
  RETURN_IF_ERROR(CoerceAll(results, "CASE", &common).status());
  auto e = NewExpr(Expr::Kind::kCase, common);
  for (size_t i = 0; i < whens.size(); ++i) {
    ExprPtr cond = std::move(whens[i]);
    if (operand) {
      ASSIGN_OR_RETURN(cond, MakeOperator("=", operand->Clone(), std::move(cond)));
    }
    ASSIGN_OR_RETURN(cond, CoerceBool(std::move(cond), "CASE/WHEN"));
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(results[i]));
  }
  if (results.size() > whens.size()) {
    e->has_else = true;
    e->args.push_back(std::move(results.back()));
  }
  return e;
}

Result<ExprPtr> MakeCoalesce(std::vector<ExprPtr> args) {
  Type common;
  RETURN_IF_ERROR(CoerceAll(args, "COALESCE", &common).status());
  auto e = NewExpr(Expr::Kind::kCoalesce, common);
  e->args = std::move(args);
  return e;
}

Result<ExprPtr> MakeNullIf(ExprPtr a, ExprPtr b) {
  Type type = a->type.id() == TypeId::kUnknown ? Type::Text() : a->type;
  ASSIGN_OR_RETURN(ExprPtr cond, MakeOperator("=", a->Clone(), std::move(b)));
  std::vector<ExprPtr> whens, thens;
  whens.push_back(std::move(cond));
  thens.push_back(MakeConstant(Value::Null(type)));
  ASSIGN_OR_RETURN(ExprPtr else_expr, MakeCast(std::move(a), type, CastContext::kImplicit));
  return MakeCase(nullptr, std::move(whens), std::move(thens), std::move(else_expr));
}

}  // namespace oxbow::sql
