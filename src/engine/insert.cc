#include "engine/insert.h"

#include <set>
#include <utility>

#include "engine/adhoc_query.h"
#include "engine/insert_encoder.h"
#include "fmt/format.h"
#include "kafka/partitioner.h"
#include "log/record_batch_builder.h"
#include "sql/binder.h"
#include "sql/expr/evaluator.h"
#include "sql/sql_error.h"

namespace oxbow::engine {
namespace {

using Row = std::vector<sql::Value>;

// The table's columns the statement names, in its order (all of them when it names none).
Result<std::vector<int>> TargetColumns(const sql::Statement& s, const sql::InsertStatement& insert,
                                       const sql::CatalogObject& table) {
  const std::vector<sql::CatalogColumn>& columns = table.table()->columns;
  std::vector<int> targets;
  if (insert.columns.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) targets.push_back(static_cast<int>(i));
    return targets;
  }
  std::set<int> seen;
  for (const sql::NameRef& ref : insert.columns) {
    int found = -1;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == ref.name) found = static_cast<int>(i);
    }
    if (found < 0) {
      return s.ErrorAt(sql::SqlError(sql::sqlstate::kUndefinedColumn,
                                     fmt::format("column \"{}\" of relation \"{}\" does not exist",
                                                 ref.name, table.name)),
                       ref.location);
    }
    if (!seen.insert(found).second) {
      return s.ErrorAt(
          sql::SqlError(sql::sqlstate::kDuplicateColumn,
                        fmt::format("column \"{}\" specified more than once", ref.name)),
          ref.location);
    }
    targets.push_back(found);
  }
  return targets;
}

// The rows of an INSERT … SELECT, each value assigned to its target column's type.
Result<std::vector<Row>> SelectRows(const sql::Statement& s, const sql::Query& query,
                                    const std::vector<sql::CatalogColumn>& targets,
                                    DataflowContext context) {
  ASSIGN_OR_RETURN(sql::PlanPtr plan, sql::PlanQuery(query, s, *context.catalog));
  if (plan->schema.size() != targets.size()) {
    return s.ErrorAt(sql::SqlError(sql::sqlstate::kSyntaxError,
                                   plan->schema.size() > targets.size()
                                       ? "INSERT has more expressions than target columns"
                                       : "INSERT has more target columns than expressions"),
                     query.location);
  }
  std::vector<sql::ExprPtr> casts;
  for (size_t i = 0; i < targets.size(); ++i) {
    const sql::Type& from = plan->schema[i].type;
    Result<sql::ExprPtr> cast = sql::MakeCast(sql::MakeColumnRef(static_cast<int>(i), from),
                                              targets[i].type, sql::CastContext::kAssignment);
    if (!cast.ok()) {
      return s.ErrorAt(
          sql::WithHint(sql::SqlError(sql::sqlstate::kDatatypeMismatch,
                                      fmt::format("column \"{}\" is of type {} but expression is "
                                                  "of type {}",
                                                  targets[i].name, targets[i].type.ToString(),
                                                  from.ToString())),
                        "You will need to rewrite or cast the expression."),
          query.location);
    }
    casts.push_back(std::move(*cast));
  }
  ASSIGN_OR_RETURN(QueryResult result, RunAdhocQuery(*plan, std::move(context), nullptr));
  std::vector<sql::Type> types;
  for (const sql::PlanColumn& c : plan->schema) types.push_back(c.type);
  return EvaluateOverRows(result.rows, types, casts);
}

}  // namespace

Result<uint64_t> ExecuteInsert(const sql::Statement& s, DataflowContext context) {
  const auto* insert = s.As<sql::InsertStatement>();
  if (insert == nullptr) return absl::InvalidArgumentError("not an INSERT");
  sql::CatalogObjectPtr object = context.catalog->Find(insert->table.name);
  if (object == nullptr) {
    return s.ErrorAt(
        sql::SqlError(sql::sqlstate::kUndefinedTable,
                      fmt::format("relation \"{}\" does not exist", insert->table.name)),
        insert->table.location);
  }
  if (object->type != sql::ObjectType::kTable) {
    return s.ErrorAt(
        sql::SqlError(sql::sqlstate::kWrongObjectType,
                      fmt::format("cannot insert into \"{}\": it is not a table", object->name)),
        insert->table.location);
  }
  const sql::TableDefinition& table = *object->table();
  ASSIGN_OR_RETURN(std::vector<int> targets, TargetColumns(s, *insert, *object));
  std::vector<sql::CatalogColumn> target_columns;
  for (int t : targets) target_columns.push_back(table.columns[t]);

  std::vector<Row> values;
  if (insert->source->kind == sql::QueryKind::kValues) {
    ASSIGN_OR_RETURN(std::vector<std::vector<sql::ExprPtr>> bound,
                     sql::BindInsertValues(*insert->source, s, *context.catalog, target_columns));
    for (const auto& row : bound) {
      Row out;
      for (const sql::ExprPtr& e : row) {
        ASSIGN_OR_RETURN(sql::Value v, sql::EvaluateConstant(*e));
        out.push_back(std::move(v));
      }
      values.push_back(std::move(out));
    }
  } else {
    ASSIGN_OR_RETURN(values, SelectRows(s, *insert->source, target_columns, context));
  }

  // Full rows in table order; NOT NULL and key columns checked.
  std::vector<int> key_columns;
  for (const std::string& k : table.primary_key) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name == k) key_columns.push_back(static_cast<int>(i));
    }
  }
  std::vector<Row> rows;
  for (Row& v : values) {
    Row row;
    for (const sql::CatalogColumn& c : table.columns) row.push_back(sql::Value::Null(c.type));
    for (size_t i = 0; i < targets.size(); ++i) row[targets[i]] = std::move(v[i]);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      bool key = std::find(key_columns.begin(), key_columns.end(), int(i)) != key_columns.end();
      if (row[i].is_null() && (table.columns[i].not_null || key)) {
        return sql::WithDetail(
            sql::SqlError("23502", fmt::format("null value in column \"{}\" of relation \"{}\" "
                                               "violates not-null constraint",
                                               table.columns[i].name, object->name)),
            "Failing row contains a NULL in a NOT NULL or primary-key column.");
      }
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return uint64_t{0};

  // Encode, place, append.
  ASSIGN_OR_RETURN(int32_t partitions, context.log->PartitionCount(table.topic));
  ASSIGN_OR_RETURN(InsertEncoder encoder, InsertEncoder::For(table, key_columns, context.schemas));
  struct Encoded {
    std::optional<std::string> key;
    std::string value;
  };
  std::vector<std::vector<Encoded>> by_partition(static_cast<size_t>(partitions));
  static std::atomic<uint32_t> next_partition{0};
  for (const Row& row : rows) {
    Encoded e;
    RETURN_IF_ERROR(encoder.Encode(row, &e.key, &e.value));
    int32_t p;
    if (e.key) {
      p = kafka::PartitionForKey(AsBytes(*e.key), partitions).value();
    } else {
      p = static_cast<int32_t>(next_partition.fetch_add(1) % static_cast<uint32_t>(partitions));
    }
    by_partition[static_cast<size_t>(p)].push_back(std::move(e));
  }
  TimestampMs now = log::NowMs();
  for (int32_t p = 0; p < partitions; ++p) {
    const std::vector<Encoded>& records = by_partition[static_cast<size_t>(p)];
    if (records.empty()) continue;
    log::RecordBatchBuilder builder({});
    for (const Encoded& e : records) {
      builder.Add(now, e.key ? std::optional<ByteView>(AsBytes(*e.key)) : std::nullopt,
                  AsBytes(e.value));
    }
    ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
    ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                     context.log->GetPartition(table.topic, PartitionId(p)));
    RETURN_IF_ERROR(
        partition->Append(MutableByteView(batch.mutable_data(), batch.size()), now).status());
  }
  return static_cast<uint64_t>(rows.size());
}

}  // namespace oxbow::engine
