#include "engine/dataflow_builder.h"

#include <algorithm>
#include <map>
#include <utility>

#include "engine/constant_source.h"
#include "fmt/format.h"
#include "sql/binder.h"
#include "sql/expr/evaluator.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "stream/hash_aggregate.h"
#include "stream/hash_join.h"
#include "stream/keyed_operators.h"
#include "stream/project_set.h"
#include "stream/session_window.h"
#include "stream/stateless_operators.h"
#include "stream/stream_table_join.h"
#include "stream/top_n.h"
#include "stream/window_assign.h"

namespace oxbow::engine {
namespace {

using sql::PlanColumn;
using sql::PlanNode;
using stream::Operator;

Status NotSupported(std::string_view what) {
  return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                       fmt::format("{} is not supported yet", what));
}

std::vector<sql::Type> TypesOf(const std::vector<PlanColumn>& schema) {
  std::vector<sql::Type> types;
  types.reserve(schema.size());
  for (const PlanColumn& c : schema) types.push_back(c.type);
  return types;
}

// The column `expr` is, or -1 when it is not a plain column reference.
int ColumnOf(const sql::Expr& expr) {
  return expr.kind == sql::Expr::Kind::kColumnRef ? expr.column : -1;
}

// A duration option (watermark_delay, …) in microseconds; `fallback` when absent.
Result<int64_t> DurationOption(const std::map<std::string, std::string>& options,
                               const std::string& name, int64_t fallback) {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  ASSIGN_OR_RETURN(sql::Interval i, sql::ParseInterval(it->second));
  return static_cast<int64_t>(i.Span());
}

// A window length in microseconds: months have no fixed length.
Result<int64_t> WindowMicros(const sql::Interval& i) {
  if (i.months != 0) {
    return sql::WithHint(sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                                       "windows measured in months or years are not supported"),
                         "Give the length in days, hours, minutes or seconds.");
  }
  return static_cast<int64_t>(i.Span());
}

// `column (+|-) constant interval` or a plain column: the column and the offset (µs).
std::optional<std::pair<int, int64_t>> ColumnPlusConstant(const sql::Expr& e) {
  if (e.kind == sql::Expr::Kind::kColumnRef) return std::make_pair(e.column, int64_t{0});
  if (e.kind != sql::Expr::Kind::kCall || e.function == nullptr || e.args.size() != 2) {
    return std::nullopt;
  }
  const std::string& f = e.function->name;
  if ((f != "+" && f != "-") || e.args[0]->kind != sql::Expr::Kind::kColumnRef) {
    return std::nullopt;
  }
  std::vector<int> refs;
  sql::CollectColumns(*e.args[1], refs);
  if (!refs.empty()) return std::nullopt;
  Result<sql::Value> v = sql::EvaluateConstant(*e.args[1]);
  if (!v.ok() || v->is_null() || v->type().id() != sql::TypeId::kInterval) return std::nullopt;
  const sql::Interval& i = v->interval_value();
  if (i.months != 0) return std::nullopt;
  int64_t micros = static_cast<int64_t>(i.Span());
  return std::make_pair(e.args[0]->column, f == "+" ? micros : -micros);
}

// An interval join's condition `upper ≤ base + offset` between a column of each side (columns
// of the join's output: left ++ right).
struct TimeConstraint {
  int upper = 0;
  int base = 0;
  int64_t offset = 0;
};

// The conditions of the form `a <= b + c` (or <, >=, >, BETWEEN's halves) in `residual`
// between timestamp columns of different sides.
std::vector<TimeConstraint> TimeConstraints(const sql::Expr* residual, size_t left_width) {
  std::vector<TimeConstraint> out;
  if (residual == nullptr) return out;
  for (const sql::ExprPtr& c : sql::SplitConjuncts(residual->Clone())) {
    if (c->kind != sql::Expr::Kind::kCall || c->function == nullptr || c->args.size() != 2) {
      continue;
    }
    const std::string& f = c->function->name;
    bool le = f == "<=" || f == "<";
    bool ge = f == ">=" || f == ">";
    if (!le && !ge) continue;
    auto a = ColumnPlusConstant(*c->args[0]);
    auto b = ColumnPlusConstant(*c->args[1]);
    if (!a || !b) continue;
    // a.col + a.off (≤|≥) b.col + b.off
    if (ge) std::swap(a, b);
    // a.col ≤ b.col + (b.off − a.off)
    bool a_left = size_t(a->first) < left_width, b_left = size_t(b->first) < left_width;
    if (a_left == b_left) continue;
    out.push_back(TimeConstraint{a->first, b->first, b->second - a->second});
  }
  return out;
}

bool References(const sql::Expr& expr, int column) {
  std::vector<int> columns;
  sql::CollectColumns(expr, columns);
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

class Builder {
 public:
  Builder(DataflowContext& context, stream::Pipeline& pipeline, Dataflow& out)
      : context_(context), pipeline_(pipeline), out_(out) {}

  // Compiles `node`; returns the operator emitting its rows.
  Result<Operator*> Build(const PlanNode& node) {
    ASSIGN_OR_RETURN(Operator * op,
                     std::visit([&](const auto& o) { return BuildOp(node, o); }, node.op));
    bounds_[&node] = DeriveBounds(node);
    return op;
  }

  // Before Build: finds the scans whose column is the time of a window, so that their
  // sources track that column's event time and drop late rows. Errors: a window over a
  // column other than its table's declared event time.
  Status FindEventTimeColumns(const PlanNode& node) {
    for (const sql::PlanPtr& in : node.inputs) RETURN_IF_ERROR(FindEventTimeColumns(*in));
    if (const auto* w = node.As<sql::WindowTvfOp>()) {
      RETURN_IF_ERROR(TraceEventTime(*node.inputs[0], w->time_column, /*strict=*/true));
    }
    if (const auto* j = node.As<sql::JoinOp>(); j != nullptr && !j->temporal) {
      // An interval join's time columns: event time, so that old rows can expire.
      const size_t left_width = node.inputs[0]->schema.size();
      for (const TimeConstraint& t : TimeConstraints(j->residual.get(), left_width)) {
        for (int c : {t.upper, t.base}) {
          bool left = size_t(c) < left_width;
          RETURN_IF_ERROR(TraceEventTime(*node.inputs[left ? 0 : 1], left ? c : c - int(left_width),
                                         /*strict=*/false));
        }
      }
    }
    return Status();
  }

  const Bounds& BoundsOf(const PlanNode& node) { return bounds_[&node]; }

 private:
  // `column` of `node` as a column of a table scan below it, through filters and plain
  // column projections; recorded in event_time_columns_. Anything else (a join, an
  // aggregate, a materialized view's rows) ends the trace: the window then has no event
  // time of its own, and its state cannot expire.
  // `strict`: a column other than the declared event time is an error (windows), else the
  // trace just stops (an interval join over other columns works without expiry).
  Status TraceEventTime(const PlanNode& node, int column, bool strict) {
    if (node.As<sql::FilterOp>() != nullptr) {
      return TraceEventTime(*node.inputs[0], column, strict);
    }
    if (const auto* p = node.As<sql::ProjectOp>()) {
      int c = ColumnOf(*p->exprs[column]);
      return c < 0 ? Status() : TraceEventTime(*node.inputs[0], c, strict);
    }
    if (node.schema[column].type.id() != sql::TypeId::kTimestamp &&
        node.schema[column].type.id() != sql::TypeId::kTimestampTz) {
      return Status();
    }
    const auto* scan = node.As<sql::ScanOp>();
    if (scan == nullptr || scan->source == sql::ScanOp::Source::kMaterializedView) {
      return Status();
    }
    int relation_column = scan->columns[column];
    const std::string& name = scan->relation_columns[relation_column].name;
    if (sql::CatalogObjectPtr object = context_.catalog->Find(scan->relation);
        object != nullptr && object->table() != nullptr) {
      const auto& options = object->table()->options;
      if (auto it = options.find("event_time"); it != options.end() && it->second != name) {
        if (!strict) return Status();
        return sql::WithHint(
            sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                          fmt::format("a window over column \"{}\" of table \"{}\", whose event "
                                      "time is column \"{}\"",
                                      name, scan->relation, it->second)),
            "Windows use the table's event time: window over the event_time column.");
      }
    }
    auto [it, inserted] = event_time_columns_.emplace(&node, relation_column);
    if (!inserted && it->second != relation_column) {
      if (!strict) return Status();
      return sql::SqlError(
          sql::sqlstate::kFeatureNotSupported,
          fmt::format("windows over two different time columns of table \"{}\"", scan->relation));
    }
    return Status();
  }

  // Which output columns of `node` the watermark bounds (state_expiry.h), from its inputs'.
  Bounds DeriveBounds(const PlanNode& node) {
    Bounds out(node.schema.size());
    auto input = [&](size_t i) -> const Bounds& { return bounds_[node.inputs[i].get()]; };
    if (const auto* scan = node.As<sql::ScanOp>()) {
      const Bounds& relation = scan_relation_bounds_;
      for (size_t i = 0; i < scan->columns.size() && i < out.size(); ++i) {
        if (size_t(scan->columns[i]) < relation.size()) out[i] = relation[scan->columns[i]];
      }
    } else if (node.As<sql::FilterOp>() != nullptr || node.As<sql::DistinctOp>() != nullptr) {
      out = input(0);
    } else if (node.As<sql::ProjectSetOp>() != nullptr) {
      std::copy(input(0).begin(), input(0).end(), out.begin());
    } else if (const auto* p = node.As<sql::ProjectOp>()) {
      for (size_t i = 0; i < p->exprs.size(); ++i) {
        if (int c = ColumnOf(*p->exprs[i]); c >= 0) out[i] = input(0)[c];
      }
    } else if (const auto* a = node.As<sql::AggregateOp>()) {
      for (size_t i = 0; i < a->group_keys.size(); ++i) out[i] = input(0)[a->group_keys[i]];
    } else if (const auto* t = node.As<sql::TopNOp>()) {
      for (int c : t->partition_by) out[c] = input(0)[c];
    } else if (const auto* w = node.As<sql::WindowTvfOp>()) {
      const Bounds& in = input(0);
      std::copy(in.begin(), in.end(), out.begin());
      if (std::optional<int64_t> d = in[w->time_column]) {
        // Every row has time ≥ W + d and lies in [start, end): end > time.
        out[in.size() + 1] = *d + 1;
        Result<int64_t> size = WindowMicros(w->size);
        if (w->window != sql::WindowKind::kSession && size.ok()) {
          out[in.size()] = *d + 1 - *size;
        }
      }
    } else if (node.As<sql::UnionAllOp>() != nullptr) {
      out = input(0);
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        for (size_t c = 0; c < out.size(); ++c) {
          if (!out[c] || !input(i)[c]) {
            out[c].reset();
          } else {
            out[c] = std::min(*out[c], *input(i)[c]);
          }
        }
      }
    } else if (const auto* j = node.As<sql::JoinOp>()) {
      const Bounds& left = input(0);
      const Bounds& right = input(1);
      if (j->temporal) {
        // Output rows come from stream events only (the table side never retracts them).
        std::copy(left.begin(), left.end(), out.begin());
      } else {
        // A row of either side meets only rows with the same key: a key column bounded on
        // both sides stays bounded.
        for (size_t k = 0; k < j->left_keys.size(); ++k) {
          int l = ColumnOf(*j->left_keys[k]), r = ColumnOf(*j->right_keys[k]);
          if (l < 0 || r < 0 || !left[l] || !right[r]) continue;
          int64_t d = std::min(*left[l], *right[r]);
          out[l] = d;
          out[left.size() + r] = d;
        }
        // An interval join's time column X: a row from X's side brings X ≥ W + d(X); a row from
        // the other side meets only rows with X ≥ other − c (a condition other ≤ X + c).
        const std::vector<TimeConstraint> times = TimeConstraints(j->residual.get(), left.size());
        for (size_t x = 0; x < out.size(); ++x) {
          const bool x_left = x < left.size();
          const std::optional<int64_t>& own = x_left ? left[x] : right[x - left.size()];
          if (!own) continue;
          std::optional<int64_t> via_other;
          for (const TimeConstraint& t : times) {
            if (t.base != int(x) || (size_t(t.upper) < left.size()) == x_left) continue;
            const std::optional<int64_t>& upper =
                x_left ? right[t.upper - left.size()] : left[t.upper];
            if (upper && (!via_other || *upper - t.offset > *via_other)) {
              via_other = *upper - t.offset;
            }
          }
          if (via_other) out[x] = std::min(*own, *via_other);
        }
      }
    }
    return out;
  }

  // The best column of `bounds` to expire state by, among `candidates` (positions into
  // `bounds`): the one with the largest offset (the tightest bound). -1 if none.
  static int ExpiryColumn(const Bounds& bounds, const std::vector<int>& candidates) {
    int best = -1;
    for (int c : candidates) {
      if (!bounds[c]) continue;
      if (best < 0 || *bounds[c] > *bounds[best]) best = c;
    }
    return best;
  }

  Result<stream::StateId> NextStateId() {
    if (context_.next_state_id >= context_.end_state_id) {
      return sql::SqlError(sql::sqlstate::kProgramLimitExceeded,
                           "the query has too many stateful operators");
    }
    return context_.next_state_id++;
  }

  template <typename T>
  T* Add(std::unique_ptr<T> op) {
    return pipeline_.Add(std::move(op));
  }
  void Connect(Operator* from, Operator* to, int port = 0) { pipeline_.Connect(from, to, port); }

  // A Project of `input` (of `types`) keeping `columns`, or `input` itself for the identity.
  Operator* Select(Operator* input, const std::vector<sql::Type>& types,
                   const std::vector<int>& columns) {
    bool identity = columns.size() == types.size();
    for (size_t i = 0; identity && i < columns.size(); ++i) identity = columns[i] == int(i);
    if (identity) return input;
    std::vector<sql::ExprPtr> exprs;
    for (int c : columns) exprs.push_back(sql::MakeColumnRef(c, types[c]));
    Operator* project = Add(std::make_unique<stream::Project>(std::move(exprs)));
    Connect(input, project);
    return project;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::ScanOp& scan) {
    Operator* out = nullptr;
    std::vector<sql::Type> relation_types = TypesOf(scan.relation_columns);
    Bounds relation(relation_types.size());
    if (scan.source == sql::ScanOp::Source::kMaterializedView) {
      ASSIGN_OR_RETURN(out, BuildViewRead(scan, relation_types, relation));
    } else {
      ASSIGN_OR_RETURN(out, BuildTopicRead(node, scan, relation_types, relation));
    }
    scan_relation_bounds_ = std::move(relation);  // read by DeriveBounds right after
    out = Select(out, relation_types, scan.columns);
    if (scan.filter != nullptr) {
      Operator* filter =
          Add(std::make_unique<stream::Filter>(TypesOf(node.schema), scan.filter->Clone()));
      Connect(out, filter);
      out = filter;
    }
    return out;
  }

  Result<Operator*> BuildTopicRead(const PlanNode& node, const sql::ScanOp& scan,
                                   const std::vector<sql::Type>& relation_types, Bounds& bounds) {
    if (scan.format == sql::TableFormat::kAvro && context_.schemas == nullptr) {
      return sql::SqlError(sql::sqlstate::kObjectNotInPrerequisiteState,
                           fmt::format("table \"{}\" is in Avro format, and the schema registry "
                                       "is off: its writer schemas cannot be found",
                                       scan.relation));
    }
    Result<int32_t> count = context_.log->PartitionCount(scan.topic);
    if (!count.ok()) {
      return absl::NotFoundError(
          fmt::format("topic \"{}\" of table \"{}\" does not exist", scan.topic, scan.relation));
    }
    stream::SourceOptions options;
    RETURN_IF_ERROR(SetEventTime(node, scan, options.event_time));
    // Scans of one table read it once: a query scanning a table twice (a self-join, two
    // aggregates of the same stream) shares its source and decodes each record once. Scans
    // that track event time differently need their own.
    const std::string shared_key =
        fmt::format("{}\x1f{}\x1f{}", scan.relation, options.event_time.column,
                    options.event_time.drop_late ? 1 : 0);
    if (auto it = shared_reads_.find(shared_key); it != shared_reads_.end()) {
      if (it->second.stream != nullptr) it->second.stream->DecodeColumns(scan.columns);
      bounds = it->second.bounds;
      return it->second.out;
    }
    ASSIGN_OR_RETURN(options.id, NextStateId());
    options.topic = scan.topic;
    for (int32_t p = 0; p < *count; ++p) {
      ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                       context_.log->GetPartition(scan.topic, PartitionId(p)));
      options.partitions.push_back(std::move(partition));
    }
    for (const PlanColumn& c : scan.relation_columns) {
      options.columns.push_back(stream::SourceColumn{c.name, c.type});
    }
    bool changelog = scan.source == sql::ScanOp::Source::kChangelogTable;
    if (changelog) options.key_columns = scan.relation_key;
    options.errors = context_.errors;
    switch (scan.format) {
      case sql::TableFormat::kJson:
        options.format = stream::SourceFormat::kJson;
        break;
      case sql::TableFormat::kAvro:
        options.format = stream::SourceFormat::kAvro;
        break;
      case sql::TableFormat::kDebeziumJson:
        options.format = stream::SourceFormat::kDebeziumJson;
        break;
    }
    options.schemas = context_.schemas;
    if (options.event_time.drop_late) {
      // Late rows are dropped: every row from here on has event time ≥ the watermark.
      bounds[options.event_time.column] = 0;
    }
    stream::Source* source = Add(std::make_unique<stream::Source>(std::move(options)));
    out_.sources.push_back(source);
    if (std::find(out_.topics.begin(), out_.topics.end(), scan.topic) == out_.topics.end()) {
      out_.topics.push_back(scan.topic);
    }
    if (!changelog) {
      // A stream's records are decoded as far as the query reads them (a changelog table
      // keeps whole rows: its upserts replace them).
      source->DecodeColumns(scan.columns);
      shared_reads_[shared_key] = {source, bounds, source};
      return source;
    }
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    Operator* table =
        Add(std::make_unique<stream::UpsertTable>(id, relation_types, scan.relation_key));
    Connect(source, table);
    shared_reads_[shared_key] = {table, bounds, nullptr};
    return table;
  }

  // The event time of a scan's source: the table's event_time column, else the column a
  // window uses (drop_late then), else record timestamps; delays from the table's options.
  Status SetEventTime(const PlanNode& node, const sql::ScanOp& scan, stream::EventTimeOptions& et) {
    std::map<std::string, std::string> options;
    if (sql::CatalogObjectPtr object = context_.catalog->Find(scan.relation);
        object != nullptr && object->table() != nullptr) {
      options = object->table()->options;
    }
    if (auto it = options.find("event_time"); it != options.end()) {
      for (size_t i = 0; i < scan.relation_columns.size(); ++i) {
        if (scan.relation_columns[i].name == it->second) et.column = static_cast<int>(i);
      }
    }
    if (auto it = event_time_columns_.find(&node); it != event_time_columns_.end()) {
      et.column = it->second;
      // An ad-hoc query reads a bounded snapshot: nothing is late in it.
      et.drop_late = !context_.bounded;
    }
    ASSIGN_OR_RETURN(et.delay_us, DurationOption(options, "watermark_delay", 0));
    ASSIGN_OR_RETURN(et.allowed_lateness_us, DurationOption(options, "allowed_lateness", 0));
    ASSIGN_OR_RETURN(int64_t idle, DurationOption(options, "idle_timeout", 10'000'000));
    et.idle_timeout = std::chrono::milliseconds(idle / 1000);
    return Status();
  }

  Result<Operator*> BuildViewRead(const sql::ScanOp& scan,
                                  const std::vector<sql::Type>& relation_types, Bounds& bounds) {
    if (context_.view_rows) {
      std::optional<std::vector<std::vector<sql::Value>>> found;
      if (std::optional<std::vector<sql::Value>> key = KeyFixedByFilter(scan);
          key && context_.view_lookup) {
        ASSIGN_OR_RETURN(found, context_.view_lookup(scan.relation, *key));
      }
      std::vector<std::vector<sql::Value>> rows;
      if (found) {
        rows = std::move(*found);  // the scan's filter still runs over them
      } else {
        ASSIGN_OR_RETURN(rows, context_.view_rows(scan.relation));
      }
      ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
      return Add(std::make_unique<ConstantSource>(id, fmt::format("View({})", scan.relation),
                                                  relation_types, std::move(rows)));
    }
    sql::CatalogObjectPtr object = context_.catalog->Find(scan.relation);
    if (object == nullptr || object->type != sql::ObjectType::kMaterializedView) {
      return sql::SqlError(sql::sqlstate::kUndefinedTable,
                           fmt::format("materialized view \"{}\" does not exist", scan.relation));
    }
    ASSIGN_OR_RETURN(sql::PlanPtr plan, PlanMaterializedView(*object, *context_.catalog));
    if (plan->schema.size() != relation_types.size()) {
      return sql::SqlError(
          sql::sqlstate::kInternalError,
          fmt::format("materialized view \"{}\" no longer has the columns it was created with",
                      scan.relation));
    }
    RETURN_IF_ERROR(FindEventTimeColumns(*plan));
    ASSIGN_OR_RETURN(Operator * out, Build(*plan));
    bounds = bounds_[plan.get()];
    bounds_.erase(plan.get());  // the plan dies here; its address may be reused
    return out;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::ValuesOp& values) {
    std::vector<std::vector<sql::Value>> rows;
    for (const std::vector<sql::ExprPtr>& row : values.rows) {
      std::vector<sql::Value> out;
      for (const sql::ExprPtr& e : row) {
        ASSIGN_OR_RETURN(sql::Value v, sql::EvaluateConstant(*e));
        out.push_back(std::move(v));
      }
      rows.push_back(std::move(out));
    }
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    return Add(
        std::make_unique<ConstantSource>(id, "Values", TypesOf(node.schema), std::move(rows)));
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::FilterOp& filter) {
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    Operator* op = Add(std::make_unique<stream::Filter>(TypesOf(node.inputs[0]->schema),
                                                        filter.predicate->Clone()));
    Connect(input, op);
    return op;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::ProjectOp& project) {
    const PlanNode& in = *node.inputs[0];
    if (in.As<sql::TopNOp>() != nullptr) {
      // Ranks cost updates (see top_n.h): computed only when the projection reads them.
      int rank = static_cast<int>(in.schema.size()) - 1;
      rank_needed_ = false;
      for (const sql::ExprPtr& e : project.exprs) rank_needed_ |= References(*e, rank);
    }
    ASSIGN_OR_RETURN(Operator * input, Build(in));
    std::vector<sql::ExprPtr> exprs;
    for (const sql::ExprPtr& e : project.exprs) exprs.push_back(e->Clone());
    Operator* op = Add(std::make_unique<stream::Project>(std::move(exprs)));
    Connect(input, op);
    return op;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::AggregateOp& aggregate) {
    RETURN_IF_ERROR(FindSessionPartition(*node.inputs[0], aggregate.group_keys, {}));
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    std::vector<stream::AggregateCall> calls;
    // Over an append-only input (a stream, its windows) min/max need not remember every value.
    const bool append_only = node.inputs[0]->append_only;
    for (const sql::AggregateCall& c : aggregate.calls) {
      calls.push_back(stream::AggregateCall{
          append_only ? sql::ForAppendOnlyInput(c.function) : c.function, c.args, c.filter});
    }
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    auto op = std::make_unique<stream::HashAggregate>(id, TypesOf(node.inputs[0]->schema),
                                                      aggregate.group_keys, std::move(calls));
    // Grouped by a window: a group is final once the watermark closed its window.
    const Bounds& in = BoundsOf(*node.inputs[0]);
    std::vector<int> positions;
    for (size_t i = 0; i < aggregate.group_keys.size(); ++i) positions.push_back(int(i));
    Bounds by_position;
    for (int k : aggregate.group_keys) by_position.push_back(in[k]);
    if (int p = ExpiryColumn(by_position, positions); p >= 0) {
      op->set_expiry(stream::StateExpiry{p, *by_position[p]});
    }
    Operator* raw = Add(std::move(op));
    Connect(input, raw);
    return raw;
  }

  // Sessions are per group: the group keys of an aggregate over a SESSION window (through
  // filters and projections) that are columns of the window's input partition its sessions
  // (session_partitions_). `columns`: plain columns of `node`; `computed`: the columns that
  // computed group keys read. A computed key over the window's input columns cannot partition
  // sessions: 0A000.
  Status FindSessionPartition(const PlanNode& node, const std::vector<int>& columns,
                              const std::vector<int>& computed) {
    if (node.As<sql::FilterOp>() != nullptr) {
      return FindSessionPartition(*node.inputs[0], columns, computed);
    }
    if (const auto* p = node.As<sql::ProjectOp>()) {
      std::vector<int> plain, reads;
      for (int c : computed) sql::CollectColumns(*p->exprs[c], reads);
      for (int c : columns) {
        if (int below = ColumnOf(*p->exprs[c]); below >= 0) {
          plain.push_back(below);
        } else {
          sql::CollectColumns(*p->exprs[c], reads);
        }
      }
      return FindSessionPartition(*node.inputs[0], plain, reads);
    }
    const auto* w = node.As<sql::WindowTvfOp>();
    if (w == nullptr || w->window != sql::WindowKind::kSession) return Status();
    const int width = static_cast<int>(node.inputs[0]->schema.size());
    for (int c : computed) {
      if (c < width) {
        return sql::WithHint(
            NotSupported("grouping SESSION windows by an expression"),
            "Sessions are per group: group by columns of the windowed table (compute the "
            "expression in a subquery inside SESSION's table).");
      }
    }
    std::vector<int> partition;
    for (int c : columns) {
      if (c < width && std::find(partition.begin(), partition.end(), c) == partition.end()) {
        partition.push_back(c);  // window_start and window_end are the session itself
      }
    }
    session_partitions_[&node] = std::move(partition);
    return Status();
  }

  // A join side's key columns: plain columns as they are; other key expressions are
  // appended to the side's rows by a Project (returned in `side`, with its new types).
  struct Side {
    Operator* op = nullptr;
    std::vector<sql::Type> types;
    std::vector<int> keys;
    size_t width = 0;  // the side's own columns
  };
  Result<Side> JoinSide(const PlanNode& input, const std::vector<sql::ExprPtr>& keys) {
    Side side;
    ASSIGN_OR_RETURN(side.op, Build(input));
    side.types = TypesOf(input.schema);
    side.width = side.types.size();
    bool computed = false;
    for (const sql::ExprPtr& k : keys) computed |= ColumnOf(*k) < 0;
    if (!computed) {
      for (const sql::ExprPtr& k : keys) side.keys.push_back(ColumnOf(*k));
      return side;
    }
    std::vector<sql::ExprPtr> exprs;
    for (size_t i = 0; i < side.width; ++i) {
      exprs.push_back(sql::MakeColumnRef(static_cast<int>(i), side.types[i]));
    }
    for (const sql::ExprPtr& k : keys) {
      side.keys.push_back(static_cast<int>(exprs.size()));
      side.types.push_back(k->type);
      exprs.push_back(k->Clone());
    }
    Operator* project = Add(std::make_unique<stream::Project>(std::move(exprs)));
    Connect(side.op, project);
    side.op = project;
    return side;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::JoinOp& join) {
    if (join.kind == sql::JoinKind::kLeft && join.residual != nullptr) {
      return NotSupported("a LEFT JOIN with conditions other than column equalities in ON");
    }
    if (join.left_keys.empty()) {
      return NotSupported("a join without an equality condition (a cross join)");
    }
    // A temporal join compiles its table side first: the pipeline polls sources in the order
    // they were added, so table changes already in the log are read before the events that
    // came after them (an event produced after its user row meets that row).
    Side left, right;
    if (join.temporal && !context_.bounded) {
      ASSIGN_OR_RETURN(right, JoinSide(*node.inputs[1], join.right_keys));
      ASSIGN_OR_RETURN(left, JoinSide(*node.inputs[0], join.left_keys));
    } else {
      ASSIGN_OR_RETURN(left, JoinSide(*node.inputs[0], join.left_keys));
      ASSIGN_OR_RETURN(right, JoinSide(*node.inputs[1], join.right_keys));
    }
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    stream::JoinType type =
        join.kind == sql::JoinKind::kLeft ? stream::JoinType::kLeftOuter : stream::JoinType::kInner;
    Operator* op = nullptr;
    if (join.temporal && !context_.bounded) {
      op = Add(std::make_unique<stream::StreamTableJoin>(id, type, left.types, left.keys,
                                                         right.types, right.keys));
    } else {
      op = Add(std::make_unique<stream::HashJoin>(id, type, left.types, left.keys, right.types,
                                                  right.keys));
    }
    if (auto* hash = dynamic_cast<stream::HashJoin*>(op)) {
      SetJoinExpiry(node, join, left, right, *hash);
    }
    Connect(left.op, op, 0);
    Connect(right.op, op, 1);
    // Drop computed key columns: the join's output is left ++ right.
    if (left.types.size() != left.width || right.types.size() != right.width) {
      std::vector<sql::Type> joined = left.types;
      joined.insert(joined.end(), right.types.begin(), right.types.end());
      std::vector<int> keep;
      for (size_t i = 0; i < left.width; ++i) keep.push_back(static_cast<int>(i));
      for (size_t i = 0; i < right.width; ++i) {
        keep.push_back(static_cast<int>(left.types.size() + i));
      }
      op = Select(op, joined, keep);
    }
    if (join.residual != nullptr) {
      Operator* filter =
          Add(std::make_unique<stream::Filter>(TypesOf(node.schema), join.residual->Clone()));
      Connect(op, filter);
      op = filter;
    }
    return op;
  }

  // Which rows of a join's state can expire (state_expiry.h). A window join (equal bounded
  // keys, e.g. window_end): a row whose key value is below the other side's bound meets no
  // future row. An interval join (`l.t <= r.t + c`): a right row with r.t + c below the
  // left side's bound meets no future left row; and the mirror case.
  void SetJoinExpiry(const PlanNode& node, const sql::JoinOp& join, const Side& left,
                     const Side& right, stream::HashJoin& op) {
    const Bounds& lb = BoundsOf(*node.inputs[0]);
    const Bounds& rb = BoundsOf(*node.inputs[1]);
    std::optional<stream::StateExpiry> expiry[2];
    auto offer = [&](int side, int column, int64_t offset) {
      if (!expiry[side] || offset > expiry[side]->offset) {
        expiry[side] = stream::StateExpiry{column, offset};
      }
    };
    for (size_t k = 0; k < join.left_keys.size(); ++k) {
      int l = ColumnOf(*join.left_keys[k]), r = ColumnOf(*join.right_keys[k]);
      if (l < 0 || r < 0 || !lb[l] || !rb[r]) continue;
      offer(0, left.keys[k], *rb[r]);
      offer(1, right.keys[k], *lb[l]);
    }
    const int left_width = static_cast<int>(lb.size());
    for (const TimeConstraint& t : TimeConstraints(join.residual.get(), lb.size())) {
      // upper ≤ base + offset: a base row with base + offset below upper's bound is done.
      bool base_left = t.base < left_width;
      int upper = base_left ? t.upper - left_width : t.upper;
      int base = base_left ? t.base : t.base - left_width;
      const std::optional<int64_t>& upper_bound = base_left ? rb[upper] : lb[upper];
      if (!upper_bound) continue;
      offer(base_left ? 0 : 1, base, *upper_bound - t.offset);
    }
    for (int side = 0; side < 2; ++side) {
      if (expiry[side]) op.set_expiry(side, *expiry[side], node.inputs[side]->append_only);
    }
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::UnionAllOp&) {
    Operator* op = Add(std::make_unique<stream::UnionAll>(TypesOf(node.schema)));
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      ASSIGN_OR_RETURN(Operator * input, BuildInput(node, i));
      Connect(input, op);
    }
    return op;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::DistinctOp&) {
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    auto distinct = std::make_unique<stream::Distinct>(id, TypesOf(node.schema));
    // Distinct rows of a window: final once the watermark passes it.
    const Bounds& in = BoundsOf(*node.inputs[0]);
    std::vector<int> columns;
    for (size_t i = 0; i < in.size(); ++i) columns.push_back(static_cast<int>(i));
    if (int c = ExpiryColumn(in, columns); c >= 0) {
      distinct->set_expiry(stream::StateExpiry{c, *in[c]});
    }
    Operator* op = Add(std::move(distinct));
    Connect(input, op);
    return op;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::TopNOp& topn) {
    std::vector<stream::SortKey> order;
    for (const sql::SortKey& k : topn.order_by) {
      // PostgreSQL's default NULL placement is the operator's; the other is not offered.
      if (k.nulls_first != k.descending) {
        return NotSupported("NULLS FIRST/LAST other than the default in a Top-N ORDER BY");
      }
      order.push_back(stream::SortKey{k.column, k.descending});
    }
    bool rank = rank_needed_;
    rank_needed_ = true;
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    auto topn_op = std::make_unique<stream::TopN>(
        id, TypesOf(node.inputs[0]->schema), topn.partition_by, std::move(order), topn.limit, rank);
    // Per window: a partition is final once the watermark closed its window.
    const Bounds& in = BoundsOf(*node.inputs[0]);
    Bounds by_position;
    std::vector<int> positions;
    for (size_t i = 0; i < topn.partition_by.size(); ++i) {
      by_position.push_back(in[topn.partition_by[i]]);
      positions.push_back(static_cast<int>(i));
    }
    if (int p = ExpiryColumn(by_position, positions); p >= 0) {
      topn_op->set_expiry(stream::StateExpiry{p, *by_position[p]});
    }
    Operator* op = Add(std::move(topn_op));
    Connect(input, op);
    if (rank) return op;
    // The row number is not read: a typed NULL keeps the column positions.
    std::vector<sql::Type> types = TypesOf(node.inputs[0]->schema);
    std::vector<sql::ExprPtr> exprs;
    for (size_t i = 0; i < types.size(); ++i) {
      exprs.push_back(sql::MakeColumnRef(static_cast<int>(i), types[i]));
    }
    exprs.push_back(sql::MakeConstant(sql::Value::Null(node.schema.back().type)));
    Operator* pad = Add(std::make_unique<stream::Project>(std::move(exprs)));
    Connect(op, pad);
    return pad;
  }

  Result<Operator*> BuildOp(const PlanNode& node, const sql::WindowTvfOp& window) {
    if (window.window == sql::WindowKind::kSession) return BuildSession(node, window);
    stream::WindowSpec spec;
    spec.time_column = window.time_column;
    ASSIGN_OR_RETURN(spec.size_us, WindowMicros(window.size));
    if (window.window == sql::WindowKind::kHop) {
      ASSIGN_OR_RETURN(spec.slide_us, WindowMicros(window.slide));
      if (spec.size_us % spec.slide_us != 0) {
        return sql::SqlError(sql::sqlstate::kInvalidParameterValue,
                             "the size of a HOP window must be a multiple of its slide");
      }
    }
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    Operator* op =
        Add(std::make_unique<stream::WindowAssign>(TypesOf(node.inputs[0]->schema), spec));
    Connect(input, op);
    return op;
  }
  // SESSION: partitioned by the group keys of the aggregate above (FindSessionPartition);
  // without one, the whole input is one sequence of sessions.
  Result<Operator*> BuildSession(const PlanNode& node, const sql::WindowTvfOp& window) {
    stream::SessionSpec spec;
    spec.time_column = window.time_column;
    ASSIGN_OR_RETURN(spec.gap_us, WindowMicros(window.size));
    if (auto it = session_partitions_.find(&node); it != session_partitions_.end()) {
      spec.partition_columns = it->second;
    }
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    spec.time_bound = BoundsOf(*node.inputs[0])[window.time_column];
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    Operator* op = Add(std::make_unique<stream::SessionWindow>(id, TypesOf(node.inputs[0]->schema),
                                                               std::move(spec)));
    Connect(input, op);
    return op;
  }
  Result<Operator*> BuildOp(const PlanNode& node, const sql::ProjectSetOp& project_set) {
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    std::vector<sql::SetFunctionCall> calls;
    for (const sql::SetFunctionCall& c : project_set.calls) {
      std::vector<sql::ExprPtr> args;
      for (const sql::ExprPtr& a : c.args) args.push_back(a->Clone());
      calls.push_back(sql::SetFunctionCall{c.kind, std::move(args), c.columns});
    }
    Operator* op = Add(
        std::make_unique<stream::ProjectSet>(TypesOf(node.inputs[0]->schema), std::move(calls)));
    Connect(input, op);
    return op;
  }
  Result<Operator*> BuildOp(const PlanNode&, const sql::SortOp&) {
    return NotSupported("ORDER BY inside a subquery");
  }
  Result<Operator*> BuildOp(const PlanNode&, const sql::LimitOp&) {
    return NotSupported("LIMIT/OFFSET inside a subquery");
  }

  Result<Operator*> BuildInput(const PlanNode& node, size_t i) { return Build(*node.inputs[i]); }

  DataflowContext& context_;
  stream::Pipeline& pipeline_;
  Dataflow& out_;
  // Per compiled node: the output columns the watermark bounds.
  std::map<const PlanNode*, Bounds> bounds_;
  // The relation-level bounds of the scan being compiled (BuildOp(ScanOp) → DeriveBounds).
  Bounds scan_relation_bounds_;
  // Scan nodes whose source's event time is a window's time column (relation column).
  std::map<const PlanNode*, int> event_time_columns_;
  // Topic reads already compiled (table, event time) → the operator emitting the table's
  // rows and their bounds, shared by later scans of the same table.
  struct SharedRead {
    Operator* out;  // the source, or the changelog table over it
    Bounds bounds;
    stream::Source* stream;  // a stream's source (decodes the columns its scans read), or null
  };
  std::map<std::string, SharedRead> shared_reads_;
  // SESSION window nodes with the columns that partition their sessions.
  std::map<const PlanNode*, std::vector<int>> session_partitions_;
  // Whether the Top-N compiled next must compute row numbers (only a Project above it that
  // does not read them says no).
  bool rank_needed_ = true;
};

}  // namespace

std::optional<std::vector<sql::Value>> KeyFixedByFilter(const sql::ScanOp& scan) {
  if (scan.filter == nullptr || scan.relation_key.empty()) return std::nullopt;
  std::vector<std::optional<sql::Value>> key(scan.relation_key.size());
  for (const sql::ExprPtr& conjunct : sql::SplitConjuncts(scan.filter->Clone())) {
    if (conjunct->kind != sql::Expr::Kind::kCall || conjunct->function == nullptr ||
        conjunct->function->name != "=" || conjunct->args.size() != 2) {
      continue;
    }
    for (int side = 0; side < 2; ++side) {
      int column = ColumnOf(*conjunct->args[side]);
      const sql::Expr& other = *conjunct->args[1 - side];
      std::vector<int> refs;
      sql::CollectColumns(other, refs);
      if (column < 0 || !refs.empty()) continue;
      int relation_column = scan.columns[column];
      for (size_t k = 0; k < scan.relation_key.size(); ++k) {
        if (scan.relation_key[k] != relation_column) continue;
        Result<sql::Value> v = sql::EvaluateConstant(other);
        if (!v.ok() || v->is_null()) return std::nullopt;
        Result<sql::ExprPtr> cast =
            sql::MakeCast(sql::MakeConstant(*v), scan.relation_columns[relation_column].type,
                          sql::CastContext::kExplicit);
        if (!cast.ok()) return std::nullopt;
        Result<sql::Value> typed = sql::EvaluateConstant(**cast);
        if (!typed.ok()) return std::nullopt;
        key[k] = std::move(*typed);
      }
    }
  }
  std::vector<sql::Value> out;
  for (std::optional<sql::Value>& v : key) {
    if (!v) return std::nullopt;
    out.push_back(std::move(*v));
  }
  return out;
}

Result<Dataflow> BuildDataflow(const sql::PlanNode& plan, DataflowContext& context,
                               stream::Pipeline& pipeline) {
  Dataflow dataflow;
  Builder builder(context, pipeline, dataflow);
  RETURN_IF_ERROR(builder.FindEventTimeColumns(plan));
  ASSIGN_OR_RETURN(dataflow.output, builder.Build(plan));
  dataflow.types = TypesOf(plan.schema);
  dataflow.bounds = builder.BoundsOf(plan);
  return dataflow;
}

Result<sql::PlanPtr> PlanMaterializedView(const sql::CatalogObject& object,
                                          const sql::Catalog& catalog) {
  const sql::ViewDefinition* view = object.view();
  if (view == nullptr) {
    return absl::InvalidArgumentError(fmt::format("\"{}\" is not a view", object.name));
  }
  ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseStatements(view->query));
  if (statements.size() != 1 || statements[0].As<sql::SelectStatement>() == nullptr) {
    return sql::SqlError(sql::sqlstate::kInternalError,
                         fmt::format("the stored query of \"{}\" is not a query", object.name));
  }
  sql::PlanOptions options;
  options.materialized_view = true;
  return sql::PlanQuery(*statements[0].As<sql::SelectStatement>()->query, statements[0], catalog,
                        options);
}

}  // namespace oxbow::engine
