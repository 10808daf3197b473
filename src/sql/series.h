// generate_series(start, stop[, step]) in FROM, over integers, and unnest(array) in FROM: a
// VALUES relation of one column. With arguments known when the query is planned it is constant
// rows; with arguments from an enclosing query (a correlated subquery, as psql's \d publications
// query has) the node keeps the argument expressions (ValuesOp::series) and ExpandSeries computes
// its rows each time the query runs.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "base/status.h"
#include "sql/expr/expr.h"
#include "sql/plan.h"

namespace oxbow::sql {

// The node for generate_series(args) with output column `name`. args: two or three integer
// expressions (cast to the widest of int4/int8 here). Errors: 42883 for other argument
// counts or types, 22023 for a zero step (when known).
Result<PlanPtr> MakeSeries(std::vector<ExprPtr> args, std::string name);

// The node for unnest(array) with output column `name` (of the array's element type): one row
// per element, in order (NULL elements too); no rows for a NULL array. Errors: 42883 when
// `array` is not an array, 42725 for an untyped literal (as PostgreSQL: not unique).
Result<PlanPtr> MakeUnnest(ExprPtr array, std::string name);

// `plan` with every series (or unnest) node replaced by its rows (its arguments evaluated now, with
// the thread's outer values, expr/subquery.h), or null when `plan` has none. Errors: evaluation
// errors; 22023 for a zero step; 54000 for more than 10,000,000 rows.
Result<PlanPtr> ExpandSeries(const PlanNode& plan);

}  // namespace oxbow::sql
