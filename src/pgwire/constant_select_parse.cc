#include "pgwire/constant_select_parse.h"

#include <limits>

#include "fmt/format.h"
#include "sql/sql_error.h"
#include "sql/types/decimal.h"

namespace oxbow::pgwire {
namespace {

using sql::ExprKind;
using sql::Type;
using sql::Value;
using K = ConstExpr::Kind;

class Converter {
 public:
  explicit Converter(const sql::Statement& statement) : statement_(statement) {}

  Result<ConstExpr> Convert(const sql::ParsedExpr& e) {
    Result<ConstExpr> out = ConvertNode(e);
    if (!out.ok()) return e.location >= 0 ? statement_.ErrorAt(out.status(), e.location) : out;
    out->position = Position(e.location);
    return out;
  }

 private:
  int Position(int location) const {
    if (location < 0) return 0;
    return sql::SqlErrorOf(statement_.ErrorAt(sql::SqlError("XX000", "-"), location)).position;
  }

  static Status Unsupported(std::string_view what) {
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                         fmt::format("{} is not supported here yet", what));
  }

  Status Add(ConstExpr& out, const sql::ParsedExpr& arg) {
    ASSIGN_OR_RETURN(ConstExpr c, Convert(arg));
    out.args.push_back(std::move(c));
    return absl::OkStatus();
  }

  Result<Value> ConstantValue(const sql::Constant& c) {
    switch (c.constant_kind) {
      case sql::ConstantKind::kNull:
        return Value::Null(Type::Unknown());
      case sql::ConstantKind::kBoolean:
        return Value::Bool(c.boolean);
      case sql::ConstantKind::kInteger:
        if (c.integer >= std::numeric_limits<int32_t>::min() &&
            c.integer <= std::numeric_limits<int32_t>::max()) {
          return Value::Int32(static_cast<int32_t>(c.integer));
        }
        return Value::Int64(c.integer);
      case sql::ConstantKind::kNumeric: {
        ASSIGN_OR_RETURN(sql::Decimal d, sql::Decimal::Parse(c.value));
        return Value::Numeric(d);
      }
      case sql::ConstantKind::kString:
        return Value::String(Type::Unknown(), c.value);
      case sql::ConstantKind::kBitString:
        return Unsupported("a bit string");
    }
    return Unsupported("this constant");
  }

  Result<Type> ResolveType(const sql::TypeName& name) {
    if (name.array_dimensions > 0) return Unsupported("an array type");
    ASSIGN_OR_RETURN(Type type, sql::TypeFromName(name.name));
    if (type.id() == sql::TypeId::kNumeric && !name.modifiers.empty()) {
      return Type::NumericOf(name.modifiers[0], name.modifiers.size() > 1 ? name.modifiers[1] : 0);
    }
    if (type.id() == sql::TypeId::kVarchar && !name.modifiers.empty()) {
      return Type::VarcharOf(name.modifiers[0]);
    }
    return type;
  }

  Result<ConstExpr> ConvertNode(const sql::ParsedExpr& e) {
    ConstExpr out;
    switch (e.kind) {
      case ExprKind::kColumnRef:
        return sql::SqlError(
            sql::sqlstate::kUndefinedColumn,
            fmt::format("column \"{}\" does not exist", e.As<sql::ColumnRef>().names.back()));
      case ExprKind::kStar:
        return sql::SqlError(sql::sqlstate::kSyntaxError,
                             "SELECT * with no tables specified is not valid");
      case ExprKind::kConstant: {
        ASSIGN_OR_RETURN(out.value, ConstantValue(e.As<sql::Constant>()));
        return out;
      }
      case ExprKind::kParam:
        out.kind = K::kParam;
        out.param = e.As<sql::Param>().number;
        return out;
      case ExprKind::kOperator: {
        const auto& op = e.As<sql::Operator>();
        out.kind = K::kOperator;
        out.name = op.op;
        if (op.left) RETURN_IF_ERROR(Add(out, *op.left));
        RETURN_IF_ERROR(Add(out, *op.right));
        return out;
      }
      case ExprKind::kBoolean: {
        const auto& b = e.As<sql::BooleanExpr>();
        out.kind = b.op == sql::BooleanOp::kAnd  ? K::kAnd
                   : b.op == sql::BooleanOp::kOr ? K::kOr
                                                 : K::kNot;
        for (const auto& a : b.args) RETURN_IF_ERROR(Add(out, *a));
        return out;
      }
      case ExprKind::kFunctionCall: {
        const auto& call = e.As<sql::FunctionCall>();
        if (call.star || call.distinct || call.filter || call.over || !call.order_by.empty()) {
          return Unsupported("an aggregate or window function");
        }
        if (call.name.size() > 1 && call.name[0] != "pg_catalog") {
          return sql::SqlError(sql::sqlstate::kInvalidSchemaName,
                               fmt::format("schema \"{}\" does not exist", call.name[0]));
        }
        out.kind = K::kCall;
        out.name = call.function_name();
        for (const auto& a : call.args) RETURN_IF_ERROR(Add(out, *a));
        return out;
      }
      case ExprKind::kCase: {
        const auto& c = e.As<sql::CaseExpr>();
        out.kind = K::kCase;
        out.has_operand = c.operand != nullptr;
        if (c.operand) RETURN_IF_ERROR(Add(out, *c.operand));
        for (const sql::CaseWhen& w : c.whens) {
          RETURN_IF_ERROR(Add(out, *w.condition));
          RETURN_IF_ERROR(Add(out, *w.result));
        }
        out.has_else = c.else_result != nullptr;
        if (c.else_result) RETURN_IF_ERROR(Add(out, *c.else_result));
        return out;
      }
      case ExprKind::kCast: {
        const auto& c = e.As<sql::Cast>();
        Result<Type> type = ResolveType(c.type);
        if (!type.ok()) return statement_.ErrorAt(type.status(), c.type.location);
        out.kind = K::kCast;
        out.type = *type;
        RETURN_IF_ERROR(Add(out, *c.expr));
        return out;
      }
      case ExprKind::kInList: {
        const auto& in = e.As<sql::InList>();
        out.kind = K::kIn;
        out.negated = in.negated;
        RETURN_IF_ERROR(Add(out, *in.expr));
        for (const auto& a : in.list) RETURN_IF_ERROR(Add(out, *a));
        return out;
      }
      case ExprKind::kBetween: {
        const auto& b = e.As<sql::Between>();
        if (b.symmetric) return Unsupported("BETWEEN SYMMETRIC");
        out.kind = K::kBetween;
        out.negated = b.negated;
        RETURN_IF_ERROR(Add(out, *b.expr));
        RETURN_IF_ERROR(Add(out, *b.low));
        RETURN_IF_ERROR(Add(out, *b.high));
        return out;
      }
      case ExprKind::kLike: {
        const auto& l = e.As<sql::Like>();
        out.kind = K::kLike;
        out.negated = l.negated;
        out.case_insensitive = l.case_insensitive;
        RETURN_IF_ERROR(Add(out, *l.expr));
        RETURN_IF_ERROR(Add(out, *l.pattern));
        if (l.escape) RETURN_IF_ERROR(Add(out, *l.escape));
        return out;
      }
      case ExprKind::kNullTest: {
        const auto& n = e.As<sql::NullTest>();
        out.kind = K::kIsNull;
        out.negated = n.negated;
        RETURN_IF_ERROR(Add(out, *n.expr));
        return out;
      }
      case ExprKind::kBooleanTest:
        return Unsupported("IS [NOT] TRUE/FALSE/UNKNOWN");
      case ExprKind::kIsDistinct:
        return Unsupported("IS [NOT] DISTINCT FROM");
      case ExprKind::kSubLink:
        return Unsupported("a subquery");
      case ExprKind::kSubscript:
        return Unsupported("an array subscript");
      case ExprKind::kFieldSelect:
        return Unsupported("field selection");
    }
    return Unsupported("this expression");
  }

  const sql::Statement& statement_;
};

// PostgreSQL's name for an unaliased output column (FigureColname) and its strength: 2 for
// a column or function name, 1 for a fallback (a cast's type, "case"), 0 for none.
int FigureName(const sql::ParsedExpr& e, std::string& name) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      name = e.As<sql::ColumnRef>().names.back();
      return 2;
    case ExprKind::kFunctionCall:
      name = e.As<sql::FunctionCall>().function_name();
      return 2;
    case ExprKind::kCast: {
      const auto& c = e.As<sql::Cast>();
      int strength = FigureName(*c.expr, name);
      if (strength > 1) return strength;
      Result<Type> t = sql::TypeFromName(c.type.name);
      name = t.ok() ? std::string(t->internal_name()) : c.type.name;
      return 1;
    }
    case ExprKind::kCase:
      name = "case";
      return 1;
    case ExprKind::kConstant:
      if (e.As<sql::Constant>().constant_kind != sql::ConstantKind::kBoolean) return 0;
      name = "bool";
      return 1;
    default:
      return 0;
  }
}

std::string ColumnName(const sql::ParsedExpr& e) {
  std::string name;
  return FigureName(e, name) > 0 ? name : std::string("?column?");
}

// Whether `e` has a subquery, a cast to oid or a reg* type, or arrays: those need the catalog
// or the array type, so the binder (sql/binder.h) plans the SELECT instead.
bool NeedsCatalog(const sql::ParsedExpr& e) {
  if (e.kind == ExprKind::kSubLink || e.kind == ExprKind::kSubscript) return true;
  if (e.kind == ExprKind::kOperator && e.As<sql::Operator>().quantifier != sql::Quantifier::kNone) {
    return true;
  }
  if (e.kind == ExprKind::kCast) {
    const std::string& type = e.As<sql::Cast>().type.name;
    if (type == "oid" || type.starts_with("reg")) return true;
    if (e.As<sql::Cast>().type.array_dimensions > 0) return true;
  }
  // Functions over or returning arrays are the binder's.
  if (e.kind == ExprKind::kFunctionCall) {
    const std::string& name = e.As<sql::FunctionCall>().function_name();
    if (name.starts_with("array_") || name == "cardinality" || name == "current_schemas") {
      return true;
    }
  }
  bool found = false;
  sql::ForEachChild(e, [&](const sql::ParsedExpr& child) { found = found || NeedsCatalog(child); });
  return found;
}

}  // namespace

bool IsConstantSelect(const sql::Statement& statement) {
  const auto* select = statement.As<sql::SelectStatement>();
  if (select == nullptr || !select->query) return false;
  const sql::Query& q = *select->query;
  if (!(q.kind == sql::QueryKind::kSelect && q.with.empty() && q.from.empty() && !q.where &&
        q.group_by.empty() && !q.having && q.order_by.empty() && !q.limit && !q.offset &&
        !q.distinct)) {
    return false;
  }
  for (const sql::SelectItem& item : q.select_list) {
    if (NeedsCatalog(*item.expr)) return false;
  }
  return true;
}

Result<ConstSelect> ToConstSelect(const sql::Statement& statement) {
  const sql::Query& q = *statement.As<sql::SelectStatement>()->query;
  ConstSelect out;
  Converter converter(statement);
  for (const sql::SelectItem& item : q.select_list) {
    ASSIGN_OR_RETURN(ConstExpr e, converter.Convert(*item.expr));
    out.names.push_back(item.alias ? *item.alias : ColumnName(*item.expr));
    out.exprs.push_back(std::move(e));
  }
  return out;
}

}  // namespace oxbow::pgwire
