// The fast path of ad-hoc SELECTs that read one materialized view through filters,
// projections and LIMIT/OFFSET only (`SELECT … FROM view [WHERE …] [LIMIT n] [OFFSET m]`, and
// COPY of one): what BI tools and exports run over a whole view.
//
// The general path (adhoc_query.h) decodes the view's rows into Values, runs them through a
// pipeline, collects the result and only then hands it out. Here the view's stored rows are
// copied once, in their encoding, under the view's lock (one consistent snapshot, as of the
// last chunk the view applied), and the cursor decodes them into columns a chunk at a time
// as the caller pulls, running the plan's filters and projections over each chunk with the
// same expression evaluator the Filter and Project operators use, and stopping once LIMIT
// is reached. Rows come in the order the general path gives them (the view's).
//
// Thread safety: as QueryCursor.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/query_cursor.h"
#include "sql/plan.h"

namespace oxbow::engine {

// The materialized view that `plan` scans when it is such a query, else null: plans with
// other nodes (joins, aggregates, ORDER BY, …), subqueries in expressions, or a filter that
// fixes the view's key (a point query, which reads the view's index instead).
const sql::ScanOp* MatchViewScan(const sql::PlanNode& plan);

// A cursor over `plan` (MatchViewScan says yes) reading `rows`: the view's rows as
// stream::MaterializedView::SnapshotEncoded gives them. Errors from Next: the expressions'
// (22012, …), DataLoss for rows that do not decode, 57014 once `cancel` (may be null) is set.
std::unique_ptr<QueryCursor> NewViewScanCursor(sql::PlanPtr plan, std::string rows,
                                               const std::atomic<bool>* cancel);

}  // namespace oxbow::engine
