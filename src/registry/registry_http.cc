#include "registry/registry_http.h"

#include <algorithm>
#include <array>

#include "fmt/format.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Dump(const OrderedJson& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RegistryError WrongShape(std::string message) {
  return RegistryError::Http(422, std::move(message));
}

}  // namespace

std::string_view ResponseContentType(const net::Request& req) {
  std::string accept = Lower(req.Header("Accept"));
  if (accept.empty() || accept.find(kSchemaRegistryV1Json) != std::string::npos ||
      accept.find("*/*") != std::string::npos ||
      accept.find("application/*") != std::string::npos) {
    return kSchemaRegistryV1Json;
  }
  if (accept.find(kSchemaRegistryJson) != std::string::npos) return kSchemaRegistryJson;
  if (accept.find("application/json") != std::string::npos) return "application/json";
  return kSchemaRegistryV1Json;
}

net::Response JsonAnswer(const net::Request& req, const OrderedJson& body, int status) {
  return net::Response{status, std::string(ResponseContentType(req)), Dump(body), {}};
}

net::Response TextAnswer(const net::Request& req, std::string body) {
  return net::Response{200, std::string(ResponseContentType(req)), std::move(body), {}};
}

net::Response ErrorAnswer(const net::Request& req, const RegistryError& error) {
  return JsonAnswer(req, OrderedJson{{"error_code", error.error_code}, {"message", error.message}},
                    error.http_status);
}

RegistryResult<Json> ParseJsonBody(const net::Request& req) {
  // Confluent's server takes its two JSON types, plain JSON, and octet-stream (Jersey's
  // default when a client sends no Content-Type).
  static constexpr std::array<std::string_view, 4> kAccepted = {
      kSchemaRegistryV1Json, kSchemaRegistryJson, "application/json", "application/octet-stream"};
  std::string media_type = req.MediaType();
  if (!media_type.empty() &&
      std::find(kAccepted.begin(), kAccepted.end(), media_type) == kAccepted.end()) {
    return RegistryError::Http(
        415, fmt::format("HTTP 415 Unsupported Media Type: {} (send {}, {} or application/json)",
                         media_type, kSchemaRegistryV1Json, kSchemaRegistryJson));
  }
  Result<Json> body = ParseJsonText(req.body);
  if (!body.ok()) return RegistryError::Http(400, std::string(ToStd(body.status().message())));
  if (!body->is_object()) return WrongShape("the request body must be a JSON object");
  return std::move(*body);
}

RegistryResult<SchemaRequest> ParseSchemaRequest(const Json& body) {
  SchemaRequest out;
  auto schema = body.find("schema");
  if (schema != body.end() && !schema->is_null()) {
    if (!schema->is_string())
      return WrongShape("\"schema\" must be a string (the schema's JSON text)");
    out.schema = schema->get<std::string>();
  }
  auto type = body.find("schemaType");
  if (type != body.end() && !type->is_null()) {
    if (!type->is_string()) return WrongShape("\"schemaType\" must be a string");
    std::optional<SchemaType> t = SchemaTypeFromName(type->get<std::string>());
    if (!t) {
      return RegistryError::InvalidSchema(
          fmt::format("unsupported schemaType {} (this registry supports AVRO and JSON)",
                      JsonForMessage(*type)));
    }
    out.type = *t;
  }
  auto refs = body.find("references");
  if (refs != body.end() && !refs->is_null()) {
    if (!refs->is_array()) return WrongShape("\"references\" must be an array");
    for (const Json& r : *refs) {
      auto name = r.is_object() ? r.find("name") : r.end();
      auto subject = r.is_object() ? r.find("subject") : r.end();
      auto version = r.is_object() ? r.find("version") : r.end();
      if (!r.is_object() || name == r.end() || !name->is_string() || subject == r.end() ||
          !subject->is_string() || version == r.end() || !version->is_number_integer() ||
          version->get<int64_t>() < 1 || version->get<int64_t>() > INT32_MAX) {
        return WrongShape(
            "each reference must be {\"name\": string, \"subject\": string, \"version\": int}");
      }
      out.references.push_back({name->get<std::string>(), subject->get<std::string>(),
                                static_cast<int32_t>(version->get<int64_t>())});
    }
  }
  return out;
}

RegistryResult<RegisterRequest> ParseRegisterRequest(const Json& body) {
  RegistryResult<SchemaRequest> schema = ParseSchemaRequest(body);
  if (!schema.ok()) return schema.error();
  RegisterRequest out;
  static_cast<SchemaRequest&>(out) = std::move(*schema);
  for (const char* field : {"id", "version"}) {
    auto it = body.find(field);
    // Confluent's clients send -1 and 0 for "none".
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() > INT32_MAX) {
      return WrongShape(fmt::format("\"{}\" must be an integer", field));
    }
    int64_t v = it->get<int64_t>();
    if (v <= 0) continue;
    (std::string_view(field) == "id" ? out.id : out.version) = static_cast<int32_t>(v);
  }
  return out;
}

bool QueryFlag(const net::Request& req, std::string_view name) {
  const std::string* v = req.Query(name);
  return v != nullptr && Lower(*v) == "true";
}

OrderedJson ReferencesJson(const std::vector<SchemaReference>& references) {
  OrderedJson out = OrderedJson::array();
  for (const SchemaReference& r : references) {
    out.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
  }
  return out;
}

OrderedJson VersionJson(const SchemaVersionInfo& info) {
  OrderedJson j{{"subject", info.subject}, {"version", info.version}, {"id", info.id}};
  if (info.type != SchemaType::kAvro) j["schemaType"] = SchemaTypeName(info.type);
  if (!info.references.empty()) j["references"] = ReferencesJson(info.references);
  j["schema"] = info.schema;
  return j;
}

}  // namespace oxbow::registry
