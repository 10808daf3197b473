// The query AST (ParsedExpr, so it can sit beside the bound sql::Expr of expr/expr.h in the
// binder): our own small C++ form of the SELECT subset Oxbow supports, converted from
// libpg_query's parse tree by the parser (parser.h). The binder reads this, never protobuf.
//
// What it covers: SELECT lists, FROM with joins (INNER/LEFT/RIGHT/FULL/CROSS, ON or USING),
// table functions (TUMBLE/HOP/SESSION(t, col, interval) and any other name, resolved by the
// binder), subqueries in FROM, non-recursive WITH, WHERE, GROUP BY, HAVING, ORDER BY,
// LIMIT/OFFSET, DISTINCT, UNION [ALL], VALUES, and expressions: column references, constants,
// $n parameters, operators (incl. jsonb -> and ->>, ||), AND/OR/NOT, function calls (incl.
// count(*), count(DISTINCT x), FILTER, ORDER BY inside aggregates and OVER (PARTITION BY …
// ORDER BY …)), CASE, CAST/::, IN (list), BETWEEN, LIKE/ILIKE, IS [NOT] NULL, IS [NOT]
// TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM. Anything else is rejected by the parser with
// 0A000 naming the construct.
//
// Positions: every node has `location`, a 0-based byte offset into the text the statement
// was parsed from (Statement::source), or -1 when PostgreSQL's grammar records none. Report
// errors with Statement::ErrorAt (statement.h), which converts to PostgreSQL's 1-based
// character positions.
//
// Names: identifiers are as PostgreSQL reads them (unquoted ones folded to lower case).
// Ownership: a tree owns its children (unique_ptr). Thread safety: immutable once built;
// share a const tree freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/logging.h"

namespace oxbow::sql {

// A type as written in CREATE TABLE or CAST, normalized to PostgreSQL's own spelling of it
// (format_type): `int4`, `int` and `integer` are all "integer"; `varchar(10)` is
// "character varying" with modifiers {10}; `timestamptz` is "timestamp with time zone".
// Names that are not built-in types stay as written; the binder rejects them.
struct TypeName {
  std::string name;
  // numeric(p[, s]) → {p[, s]}; character varying(n) / character(n) → {n}; timestamp(p) and
  // time(p) → {p}; interval → {field mask[, precision]} as PostgreSQL's grammar encodes the
  // qualifiers (`INTERVAL '1' MINUTE`), see interval_fields.
  std::vector<int32_t> modifiers;
  int array_dimensions = 0;  // `int[]` → 1
  int location = -1;

  // The type as PostgreSQL prints it: "numeric(10,2)", "character varying(20)", "text[]".
  std::string ToString() const;
  bool operator==(const TypeName& other) const {
    return name == other.name && modifiers == other.modifiers &&
           array_dimensions == other.array_dimensions;
  }
};

// Whether `name` is one of the normalized built-in names TypeName uses (it may still be a
// type Oxbow does not support; the binder decides).
bool IsBuiltinTypeName(std::string_view name);

enum class ExprKind : uint8_t {
  kColumnRef,
  kStar,
  kConstant,
  kParam,
  kOperator,
  kBoolean,
  kFunctionCall,
  kCase,
  kCast,
  kInList,
  kBetween,
  kLike,
  kNullTest,
  kBooleanTest,
  kIsDistinct,
  kSubLink,
  kSubscript,
  kFieldSelect,
};

struct ParsedExpr {
  ParsedExpr(ExprKind k, int loc) : kind(k), location(loc) {}
  virtual ~ParsedExpr() = default;
  ParsedExpr(const ParsedExpr&) = delete;
  ParsedExpr& operator=(const ParsedExpr&) = delete;

  // The node as its subclass; `T::kKind` must match (checked).
  template <typename T>
  const T& As() const {
    OXBOW_CHECK(kind == T::kKind, "ParsedExpr::As: wrong expression kind");
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    OXBOW_CHECK(kind == T::kKind, "ParsedExpr::As: wrong expression kind");
    return static_cast<T&>(*this);
  }

  // SQL text with every operator parenthesized, e.g. `((a + 1) > b)`: unambiguous, for
  // tests, EXPLAIN and messages. Reparsing it gives the same tree.
  std::string ToString() const;

  const ExprKind kind;
  int location;
};
using ParsedExprPtr = std::unique_ptr<ParsedExpr>;

// `a`, `t.a`, `s.t.a`.
struct ColumnRef : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kColumnRef;
  explicit ColumnRef(int loc) : ParsedExpr(kKind, loc) {}
  std::vector<std::string> names;
};

// `*` or `t.*` in a select list.
struct Star : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kStar;
  explicit Star(int loc) : ParsedExpr(kKind, loc) {}
  std::vector<std::string> qualifier;  // empty for a bare `*`
};

enum class ConstantKind : uint8_t {
  kNull,
  kBoolean,
  kInteger,  // fits int64; PostgreSQL types it int4 when it fits, else int8
  kNumeric,  // a number with a point or exponent, or an integer beyond int64: text as written
  kString,   // an untyped string literal (`'x'`, E'', $$…$$); `value` holds the decoded text
  kBitString,
};

struct Constant : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kConstant;
  Constant(ConstantKind k, int loc) : ParsedExpr(kKind, loc), constant_kind(k) {}
  ConstantKind constant_kind;
  std::string value;  // numbers as written (digits), strings decoded; empty for NULL
  int64_t integer = 0;
  bool boolean = false;
};

// `$1`: a parameter of a prepared statement.
struct Param : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kParam;
  Param(int number, int loc) : ParsedExpr(kKind, loc), number(number) {}
  int number;
};

// `a op ANY (array)` / `a op ALL (array)`.
enum class Quantifier : uint8_t { kNone, kAny, kAll };

// A binary (`a + b`, `a ->> 'k'`, `a || b`, `a = ANY (array)`) or prefix (`-a`) operator, by
// its symbol. `left` is null for a prefix operator.
struct Operator : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kOperator;
  Operator(std::string op, int loc) : ParsedExpr(kKind, loc), op(std::move(op)) {}
  std::string op;
  Quantifier quantifier = Quantifier::kNone;  // ANY/ALL: `right` is an array
  ParsedExprPtr left;
  ParsedExprPtr right;
};

enum class BooleanOp : uint8_t { kAnd, kOr, kNot };

// AND/OR over two or more arguments (PostgreSQL flattens chains), NOT over one.
struct BooleanExpr : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kBoolean;
  BooleanExpr(BooleanOp op, int loc) : ParsedExpr(kKind, loc), op(op) {}
  BooleanOp op;
  std::vector<ParsedExprPtr> args;
};

enum class SortDirection : uint8_t { kDefault, kAscending, kDescending };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct OrderItem {
  ParsedExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  int location = -1;
};

// OVER (PARTITION BY … ORDER BY …). Frames other than the default and named windows are
// rejected by the parser.
struct WindowSpec {
  std::vector<ParsedExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  int location = -1;
};

// A call by name. SQL's special forms are calls too, named as PostgreSQL names them:
// COALESCE → coalesce, NULLIF → nullif, GREATEST/LEAST, EXTRACT(f FROM x) → extract('f', x),
// SUBSTRING(x FROM a FOR b) → substring(x, a, b), POSITION(a IN b) → position(b, a),
// TRIM(BOTH FROM x) → btrim(x), CURRENT_TIMESTAMP → current_timestamp (no arguments).
struct FunctionCall : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kFunctionCall;
  explicit FunctionCall(int loc) : ParsedExpr(kKind, loc) {}
  // Lower-cased unless quoted; a schema qualifier other than pg_catalog is kept
  // (`pg_catalog.` is dropped, since the grammar adds it to special forms).
  std::vector<std::string> name;
  std::vector<ParsedExprPtr> args;
  bool star = false;                // count(*)
  bool distinct = false;            // count(DISTINCT x)
  std::vector<OrderItem> order_by;  // string_agg(x, ',' ORDER BY y)
  ParsedExprPtr filter;             // FILTER (WHERE …)
  std::unique_ptr<WindowSpec> over;

  // The unqualified name.
  const std::string& function_name() const { return name.back(); }
};

struct CaseWhen {
  ParsedExprPtr condition;
  ParsedExprPtr result;
};

// CASE [operand] WHEN … THEN … [ELSE …] END.
struct CaseExpr : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kCase;
  explicit CaseExpr(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr operand;  // null for the searched form
  std::vector<CaseWhen> whens;
  ParsedExprPtr else_result;  // null when absent (NULL)
};

// CAST(x AS t), x::t, and typed literals (`INTERVAL '1 minute'`, `DATE '2024-01-01'`).
struct Cast : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kCast;
  explicit Cast(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  TypeName type;
};

// x [NOT] IN (a, b, …).
struct InList : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kInList;
  explicit InList(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  std::vector<ParsedExprPtr> list;
  bool negated = false;
};

// x [NOT] BETWEEN [SYMMETRIC] low AND high.
struct Between : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kBetween;
  explicit Between(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  ParsedExprPtr low;
  ParsedExprPtr high;
  bool negated = false;
  bool symmetric = false;
};

// x [NOT] LIKE|ILIKE pattern [ESCAPE e].
struct Like : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kLike;
  explicit Like(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  ParsedExprPtr pattern;
  ParsedExprPtr escape;  // null: the default escape, backslash
  bool negated = false;
  bool case_insensitive = false;
};

// x IS [NOT] NULL.
struct NullTest : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kNullTest;
  explicit NullTest(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  bool negated = false;  // IS NOT NULL
};

enum class BooleanTestKind : uint8_t { kTrue, kNotTrue, kFalse, kNotFalse, kUnknown, kNotUnknown };

// x IS [NOT] TRUE|FALSE|UNKNOWN.
struct BooleanTest : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kBooleanTest;
  explicit BooleanTest(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr expr;
  BooleanTestKind test = BooleanTestKind::kTrue;
};

// a IS [NOT] DISTINCT FROM b.
struct IsDistinct : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kIsDistinct;
  explicit IsDistinct(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr left;
  ParsedExprPtr right;
  bool negated = false;  // IS NOT DISTINCT FROM
};

struct Query;

enum class SubLinkKind : uint8_t {
  kExpr,    // (SELECT x …): the one value of the one row, NULL for none
  kExists,  // EXISTS (SELECT …)
  kArray,   // ARRAY(SELECT x …)
  kAny,     // test op ANY (SELECT x …); `test IN (SELECT …)` is `test = ANY (…)`
  kAll,     // test op ALL (SELECT x …)
};

// A subquery in an expression. It may name the columns of the query it is in (a correlated
// subquery); the binder resolves those.
struct SubLink : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kSubLink;
  explicit SubLink(int loc) : ParsedExpr(kKind, loc) {}
  SubLinkKind link = SubLinkKind::kExpr;
  std::unique_ptr<Query> query;
  ParsedExprPtr test;  // kAny, kAll: the left operand (of the enclosing query)
  std::string op;      // kAny, kAll: the operator ("=")
};

// `array[index]` (one subscript; slices are rejected by the parser).
struct Subscript : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kSubscript;
  explicit Subscript(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr array;
  ParsedExprPtr index;
};

// `(composite).field`: a field of a composite value (a set-returning function's row, or a
// column holding one).
struct FieldSelect : ParsedExpr {
  static constexpr ExprKind kKind = ExprKind::kFieldSelect;
  explicit FieldSelect(int loc) : ParsedExpr(kKind, loc) {}
  ParsedExprPtr arg;
  std::string field;
};

// `AS name (col, …)` after a FROM item.
struct Alias {
  std::string name;
  std::vector<std::string> columns;
};

enum class TableRefKind : uint8_t { kTable, kSubquery, kJoin, kTableFunction };

struct TableRef {
  TableRef(TableRefKind k, int loc) : kind(k), location(loc) {}
  virtual ~TableRef() = default;
  TableRef(const TableRef&) = delete;
  TableRef& operator=(const TableRef&) = delete;

  template <typename T>
  const T& As() const {
    OXBOW_CHECK(kind == T::kKind, "TableRef::As: wrong kind");
    return static_cast<const T&>(*this);
  }

  std::string ToString() const;

  const TableRefKind kind;
  int location;
  std::optional<Alias> alias;
};
using TableRefPtr = std::unique_ptr<TableRef>;

// A table or view by name (`public.t` is `t`). `schema` is set only for the system schemas
// `pg_catalog` and `information_schema` (system_catalog.h); the parser rejects others.
struct TableName : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kTable;
  explicit TableName(int loc) : TableRef(kKind, loc) {}
  std::string schema;
  std::string name;
};

// (SELECT …) AS alias.
struct SubqueryRef : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kSubquery;
  explicit SubqueryRef(int loc) : TableRef(kKind, loc) {}
  std::unique_ptr<Query> query;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

// left JOIN right ON … / USING (…). A comma in FROM is a kCross join.
struct JoinRef : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kJoin;
  explicit JoinRef(int loc) : TableRef(kKind, loc) {}
  JoinType join_type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ParsedExprPtr on;                        // null for CROSS and USING
  std::vector<std::string> using_columns;  // USING (a, b)
};

// A set-returning function in FROM: `TUMBLE(clicks, ts, INTERVAL '1 minute') AS c`. The
// first argument of TUMBLE/HOP/SESSION names a relation; it arrives as a one-part ColumnRef
// and the binder resolves it.
struct TableFunctionRef : TableRef {
  static constexpr TableRefKind kKind = TableRefKind::kTableFunction;
  explicit TableFunctionRef(int loc) : TableRef(kKind, loc) {}
  std::unique_ptr<FunctionCall> call;
};

struct SelectItem {
  ParsedExprPtr expr;  // a Star for `*` / `t.*`
  std::optional<std::string> alias;
  int location = -1;
};

// WITH name [(cols)] AS (query).
struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  std::unique_ptr<Query> query;
  int location = -1;
};

enum class QueryKind : uint8_t { kSelect, kValues, kUnion };

// One query block: a SELECT, a VALUES list, or `left UNION [ALL] right`; ORDER BY, LIMIT,
// OFFSET and WITH apply to any of them.
struct Query {
  QueryKind kind = QueryKind::kSelect;
  int location = -1;  // of the first token of the block, when known

  std::vector<CommonTableExpr> with;

  // kSelect
  bool distinct = false;
  std::vector<SelectItem> select_list;
  std::vector<TableRefPtr> from;  // several items = comma-separated (cross joined)
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> group_by;
  ParsedExprPtr having;

  // kValues: rows of equal length
  std::vector<std::vector<ParsedExprPtr>> values;

  // kUnion
  bool union_all = false;
  std::unique_ptr<Query> left;
  std::unique_ptr<Query> right;

  std::vector<OrderItem> order_by;
  ParsedExprPtr limit;  // null: no LIMIT (LIMIT ALL too)
  ParsedExprPtr offset;

  // SQL text of the query, normalized (see ParsedExpr::ToString).
  std::string ToString() const;
};

// Calls `fn` on each direct child expression of `expr` (not into window specs, nor into a
// subquery: its expressions belong to its own query).
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
    case ExprKind::kSubLink:  // its query's expressions belong to that query
      visit(expr.As<SubLink>().test);
      return;
    case ExprKind::kSubscript:
      visit(expr.As<Subscript>().array);
      visit(expr.As<Subscript>().index);
      return;
    case ExprKind::kFieldSelect:
      visit(expr.As<FieldSelect>().arg);
      return;
  }
}

}  // namespace oxbow::sql
