#include "engine/output_topic.h"

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::engine {

namespace {

namespace sqlstate = sql::sqlstate;

// Registers the schema of `columns` under the subject of `topic`'s keys or values and returns
// the encoder writing the columns `written` of the view's rows with it.
Result<std::shared_ptr<const stream::RowAvroEncoder>> RegisterEncoder(
    const std::string& view_name, const std::string& topic, bool is_key,
    const std::vector<stream::SourceColumn>& columns, const std::vector<int>& written,
    stream::SchemaLookup& schemas) {
  std::vector<stream::SourceColumn> fields;
  for (int c : written) fields.push_back(columns[c]);
  ASSIGN_OR_RETURN(std::string schema_text,
                   stream::AvroRecordSchemaFor(is_key ? view_name + "_key" : view_name, fields));
  const std::string subject = fmt::format("{}-{}", topic, is_key ? "key" : "value");
  Result<int32_t> id = schemas.RegisterAvroSchema(subject, schema_text);
  if (!id.ok()) {
    return sql::WithHint(
        sql::SqlError(
            sqlstate::kObjectNotInPrerequisiteState,
            fmt::format("cannot register the Avro {} schema of materialized view "
                        "\"{}\" under subject \"{}\": {}",
                        is_key ? "key" : "value", view_name, subject, id.status().message())),
        fmt::format("Subject \"{}\" takes new schemas its compatibility level allows (the "
                    "registry's /config/{}); choose another output_topic, or change or delete "
                    "the subject.",
                    subject, subject));
  }
  Result<std::shared_ptr<const registry::AvroSchema>> schema = schemas.AvroSchemaById(*id);
  if (!schema.ok()) {
    return sql::SqlError(
        sqlstate::kObjectNotInPrerequisiteState,
        fmt::format("schema id {} of subject \"{}\": {}", *id, subject, schema.status().message()));
  }
  return stream::RowAvroEncoder::Create(std::move(*schema), *id, columns, written);
}

}  // namespace

Result<std::optional<stream::OutputTopicSinkOptions>> OutputTopicOptions(
    const std::string& view_name, const std::map<std::string, std::string>& options,
    const sql::PlanNode& plan, const std::vector<std::string>& column_names,
    stream::SchemaLookup* schemas) {
  auto topic = options.find("output_topic");
  if (topic == options.end()) return std::optional<stream::OutputTopicSinkOptions>();
  auto f = options.find("format");
  const std::string format = f == options.end() ? "json" : f->second;
  stream::OutputTopicSinkOptions so;
  so.topic = topic->second;
  so.key_columns = plan.key;
  for (size_t i = 0; i < plan.schema.size(); ++i) {
    so.columns.push_back(stream::SourceColumn{
        i < column_names.size() ? column_names[i] : plan.schema[i].name, plan.schema[i].type});
  }
  if (format == "debezium_json") {
    so.format = stream::OutputFormat::kDebezium;
    return std::optional(std::move(so));
  }
  so.format = stream::OutputFormat::kUpsert;
  if (plan.key.empty()) {
    return sql::WithHint(
        sql::SqlError(sqlstate::kInvalidParameterValue,
                      fmt::format("a view without a key cannot be written to output_topic as "
                                  "upserts (format {})",
                                  format)),
        "Use format = 'debezium_json' (change events), or give the view a key (GROUP BY, "
        "DISTINCT, or a table's primary key).");
  }
  if (format == "avro") {
    if (schemas == nullptr) {
      return sql::WithHint(sql::SqlError(sqlstate::kObjectNotInPrerequisiteState,
                                         "format 'avro' for output_topic needs the schema "
                                         "registry, which is off"),
                           "Start the server with the schema registry enabled.");
    }
    std::vector<int> all;
    for (size_t i = 0; i < so.columns.size(); ++i) all.push_back(static_cast<int>(i));
    ASSIGN_OR_RETURN(so.avro_key, RegisterEncoder(view_name, so.topic, /*is_key=*/true, so.columns,
                                                  plan.key, *schemas));
    ASSIGN_OR_RETURN(so.avro_value, RegisterEncoder(view_name, so.topic, /*is_key=*/false,
                                                    so.columns, all, *schemas));
  }
  return std::optional(std::move(so));
}

}  // namespace oxbow::engine
