#include "engine/view_scan.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "engine/dataflow_builder.h"
#include "sql/expr/evaluator.h"
#include "sql/sql_error.h"
#include "stream/row_codec.h"

namespace oxbow::engine {
namespace {

constexpr size_t kRowsPerChunk = 1024;

// The plan's nodes from the scan up: Filter, Project and Limit only.
std::vector<const sql::PlanNode*> Stages(const sql::PlanNode& plan) {
  std::vector<const sql::PlanNode*> stages;
  for (const sql::PlanNode* node = &plan; node->inputs.size() == 1; node = node->inputs[0].get()) {
    stages.push_back(node);
  }
  std::reverse(stages.begin(), stages.end());
  return stages;
}

const sql::PlanNode& ScanNode(const sql::PlanNode& plan) {
  const sql::PlanNode* node = &plan;
  while (node->inputs.size() == 1) node = node->inputs[0].get();
  return *node;
}

// LIMIT/OFFSET over a stream of chunks.
struct LimitState {
  int64_t to_skip = 0;
  int64_t to_take = -1;  // -1: no limit
};

class ViewScanCursor final : public QueryCursor {
 public:
  ViewScanCursor(sql::PlanPtr plan, std::string rows, const std::atomic<bool>* cancel)
      : QueryCursor(Names(*plan), Types(*plan)),
        plan_(std::move(plan)),
        rows_(std::move(rows)),
        unread_(rows_),
        cancel_(cancel),
        scan_node_(ScanNode(*plan_)),
        scan_(*scan_node_.As<sql::ScanOp>()),
        stages_(Stages(*plan_)) {
    for (const sql::PlanColumn& c : scan_.relation_columns) relation_types_.push_back(c.type);
    for (const sql::PlanNode* stage : stages_) {
      if (const auto* limit = stage->As<sql::LimitOp>()) {
        limits_.push_back(LimitState{limit->offset, limit->limit});
      }
    }
  }

  Result<std::optional<sql::Chunk>> Next() override {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
      return sql::SqlError("57014", "canceling statement due to user request");
    }
    if (done_ || (unread_.empty() && repeat_ == 0)) return std::optional<sql::Chunk>();
    ASSIGN_OR_RETURN(sql::Chunk chunk, Decode());
    ASSIGN_OR_RETURN(chunk, ApplyScan(std::move(chunk)));
    size_t limit_index = 0;
    for (const sql::PlanNode* stage : stages_) {
      if (const auto* filter = stage->As<sql::FilterOp>()) {
        ASSIGN_OR_RETURN(chunk, Filter(*filter->predicate, std::move(chunk)));
      } else if (const auto* project = stage->As<sql::ProjectOp>()) {
        ASSIGN_OR_RETURN(chunk, Project(project->exprs, chunk));
      } else if (stage->As<sql::LimitOp>() != nullptr) {
        chunk = Limit(limits_[limit_index++], std::move(chunk));
      }
    }
    return std::optional<sql::Chunk>(std::move(chunk));
  }

 private:
  static std::vector<std::string> Names(const sql::PlanNode& plan) {
    std::vector<std::string> names;
    for (const sql::PlanColumn& c : plan.schema) names.push_back(c.name);
    return names;
  }
  static std::vector<sql::Type> Types(const sql::PlanNode& plan) {
    std::vector<sql::Type> types;
    for (const sql::PlanColumn& c : plan.schema) types.push_back(c.type);
    return types;
  }

  // The next rows of the snapshot (a row of multiplicity n n times), the view's columns.
  Result<sql::Chunk> Decode() {
    std::vector<sql::ColumnVector> columns;
    columns.reserve(relation_types_.size());
    for (const sql::Type& t : relation_types_) columns.emplace_back(t);
    for (sql::ColumnVector& c : columns) c.Reserve(kRowsPerChunk);
    size_t n = 0;
    for (; n < kRowsPerChunk; ++n) {
      if (repeat_ == 0) {
        uint64_t count = 0, length = 0;
        if (unread_.empty()) break;
        if (!stream::GetVarint(&unread_, &count) || count == 0 ||
            !stream::GetVarint(&unread_, &length) || length > unread_.size()) {
          return absl::DataLossError("view scan: malformed row in the view's snapshot");
        }
        row_ = unread_.substr(0, length);
        unread_.remove_prefix(length);
        repeat_ = count;
      }
      std::string_view cells = row_;
      RETURN_IF_ERROR(stream::DecodeCells(&cells, columns, 0, columns.size()));
      if (!cells.empty()) {
        return absl::DataLossError("view scan: a row of the view has more columns than the view");
      }
      --repeat_;
    }
    return sql::Chunk(std::move(columns), std::vector<sql::RowOp>(n, sql::RowOp::kInsert));
  }

  // The scan's column subset, then its pushed-down filter.
  Result<sql::Chunk> ApplyScan(sql::Chunk chunk) {
    bool identity = scan_.columns.size() == chunk.num_columns();
    for (size_t i = 0; identity && i < scan_.columns.size(); ++i) {
      identity = scan_.columns[i] == static_cast<int>(i);
    }
    if (!identity) {
      std::vector<sql::ColumnVector> columns;
      for (int c : scan_.columns) columns.push_back(chunk.column(c));
      chunk = chunk.WithColumns(std::move(columns));
    }
    if (scan_.filter == nullptr) return chunk;
    return Filter(*scan_.filter, std::move(chunk));
  }

  static Result<sql::Chunk> Filter(const sql::Expr& predicate, sql::Chunk chunk) {
    if (chunk.num_rows() == 0) return chunk;
    ASSIGN_OR_RETURN(sql::SelectionVector rows, sql::EvaluateFilter(predicate, chunk));
    if (rows.size() == chunk.num_rows()) return chunk;
    return chunk.Select(rows);
  }

  static Result<sql::Chunk> Project(const std::vector<sql::ExprPtr>& exprs,
                                    const sql::Chunk& chunk) {
    std::vector<sql::ColumnVector> columns;
    columns.reserve(exprs.size());
    for (const sql::ExprPtr& e : exprs) {
      if (e->kind == sql::Expr::Kind::kColumnRef) {
        columns.push_back(chunk.column(e->column));
        continue;
      }
      ASSIGN_OR_RETURN(sql::ColumnVector c, sql::Evaluate(*e, chunk));
      columns.push_back(std::move(c));
    }
    return chunk.WithColumns(std::move(columns));
  }

  // Skips and takes rows; once every row a LIMIT wants is out, the scan is done.
  sql::Chunk Limit(LimitState& limit, sql::Chunk chunk) {
    const auto n = static_cast<int64_t>(chunk.num_rows());
    const int64_t skip = std::min(limit.to_skip, n);
    limit.to_skip -= skip;
    int64_t take = n - skip;
    if (limit.to_take >= 0) {
      take = std::min(take, limit.to_take);
      limit.to_take -= take;
      if (limit.to_take == 0) done_ = true;
    }
    if (skip == 0 && take == n) return chunk;
    std::vector<uint32_t> rows(static_cast<size_t>(take));
    std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(skip));
    return chunk.Select(rows);
  }

  sql::PlanPtr plan_;
  std::string rows_;
  std::string_view unread_;  // of rows_
  const std::atomic<bool>* cancel_;
  const sql::PlanNode& scan_node_;
  const sql::ScanOp& scan_;
  std::vector<const sql::PlanNode*> stages_;  // above the scan, bottom-up
  std::vector<sql::Type> relation_types_;
  std::vector<LimitState> limits_;  // one per LimitOp stage, bottom-up
  std::string_view row_;            // the row being repeated
  uint64_t repeat_ = 0;             // times row_ is still to be decoded
  bool done_ = false;
};

bool ExprsFree(const std::vector<sql::ExprPtr>& exprs) {
  return std::none_of(exprs.begin(), exprs.end(),
                      [](const sql::ExprPtr& e) { return sql::HasSubquery(*e); });
}

}  // namespace

const sql::ScanOp* MatchViewScan(const sql::PlanNode& plan) {
  const sql::PlanNode* node = &plan;
  for (; node->inputs.size() == 1; node = node->inputs[0].get()) {
    if (const auto* filter = node->As<sql::FilterOp>()) {
      if (sql::HasSubquery(*filter->predicate)) return nullptr;
    } else if (const auto* project = node->As<sql::ProjectOp>()) {
      if (!ExprsFree(project->exprs)) return nullptr;
    } else if (node->As<sql::LimitOp>() == nullptr) {
      return nullptr;
    }
  }
  const auto* scan = node->As<sql::ScanOp>();
  if (scan == nullptr || !node->inputs.empty() ||
      scan->source != sql::ScanOp::Source::kMaterializedView) {
    return nullptr;
  }
  if (scan->filter != nullptr && sql::HasSubquery(*scan->filter)) return nullptr;
  if (KeyFixedByFilter(*scan)) return nullptr;
  return scan;
}

std::unique_ptr<QueryCursor> NewViewScanCursor(sql::PlanPtr plan, std::string rows,
                                               const std::atomic<bool>* cancel) {
  return std::make_unique<ViewScanCursor>(std::move(plan), std::move(rows), cancel);
}

}  // namespace oxbow::engine
