#include "engine/adhoc_query.h"

#include <algorithm>
#include <utility>

#include "sql/expr/evaluator.h"
#include "sql/expr/subquery.h"
#include "sql/series.h"
#include "sql/sql_error.h"
#include "stream/materialized_view.h"
#include "stream/state_store.h"

namespace oxbow::engine {
namespace {

using Row = std::vector<sql::Value>;

// The plan's top: Sort, Limit and Project nodes down to the deepest Sort or Limit, applied to
// the dataflow's rows here (bottom-up), and the rest, compiled into the dataflow.
struct Finish {
  std::vector<const sql::PlanNode*> post;  // top first
  const sql::PlanNode* rest = nullptr;
};

Finish Peel(const sql::PlanNode& plan) {
  Finish f;
  std::vector<const sql::PlanNode*> chain;
  const sql::PlanNode* node = &plan;
  size_t deepest = 0;  // chain entries to peel
  while (node->As<sql::LimitOp>() != nullptr || node->As<sql::SortOp>() != nullptr ||
         node->As<sql::ProjectOp>() != nullptr) {
    chain.push_back(node);
    if (node->As<sql::ProjectOp>() == nullptr) deepest = chain.size();
    node = node->inputs[0].get();
  }
  f.post.assign(chain.begin(), chain.begin() + deepest);
  f.rest = deepest == 0 ? &plan : chain[deepest - 1]->inputs[0].get();
  return f;
}

// Whether `node` emits inserts only in an ad-hoc query: every source is a stream or a view's
// snapshot (a changelog table's upserts retract) and no operator retracts what it emitted.
bool InsertsOnly(const sql::PlanNode& node) {
  if (const auto* scan = node.As<sql::ScanOp>()) {
    return scan->source == sql::ScanOp::Source::kMaterializedView ||
           (scan->source == sql::ScanOp::Source::kStream && node.append_only);
  }
  if (node.As<sql::FilterOp>() == nullptr && node.As<sql::ProjectOp>() == nullptr &&
      node.As<sql::UnionAllOp>() == nullptr && node.As<sql::ValuesOp>() == nullptr) {
    return false;
  }
  for (const sql::PlanPtr& in : node.inputs) {
    if (!InsertsOnly(*in)) return false;
  }
  return true;
}

// The sink of a query whose rows are inserts only: appends them (no multiset to maintain).
class RowCollector final : public stream::Operator {
 public:
  explicit RowCollector(std::vector<sql::Type> types) : Operator("Rows", std::move(types)) {}
  Status Process(int, const sql::Chunk& chunk) override {
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      if (chunk.op(r) != sql::RowOp::kInsert) {
        return absl::InternalError("ad-hoc query: a retraction reached an insert-only sink");
      }
      Row row;
      row.reserve(chunk.num_columns());
      for (size_t c = 0; c < chunk.num_columns(); ++c) row.push_back(chunk.column(c).GetValue(r));
      rows_.push_back(std::move(row));
    }
    return Status();
  }
  std::vector<Row> Take() { return std::move(rows_); }

 private:
  std::vector<Row> rows_;
};

void SortRows(std::vector<Row>& rows, const std::vector<sql::SortKey>& keys) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    for (const sql::SortKey& k : keys) {
      const sql::Value& x = a[k.column];
      const sql::Value& y = b[k.column];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        return x.is_null() ? k.nulls_first : !k.nulls_first;
      }
      int c = sql::CompareValues(x, y);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  });
}

// Runs the subqueries of the query's expressions as ad-hoc queries of their own, over the
// same sources (each reads them as they are when it runs).
class AdhocSubqueryRunner final : public sql::SubqueryRunner {
 public:
  AdhocSubqueryRunner(const DataflowContext& context, const std::atomic<bool>* cancel)
      : context_(context), cancel_(cancel) {}
  Result<std::vector<Row>> Run(const sql::PlanNode& plan,
                               const std::vector<sql::Value>& outer) override {
    sql::ScopedOuterValues values(&outer);
    ASSIGN_OR_RETURN(QueryResult result, RunAdhocQuery(plan, context_, cancel_));
    return std::move(result.rows);
  }

 private:
  const DataflowContext& context_;
  const std::atomic<bool>* cancel_;
};

}  // namespace

Result<std::vector<std::vector<sql::Value>>> EvaluateOverRows(
    const std::vector<std::vector<sql::Value>>& rows, const std::vector<sql::Type>& types,
    const std::vector<sql::ExprPtr>& exprs) {
  using Row = std::vector<sql::Value>;
  sql::ChunkBuilder builder(types);
  for (const Row& row : rows) builder.AppendRow(row);
  sql::Chunk chunk = builder.Finish();
  std::vector<sql::ColumnVector> columns;
  for (const sql::ExprPtr& e : exprs) {
    ASSIGN_OR_RETURN(sql::ColumnVector c, sql::Evaluate(*e, chunk));
    columns.push_back(std::move(c));
  }
  std::vector<Row> out(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const sql::ColumnVector& c : columns) out[r].push_back(c.GetValue(r));
  }
  return out;
}

Result<QueryResult> RunAdhocQuery(const sql::PlanNode& plan, DataflowContext context,
                                  const std::atomic<bool>* cancel) {
  const DataflowContext subquery_context = context;
  AdhocSubqueryRunner runner(subquery_context, cancel);
  sql::ScopedSubqueryRunner install(&runner);
  // generate_series over a correlated subquery's outer values: its rows are known now.
  ASSIGN_OR_RETURN(sql::PlanPtr expanded, sql::ExpandSeries(plan));
  if (expanded != nullptr) return RunAdhocQuery(*expanded, context, cancel);
  Finish finish = Peel(plan);
  std::unique_ptr<stream::StateStore> store = stream::NewMemoryStateStore();
  stream::PipelineOptions po;
  po.checkpoint_interval = std::chrono::hours(24);
  po.state_memory_bytes = stream::kUnlimitedStateMemory;  // a private, in-memory store
  stream::Pipeline pipeline(po, *store);
  context.next_state_id = 1;
  context.end_state_id = 0xFFFFFFF0u;
  ASSIGN_OR_RETURN(Dataflow dataflow, BuildDataflow(*finish.rest, context, pipeline));
  // The result: a multiset when operators retract, else the rows as they come.
  stream::MaterializedView* sink = nullptr;
  RowCollector* collector = nullptr;
  if (InsertsOnly(*finish.rest)) {
    collector = pipeline.Add(std::make_unique<RowCollector>(dataflow.types));
    pipeline.Connect(dataflow.output, collector);
  } else {
    sink = pipeline.Add(
        std::make_unique<stream::MaterializedView>(context.next_state_id, dataflow.types));
    pipeline.Connect(dataflow.output, sink);
  }
  RETURN_IF_ERROR(pipeline.Restore());
  // Read every source up to the end it has now: a snapshot of each, not of all together.
  while (true) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return sql::SqlError("57014", "canceling statement due to user request");
    }
    RETURN_IF_ERROR(pipeline.Step().status());
    bool caught_up = true;
    for (const stream::Source* source : dataflow.sources) caught_up &= source->CaughtUp();
    if (caught_up) break;
  }
  std::vector<Row> rows;
  if (collector != nullptr) {
    rows = collector->Take();
  } else {
    ASSIGN_OR_RETURN(rows, sink->Snapshot());
  }
  std::vector<sql::Type> types = dataflow.types;
  for (auto it = finish.post.rbegin(); it != finish.post.rend(); ++it) {
    const sql::PlanNode& node = **it;
    if (const auto* sort = node.As<sql::SortOp>()) {
      SortRows(rows, sort->keys);
    } else if (const auto* project = node.As<sql::ProjectOp>()) {
      ASSIGN_OR_RETURN(rows, EvaluateOverRows(rows, types, project->exprs));
    } else if (const auto* limit = node.As<sql::LimitOp>()) {
      size_t offset = std::min<size_t>(rows.size(), static_cast<size_t>(limit->offset));
      rows.erase(rows.begin(), rows.begin() + offset);
      if (limit->limit >= 0 && rows.size() > static_cast<size_t>(limit->limit)) {
        rows.resize(static_cast<size_t>(limit->limit));
      }
    }
    types.clear();
    for (const sql::PlanColumn& c : node.schema) types.push_back(c.type);
  }
  QueryResult result;
  for (const sql::PlanColumn& c : plan.schema) {
    result.column_names.push_back(c.name);
    result.column_types.push_back(c.type);
  }
  result.rows = std::move(rows);
  return result;
}

}  // namespace oxbow::engine
