// Printing of the AST as SQL. The output parses back to the same tree (ast_test checks it), so
// it can serve as a normalized form in tests, EXPLAIN and error messages.
#include "sql/ast.h"

#include "fmt/format.h"
#include "sql/sql_text.h"

namespace oxbow::sql {
namespace {

// Concatenates strings. (GCC 12 at -O3 warns falsely about `"literal" + std::string`.)
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

// PostgreSQL's interval field bits (datetime.h, INTERVAL_MASK) and their spellings.
constexpr int32_t kMonth = 1 << 1, kYear = 1 << 2, kDay = 1 << 3, kHour = 1 << 10,
                  kMinute = 1 << 11, kSecond = 1 << 12;
constexpr int32_t kIntervalFullRange = 0x7FFF;

std::string IntervalFields(int32_t mask) {
  struct Spelling {
    int32_t mask;
    const char* text;
  };
  static constexpr Spelling kSpellings[] = {
      {kYear, "year"},
      {kMonth, "month"},
      {kDay, "day"},
      {kHour, "hour"},
      {kMinute, "minute"},
      {kSecond, "second"},
      {kYear | kMonth, "year to month"},
      {kDay | kHour, "day to hour"},
      {kDay | kHour | kMinute, "day to minute"},
      {kDay | kHour | kMinute | kSecond, "day to second"},
      {kHour | kMinute, "hour to minute"},
      {kHour | kMinute | kSecond, "hour to second"},
      {kMinute | kSecond, "minute to second"},
  };
  for (const Spelling& s : kSpellings) {
    if (s.mask == mask) return s.text;
  }
  return "";
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string QualifiedName(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back(QuoteIdentifier(n));
  return Join(quoted, ".");
}

std::string ExprList(const std::vector<ParsedExprPtr>& exprs) {
  std::vector<std::string> parts;
  for (const ParsedExprPtr& e : exprs) parts.push_back(e->ToString());
  return Join(parts, ", ");
}

std::string OrderList(const std::vector<OrderItem>& items) {
  std::vector<std::string> parts;
  for (const OrderItem& item : items) {
    std::string s = item.expr->ToString();
    if (item.direction == SortDirection::kAscending) s += " ASC";
    if (item.direction == SortDirection::kDescending) s += " DESC";
    if (item.nulls == NullsOrder::kFirst) s += " NULLS FIRST";
    if (item.nulls == NullsOrder::kLast) s += " NULLS LAST";
    parts.push_back(std::move(s));
  }
  return Join(parts, ", ");
}

std::string ConstantText(const Constant& c) {
  switch (c.constant_kind) {
    case ConstantKind::kNull:
      return "NULL";
    case ConstantKind::kBoolean:
      return c.boolean ? "TRUE" : "FALSE";
    case ConstantKind::kInteger:
    case ConstantKind::kNumeric:
      return c.value;
    case ConstantKind::kString:
      return QuoteLiteral(c.value);
    case ConstantKind::kBitString:
      return fmt::format("B'{}'", c.value);
  }
  return "";
}

// SQL's niladic functions, written without parentheses.
bool IsNiladic(const FunctionCall& f) {
  static constexpr std::string_view kNames[] = {
      "current_date",   "current_time",    "current_timestamp", "localtime",
      "localtimestamp", "current_user",    "session_user",      "current_role",
      "user",           "current_catalog", "current_schema"};
  if (!f.args.empty() || f.star || f.name.size() != 1) return false;
  for (std::string_view n : kNames) {
    if (f.name[0] == n) return true;
  }
  return false;
}

std::string FunctionText(const FunctionCall& f) {
  if (IsNiladic(f)) return f.name[0];
  std::string s = QualifiedName(f.name) + "(";
  if (f.distinct) s += "DISTINCT ";
  s += f.star ? "*" : ExprList(f.args);
  if (!f.order_by.empty()) s += Cat(" ORDER BY ", OrderList(f.order_by));
  s += ")";
  if (f.filter) s += Cat(" FILTER (WHERE ", f.filter->ToString(), ")");
  if (f.over) {
    std::vector<std::string> parts;
    if (!f.over->partition_by.empty())
      parts.push_back(Cat("PARTITION BY ", ExprList(f.over->partition_by)));
    if (!f.over->order_by.empty()) parts.push_back(Cat("ORDER BY ", OrderList(f.over->order_by)));
    s += Cat(" OVER (", Join(parts, " "), ")");
  }
  return s;
}

std::string CaseText(const CaseExpr& c) {
  std::string s = "CASE";
  if (c.operand) s += Cat(" ", c.operand->ToString());
  for (const CaseWhen& w : c.whens) {
    s += Cat(" WHEN ", w.condition->ToString(), " THEN ", w.result->ToString());
  }
  if (c.else_result) s += Cat(" ELSE ", c.else_result->ToString());
  return s + " END";
}

const char* BooleanTestText(BooleanTestKind k) {
  switch (k) {
    case BooleanTestKind::kTrue:
      return "IS TRUE";
    case BooleanTestKind::kNotTrue:
      return "IS NOT TRUE";
    case BooleanTestKind::kFalse:
      return "IS FALSE";
    case BooleanTestKind::kNotFalse:
      return "IS NOT FALSE";
    case BooleanTestKind::kUnknown:
      return "IS UNKNOWN";
    case BooleanTestKind::kNotUnknown:
      return "IS NOT UNKNOWN";
  }
  return "";
}

std::string AliasText(const std::optional<Alias>& alias) {
  if (!alias) return "";
  std::string s = Cat(" AS ", QuoteIdentifier(alias->name));
  if (!alias->columns.empty()) {
    std::vector<std::string> cols;
    for (const std::string& c : alias->columns) cols.push_back(QuoteIdentifier(c));
    s += Cat(" (", Join(cols, ", "), ")");
  }
  return s;
}

const char* JoinText(JoinType t) {
  switch (t) {
    case JoinType::kInner:
      return "JOIN";
    case JoinType::kLeft:
      return "LEFT JOIN";
    case JoinType::kRight:
      return "RIGHT JOIN";
    case JoinType::kFull:
      return "FULL JOIN";
    case JoinType::kCross:
      return "CROSS JOIN";
  }
  return "";
}

std::string SelectText(const Query& q) {
  std::string s = "SELECT ";
  if (q.distinct) s += "DISTINCT ";
  std::vector<std::string> items;
  for (const SelectItem& item : q.select_list) {
    std::string t = item.expr->ToString();
    if (item.alias) t += Cat(" AS ", QuoteIdentifier(*item.alias));
    items.push_back(std::move(t));
  }
  s += Join(items, ", ");
  if (!q.from.empty()) {
    std::vector<std::string> from;
    for (const TableRefPtr& t : q.from) from.push_back(t->ToString());
    s += Cat(" FROM ", Join(from, ", "));
  }
  if (q.where) s += Cat(" WHERE ", q.where->ToString());
  if (!q.group_by.empty()) s += Cat(" GROUP BY ", ExprList(q.group_by));
  if (q.having) s += Cat(" HAVING ", q.having->ToString());
  return s;
}

}  // namespace

bool IsBuiltinTypeName(std::string_view name) {
  static constexpr std::string_view kNames[] = {"boolean",
                                                "smallint",
                                                "integer",
                                                "bigint",
                                                "real",
                                                "double precision",
                                                "numeric",
                                                "text",
                                                "character varying",
                                                "character",
                                                "bytea",
                                                "date",
                                                "time without time zone",
                                                "time with time zone",
                                                "timestamp without time zone",
                                                "timestamp with time zone",
                                                "interval",
                                                "json",
                                                "jsonb",
                                                "uuid",
                                                "bit",
                                                "bit varying",
                                                "oid"};
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return false;
}

std::string TypeName::ToString() const {
  std::string mods;
  if (name == "interval") {
    if (!modifiers.empty() && modifiers[0] != kIntervalFullRange) {
      mods = Cat(" ", IntervalFields(modifiers[0]));
    }
    if (modifiers.size() > 1) mods += fmt::format("({})", modifiers[1]);
  } else if (!modifiers.empty()) {
    std::vector<std::string> parts;
    for (int32_t m : modifiers) parts.push_back(std::to_string(m));
    mods = Cat("(", Join(parts, ","), ")");
  }
  std::string s;
  size_t space = name.find(' ');
  if (name.starts_with("time") && space != std::string::npos) {
    // PostgreSQL writes the precision after the first word: timestamp(3) with time zone.
    s = name.substr(0, space) + mods + name.substr(space);
  } else if (IsBuiltinTypeName(name)) {
    s = name + mods;
  } else {
    s = QuoteIdentifier(name) + mods;
  }
  for (int i = 0; i < array_dimensions; ++i) s += "[]";
  return s;
}

std::string ParsedExpr::ToString() const {
  switch (kind) {
    case ExprKind::kColumnRef:
      return QualifiedName(As<ColumnRef>().names);
    case ExprKind::kStar: {
      const Star& star = As<Star>();
      return star.qualifier.empty() ? "*" : QualifiedName(star.qualifier) + ".*";
    }
    case ExprKind::kConstant:
      return ConstantText(As<Constant>());
    case ExprKind::kParam:
      return fmt::format("${}", As<Param>().number);
    case ExprKind::kOperator: {
      const Operator& op = As<Operator>();
      if (!op.left) return fmt::format("({} {})", op.op, op.right->ToString());
      if (op.quantifier != Quantifier::kNone) {
        return fmt::format("({} {} {} ({}))", op.left->ToString(), op.op,
                           op.quantifier == Quantifier::kAny ? "ANY" : "ALL", op.right->ToString());
      }
      return fmt::format("({} {} {})", op.left->ToString(), op.op, op.right->ToString());
    }
    case ExprKind::kBoolean: {
      const BooleanExpr& b = As<BooleanExpr>();
      if (b.op == BooleanOp::kNot) return fmt::format("(NOT {})", b.args[0]->ToString());
      std::vector<std::string> args;
      for (const ParsedExprPtr& a : b.args) args.push_back(a->ToString());
      return Cat("(", Join(args, b.op == BooleanOp::kAnd ? " AND " : " OR "), ")");
    }
    case ExprKind::kFunctionCall:
      return FunctionText(As<FunctionCall>());
    case ExprKind::kCase:
      return CaseText(As<CaseExpr>());
    case ExprKind::kCast: {
      const Cast& c = As<Cast>();
      return fmt::format("CAST({} AS {})", c.expr->ToString(), c.type.ToString());
    }
    case ExprKind::kInList: {
      const InList& in = As<InList>();
      return fmt::format("({} {}IN ({}))", in.expr->ToString(), in.negated ? "NOT " : "",
                         ExprList(in.list));
    }
    case ExprKind::kBetween: {
      const Between& b = As<Between>();
      return fmt::format("({} {}BETWEEN {}{} AND {})", b.expr->ToString(), b.negated ? "NOT " : "",
                         b.symmetric ? "SYMMETRIC " : "", b.low->ToString(), b.high->ToString());
    }
    case ExprKind::kLike: {
      const Like& l = As<Like>();
      std::string s = fmt::format("({} {}{} {}", l.expr->ToString(), l.negated ? "NOT " : "",
                                  l.case_insensitive ? "ILIKE" : "LIKE", l.pattern->ToString());
      if (l.escape) s += Cat(" ESCAPE ", l.escape->ToString());
      return s + ")";
    }
    case ExprKind::kNullTest: {
      const NullTest& n = As<NullTest>();
      return fmt::format("({} IS {}NULL)", n.expr->ToString(), n.negated ? "NOT " : "");
    }
    case ExprKind::kBooleanTest: {
      const BooleanTest& t = As<BooleanTest>();
      return fmt::format("({} {})", t.expr->ToString(), BooleanTestText(t.test));
    }
    case ExprKind::kIsDistinct: {
      const IsDistinct& d = As<IsDistinct>();
      return fmt::format("({} IS {}DISTINCT FROM {})", d.left->ToString(), d.negated ? "NOT " : "",
                         d.right->ToString());
    }
    case ExprKind::kSubLink: {
      const SubLink& l = As<SubLink>();
      if (l.link == SubLinkKind::kAny || l.link == SubLinkKind::kAll) {
        return Cat("(", l.test->ToString(), " ", l.op,
                   l.link == SubLinkKind::kAny ? " ANY (" : " ALL (", l.query->ToString(), "))");
      }
      std::string_view prefix = l.link == SubLinkKind::kExists  ? "EXISTS "
                                : l.link == SubLinkKind::kArray ? "ARRAY"
                                                                : "";
      return Cat(prefix, "(", l.query->ToString(), ")");
    }
    case ExprKind::kSubscript:
      return Cat("(", As<Subscript>().array->ToString(), ")[", As<Subscript>().index->ToString(),
                 "]");
    case ExprKind::kFieldSelect:
      return Cat("(", As<FieldSelect>().arg->ToString(), ").",
                 QuoteIdentifier(As<FieldSelect>().field));
  }
  return "";
}

std::string TableRef::ToString() const {
  switch (kind) {
    case TableRefKind::kTable:
      return QuoteIdentifier(As<TableName>().name) + AliasText(alias);
    case TableRefKind::kSubquery:
      return Cat("(", As<SubqueryRef>().query->ToString(), ")", AliasText(alias));
    case TableRefKind::kTableFunction:
      return FunctionText(*As<TableFunctionRef>().call) + AliasText(alias);
    case TableRefKind::kJoin: {
      const JoinRef& j = As<JoinRef>();
      std::string s =
          Cat("(", j.left->ToString(), " ", JoinText(j.join_type), " ", j.right->ToString());
      if (j.on) s += Cat(" ON ", j.on->ToString());
      if (!j.using_columns.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : j.using_columns) cols.push_back(QuoteIdentifier(c));
        s += Cat(" USING (", Join(cols, ", "), ")");
      }
      return Cat(s, ")", AliasText(alias));
    }
  }
  return "";
}

std::string Query::ToString() const {
  std::string s;
  if (!with.empty()) {
    std::vector<std::string> ctes;
    for (const CommonTableExpr& cte : with) {
      std::string c = QuoteIdentifier(cte.name);
      if (!cte.columns.empty()) {
        std::vector<std::string> cols;
        for (const std::string& col : cte.columns) cols.push_back(QuoteIdentifier(col));
        c += Cat(" (", Join(cols, ", "), ")");
      }
      ctes.push_back(Cat(c, " AS (", cte.query->ToString(), ")"));
    }
    s = Cat("WITH ", Join(ctes, ", "), " ");
  }
  switch (kind) {
    case QueryKind::kSelect:
      s += SelectText(*this);
      break;
    case QueryKind::kValues: {
      std::vector<std::string> rows;
      for (const std::vector<ParsedExprPtr>& row : values)
        rows.push_back(Cat("(", ExprList(row), ")"));
      s += Cat("VALUES ", Join(rows, ", "));
      break;
    }
    case QueryKind::kUnion:
      s += Cat("(", left->ToString(), ") UNION ", (union_all ? "ALL " : ""), "(", right->ToString(),
               ")");
      break;
  }
  if (!order_by.empty()) s += Cat(" ORDER BY ", OrderList(order_by));
  if (limit) s += Cat(" LIMIT ", limit->ToString());
  if (offset) s += Cat(" OFFSET ", offset->ToString());
  return s;
}

}  // namespace oxbow::sql
