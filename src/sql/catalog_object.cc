#include "sql/catalog_object.h"

#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace oxbow::sql {
namespace {

using Json = nlohmann::json;

constexpr int kEncodingVersion = 1;

std::string_view KindName(ObjectType type) {
  switch (type) {
    case ObjectType::kTable:
      return "table";
    case ObjectType::kView:
      return "view";
    case ObjectType::kMaterializedView:
      return "materialized_view";
  }
  return "";
}

Json EncodeColumns(const std::vector<CatalogColumn>& columns) {
  Json out = Json::array();
  for (const CatalogColumn& c : columns) {
    out.push_back({{"name", c.name},
                   {"type", std::string(c.type.internal_name())},
                   {"typmod", c.type.typmod()},
                   {"not_null", c.not_null}});
  }
  return out;
}

Result<std::vector<CatalogColumn>> DecodeColumns(const Json& json) {
  std::vector<CatalogColumn> out;
  for (const Json& c : json) {
    CatalogColumn col;
    col.name = c.at("name").get<std::string>();
    ASSIGN_OR_RETURN(Type base, TypeFromName(c.at("type").get<std::string>()));
    col.type = Type::FromTypmod(base.id(), c.at("typmod").get<int32_t>());
    col.not_null = c.at("not_null").get<bool>();
    out.push_back(std::move(col));
  }
  return out;
}

Result<CatalogObject> Decode(const Json& j) {
  if (j.at("version").get<int>() != kEncodingVersion) {
    return absl::DataLossError(
        fmt::format("catalog record version {} is not supported", j.at("version").dump()));
  }
  CatalogObject obj;
  std::string kind = j.at("kind").get<std::string>();
  obj.name = j.at("name").get<std::string>();
  obj.oid = j.at("oid").get<uint32_t>();
  if (kind == "table") {
    obj.type = ObjectType::kTable;
    TableDefinition t;
    ASSIGN_OR_RETURN(t.columns, DecodeColumns(j.at("columns")));
    t.primary_key = j.at("primary_key").get<std::vector<std::string>>();
    t.topic = j.at("topic").get<std::string>();
    t.topic_created = j.at("topic_created").get<bool>();
    std::string format = j.at("format").get<std::string>();
    if (format == "json") {
      t.format = TableFormat::kJson;
    } else if (format == "avro") {
      t.format = TableFormat::kAvro;
    } else if (format == "debezium_json") {
      t.format = TableFormat::kDebeziumJson;
    } else {
      return absl::DataLossError(fmt::format("unknown table format \"{}\"", format));
    }
    t.options = j.at("options").get<std::map<std::string, std::string>>();
    obj.definition = std::move(t);
    return obj;
  }
  if (kind == "view" || kind == "materialized_view") {
    obj.type = kind == "view" ? ObjectType::kView : ObjectType::kMaterializedView;
    ViewDefinition v;
    v.sql = j.at("sql").get<std::string>();
    v.query = j.at("query").get<std::string>();
    v.column_names = j.at("column_names").get<std::vector<std::string>>();
    ASSIGN_OR_RETURN(v.columns, DecodeColumns(j.at("columns")));
    v.dependencies = j.at("dependencies").get<std::vector<std::string>>();
    v.options = j.at("options").get<std::map<std::string, std::string>>();
    obj.definition = std::move(v);
    return obj;
  }
  return absl::DataLossError(fmt::format("unknown catalog object kind \"{}\"", kind));
}

}  // namespace

std::string_view TableFormatName(TableFormat format) {
  switch (format) {
    case TableFormat::kJson:
      return "json";
    case TableFormat::kAvro:
      return "avro";
    case TableFormat::kDebeziumJson:
      return "debezium_json";
  }
  return "";
}

std::string EncodeCatalogObject(const CatalogObject& object) {
  Json j = {{"version", kEncodingVersion},
            {"kind", std::string(KindName(object.type))},
            {"name", object.name},
            {"oid", object.oid}};
  if (const TableDefinition* t = object.table()) {
    j["columns"] = EncodeColumns(t->columns);
    j["primary_key"] = t->primary_key;
    j["topic"] = t->topic;
    j["topic_created"] = t->topic_created;
    j["format"] = std::string(TableFormatName(t->format));
    j["options"] = t->options;
  } else if (const ViewDefinition* v = object.view()) {
    j["sql"] = v->sql;
    j["query"] = v->query;
    j["column_names"] = v->column_names;
    j["columns"] = EncodeColumns(v->columns);
    j["dependencies"] = v->dependencies;
    j["options"] = v->options;
  }
  return j.dump();
}

Result<CatalogObject> DecodeCatalogObject(std::string_view json) {
  Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("catalog record is not a JSON object");
  }
  try {
    Result<CatalogObject> obj = Decode(j);
    if (!obj.ok() && obj.status().code() != absl::StatusCode::kDataLoss) {
      return absl::DataLossError(fmt::format("catalog record: {}", obj.status().message()));
    }
    return obj;
  } catch (const Json::exception& e) {
    // nlohmann reports missing keys and wrong types by exception; it stops here.
    return absl::DataLossError(fmt::format("catalog record is malformed: {}", e.what()));
  }
}

}  // namespace oxbow::sql
