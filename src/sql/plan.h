// The logical plan: what the binder (binder.h) makes of a query and what the dataflow runtime
// (src/stream) executes. A tree of PlanNodes over bound expressions (expr/expr.h), each node
// knowing
//   - its output schema (names, types, nullability),
//   - its key: output columns that identify a row, for upsert semantics (a table's primary
//     key, an aggregate's group keys, a Top-N's partition plus rank); empty when rows have no
//     key (append-only streams, joins of streams, UNION ALL),
//   - whether it is append-only (inserts only) or a changelog (inserts and deletes; an update
//     is a delete plus an insert, ARCHITECTURE.md decision 3).
// Column references in a node's expressions index its input's schema (a Join's residual: the
// left schema followed by the right one; a Join's key expressions: their own side's schema).
//
// Nodes are built with the Make* functions below, which derive schema, key and append-only
// from the inputs, so a node's properties are always consistent with its children. Sort and
// Limit exist for ad-hoc queries only; a materialized view's plan has neither (an ordered
// LIMIT becomes TopN).
//
// Thread safety: immutable once built; share a const plan freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sql/aggregate/aggregate.h"
#include "sql/catalog_object.h"
#include "sql/expr/expr.h"
#include "sql/types/datetime.h"
#include "sql/types/value.h"

namespace oxbow::sql {

struct PlanColumn {
  std::string name;
  Type type;
  bool nullable = true;
  // A composite value's fields (the column holds its PostgreSQL text form, `(1,2)`), for
  // `(column).field`; empty for other columns. Only set-returning functions in a select list
  // make composites (information_schema._pg_expandarray's (x, n)).
  std::vector<PlanColumn> fields = {};

  bool operator==(const PlanColumn&) const = default;
};

struct PlanNode;
using PlanPtr = std::unique_ptr<PlanNode>;

// Reads a table (its topic) or the changes of a materialized view.
struct ScanOp {
  enum class Source : uint8_t { kStream, kChangelogTable, kMaterializedView };
  Source source = Source::kStream;
  std::string relation;
  std::string topic;  // tables only
  TableFormat format = TableFormat::kJson;
  // The relation's columns this scan reads, by position in the relation (projection
  // pruning narrows it); the node's schema is these columns in this order.
  std::vector<int> columns;
  // A predicate pushed into the scan, over the node's schema; null for none.
  ExprPtr filter;
  // The relation's columns and key (positions in them), and whether it is append-only: the
  // node's schema, key and append_only derive from these and `columns`.
  std::vector<PlanColumn> relation_columns;
  std::vector<int> relation_key;
  bool relation_append_only = true;
};

// Constant rows (VALUES). With `series` set, the rows are generate_series(start, stop[,
// step]) over these integer expressions, known only when the query runs (they read the outer
// values of a correlated subquery): ad-hoc queries replace such a node by its rows with
// ExpandSeries (series.h) before running the plan; the binder makes them in subqueries only.
// With `unnest` too, `series` is one array expression and the rows are its elements.
struct ValuesOp {
  std::vector<std::vector<ExprPtr>> rows;
  std::vector<ExprPtr> series;
  bool unnest = false;
};

struct FilterOp {
  ExprPtr predicate;
};

struct ProjectOp {
  std::vector<ExprPtr> exprs;
};

struct AggregateCall {
  AggregateFunction function;
  std::vector<int> args;  // input columns, already of function.arg_types
  int filter = -1;        // a boolean input column (FILTER (WHERE …)), or -1
};

// GROUP BY: output = the group key columns, then one column per call.
struct AggregateOp {
  std::vector<int> group_keys;  // input columns
  std::vector<AggregateCall> calls;
};

enum class JoinKind : uint8_t { kInner, kLeft };

// An equi-join: rows match when every left_keys[i] equals right_keys[i] (NULL never
// matches) and the residual holds. Output = left columns, then right columns.
struct JoinOp {
  JoinKind kind = JoinKind::kInner;
  std::vector<ExprPtr> left_keys;   // over the left schema
  std::vector<ExprPtr> right_keys;  // over the right schema
  ExprPtr residual;                 // over left ++ right; null for none
  int location = -1;                // of the join in the statement, for errors
  // A stream joined with a changelog table or materialized view (read directly, or through
  // filters and projections): each event meets the table row current when it arrives and is
  // not retracted when the table changes later (a temporal join). A stream joined with a
  // changelog the query computes (an aggregate subquery) is a regular join.
  bool temporal = false;
};

struct UnionAllOp {};

struct DistinctOp {};

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;  // PostgreSQL's default: NULLS LAST ascending, FIRST descending

  bool operator==(const SortKey&) const = default;
};

// ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) <= limit: the first `limit` rows of each
// partition by `order_by`. Output = the input columns plus the row number (bigint), last.
struct TopNOp {
  std::vector<int> partition_by;
  std::vector<SortKey> order_by;
  int64_t limit = 0;
  // Set by the binder while ROW_NUMBER() has not yet met its `<= n` filter; a plan handed
  // out never has one (the binder rejects it).
  bool unbounded = false;
  int location = -1;  // of the ROW_NUMBER call, for that error
};

enum class WindowKind : uint8_t { kTumble, kHop, kSession };

// TUMBLE/HOP/SESSION: output = the input columns plus window_start and window_end (of the
// time column's type). HOP emits each row once per window containing it.
struct WindowTvfOp {
  WindowKind window = WindowKind::kTumble;
  int time_column = 0;
  Interval size;   // TUMBLE, HOP: the window length; SESSION: the gap
  Interval slide;  // HOP only
};

struct SortOp {
  std::vector<SortKey> keys;
};

struct LimitOp {
  int64_t limit = -1;  // -1: none
  int64_t offset = 0;
};

// A set-returning function called in a select list (set_function.h).
enum class SetFunctionKind : uint8_t {
  kUnnest,          // unnest(array): its elements
  kGenerateSeries,  // generate_series(start, stop[, step]) over integers
  kExpandArray,     // information_schema._pg_expandarray(array): (x element, n position)
};
struct SetFunctionCall {
  SetFunctionKind kind = SetFunctionKind::kUnnest;
  std::vector<ExprPtr> args;        // over the input's columns
  std::vector<PlanColumn> columns;  // what it yields per row
};

// PostgreSQL's ProjectSet: per input row, the rows of set-returning functions of it, in
// lockstep (row i has each function's i-th row, NULLs for a function with fewer rows; as many
// rows as the longest, none when every function has none), each after the input row's
// columns. The output: the input's columns, then each call's columns.
struct ProjectSetOp {
  std::vector<SetFunctionCall> calls;
};

using PlanOp = std::variant<ScanOp, ValuesOp, FilterOp, ProjectOp, AggregateOp, JoinOp, UnionAllOp,
                            DistinctOp, TopNOp, WindowTvfOp, SortOp, LimitOp, ProjectSetOp>;

struct PlanNode {
  PlanOp op;
  std::vector<PlanPtr> inputs;
  std::vector<PlanColumn> schema;
  std::vector<int> key;  // output columns; empty: no key
  bool append_only = false;

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&op);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&op);
  }
  // "Scan", "Filter", "Project", "Aggregate", "Join", "UnionAll", "Distinct", "TopN",
  // "WindowTVF", "Sort", "Limit", "Values", "ProjectSet".
  std::string_view name() const;
};

// Builders. Each takes ownership of its inputs and derives schema, key and append_only.
// A scan's key is the relation's when every key column is read, else none.
PlanPtr MakeScan(ScanOp scan);
PlanPtr MakeValues(std::vector<std::vector<ExprPtr>> rows, std::vector<PlanColumn> schema);
PlanPtr MakeFilter(PlanPtr input, ExprPtr predicate);
// `names` gives the output names (one per expression).
PlanPtr MakeProject(PlanPtr input, std::vector<ExprPtr> exprs, std::vector<std::string> names);
PlanPtr MakeAggregate(PlanPtr input, std::vector<int> group_keys, std::vector<AggregateCall> calls,
                      std::vector<std::string> call_names);
PlanPtr MakeJoin(PlanPtr left, PlanPtr right, JoinOp join);
PlanPtr MakeUnionAll(PlanPtr left, PlanPtr right);
PlanPtr MakeDistinct(PlanPtr input);
PlanPtr MakeTopN(PlanPtr input, TopNOp topn, std::string row_number_name);
PlanPtr MakeWindowTvf(PlanPtr input, WindowTvfOp window);
PlanPtr MakeSort(PlanPtr input, std::vector<SortKey> keys);
PlanPtr MakeLimit(PlanPtr input, int64_t limit, int64_t offset);
PlanPtr MakeProjectSet(PlanPtr input, std::vector<SetFunctionCall> calls);

// A deep copy.
PlanPtr ClonePlan(const PlanNode& plan);

// Recomputes a node's schema, key and append_only from its op and inputs (after a rewrite
// changed them).
void Rederive(PlanNode& node);

// The plan as indented text, one node per line, PostgreSQL EXPLAIN style:
//   Project  (tier, clicks)  key: tier  changelog
//     ->  Aggregate  group: tier  calls: count(*)  ...
// Expressions print with their input's column names.
std::vector<std::string> ExplainPlan(const PlanNode& plan);

// Expression helpers used by the binder and the rewrites.
// The input columns `expr` references.
void CollectColumns(const Expr& expr, std::vector<int>& out);
// A copy of `expr` with column c replaced by mapping[c] (which must be >= 0).
ExprPtr RemapColumns(const Expr& expr, const std::vector<int>& mapping);
// A copy of `expr` with column c replaced by a copy of exprs[c].
ExprPtr SubstituteColumns(const Expr& expr, const std::vector<ExprPtr>& exprs);
// The conjuncts of an AND tree (the expression itself when not an AND).
std::vector<ExprPtr> SplitConjuncts(ExprPtr expr);
// AND of `conjuncts`: null when empty, the single one when one.
ExprPtr JoinConjuncts(std::vector<ExprPtr> conjuncts);

}  // namespace oxbow::sql
