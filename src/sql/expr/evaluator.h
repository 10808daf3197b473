// Vectorized evaluation: an expression tree runs column-at-a-time over a chunk and yields one
// ColumnVector. Conditional constructs (AND, OR, CASE, COALESCE) evaluate their later operands
// only on the rows that still need them, so `x <> 0 AND 10 / x > 1` and
// `CASE WHEN x = 0 THEN 0 ELSE 10 / x END` never divide by zero, as in PostgreSQL.
//
// Errors: the first row-level error (22003 overflow, 22012 division by zero, 22P02 bad cast
// input, ...) fails the evaluation of the whole chunk.
//
// Thread safety: stateless; evaluate from any thread.
#pragma once

#include "base/status.h"
#include "sql/chunk/chunk.h"
#include "sql/expr/expr.h"

namespace oxbow::sql {

// Evaluates `expr` for every row of `chunk`.
Result<ColumnVector> Evaluate(const Expr& expr, const Chunk& chunk);
// Evaluates `expr` for `rows` only; the other rows of the result are NULL.
Result<ColumnVector> Evaluate(const Expr& expr, const Chunk& chunk, const Rows& rows);
// The rows of `chunk` where the boolean `predicate` is true (NULL and false drop the row).
Result<SelectionVector> EvaluateFilter(const Expr& predicate, const Chunk& chunk);
// Evaluates an expression without column references (constant folding in the binder).
Result<Value> EvaluateConstant(const Expr& expr);

}  // namespace oxbow::sql
