// Ad-hoc SELECT: a query planned like a view's but run once over a bounded snapshot.
//
// The plan's top Sort, Limit and Project nodes (down to the deepest Sort or Limit) are applied
// here, after the dataflow has produced the result, bottom-up; the rest compiles
// with BuildDataflow into a pipeline over a private in-memory state store. Topic sources read
// up to the partitions' ends as they are while the query runs; materialized views contribute
// their current rows (the context's view_rows). The result is the sink's content: changes
// that cancel out (an upsert replaced, a group updated) leave only the final rows.
//
// Thread safety: independent queries may run concurrently.
#pragma once

#include <atomic>

#include "engine/dataflow_builder.h"
#include "engine/engine.h"
#include "sql/plan.h"

namespace oxbow::engine {

// Errors: BuildDataflow's, execution errors (22003, …), 57014 when `cancel` is set.
Result<QueryResult> RunAdhocQuery(const sql::PlanNode& plan, DataflowContext context,
                                  const std::atomic<bool>* cancel);

// `exprs` evaluated over `rows` (values of `types`): one row of results per row. Errors: the
// expressions' (22003, 22012, …).
Result<std::vector<std::vector<sql::Value>>> EvaluateOverRows(
    const std::vector<std::vector<sql::Value>>& rows, const std::vector<sql::Type>& types,
    const std::vector<sql::ExprPtr>& exprs);

}  // namespace oxbow::engine
