// Expressions: libpg_query's raw expression nodes (A_Expr, FuncCall, TypeCast, …) → ast.h.
#include <charconv>

#include "fmt/format.h"
#include "sql/convert_internal.h"
#include "sql/sql_error.h"

namespace oxbow::sql::internal {
namespace {

// PostgreSQL's FRAMEOPTION_NONDEFAULT: the window has an explicit frame clause.
constexpr int32_t kFrameOptionNonDefault = 0x00001;

std::unique_ptr<FunctionCall> MakeCall(std::string name, int location) {
  auto call = std::make_unique<FunctionCall>(location);
  call->name.push_back(std::move(name));
  return call;
}

// The constant of a Float node's text: an integer when it has only digits and fits int64
// (PostgreSQL's grammar makes any integer literal beyond int32 a Float).
std::unique_ptr<Constant> NumberConstant(const std::string& text, int location) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool integer = ec == std::errc() && end == text.data() + text.size();
  auto c = std::make_unique<Constant>(integer ? ConstantKind::kInteger : ConstantKind::kNumeric,
                                      location);
  c->value = text;
  c->integer = value;
  return c;
}

const char* SqlValueFunctionName(pg_query::SQLValueFunctionOp op) {
  switch (op) {
    case pg_query::SVFOP_CURRENT_DATE:
      return "current_date";
    case pg_query::SVFOP_CURRENT_TIME:
    case pg_query::SVFOP_CURRENT_TIME_N:
      return "current_time";
    case pg_query::SVFOP_CURRENT_TIMESTAMP:
    case pg_query::SVFOP_CURRENT_TIMESTAMP_N:
      return "current_timestamp";
    case pg_query::SVFOP_LOCALTIME:
    case pg_query::SVFOP_LOCALTIME_N:
      return "localtime";
    case pg_query::SVFOP_LOCALTIMESTAMP:
    case pg_query::SVFOP_LOCALTIMESTAMP_N:
      return "localtimestamp";
    case pg_query::SVFOP_CURRENT_ROLE:
      return "current_role";
    case pg_query::SVFOP_CURRENT_USER:
      return "current_user";
    case pg_query::SVFOP_USER:
      return "user";
    case pg_query::SVFOP_SESSION_USER:
      return "session_user";
    case pg_query::SVFOP_CURRENT_CATALOG:
      return "current_catalog";
    case pg_query::SVFOP_CURRENT_SCHEMA:
      return "current_schema";
    default:
      return nullptr;
  }
}

}  // namespace

Result<std::vector<ParsedExprPtr>> Converter::ConvertExprList(
    const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes) {
  std::vector<ParsedExprPtr> out;
  out.reserve(nodes.size());
  for (const pg_query::Node& n : nodes) {
    ASSIGN_OR_RETURN(ParsedExprPtr e, ConvertExpr(n));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<OrderItem>> Converter::ConvertOrderBy(
    const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes) {
  std::vector<OrderItem> out;
  for (const pg_query::Node& n : nodes) {
    if (!n.has_sort_by()) return UnsupportedNode(n, NodeLocation(n));
    const pg_query::SortBy& sort = n.sort_by();
    if (sort.sortby_dir() == pg_query::SORTBY_USING) {
      return Unsupported("ORDER BY … USING", sort.location());
    }
    OrderItem item;
    ASSIGN_OR_RETURN(item.expr, ConvertExpr(sort.node()));
    item.location = Loc(sort.location());
    if (sort.sortby_dir() == pg_query::SORTBY_ASC) item.direction = SortDirection::kAscending;
    if (sort.sortby_dir() == pg_query::SORTBY_DESC) item.direction = SortDirection::kDescending;
    if (sort.sortby_nulls() == pg_query::SORTBY_NULLS_FIRST) item.nulls = NullsOrder::kFirst;
    if (sort.sortby_nulls() == pg_query::SORTBY_NULLS_LAST) item.nulls = NullsOrder::kLast;
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::unique_ptr<FunctionCall>> Converter::ConvertFunctionCall(const pg_query::FuncCall& f) {
  if (f.agg_within_group()) return Unsupported("WITHIN GROUP", f.location());
  if (f.func_variadic()) return Unsupported("VARIADIC", f.location());
  auto call = std::make_unique<FunctionCall>(Loc(f.location()));
  for (const pg_query::Node& n : f.funcname()) call->name.push_back(StringOf(n));
  // The grammar qualifies SQL's special forms (EXTRACT, SUBSTRING, …) with pg_catalog.
  if (call->name.size() > 1 && call->name.front() == "pg_catalog") {
    call->name.erase(call->name.begin());
  }
  for (const pg_query::Node& arg : f.args()) {
    if (arg.has_named_arg_expr()) {
      return Unsupported("named function arguments", arg.named_arg_expr().location());
    }
  }
  ASSIGN_OR_RETURN(call->args, ConvertExprList(f.args()));
  call->star = f.agg_star();
  call->distinct = f.agg_distinct();
  ASSIGN_OR_RETURN(call->order_by, ConvertOrderBy(f.agg_order()));
  if (f.has_agg_filter()) {
    ASSIGN_OR_RETURN(call->filter, ConvertExpr(f.agg_filter()));
  }
  if (f.has_over()) {
    const pg_query::WindowDef& w = f.over();
    if (!w.name().empty() || !w.refname().empty()) {
      return Unsupported("named windows", w.location());
    }
    if (w.frame_options() & kFrameOptionNonDefault) {
      return Unsupported("window frame clauses", w.location());
    }
    call->over = std::make_unique<WindowSpec>();
    call->over->location = Loc(w.location());
    ASSIGN_OR_RETURN(call->over->partition_by, ConvertExprList(w.partition_clause()));
    ASSIGN_OR_RETURN(call->over->order_by, ConvertOrderBy(w.order_clause()));
  }
  return call;
}

namespace {

// The pieces of A_Expr conversion, one per kind.
struct AExprConverter {
  Converter& cv;
  const pg_query::A_Expr& e;

  // `OPERATOR(pg_catalog.~)` (psql writes it so) is the operator itself.
  bool QualifiedByPgCatalog() const {
    return e.name_size() == 2 && StringOf(e.name(0)) == "pg_catalog";
  }

  std::string OperatorName() const {
    if (e.name_size() == 1 || QualifiedByPgCatalog()) return StringOf(e.name(e.name_size() - 1));
    return std::string();
  }

  Result<ParsedExprPtr> Operator() {
    if (e.name_size() != 1 && !QualifiedByPgCatalog()) {
      return cv.Unsupported("OPERATOR() syntax", e.location());
    }
    auto op = std::make_unique<sql::Operator>(OperatorName(), cv.Loc(e.location()));
    if (e.has_lexpr()) {
      ASSIGN_OR_RETURN(op->left, cv.ConvertExpr(e.lexpr()));
    }
    ASSIGN_OR_RETURN(op->right, cv.ConvertExpr(e.rexpr()));
    return ParsedExprPtr(std::move(op));
  }

  Result<ParsedExprPtr> Quantified(Quantifier q) {
    ASSIGN_OR_RETURN(ParsedExprPtr op, Operator());
    op->As<sql::Operator>().quantifier = q;
    return op;
  }

  Result<ParsedExprPtr> Distinct(bool negated) {
    auto d = std::make_unique<IsDistinct>(cv.Loc(e.location()));
    d->negated = negated;
    ASSIGN_OR_RETURN(d->left, cv.ConvertExpr(e.lexpr()));
    ASSIGN_OR_RETURN(d->right, cv.ConvertExpr(e.rexpr()));
    return ParsedExprPtr(std::move(d));
  }

  Result<ParsedExprPtr> NullIf() {
    auto call = MakeCall("nullif", cv.Loc(e.location()));
    ASSIGN_OR_RETURN(ParsedExprPtr l, cv.ConvertExpr(e.lexpr()));
    ASSIGN_OR_RETURN(ParsedExprPtr r, cv.ConvertExpr(e.rexpr()));
    call->args.push_back(std::move(l));
    call->args.push_back(std::move(r));
    return ParsedExprPtr(std::move(call));
  }

  Result<ParsedExprPtr> In() {
    if (!e.rexpr().has_list()) return cv.Unsupported("IN/ANY with a subquery", e.location());
    auto in = std::make_unique<InList>(cv.Loc(e.location()));
    in->negated = OperatorName() == "<>";
    ASSIGN_OR_RETURN(in->expr, cv.ConvertExpr(e.lexpr()));
    ASSIGN_OR_RETURN(in->list, cv.ConvertExprList(e.rexpr().list().items()));
    return ParsedExprPtr(std::move(in));
  }

  Result<ParsedExprPtr> LikeExpr(bool case_insensitive) {
    auto like = std::make_unique<Like>(cv.Loc(e.location()));
    like->case_insensitive = case_insensitive;
    like->negated = OperatorName().starts_with("!");
    ASSIGN_OR_RETURN(like->expr, cv.ConvertExpr(e.lexpr()));
    // `x LIKE p ESCAPE c` arrives as `x LIKE like_escape(p, c)`.
    const pg_query::Node& r = e.rexpr();
    if (r.has_func_call() && r.func_call().funcname_size() == 2 &&
        StringOf(r.func_call().funcname(1)) == "like_escape" && r.func_call().args_size() == 2) {
      ASSIGN_OR_RETURN(like->pattern, cv.ConvertExpr(r.func_call().args(0)));
      ASSIGN_OR_RETURN(like->escape, cv.ConvertExpr(r.func_call().args(1)));
    } else {
      ASSIGN_OR_RETURN(like->pattern, cv.ConvertExpr(r));
    }
    return ParsedExprPtr(std::move(like));
  }

  Result<ParsedExprPtr> BetweenExpr(bool negated, bool symmetric) {
    if (!e.rexpr().has_list() || e.rexpr().list().items_size() != 2) {
      return cv.Error(sqlstate::kSyntaxError, "malformed BETWEEN", e.location());
    }
    auto b = std::make_unique<Between>(cv.Loc(e.location()));
    b->negated = negated;
    b->symmetric = symmetric;
    ASSIGN_OR_RETURN(b->expr, cv.ConvertExpr(e.lexpr()));
    ASSIGN_OR_RETURN(b->low, cv.ConvertExpr(e.rexpr().list().items(0)));
    ASSIGN_OR_RETURN(b->high, cv.ConvertExpr(e.rexpr().list().items(1)));
    return ParsedExprPtr(std::move(b));
  }

  Result<ParsedExprPtr> Convert() {
    switch (e.kind()) {
      case pg_query::AEXPR_OP:
        return Operator();
      case pg_query::AEXPR_OP_ANY:
        return Quantified(Quantifier::kAny);
      case pg_query::AEXPR_OP_ALL:
        return Quantified(Quantifier::kAll);
      case pg_query::AEXPR_DISTINCT:
        return Distinct(false);
      case pg_query::AEXPR_NOT_DISTINCT:
        return Distinct(true);
      case pg_query::AEXPR_NULLIF:
        return NullIf();
      case pg_query::AEXPR_IN:
        return In();
      case pg_query::AEXPR_LIKE:
        return LikeExpr(false);
      case pg_query::AEXPR_ILIKE:
        return LikeExpr(true);
      case pg_query::AEXPR_SIMILAR:
        return cv.Unsupported("SIMILAR TO", e.location());
      case pg_query::AEXPR_BETWEEN:
        return BetweenExpr(false, false);
      case pg_query::AEXPR_NOT_BETWEEN:
        return BetweenExpr(true, false);
      case pg_query::AEXPR_BETWEEN_SYM:
        return BetweenExpr(false, true);
      case pg_query::AEXPR_NOT_BETWEEN_SYM:
        return BetweenExpr(true, true);
      default:
        return cv.Unsupported("this operator form", e.location());
    }
  }
};

}  // namespace

Result<ParsedExprPtr> Converter::ConvertSubLink(const pg_query::SubLink& link) {
  auto out = std::make_unique<SubLink>(Loc(link.location()));
  switch (link.sub_link_type()) {
    case pg_query::EXPR_SUBLINK:
      out->link = SubLinkKind::kExpr;
      break;
    case pg_query::EXISTS_SUBLINK:
      out->link = SubLinkKind::kExists;
      break;
    case pg_query::ARRAY_SUBLINK:
      out->link = SubLinkKind::kArray;
      break;
    case pg_query::ANY_SUBLINK:
    case pg_query::ALL_SUBLINK: {
      out->link =
          link.sub_link_type() == pg_query::ANY_SUBLINK ? SubLinkKind::kAny : SubLinkKind::kAll;
      int names = link.oper_name_size();
      if (names > 2 || (names == 2 && StringOf(link.oper_name(0)) != "pg_catalog")) {
        return Unsupported("OPERATOR() syntax", link.location());
      }
      // IN (SELECT …) has no operator name: it is = ANY.
      out->op = names == 0 ? std::string(1, '=') : StringOf(link.oper_name(names - 1));
      if (link.testexpr().has_row_expr()) {
        return Unsupported("row comparisons with a subquery", link.location());
      }
      ASSIGN_OR_RETURN(out->test, ConvertExpr(link.testexpr()));
      break;
    }
    default:
      return Unsupported("this kind of subquery", link.location());
  }
  ASSIGN_OR_RETURN(out->query, ConvertQueryNode(link.subselect(), link.location()));
  return ParsedExprPtr(std::move(out));
}

Result<ParsedExprPtr> Converter::ConvertIndirection(const pg_query::A_Indirection& ind) {
  ASSIGN_OR_RETURN(ParsedExprPtr out, ConvertExpr(ind.arg()));
  for (const pg_query::Node& n : ind.indirection()) {
    if (n.has_string()) {
      auto field = std::make_unique<FieldSelect>(out->location);
      field->arg = std::move(out);
      field->field = n.string().sval();
      out = std::move(field);
      continue;
    }
    if (!n.has_a_indices()) {
      return Unsupported("this kind of indirection", NodeLocation(ind.arg()));
    }
    const pg_query::A_Indices& idx = n.a_indices();
    if (idx.is_slice()) return Unsupported("array slices", NodeLocation(ind.arg()));
    auto sub = std::make_unique<Subscript>(out->location);
    sub->array = std::move(out);
    ASSIGN_OR_RETURN(sub->index, ConvertExpr(idx.uidx()));
    out = std::move(sub);
  }
  return out;
}

Result<ParsedExprPtr> Converter::ConvertExpr(const pg_query::Node& node) {
  switch (node.node_case()) {
    case pg_query::Node::kColumnRef: {
      const pg_query::ColumnRef& ref = node.column_ref();
      std::vector<std::string> names;
      for (const pg_query::Node& f : ref.fields()) {
        if (f.has_a_star()) {
          auto star = std::make_unique<Star>(Loc(ref.location()));
          star->qualifier = std::move(names);
          return ParsedExprPtr(std::move(star));
        }
        names.push_back(StringOf(f));
      }
      auto col = std::make_unique<ColumnRef>(Loc(ref.location()));
      col->names = std::move(names);
      return ParsedExprPtr(std::move(col));
    }
    case pg_query::Node::kAConst: {
      const pg_query::A_Const& c = node.a_const();
      int loc = Loc(c.location());
      if (c.isnull()) return ParsedExprPtr(std::make_unique<Constant>(ConstantKind::kNull, loc));
      switch (c.val_case()) {
        case pg_query::A_Const::kIval: {
          auto k = std::make_unique<Constant>(ConstantKind::kInteger, loc);
          k->integer = c.ival().ival();
          k->value = std::to_string(k->integer);
          return ParsedExprPtr(std::move(k));
        }
        case pg_query::A_Const::kFval:
          return ParsedExprPtr(NumberConstant(c.fval().fval(), loc));
        case pg_query::A_Const::kBoolval: {
          auto k = std::make_unique<Constant>(ConstantKind::kBoolean, loc);
          k->boolean = c.boolval().boolval();
          return ParsedExprPtr(std::move(k));
        }
        case pg_query::A_Const::kSval: {
          auto k = std::make_unique<Constant>(ConstantKind::kString, loc);
          k->value = c.sval().sval();
          return ParsedExprPtr(std::move(k));
        }
        case pg_query::A_Const::kBsval:
          return Unsupported("bit-string constants", c.location());
        default:
          return Error(sqlstate::kSyntaxError, "malformed constant", c.location());
      }
    }
    case pg_query::Node::kParamRef:
      // The scanner reads $n with atol into an int: a number that does not fit arrives as
      // garbage (often ≤ 0), which would print as "$-1".
      if (node.param_ref().number() < 1) {
        return Error(sqlstate::kSyntaxError, "parameter number out of range",
                     node.param_ref().location());
      }
      return ParsedExprPtr(
          std::make_unique<Param>(node.param_ref().number(), Loc(node.param_ref().location())));
    case pg_query::Node::kAExpr:
      return AExprConverter{*this, node.a_expr()}.Convert();
    case pg_query::Node::kBoolExpr: {
      const pg_query::BoolExpr& b = node.bool_expr();
      BooleanOp op = b.boolop() == pg_query::AND_EXPR  ? BooleanOp::kAnd
                     : b.boolop() == pg_query::OR_EXPR ? BooleanOp::kOr
                                                       : BooleanOp::kNot;
      auto out = std::make_unique<BooleanExpr>(op, Loc(b.location()));
      ASSIGN_OR_RETURN(out->args, ConvertExprList(b.args()));
      if (out->args.empty() || (op == BooleanOp::kNot && out->args.size() != 1)) {
        return Error(sqlstate::kSyntaxError, "malformed boolean expression", b.location());
      }
      return ParsedExprPtr(std::move(out));
    }
    case pg_query::Node::kFuncCall: {
      ASSIGN_OR_RETURN(std::unique_ptr<FunctionCall> call, ConvertFunctionCall(node.func_call()));
      return ParsedExprPtr(std::move(call));
    }
    case pg_query::Node::kCaseExpr: {
      const pg_query::CaseExpr& c = node.case_expr();
      auto out = std::make_unique<CaseExpr>(Loc(c.location()));
      if (c.has_arg()) {
        ASSIGN_OR_RETURN(out->operand, ConvertExpr(c.arg()));
      }
      for (const pg_query::Node& w : c.args()) {
        if (!w.has_case_when()) return UnsupportedNode(w, NodeLocation(w));
        CaseWhen when;
        ASSIGN_OR_RETURN(when.condition, ConvertExpr(w.case_when().expr()));
        ASSIGN_OR_RETURN(when.result, ConvertExpr(w.case_when().result()));
        out->whens.push_back(std::move(when));
      }
      if (c.has_defresult()) {
        ASSIGN_OR_RETURN(out->else_result, ConvertExpr(c.defresult()));
      }
      return ParsedExprPtr(std::move(out));
    }
    case pg_query::Node::kTypeCast: {
      const pg_query::TypeCast& t = node.type_cast();
      auto out = std::make_unique<Cast>(Loc(t.location()));
      ASSIGN_OR_RETURN(out->expr, ConvertExpr(t.arg()));
      ASSIGN_OR_RETURN(out->type, ConvertTypeName(t.type_name()));
      return ParsedExprPtr(std::move(out));
    }
    case pg_query::Node::kNullTest: {
      const pg_query::NullTest& t = node.null_test();
      auto out = std::make_unique<NullTest>(Loc(t.location()));
      out->negated = t.nulltesttype() == pg_query::IS_NOT_NULL;
      ASSIGN_OR_RETURN(out->expr, ConvertExpr(t.arg()));
      return ParsedExprPtr(std::move(out));
    }
    case pg_query::Node::kBooleanTest: {
      const pg_query::BooleanTest& t = node.boolean_test();
      auto out = std::make_unique<BooleanTest>(Loc(t.location()));
      switch (t.booltesttype()) {
        case pg_query::IS_NOT_TRUE:
          out->test = BooleanTestKind::kNotTrue;
          break;
        case pg_query::IS_FALSE:
          out->test = BooleanTestKind::kFalse;
          break;
        case pg_query::IS_NOT_FALSE:
          out->test = BooleanTestKind::kNotFalse;
          break;
        case pg_query::IS_UNKNOWN:
          out->test = BooleanTestKind::kUnknown;
          break;
        case pg_query::IS_NOT_UNKNOWN:
          out->test = BooleanTestKind::kNotUnknown;
          break;
        default:
          out->test = BooleanTestKind::kTrue;
      }
      ASSIGN_OR_RETURN(out->expr, ConvertExpr(t.arg()));
      return ParsedExprPtr(std::move(out));
    }
    case pg_query::Node::kCoalesceExpr: {
      auto call = MakeCall("coalesce", Loc(node.coalesce_expr().location()));
      ASSIGN_OR_RETURN(call->args, ConvertExprList(node.coalesce_expr().args()));
      return ParsedExprPtr(std::move(call));
    }
    case pg_query::Node::kMinMaxExpr: {
      const pg_query::MinMaxExpr& m = node.min_max_expr();
      auto call = MakeCall(m.op() == pg_query::IS_LEAST ? "least" : "greatest", Loc(m.location()));
      ASSIGN_OR_RETURN(call->args, ConvertExprList(m.args()));
      return ParsedExprPtr(std::move(call));
    }
    case pg_query::Node::kSqlvalueFunction: {
      const pg_query::SQLValueFunction& f = node.sqlvalue_function();
      const char* name = SqlValueFunctionName(f.op());
      if (name == nullptr) return UnsupportedNode(node, f.location());
      if (f.typmod() >= 0) {
        return Unsupported(fmt::format("{} with a precision", name), f.location());
      }
      return ParsedExprPtr(MakeCall(name, Loc(f.location())));
    }
    case pg_query::Node::kSubLink:
      return ConvertSubLink(node.sub_link());
    case pg_query::Node::kAIndirection:
      return ConvertIndirection(node.a_indirection());
    case pg_query::Node::kAArrayExpr:
      return Unsupported("ARRAY constructors", node.a_array_expr().location());
    case pg_query::Node::kRowExpr:
      return Unsupported("ROW constructors", node.row_expr().location());
    case pg_query::Node::kCollateClause: {
      // Text compares bytewise; the collations that mean just that are accepted (psql writes
      // `COLLATE pg_catalog.default`).
      const pg_query::CollateClause& c = node.collate_clause();
      std::string name =
          c.collname_size() > 0 ? StringOf(c.collname(c.collname_size() - 1)) : std::string();
      bool qualified_ok = c.collname_size() == 1 ||
                          (c.collname_size() == 2 && StringOf(c.collname(0)) == "pg_catalog");
      if (!qualified_ok || (name != "default" && name != "C" && name != "POSIX")) {
        return Unsupported(fmt::format("COLLATE \"{}\" (text compares bytewise, as \"C\")", name),
                           c.location());
      }
      return ConvertExpr(c.arg());
    }
    case pg_query::Node::kGroupingFunc:
      return Unsupported("GROUPING", node.grouping_func().location());
    case pg_query::Node::kSetToDefault:
      return Unsupported("DEFAULT", node.set_to_default().location());
    default:
      return UnsupportedNode(node, NodeLocation(node));
  }
}

}  // namespace oxbow::sql::internal
