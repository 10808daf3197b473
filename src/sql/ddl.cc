#include "sql/ddl.h"

#include "base/logging.h"
#include "fmt/format.h"
#include "sql/binder.h"
#include "sql/relation_options.h"
#include "sql/sql_error.h"
#include "sql/sql_text.h"
#include "sql/type_resolution.h"
#include "sql/view_analysis.h"

namespace oxbow::sql {
namespace {

StatementResult Tagged(std::string tag) {
  StatementResult r;
  r.command_tag = std::move(tag);
  return r;
}

}  // namespace

bool DdlExecutor::Handles(const Statement& s) {
  return s.As<CreateTableStatement>() || s.As<CreateViewStatement>() || s.As<DropStatement>() ||
         s.As<ShowObjectsStatement>() || s.As<ShowCreateStatement>() || s.As<DescribeStatement>() ||
         s.As<ExplainStatement>();
}

Result<StatementResult> DdlExecutor::Execute(const Statement& s) {
  if (auto* c = s.As<CreateTableStatement>()) return CreateTable(s, *c);
  if (auto* c = s.As<CreateViewStatement>()) return CreateView(s, *c);
  if (auto* d = s.As<DropStatement>()) return Drop(s, *d);
  if (auto* show = s.As<ShowObjectsStatement>()) return ShowObjects(*show);
  if (auto* show = s.As<ShowCreateStatement>()) return ShowCreate(s, *show);
  if (auto* d = s.As<DescribeStatement>()) return Describe(s, *d);
  if (auto* e = s.As<ExplainStatement>()) return Explain(*e);
  return absl::FailedPreconditionError(fmt::format("{} is not a DDL statement", s.CommandName()));
}

Status DdlExecutor::CreateTopic(const Statement& s, const CreateTableStatement& create,
                                const std::string& topic, int32_t partitions) {
  Status valid = log::ValidateTopicName(topic);
  if (!valid.ok() || topic.starts_with("__")) {
    return s.ErrorAt(
        WithHint(SqlError(sqlstate::kInvalidParameterValue,
                          fmt::format("cannot name a topic after table \"{}\": {}", topic,
                                      valid.ok() ? "names starting with \"__\" are internal"
                                                 : std::string(valid.message()))),
                 "Name the table's topic with WITH (topic = '…')."),
        create.name.location);
  }
  if (log_->HasTopic(topic)) {
    return s.ErrorAt(
        WithHint(
            SqlError(sqlstate::kDuplicateObject, fmt::format("topic \"{}\" already exists", topic)),
            fmt::format("To read the existing topic, say WITH (topic = {}).", QuoteLiteral(topic))),
        create.name.location);
  }
  Status created = log_->CreateTopic(topic, partitions, {});
  if (!created.ok()) {
    return s.ErrorAt(
        SqlError(sqlstate::kInternalError,
                 fmt::format("cannot create topic \"{}\": {}", topic, created.message())),
        create.name.location);
  }
  return absl::OkStatus();
}

Result<StatementResult> DdlExecutor::CreateTable(const Statement& s,
                                                 const CreateTableStatement& create) {
  StatementResult result = Tagged("CREATE TABLE");
  if (create.columns.empty()) {
    return s.ErrorAt(
        SqlError(sqlstate::kInvalidTableDefinition,
                 fmt::format("table \"{}\" needs at least one column", create.name.name)),
        create.name.location);
  }
  TableDefinition table;
  for (const ColumnDefinition& col : create.columns) {
    Result<Type> type = ResolveTypeName(col.type);
    if (!type.ok()) return s.ErrorAt(type.status(), col.type.location);
    if (type->is_array()) {
      return s.ErrorAt(
          SqlError(sqlstate::kFeatureNotSupported,
                   fmt::format("table columns cannot have array types ({})", type->ToString())),
          col.type.location);
    }
    table.columns.push_back(CatalogColumn{col.name, *type, col.not_null});
  }
  for (const NameRef& k : create.primary_key) table.primary_key.push_back(k.name);
  ASSIGN_OR_RETURN(TableOptions options, ValidateTableOptions(s, create, table.columns));
  if (catalog_.Find(create.name.name) != nullptr) {
    std::string message = fmt::format("relation \"{}\" already exists", create.name.name);
    if (create.if_not_exists) {
      result.notices.push_back({message + ", skipping", ""});
      return result;
    }
    return s.ErrorAt(SqlError(sqlstate::kDuplicateTable, message), create.name.location);
  }
  table.format = options.format;
  table.options = std::move(options.others);
  table.topic = options.topic.value_or(create.name.name);
  table.topic_created = !options.topic.has_value();
  if (log_ != nullptr) {
    if (table.topic_created) {
      RETURN_IF_ERROR(CreateTopic(s, create, table.topic, options.partitions));
    } else if (!log_->HasTopic(table.topic)) {
      return s.ErrorAt(
          WithHint(SqlError(sqlstate::kInvalidParameterValue,
                            fmt::format("topic \"{}\" does not exist", table.topic)),
                   "Create the topic first, or leave out the topic option to have CREATE "
                   "TABLE create one named like the table."),
          create.name.location);
    }
  }
  CatalogObject object;
  object.type = ObjectType::kTable;
  object.name = create.name.name;
  bool created_topic = table.topic_created && log_ != nullptr;
  std::string topic = table.topic;
  object.definition = std::move(table);
  Result<CatalogObjectPtr> stored = catalog_.Create(std::move(object));
  if (!stored.ok()) {
    // Another statement took the name meanwhile, or the catalog could not be written: the
    // topic made for this table has no owner.
    if (created_topic) (void)log_->DeleteTopic(topic);
    return s.ErrorAt(stored.status(), create.name.location);
  }
  return result;
}

Result<StatementResult> DdlExecutor::CreateView(const Statement& s,
                                                const CreateViewStatement& create) {
  StatementResult result = Tagged(create.materialized ? "CREATE MATERIALIZED VIEW" : "CREATE VIEW");
  if (catalog_.Find(create.name.name) != nullptr) {
    std::string message = fmt::format("relation \"{}\" already exists", create.name.name);
    if (create.if_not_exists) {
      result.notices.push_back({message + ", skipping", ""});
      return result;
    }
    return s.ErrorAt(SqlError(sqlstate::kDuplicateTable, message), create.name.location);
  }
  ViewDefinition view;
  for (const NameRef& ref : ReferencedRelations(*create.query)) {
    if (ref.name == create.name.name || catalog_.Find(ref.name) == nullptr) {
      return s.ErrorAt(SqlError(sqlstate::kUndefinedTable,
                                fmt::format("relation \"{}\" does not exist", ref.name)),
                       ref.location);
    }
    view.dependencies.push_back(ref.name);
  }
  std::sort(view.dependencies.begin(), view.dependencies.end());
  ASSIGN_OR_RETURN(view.options, ValidateViewOptions(s, create));
  PlanOptions plan_options;
  plan_options.materialized_view = create.materialized;
  ASSIGN_OR_RETURN(PlanPtr plan, PlanQuery(*create.query, s, catalog_, plan_options));
  if (create.column_names.size() > plan->schema.size()) {
    return s.ErrorAt(
        SqlError(sqlstate::kSyntaxError, "CREATE VIEW specifies more column names than columns"),
        create.name.location);
  }
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    const PlanColumn& c = plan->schema[i];
    view.columns.push_back(CatalogColumn{
        i < create.column_names.size() ? create.column_names[i] : c.name, c.type, !c.nullable});
  }
  view.sql = std::string(s.text());
  view.query = create.query_text;
  view.column_names = create.column_names;
  CatalogObject object;
  object.type = create.materialized ? ObjectType::kMaterializedView : ObjectType::kView;
  object.name = create.name.name;
  object.definition = std::move(view);
  Result<CatalogObjectPtr> stored = catalog_.Create(std::move(object));
  if (!stored.ok()) return s.ErrorAt(stored.status(), create.name.location);
  return result;
}

Result<StatementResult> DdlExecutor::Drop(const Statement& s, const DropStatement& drop) {
  StatementResult result = Tagged(std::string(s.CommandName()));
  std::vector<std::string> names;
  for (const NameRef& n : drop.names) names.push_back(n.name);
  // The catalog checks again under its lock; checking here first points at the name.
  for (const NameRef& n : drop.names) {
    CatalogObjectPtr obj = catalog_.Find(n.name);
    if (obj == nullptr && !drop.if_exists) {
      return s.ErrorAt(SqlError(sqlstate::kUndefinedTable,
                                fmt::format("{} \"{}\" does not exist",
                                            ObjectTypeName(drop.object_type), n.name)),
                       n.location);
    }
    if (obj != nullptr && obj->type != drop.object_type) {
      return s.ErrorAt(WrongObjectType(n.name, drop.object_type, obj->type), n.location);
    }
  }
  // Dependency errors have no position in PostgreSQL either.
  ASSIGN_OR_RETURN(DropOutcome outcome,
                   catalog_.Drop(drop.object_type, names, drop.cascade, drop.if_exists));
  for (const DropOutcome::Notice& n : outcome.notices) {
    result.notices.push_back({n.message, n.detail});
  }
  for (const CatalogObjectPtr& obj : outcome.dropped) {
    const TableDefinition* table = obj->table();
    if (table == nullptr || !table->topic_created || log_ == nullptr) continue;
    Status deleted = log_->DeleteTopic(table->topic);
    if (!deleted.ok() && deleted.code() != absl::StatusCode::kNotFound) {
      OXBOW_LOG_WARN("DROP TABLE {}: could not delete its topic {}: {}", obj->name, table->topic,
                     deleted);
    }
  }
  return result;
}

Result<StatementResult> DdlExecutor::ShowObjects(const ShowObjectsStatement& show) {
  StatementResult result = Tagged("SHOW");
  std::vector<CatalogObjectPtr> objects = catalog_.List(show.object_type);
  switch (show.object_type) {
    case ObjectType::kTable:
      result.column_names = {"name", "kind", "topic", "format"};
      for (const CatalogObjectPtr& obj : objects) {
        const TableDefinition& t = *obj->table();
        result.rows.push_back({obj->name, t.is_changelog() ? "changelog" : "stream", t.topic,
                               std::string(TableFormatName(t.format))});
      }
      break;
    case ObjectType::kView:
      result.column_names = {"name"};
      for (const CatalogObjectPtr& obj : objects) result.rows.push_back({obj->name});
      break;
    case ObjectType::kMaterializedView:
      result.column_names = {"name", "output_topic"};
      for (const CatalogObjectPtr& obj : objects) {
        const auto& options = obj->view()->options;
        auto topic = options.find("output_topic");
        result.rows.push_back({obj->name, topic == options.end()
                                              ? std::nullopt
                                              : std::optional<std::string>(topic->second)});
      }
      break;
  }
  return result;
}

Result<StatementResult> DdlExecutor::ShowCreate(const Statement& s,
                                                const ShowCreateStatement& show) {
  Result<CatalogObjectPtr> obj = catalog_.Resolve(show.name.name);
  if (!obj.ok()) return s.ErrorAt(obj.status(), show.name.location);
  if ((*obj)->type != show.object_type) {
    return s.ErrorAt(
        SqlError(sqlstate::kWrongObjectType, fmt::format("\"{}\" is not a {}", show.name.name,
                                                         ObjectTypeName(show.object_type))),
        show.name.location);
  }
  StatementResult result = Tagged("SHOW");
  result.column_names = {"name", "create_sql"};
  std::string sql = (*obj)->table() ? CreateTableSql(**obj) : (*obj)->view()->sql;
  result.rows.push_back({(*obj)->name, sql});
  return result;
}

Result<StatementResult> DdlExecutor::Describe(const Statement& s,
                                              const DescribeStatement& describe) {
  Result<CatalogObjectPtr> obj = catalog_.Resolve(describe.name.name);
  if (!obj.ok()) return s.ErrorAt(obj.status(), describe.name.location);
  StatementResult result = Tagged("SHOW");
  result.column_names = {"name", "type", "nullable", "primary_key"};
  const std::vector<CatalogColumn>* columns = nullptr;
  std::vector<std::string> key;
  if (const TableDefinition* t = (*obj)->table()) {
    columns = &t->columns;
    key = t->primary_key;
  } else {
    columns = &(*obj)->view()->columns;
    if (columns->empty()) {
      result.notices.push_back({fmt::format("the columns of {} \"{}\" are known once it is planned",
                                            ObjectTypeName((*obj)->type), (*obj)->name),
                                fmt::format("Its query: {}", (*obj)->view()->query)});
    }
  }
  for (const CatalogColumn& c : *columns) {
    bool is_key = std::find(key.begin(), key.end(), c.name) != key.end();
    result.rows.push_back(
        {c.name, c.type.ToString(), c.not_null ? "NO" : "YES", is_key ? "YES" : "NO"});
  }
  return result;
}

Result<StatementResult> DdlExecutor::Explain(const ExplainStatement& explain) {
  const Statement& inner = *explain.statement;
  StatementResult result = Tagged("EXPLAIN");
  result.column_names = {"QUERY PLAN"};
  if (const SelectStatement* select = inner.As<SelectStatement>()) {
    ASSIGN_OR_RETURN(PlanPtr plan, PlanQuery(*select->query, inner, catalog_));
    for (std::string& line : ExplainPlan(*plan)) result.rows.push_back({std::move(line)});
    return result;
  }
  const CreateViewStatement* create = inner.As<CreateViewStatement>();
  if (create == nullptr || !create->materialized) {
    return inner.ErrorAt(SqlError(sqlstate::kFeatureNotSupported,
                                  fmt::format("EXPLAIN {} is not supported; EXPLAIN a query or "
                                              "CREATE MATERIALIZED VIEW",
                                              inner.CommandName())),
                         inner.begin);
  }
  for (const NameRef& ref : ReferencedRelations(*create->query)) {
    if (catalog_.Find(ref.name) == nullptr) {
      return inner.ErrorAt(SqlError(sqlstate::kUndefinedTable,
                                    fmt::format("relation \"{}\" does not exist", ref.name)),
                           ref.location);
    }
  }
  PlanOptions options;
  options.materialized_view = true;
  ASSIGN_OR_RETURN(PlanPtr plan, PlanQuery(*create->query, inner, catalog_, options));
  std::string header = fmt::format("Materialize {}", create->name.name);
  for (const WithOption& o : create->options) header += fmt::format("  {}: {}", o.name, o.value);
  result.rows.push_back({header});
  bool root = true;
  for (std::string& line : ExplainPlan(*plan)) {
    result.rows.push_back({(root ? "  ->  " : "      ") + line});
    root = false;
  }
  return result;
}

std::string CreateTableSql(const CatalogObject& object) {
  const TableDefinition& t = *object.table();
  std::string sql = fmt::format("CREATE TABLE {} (", QuoteIdentifier(object.name));
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const CatalogColumn& c = t.columns[i];
    bool in_key =
        std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
    sql += fmt::format("{}{} {}{}", i ? ", " : "", QuoteIdentifier(c.name), c.type.ToString(),
                       c.not_null && !in_key ? " NOT NULL" : "");
  }
  if (t.is_changelog()) {
    std::string key;
    for (const std::string& k : t.primary_key) {
      key += fmt::format("{}{}", key.empty() ? "" : ", ", QuoteIdentifier(k));
    }
    sql += fmt::format(", PRIMARY KEY ({})", key);
  }
  sql += fmt::format(") WITH (topic = {}, format = {}", QuoteLiteral(t.topic),
                     QuoteLiteral(TableFormatName(t.format)));
  for (const auto& [name, value] : t.options) {
    sql += fmt::format(", {} = {}", name, QuoteLiteral(value));
  }
  return sql + ")";
}

}  // namespace oxbow::sql
