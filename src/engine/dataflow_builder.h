// Plan → dataflow: turns a logical plan (sql/plan.h) into operators of a stream::Pipeline.
//
//   Scan of a stream         Source (its topic's partitions; append-only inserts)
//   Scan of a changelog      Source (keyed upserts, tombstones) → UpsertTable
//   Scan of a mat. view      in a view: the other view's plan compiled in place (its own
//                            operators and state); in an ad-hoc query: a ConstantSource of
//                            the view's current rows
//   (a scan's column subset and pushed-down filter: Project and Filter after it)
//   Values                   ConstantSource
//   Filter / Project         Filter / Project
//   Aggregate                HashAggregate (FILTER (WHERE …) supported)
//   Join                     HashJoin, or StreamTableJoin for a temporal join; key
//                            expressions that are not plain columns are computed by a Project
//                            before the join; an inner join's residual is a Filter after it
//   UnionAll / Distinct      UnionAll / Distinct
//   TopN                     TopN, with the row number only when something reads it (a
//                            rank turns one insert into updates of the rows below it)
//
//   WindowTVF                WindowAssign (TUMBLE, HOP)
//
// Event time: a window's time column, traced down to a table's column, becomes that table
// source's event time with late rows dropped (it must be the table's declared event_time
// if it has one); other sources track the table's event_time or the record timestamps
// without dropping anything. Aggregates grouped by a window end expire closed windows.
//
// Not compiled (0A000 with the construct named): SESSION windows, Sort and
// Limit anywhere but at the top of an ad-hoc query (the caller strips those), a LEFT JOIN
// with non-equality conditions in ON; Avro sources without a schema registry are 55000.
//
// State ids: every stateful operator gets the next id of the context's range; a view's
// range is fixed by its catalog oid so its state survives restarts (engine.cc).
//
// Thread safety: building is single-threaded; the catalog is read through snapshots.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "log/log_manager.h"
#include "sql/catalog.h"
#include "sql/plan.h"
#include "stream/error_sink.h"
#include "stream/pipeline.h"
#include "stream/source.h"

namespace oxbow::engine {

struct DataflowContext {
  log::LogManager* log = nullptr;
  const sql::Catalog* catalog = nullptr;
  stream::ErrorSink* errors = nullptr;  // for sources' undecodable records
  // State ids to hand out: [next_state_id, end_state_id).
  stream::StateId next_state_id = 0;
  stream::StateId end_state_id = 0;
  // Ad-hoc queries: the current rows of a materialized view. Null in a view's pipeline,
  // where a materialized view read is compiled from its plan.
  std::function<Result<std::vector<std::vector<sql::Value>>>(const std::string& view)> view_rows;
  // Ad-hoc queries: the rows of a materialized view whose key (its columns `relation_key`)
  // equals `key`, from the view's index; nullopt when the view has no such index (view_rows
  // is used then). A query whose filter fixes every key column with `=` uses this.
  std::function<Result<std::optional<std::vector<std::vector<sql::Value>>>>(
      const std::string& view, const std::vector<sql::Value>& key)>
      view_lookup;
  // Writer schemas of Avro tables; null: Avro tables cannot be read.
  stream::SchemaLookup* schemas = nullptr;
  // An ad-hoc query over a snapshot: a temporal (stream–table) join meets the table as it is
  // in the snapshot — a regular join — rather than as it was when each event arrived.
  bool bounded = false;
};

// Per column of a plan node's output: whether the watermark bounds it, and how (an offset d:
// once the output watermark reached W, no change with a value below W + d follows; see
// stream/state_expiry.h). A window's end is bounded (d = 1 µs over its time column's), so
// are group and join keys made of bounded columns; state keyed by them can expire.
using Bounds = std::vector<std::optional<int64_t>>;

struct Dataflow {
  // Emits the plan's rows (connect a sink to it).
  stream::Operator* output = nullptr;
  std::vector<sql::Type> types;
  // The output columns the watermark bounds (emit = 'on_window_close' holds rows by one).
  Bounds bounds;
  // The topic sources, for progress and lag.
  std::vector<stream::Source*> sources;
  // The topics read, for wake-ups.
  std::vector<std::string> topics;
};

// Adds the operators computing `plan` to `pipeline`. Errors: 0A000 for what is not compiled
// (see above), NotFound when a table's topic no longer exists, ResourceExhausted when the
// context's state ids run out, and the binder's errors when a materialized view read must be
// re-planned.
Result<Dataflow> BuildDataflow(const sql::PlanNode& plan, DataflowContext& context,
                               stream::Pipeline& pipeline);

// The values of the scanned relation's key columns when the scan's filter fixes each with
// `column = constant` (in the key's order, cast to the columns' types); else nullopt. An
// ad-hoc query reads such a view scan by key (DataflowContext::view_lookup).
std::optional<std::vector<sql::Value>> KeyFixedByFilter(const sql::ScanOp& scan);

// Plans materialized view `object`'s query as the view (binder with materialized_view).
Result<sql::PlanPtr> PlanMaterializedView(const sql::CatalogObject& object,
                                          const sql::Catalog& catalog);

}  // namespace oxbow::engine
