#include "http/produce_request.h"

#include <exception>

#include "absl/strings/escaping.h"
#include "fmt/format.h"

namespace oxbow::http {
namespace {

using Json = nlohmann::ordered_json;

// Deeper JSON is refused before parsing: printing a value recurses once per level, and a
// body of 16 MiB of '[' must not exhaust the stack.
constexpr int kMaxDepth = 256;

RestError Invalid(std::string message) { return RestError{kInvalidBody, std::move(message)}; }

// The deepest nesting of arrays and objects in `text`, which need not be valid JSON.
int NestingDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

std::variant<Json, RestError> ParseJson(std::string_view body) {
  if (NestingDepth(body) > kMaxDepth) {
    return Invalid(fmt::format("the JSON body nests deeper than {} levels", kMaxDepth));
  }
  try {
    return Json::parse(body.begin(), body.end());
  } catch (const Json::parse_error& e) {
    std::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "parse".
    size_t start = what.find("] ");
    if (start != std::string_view::npos) what.remove_prefix(start + 2);
    return Invalid(fmt::format("the body is not valid JSON: {}", what));
  }
}

// Compact JSON text of a value (members in the order they were sent).
std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::variant<std::optional<int32_t>, RestError> PartitionOf(const Json& record, size_t index) {
  auto it = record.find("partition");
  if (it == record.end() || it->is_null()) return std::optional<int32_t>();
  if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
      it->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
    return Invalid(
        fmt::format("records[{}].partition must be a partition number (0 or more), "
                    "not {}",
                    index, JsonText(*it)));
  }
  return std::optional<int32_t>(it->get<int32_t>());
}

// A record's key or value in the schemaless wrapped formats: JSON text, or base64 bytes.
std::variant<std::optional<std::string>, RestError> Field(const Json& record, const char* name,
                                                          EmbeddedFormat format, size_t index) {
  auto it = record.find(name);
  if (it == record.end() || it->is_null()) return std::optional<std::string>();
  if (format == EmbeddedFormat::kJson) return std::optional<std::string>(JsonText(*it));
  std::string bytes;
  if (!it->is_string() || !absl::Base64Unescape(it->get_ref<const std::string&>(), &bytes)) {
    return Invalid(fmt::format("records[{}].{} must be a base64 string (binary embedded format)",
                               index, name));
  }
  return std::optional<std::string>(std::move(bytes));
}

// An optional "key_schema_id"/"value_schema_id" of the Avro format.
std::optional<int32_t> SchemaId(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int32_t>();
}

// One record's key or value through the schema encoder; records the schema id used.
std::variant<std::optional<std::string>, RestError> Encoded(std::string_view topic,
                                                            const Json& body, const Json& record,
                                                            bool is_key, SchemaEncoder& avro,
                                                            std::optional<int32_t>& id_out) {
  auto it = record.find(is_key ? "key" : "value");
  if (it == record.end() || it->is_null()) return std::optional<std::string>();
  auto schema = body.find(is_key ? "key_schema" : "value_schema");
  std::string_view schema_text = schema != body.end() && schema->is_string()
                                     ? std::string_view(schema->get_ref<const std::string&>())
                                     : std::string_view();
  auto r = avro.Encode(topic, is_key, schema_text,
                       SchemaId(body, is_key ? "key_schema_id" : "value_schema_id"), *it);
  if (auto* e = std::get_if<RestError>(&r)) return std::move(*e);
  auto& encoded = std::get<SchemaEncoder::Encoded>(r);
  id_out = encoded.schema_id;
  return std::optional<std::string>(std::move(encoded.bytes));
}

std::variant<ProduceRequest, RestError> ParseWrapped(std::string_view topic, EmbeddedFormat format,
                                                     const Json& body, SchemaEncoder* avro) {
  auto records = body.is_object() ? body.find("records") : body.end();
  if (!body.is_object() || records == body.end() || !records->is_array()) {
    return Invalid(
        "the body must be a JSON object with a \"records\" array: "
        "{\"records\":[{\"key\":...,\"value\":...}]}");
  }
  if (records->empty()) return Invalid("\"records\" is empty: nothing to produce");
  ProduceRequest out;
  out.format = format;
  out.records.reserve(records->size());
  for (size_t i = 0; i < records->size(); ++i) {
    const Json& r = (*records)[i];
    if (!r.is_object()) {
      return Invalid(
          fmt::format("records[{}] must be an object with \"value\" (and optionally "
                      "\"key\" and \"partition\"), not {}",
                      i, JsonText(r)));
    }
    ProduceRecord& rec = out.records.emplace_back();
    auto partition = PartitionOf(r, i);
    if (auto* e = std::get_if<RestError>(&partition)) return std::move(*e);
    rec.partition = std::get<0>(partition);
    for (bool is_key : {true, false}) {
      auto field = format == EmbeddedFormat::kAvro
                       ? Encoded(topic, body, r, is_key, *avro,
                                 is_key ? out.key_schema_id : out.value_schema_id)
                       : Field(r, is_key ? "key" : "value", format, i);
      if (auto* e = std::get_if<RestError>(&field)) {
        if (e->error_code != kRecordSchemaMismatch) return std::move(*e);
        // This record does not match its schema; the others may still be written.
        rec.error = RestError{e->error_code, fmt::format("records[{}].{}: {}", i,
                                                         is_key ? "key" : "value", e->message)};
        break;
      }
      (is_key ? rec.key : rec.value) = std::move(std::get<0>(field));
    }
  }
  return out;
}

}  // namespace

std::variant<EmbeddedFormat, RestError> FormatForMediaType(std::string_view media_type) {
  if (media_type == "application/vnd.kafka.json.v2+json") return EmbeddedFormat::kJson;
  if (media_type == "application/vnd.kafka.binary.v2+json") return EmbeddedFormat::kBinary;
  if (media_type == "application/vnd.kafka.avro.v2+json") return EmbeddedFormat::kAvro;
  if (media_type == "application/json") return EmbeddedFormat::kPlainJson;
  return RestError{
      kUnsupportedMediaType,
      fmt::format("unsupported Content-Type '{}': produce with application/vnd.kafka.json.v2+json "
                  "({{\"records\":[{{\"key\":...,\"value\":...}}]}}), "
                  "application/vnd.kafka.binary.v2+json (base64 keys and values) or "
                  "application/json (a JSON value, or an array of them, as record values)",
                  media_type.empty() ? "(none)" : media_type)};
}

std::variant<ProduceRequest, RestError> ParseProduceRequest(std::string_view topic,
                                                            EmbeddedFormat format,
                                                            std::string_view body,
                                                            SchemaEncoder* avro) {
  if (format == EmbeddedFormat::kAvro && avro == nullptr) {
    return RestError{kUnsupportedMediaType,
                     "application/vnd.kafka.avro.v2+json needs the schema registry, which is "
                     "off in this server (--schema-registry-listener is empty); produce JSON "
                     "(application/vnd.kafka.json.v2+json or application/json) instead"};
  }
  auto parsed = ParseJson(body);
  if (auto* e = std::get_if<RestError>(&parsed)) return std::move(*e);
  const Json& json = std::get<Json>(parsed);
  if (format != EmbeddedFormat::kPlainJson) return ParseWrapped(topic, format, json, avro);
  ProduceRequest out;
  out.format = format;
  if (!json.is_array()) {
    out.records.push_back({std::nullopt, JsonText(json), std::nullopt});
    return out;
  }
  if (json.empty()) return Invalid("the body is an empty array: nothing to produce");
  out.records.reserve(json.size());
  for (const Json& value : json) {
    out.records.push_back({std::nullopt, JsonText(value), std::nullopt});
  }
  return out;
}

}  // namespace oxbow::http
