#include "pgwire/constant_select.h"

#include "fmt/format.h"
#include "sql/expr/evaluator.h"
#include "sql/expr/expr.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

using sql::Type;
using sql::Value;
using K = ConstExpr::Kind;

class Binder {
 public:
  Binder(const ConstantContext& context, ConstantResult& out) : context_(context), out_(out) {}

  Result<sql::ExprPtr> Bind(const ConstExpr& e) {
    Result<sql::ExprPtr> bound = BindNode(e);
    if (!bound.ok() && e.position > 0) {
      return sql::WithPositionIfUnset(bound.status(), e.position);
    }
    return bound;
  }

 private:
  Result<std::vector<sql::ExprPtr>> BindRange(const ConstExpr& e, size_t from, size_t to) {
    std::vector<sql::ExprPtr> out;
    for (size_t i = from; i < to; ++i) {
      ASSIGN_OR_RETURN(sql::ExprPtr b, Bind(e.args[i]));
      out.push_back(std::move(b));
    }
    return out;
  }

  Result<sql::ExprPtr> BindParam(int number) {
    if (number < 1 || number > 65535) {
      return sql::SqlError("42P02", fmt::format("there is no parameter ${}", number));
    }
    out_.max_param = std::max(out_.max_param, number);
    size_t i = static_cast<size_t>(number - 1);
    if (i >= context_.params.size()) return sql::MakeConstant(Value::Null(Type::Unknown()));
    const Value& v = context_.params[i];
    if (i < context_.param_unknown.size() && context_.param_unknown[i]) {
      if (v.is_null()) return sql::MakeConstant(Value::Null(Type::Unknown()));
      std::string text;
      sql::AppendValueText(text, v);
      return sql::MakeConstant(Value::String(Type::Unknown(), std::move(text)));
    }
    return sql::MakeConstant(v);
  }

  Result<std::optional<std::string>> ConstantText(const ConstExpr& arg) {
    ASSIGN_OR_RETURN(sql::ExprPtr bound, Bind(arg));
    ASSIGN_OR_RETURN(Value v, sql::EvaluateConstant(*bound));
    if (v.is_null()) return std::optional<std::string>();
    std::string text;
    sql::AppendValueText(text, v);
    return std::optional<std::string>(std::move(text));
  }

  Result<sql::ExprPtr> BindCall(const ConstExpr& call) {
    const std::string& name = call.name;
    auto text = [](std::string s) { return sql::MakeConstant(Value::Text(std::move(s))); };
    if (call.args.empty()) {
      if (name == "version") return text(VersionString());
      if (name == "current_database" || name == "current_catalog") return text(context_.database);
      if (name == "current_schema") return text("public");
      if (name == "current_user" || name == "session_user" || name == "user" ||
          name == "current_role") {
        return text(context_.user);
      }
      if (name == "pg_backend_pid") return sql::MakeConstant(Value::Int32(context_.process_id));
    }
    if (name == "current_setting" && (call.args.size() == 1 || call.args.size() == 2)) {
      ASSIGN_OR_RETURN(std::optional<std::string> setting, ConstantText(call.args[0]));
      if (!setting) return sql::MakeConstant(Value::Null(Type::Text()));
      bool missing_ok = false;
      if (call.args.size() == 2) {
        ASSIGN_OR_RETURN(sql::ExprPtr flag, Bind(call.args[1]));
        ASSIGN_OR_RETURN(flag,
                         sql::MakeCast(std::move(flag), Type::Bool(), sql::CastContext::kImplicit));
        ASSIGN_OR_RETURN(Value v, sql::EvaluateConstant(*flag));
        missing_ok = !v.is_null() && v.bool_value();
      }
      Result<std::string> value = context_.setting(*setting);
      if (!value.ok()) {
        if (missing_ok) return sql::MakeConstant(Value::Null(Type::Text()));
        return value.status();
      }
      return text(*value);
    }
    if (name == "pg_sleep" && call.args.size() == 1) {
      ASSIGN_OR_RETURN(sql::ExprPtr arg, Bind(call.args[0]));
      ASSIGN_OR_RETURN(arg,
                       sql::MakeCast(std::move(arg), Type::Float64(), sql::CastContext::kImplicit));
      ASSIGN_OR_RETURN(Value seconds, sql::EvaluateConstant(*arg));
      if (!seconds.is_null()) out_.sleep_seconds = seconds.double_value();
      return text("");  // pg_sleep returns void, which clients show as an empty value
    }
    ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(call, 0, call.args.size()));
    if (name == "coalesce") return sql::MakeCoalesce(std::move(args));
    if (name == "nullif" && args.size() == 2) {
      return sql::MakeNullIf(std::move(args[0]), std::move(args[1]));
    }
    return sql::MakeCall(name, std::move(args));
  }

  Result<sql::ExprPtr> BindNode(const ConstExpr& e) {
    switch (e.kind) {
      case K::kConstant:
        return sql::MakeConstant(e.value);
      case K::kParam:
        return BindParam(e.param);
      case K::kOperator: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, e.args.size()));
        if (args.size() == 1) return sql::MakeUnaryOperator(e.name, std::move(args[0]));
        return sql::MakeOperator(e.name, std::move(args[0]), std::move(args[1]));
      }
      case K::kAnd:
      case K::kOr:
      case K::kNot: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, e.args.size()));
        if (e.kind == K::kAnd) return sql::MakeAnd(std::move(args));
        if (e.kind == K::kOr) return sql::MakeOr(std::move(args));
        return sql::MakeNot(std::move(args.at(0)));
      }
      case K::kCall:
        return BindCall(e);
      case K::kCase: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, e.args.size()));
        size_t i = 0;
        sql::ExprPtr operand;
        if (e.has_operand) operand = std::move(args[i++]);
        size_t end = args.size() - (e.has_else ? 1 : 0);
        std::vector<sql::ExprPtr> whens, thens;
        for (; i + 1 < end; i += 2) {
          whens.push_back(std::move(args[i]));
          thens.push_back(std::move(args[i + 1]));
        }
        sql::ExprPtr else_expr;
        if (e.has_else) else_expr = std::move(args.back());
        return sql::MakeCase(std::move(operand), std::move(whens), std::move(thens),
                             std::move(else_expr));
      }
      case K::kCast: {
        if (e.args[0].kind == K::kParam) {
          int n = e.args[0].param;
          if (n >= 1 && n <= 65535) {
            if (out_.param_casts.size() < static_cast<size_t>(n)) out_.param_casts.resize(n);
            out_.param_casts[n - 1] = e.type;
          }
        }
        ASSIGN_OR_RETURN(sql::ExprPtr arg, Bind(e.args[0]));
        return sql::MakeCast(std::move(arg), e.type, sql::CastContext::kExplicit);
      }
      case K::kIn: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, e.args.size()));
        sql::ExprPtr arg = std::move(args[0]);
        args.erase(args.begin());
        return sql::MakeIn(std::move(arg), std::move(args), e.negated);
      }
      case K::kBetween: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, 3));
        return sql::MakeBetween(std::move(args[0]), std::move(args[1]), std::move(args[2]),
                                e.negated);
      }
      case K::kLike: {
        ASSIGN_OR_RETURN(std::vector<sql::ExprPtr> args, BindRange(e, 0, e.args.size()));
        sql::ExprPtr escape = args.size() > 2 ? std::move(args[2]) : nullptr;
        return sql::MakeLike(std::move(args[0]), std::move(args[1]), std::move(escape),
                             e.case_insensitive, e.negated);
      }
      case K::kIsNull: {
        ASSIGN_OR_RETURN(sql::ExprPtr arg, Bind(e.args[0]));
        return sql::MakeIsNull(std::move(arg), e.negated);
      }
    }
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported, "expression not supported");
  }

  const ConstantContext& context_;
  ConstantResult& out_;
};

}  // namespace

std::string VersionString() {
  return "PostgreSQL 15.0 (Oxbow) on x86_64-pc-linux-gnu, compiled by gcc, 64-bit";
}

Result<ConstantResult> RunConstantSelect(const ConstSelect& select, const ConstantContext& context,
                                         bool evaluate) {
  ConstantResult out;
  Binder binder(context, out);
  for (size_t i = 0; i < select.exprs.size(); ++i) {
    ASSIGN_OR_RETURN(sql::ExprPtr e, binder.Bind(select.exprs[i]));
    // Output columns of unknown type (`SELECT 'a'`, `SELECT NULL`) are text, as in PostgreSQL.
    if (e->type.id() == sql::TypeId::kUnknown) {
      ASSIGN_OR_RETURN(e, sql::MakeCast(std::move(e), Type::Text(), sql::CastContext::kImplicit));
    }
    out.columns.push_back({select.names[i], e->type});
    if (evaluate) {
      // Run-time errors (division by zero, overflow) have no position, as in PostgreSQL.
      ASSIGN_OR_RETURN(Value v, sql::EvaluateConstant(*e));
      out.row.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace oxbow::pgwire
