#include "engine/insert_encoder.h"

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::engine {

namespace {

namespace sqlstate = sql::sqlstate;

// The latest schema of `subject` made an encoder of the columns `written`; nullptr when the
// subject has none and `optional`.
Result<std::shared_ptr<const stream::RowAvroEncoder>> LatestEncoder(
    const std::string& subject, const std::vector<stream::SourceColumn>& columns,
    const std::vector<int>& written, bool optional, stream::SchemaLookup& schemas) {
  Result<stream::SchemaLookup::Versioned> latest = schemas.LatestAvroSchema(subject);
  if (!latest.ok()) {
    if (latest.status().code() == absl::StatusCode::kNotFound && optional) return nullptr;
    Status error = sql::SqlError(sqlstate::kObjectNotInPrerequisiteState,
                                 fmt::format("cannot write Avro for subject \"{}\": {}", subject,
                                             latest.status().message()));
    if (latest.status().code() != absl::StatusCode::kNotFound) return error;
    return sql::WithHint(error,
                         "INSERT writes with the latest schema of the subject; register the "
                         "table's value schema first (as its producers do).");
  }
  return stream::RowAvroEncoder::Create(std::move(latest->schema), latest->id, columns, written);
}

}  // namespace

Result<InsertEncoder> InsertEncoder::For(const sql::TableDefinition& table,
                                         std::vector<int> key_columns,
                                         stream::SchemaLookup* schemas) {
  std::vector<stream::SourceColumn> columns;
  for (const sql::CatalogColumn& c : table.columns) {
    columns.push_back(stream::SourceColumn{c.name, c.type});
  }
  InsertEncoder e(table.format, columns, key_columns);
  if (table.format != sql::TableFormat::kAvro) return e;
  if (schemas == nullptr) {
    return sql::SqlError(sqlstate::kObjectNotInPrerequisiteState,
                         "INSERT into an avro table needs the schema registry, which is off");
  }
  ASSIGN_OR_RETURN(e.avro_value_, LatestEncoder(table.topic + "-value", columns, {},
                                                /*optional=*/false, *schemas));
  if (!key_columns.empty()) {
    ASSIGN_OR_RETURN(e.avro_key_, LatestEncoder(table.topic + "-key", columns, key_columns,
                                                /*optional=*/true, *schemas));
  }
  return e;
}

Status InsertEncoder::Encode(std::span<const sql::Value> row, std::optional<std::string>* key,
                             std::string* value) const {
  key->reset();
  value->clear();
  if (!key_columns_.empty()) {
    key->emplace();
    if (avro_key_ != nullptr) {
      RETURN_IF_ERROR(avro_key_->Encode(row, &**key));
    } else {
      json_.EncodeKey(row, key_columns_, &**key);
    }
  }
  switch (format_) {
    case sql::TableFormat::kAvro:
      return avro_value_->Encode(row, value);
    case sql::TableFormat::kDebeziumJson:
      value->append(R"({"before":null,"after":)");
      json_.EncodeRow(row, value);
      value->append(R"(,"op":"c"})");
      return Status();
    case sql::TableFormat::kJson:
      json_.EncodeRow(row, value);
      return Status();
  }
  return Status();
}

}  // namespace oxbow::engine
