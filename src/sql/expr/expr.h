// Bound expression trees: what the binder builds from the parse tree and the evaluator runs
// over chunks. Every node knows its result type. Build nodes with the Make* functions, which
// apply PostgreSQL's typing (overload resolution, implicit casts, common types of CASE and
// COALESCE) and return 42xxx errors for ill-typed expressions.
//
// Thread safety: trees are immutable once built; evaluate them from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/expr/cast.h"
#include "sql/expr/function_registry.h"
#include "sql/types/value.h"

namespace oxbow::sql {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct PlanNode;  // plan.h

struct Expr {
  enum class Kind {
    kColumnRef,  // column `column` of the input chunk
    kConstant,   // `constant`
    kCall,       // `function`(args)
    kCast,       // args[0] converted to `type` in `cast_context`
    kAnd,        // args..., three-valued; stops evaluating rows already false
    kOr,         // args..., three-valued; stops evaluating rows already true
    kNot,        // args[0]
    kIsNull,     // args[0] IS NULL
    kIsNotNull,  // args[0] IS NOT NULL
    kCase,       // args = [when1, then1, when2, then2, ..., else?]; has_else
    kCoalesce,   // first non-NULL of args, evaluating each only where still NULL
    // A subquery (`subplan`) run per row by the thread's SubqueryRunner (subquery.h), with
    // args (over this input) as its outer values: kScalar its one value (NULL for no row,
    // 21000 for more), kExists whether it has a row, kArray its one column's values as an
    // array (ARRAY(SELECT …), also under `x IN (SELECT …)`). Ad-hoc queries only.
    kSubquery,
    kOuterRef,  // outer value `column` of the subquery being run (inside a subplan only)
  };
  enum class SubqueryKind : uint8_t { kScalar, kExists, kArray };

  Kind kind;
  Type type;
  int column = -1;
  Value constant;
  const ScalarFunction* function = nullptr;
  CastContext cast_context = CastContext::kImplicit;
  bool has_else = false;
  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  std::shared_ptr<const PlanNode> subplan;  // kSubquery
  std::vector<ExprPtr> args;

  ExprPtr Clone() const;
  // A readable form for EXPLAIN and tests: "(#0 + 1::integer)", "CAST(#1 AS numeric)".
  std::string ToString() const;
};

ExprPtr MakeColumnRef(int column, Type type);
// A subquery expression (see Kind::kSubquery): `outer_args[i]` is what kOuterRef i reads in
// `plan`. kScalar has the type of the plan's one column, kExists boolean, kArray an array of
// it.
ExprPtr MakeSubquery(Expr::SubqueryKind kind, std::shared_ptr<const PlanNode> plan, Type type,
                     std::vector<ExprPtr> outer_args);
ExprPtr MakeOuterRef(int index, Type type);
// Whether `expr` has a subquery or an outer reference (its value is not known from its
// column references alone: not to be folded, ad-hoc only).
bool HasSubquery(const Expr& expr);
ExprPtr MakeConstant(Value v);
// Casts with `context` (the binder passes kExplicit for CAST/::). Same type: returns `arg`.
// 42846 when the cast is not allowed in that context. Literals (unknown-typed constants and
// NULL) are converted immediately, so a malformed literal fails here with its 22P02.
Result<ExprPtr> MakeCast(ExprPtr arg, const Type& to, CastContext context);
// Resolves `name` over the argument types and inserts implicit casts.
Result<ExprPtr> MakeCall(std::string_view name, std::vector<ExprPtr> args,
                         const FunctionRegistry& registry = FunctionRegistry::Default());
// Binary / unary operator ("+", "=", "||", "->", ...). Unknown literals take the other
// operand's type, as PostgreSQL does. `||` with an array operand is MakeArrayConcat.
Result<ExprPtr> MakeOperator(std::string_view op, ExprPtr left, ExprPtr right,
                             const FunctionRegistry& registry = FunctionRegistry::Default());
Result<ExprPtr> MakeUnaryOperator(std::string_view op, ExprPtr arg,
                                  const FunctionRegistry& registry = FunctionRegistry::Default());
// AND / OR / NOT over booleans (unknown literals are read as boolean); 42804 `argument of AND
// must be type boolean, not type integer`.
Result<ExprPtr> MakeAnd(std::vector<ExprPtr> args);
Result<ExprPtr> MakeOr(std::vector<ExprPtr> args);
Result<ExprPtr> MakeNot(ExprPtr arg);
ExprPtr MakeIsNull(ExprPtr arg, bool negated);
// x [NOT] IN (list): x = e1 OR x = e2 ..., with PostgreSQL's NULL semantics.
Result<ExprPtr> MakeIn(ExprPtr arg, std::vector<ExprPtr> list, bool negated);
// x [NOT] BETWEEN lo AND hi: x >= lo AND x <= hi.
Result<ExprPtr> MakeBetween(ExprPtr arg, ExprPtr low, ExprPtr high, bool negated);
// x [NOT] LIKE/ILIKE pattern [ESCAPE e] (escape may be null: the default backslash).
Result<ExprPtr> MakeLike(ExprPtr arg, ExprPtr pattern, ExprPtr escape, bool case_insensitive,
                         bool negated);
// CASE [operand] WHEN .. THEN .. [ELSE ..] END. With an operand, each WHEN value is compared
// with "=". The result type is the common type of the THEN/ELSE branches.
Result<ExprPtr> MakeCase(ExprPtr operand, std::vector<ExprPtr> whens, std::vector<ExprPtr> thens,
                         ExprPtr else_expr);
Result<ExprPtr> MakeCoalesce(std::vector<ExprPtr> args);
// array[index] (arrays.h): the element, NULL when index is out of bounds (int2vector's
// indexes start at 0, other arrays' at 1); index is cast to integer. 42804 when `array` is not an
// array or index not an integer.
Result<ExprPtr> MakeSubscript(ExprPtr array, ExprPtr index);
// left op ANY (array) / left op ALL (array) (`all`): op resolved over (left, element type),
// folded over the elements with three-valued logic; an empty array gives false (ANY) / true
// (ALL). An untyped literal array takes the left operand's type. 42809 when `array` is not an
// array or op does not yield boolean; op's resolution errors (42883).
Result<ExprPtr> MakeQuantified(std::string_view op, bool all, ExprPtr left, ExprPtr array,
                               const FunctionRegistry& registry = FunctionRegistry::Default());
// `left || right` when either is an array: array || array (array_cat), array || element
// (array_append), element || array (array_prepend), as PostgreSQL resolves them; an untyped
// literal beside an array is an array of its type. Not strict: a NULL array is empty (a NULL
// element is appended as NULL); both arrays NULL gives NULL. 42883 when the element types
// have no implicit cast between them. Returns null, leaving both operands as they are, when
// neither is an array (then `||` is not an array operator).
Result<ExprPtr> MakeArrayConcat(ExprPtr& left, ExprPtr& right);
// NULLIF(a, b): NULL when a = b, else a.
Result<ExprPtr> MakeNullIf(ExprPtr a, ExprPtr b);

}  // namespace oxbow::sql
