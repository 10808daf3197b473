#include "engine/dataflow_builder.h"

#include <algorithm>
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
#include "stream/stateless_operators.h"
#include "stream/stream_table_join.h"
#include "stream/top_n.h"

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
    return std::visit([&](const auto& op) { return BuildOp(node, op); }, node.op);
  }

 private:
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
    if (scan.source == sql::ScanOp::Source::kMaterializedView) {
      ASSIGN_OR_RETURN(out, BuildViewRead(scan, relation_types));
    } else {
      ASSIGN_OR_RETURN(out, BuildTopicRead(scan, relation_types));
    }
    out = Select(out, relation_types, scan.columns);
    if (scan.filter != nullptr) {
      Operator* filter =
          Add(std::make_unique<stream::Filter>(TypesOf(node.schema), scan.filter->Clone()));
      Connect(out, filter);
      out = filter;
    }
    return out;
  }

  Result<Operator*> BuildTopicRead(const sql::ScanOp& scan,
                                   const std::vector<sql::Type>& relation_types) {
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
    stream::Source* source = Add(std::make_unique<stream::Source>(std::move(options)));
    out_.sources.push_back(source);
    if (std::find(out_.topics.begin(), out_.topics.end(), scan.topic) == out_.topics.end()) {
      out_.topics.push_back(scan.topic);
    }
    if (!changelog) return source;
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    Operator* table =
        Add(std::make_unique<stream::UpsertTable>(id, relation_types, scan.relation_key));
    Connect(source, table);
    return table;
  }

  Result<Operator*> BuildViewRead(const sql::ScanOp& scan,
                                  const std::vector<sql::Type>& relation_types) {
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
    return Build(*plan);
  }

  // The values of the relation's key columns when the scan's filter fixes each with
  // `column = constant` (in the key's order, cast to the columns' types); else nullopt.
  static std::optional<std::vector<sql::Value>> KeyFixedByFilter(const sql::ScanOp& scan) {
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
    ASSIGN_OR_RETURN(Operator * input, BuildInput(node, 0));
    std::vector<stream::AggregateCall> calls;
    for (const sql::AggregateCall& c : aggregate.calls) {
      calls.push_back(stream::AggregateCall{c.function, c.args, c.filter});
    }
    ASSIGN_OR_RETURN(stream::StateId id, NextStateId());
    Operator* op = Add(std::make_unique<stream::HashAggregate>(
        id, TypesOf(node.inputs[0]->schema), aggregate.group_keys, std::move(calls)));
    Connect(input, op);
    return op;
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
    Operator* op = Add(std::make_unique<stream::Distinct>(id, TypesOf(node.schema)));
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
    Operator* op =
        Add(std::make_unique<stream::TopN>(id, TypesOf(node.inputs[0]->schema), topn.partition_by,
                                           std::move(order), topn.limit, rank));
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

  Result<Operator*> BuildOp(const PlanNode&, const sql::WindowTvfOp&) {
    return NotSupported("a TUMBLE/HOP/SESSION window (event-time windows)");
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
  // Whether the Top-N compiled next must compute row numbers (only a Project above it that
  // does not read them says no).
  bool rank_needed_ = true;
};

}  // namespace

Result<Dataflow> BuildDataflow(const sql::PlanNode& plan, DataflowContext& context,
                               stream::Pipeline& pipeline) {
  Dataflow dataflow;
  Builder builder(context, pipeline, dataflow);
  ASSIGN_OR_RETURN(dataflow.output, builder.Build(plan));
  dataflow.types = TypesOf(plan.schema);
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
