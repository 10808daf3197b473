// Set-returning functions in a select list (`SELECT unnest(a) FROM t`,
// `SELECT (information_schema._pg_expandarray(i.indkey)).n FROM pg_index i`), as PostgreSQL
// runs them: a ProjectSet node (plan.h) yields, per input row, the rows of every such call in
// lockstep. Supported: unnest(anyarray) → its elements; generate_series(int, int[, int]);
// information_schema._pg_expandarray(anyarray) → (x anyelement, n int), the composite that
// pgJDBC's DatabaseMetaData queries expand pg_index.indkey with.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "sql/plan.h"

namespace oxbow::sql {

// Whether the function `name` (its qualified name, schema first when written) is one of the
// set-returning functions above.
bool IsSetFunctionName(const std::vector<std::string>& name);

// The call of `name` over bound `args` (casts inserted), its output columns named after the
// function (unnest, generate_series) or its fields (x, n). Errors: 42883 for other argument
// counts or types, 42725 for an untyped literal where an array is needed.
Result<SetFunctionCall> ResolveSetFunction(const std::vector<std::string>& name,
                                           std::vector<ExprPtr> args);

// Its rows for one input row's argument values (one Value per output column each; no rows
// when a strict argument is NULL). Errors: 22P02 for a malformed array, 22023 for a zero step,
// 54000 for more than 10,000,000 rows.
Result<std::vector<std::vector<Value>>> ExpandSetFunction(const SetFunctionCall& call,
                                                          const std::vector<Value>& args);

}  // namespace oxbow::sql
