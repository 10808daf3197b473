#include "stream/row_avro_encoder.h"

#include <set>

#include "fmt/format.h"
#include "format/avro_encoder.h"
#include "format/confluent_framing.h"
#include "nlohmann/json.hpp"
#include "sql/sql_error.h"
#include "stream/sql_avro_value.h"

namespace oxbow::stream {

namespace {

using nlohmann::json;
namespace sqlstate = sql::sqlstate;

// `name` as an Avro name: [A-Za-z_][A-Za-z0-9_]*.
std::string AvroName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

json AvroTypeFor(const sql::Type& type) {
  switch (type.id()) {
    case sql::TypeId::kBool:
      return "boolean";
    case sql::TypeId::kInt16:
    case sql::TypeId::kInt32:
      return "int";
    case sql::TypeId::kInt64:
      return "long";
    case sql::TypeId::kFloat32:
      return "float";
    case sql::TypeId::kFloat64:
      return "double";
    case sql::TypeId::kNumeric:
      if (!type.has_typmod()) return "string";
      return json{{"type", "bytes"},
                  {"logicalType", "decimal"},
                  {"precision", type.precision()},
                  {"scale", type.scale()}};
    case sql::TypeId::kBytea:
      return "bytes";
    case sql::TypeId::kDate:
      return json{{"type", "int"}, {"logicalType", "date"}};
    case sql::TypeId::kTimestamp:
      return json{{"type", "long"}, {"logicalType", "local-timestamp-micros"}};
    case sql::TypeId::kTimestampTz:
      return json{{"type", "long"}, {"logicalType", "timestamp-micros"}};
    default:  // text, varchar, unknown, interval, jsonb
      return "string";
  }
}

}  // namespace

Result<std::string> AvroRecordSchemaFor(std::string_view record_name,
                                        std::span<const SourceColumn> columns) {
  json fields = json::array();
  std::set<std::string> seen;
  for (const SourceColumn& c : columns) {
    std::string name = AvroName(c.name);
    if (!seen.insert(name).second) {
      return sql::WithHint(
          sql::SqlError(sqlstate::kInvalidObjectDefinition,
                        fmt::format("column \"{}\" and another column are both Avro field \"{}\"",
                                    c.name, name)),
          "Avro field names allow only letters, digits and _; rename a column with AS.");
    }
    fields.push_back(json{{"name", name},
                          {"type", json::array({"null", AvroTypeFor(c.type)})},
                          {"default", nullptr}});
  }
  json schema{{"type", "record"},
              {"name", AvroName(record_name)},
              {"namespace", "oxbow"},
              {"fields", std::move(fields)}};
  return schema.dump();
}

Result<std::shared_ptr<const RowAvroEncoder>> RowAvroEncoder::Create(
    std::shared_ptr<const registry::AvroSchema> schema, int32_t schema_id,
    std::vector<SourceColumn> columns, std::vector<int> written) {
  const registry::AvroNode& root = schema->root();
  if (written.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) written.push_back(static_cast<int>(i));
  }
  std::shared_ptr<RowAvroEncoder> e(new RowAvroEncoder());
  if (root.type != registry::AvroType::kRecord) {
    if (written.size() != 1) {
      return sql::SqlError(
          sqlstate::kDatatypeMismatch,
          fmt::format("Avro schema id {} is a {}, not a record of {} columns", schema_id,
                      registry::AvroTypeName(root.type), written.size()));
    }
    e->single_ = true;
  }
  std::vector<bool> mapped(written.size(), false);
  for (const registry::AvroField& field :
       e->single_ ? std::vector<registry::AvroField>() : root.fields) {
    int source = -1;
    for (size_t w = 0; w < written.size(); ++w) {
      if (!mapped[w] && AvroName(columns[written[w]].name) == field.name) {
        source = static_cast<int>(w);
        mapped[w] = true;
        break;
      }
    }
    if (source < 0) {
      // A field without a column is written as null: check now that it can be.
      Result<format::AvroValue> null =
          SqlToAvroValue(sql::Value::Null(sql::Type::Text()), *field.type, field.name);
      if (!null.ok()) {
        return sql::SqlError(
            sqlstate::kUndefinedColumn,
            fmt::format("Avro field \"{}\" of schema id {} has no column and is not nullable",
                        field.name, schema_id));
      }
    }
    e->field_source_.push_back(source);
  }
  for (size_t w = 0; w < written.size() && !e->single_; ++w) {
    if (!mapped[w]) e->unmapped_.push_back(static_cast<int>(w));
  }
  e->schema_ = std::move(schema);
  e->schema_id_ = schema_id;
  e->columns_ = std::move(columns);
  e->written_ = std::move(written);
  return std::shared_ptr<const RowAvroEncoder>(std::move(e));
}

// The converted values have the schema's shape, so the encoder's own check failing is a bug.
Status RowAvroEncoder::EncodeChecked(const format::AvroValue& value, ByteBuffer* out) const {
  Status encoded = format::EncodeAvro(value, *schema_, out);
  if (encoded.ok()) return encoded;
  return sql::SqlError(sqlstate::kInternalError,
                       fmt::format("Avro schema id {}: {}", schema_id_, encoded.message()));
}

Status RowAvroEncoder::EncodeValues(std::span<const sql::Value> values, std::string* out) const {
  for (int w : unmapped_) {
    if (!values[w].is_null()) {
      return sql::SqlError(sqlstate::kUndefinedColumn,
                           fmt::format("column \"{}\" is not a field of Avro schema id {}",
                                       columns_[written_[w]].name, schema_id_));
    }
  }
  const registry::AvroNode& root = schema_->root();
  ByteBuffer buffer;
  format::AppendConfluentHeader(schema_id_, &buffer);
  if (single_) {
    ASSIGN_OR_RETURN(format::AvroValue value,
                     SqlToAvroValue(values[0], root, columns_[written_[0]].name));
    RETURN_IF_ERROR(EncodeChecked(value, &buffer));
    out->append(reinterpret_cast<const char*>(buffer.data()), buffer.size());
    return Status();
  }
  std::vector<format::AvroValue> fields;
  fields.reserve(root.fields.size());
  for (size_t f = 0; f < root.fields.size(); ++f) {
    const int source = field_source_[f];
    const sql::Value null = sql::Value::Null(sql::Type::Text());
    const sql::Value& v = source < 0 ? null : values[source];
    std::string_view name = source < 0 ? std::string_view(root.fields[f].name)
                                       : std::string_view(columns_[written_[source]].name);
    ASSIGN_OR_RETURN(fields.emplace_back(), SqlToAvroValue(v, *root.fields[f].type, name));
  }
  RETURN_IF_ERROR(EncodeChecked(format::AvroValue::Record(std::move(fields)), &buffer));
  out->append(reinterpret_cast<const char*>(buffer.data()), buffer.size());
  return Status();
}

Status RowAvroEncoder::Encode(std::span<const sql::Value> row, std::string* out) const {
  std::vector<sql::Value> values;
  values.reserve(written_.size());
  for (int c : written_) values.push_back(row[c]);
  return EncodeValues(values, out);
}

Status RowAvroEncoder::Encode(const sql::Chunk& chunk, size_t row, std::string* out) const {
  std::vector<sql::Value> values;
  values.reserve(written_.size());
  for (int c : written_) values.push_back(chunk.column(c).GetValue(row));
  return EncodeValues(values, out);
}

}  // namespace oxbow::stream
