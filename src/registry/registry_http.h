// HTTP plumbing of the registry API (registry_api.h): content types, request bodies, query
// flags and JSON answers in Confluent's shapes. Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "net/http_message.h"
#include "nlohmann/json.hpp"
#include "registry/registry_error.h"
#include "registry/schema_registry.h"

namespace oxbow::registry {

inline constexpr std::string_view kSchemaRegistryV1Json = "application/vnd.schemaregistry.v1+json";
inline constexpr std::string_view kSchemaRegistryJson = "application/vnd.schemaregistry+json";

// The content type to answer `req` with: v1 unless its Accept header names only one of the
// other two JSON types.
std::string_view ResponseContentType(const net::Request& req);
// A JSON answer (200 unless said otherwise).
net::Response JsonAnswer(const net::Request& req, const nlohmann::ordered_json& body,
                         int status = 200);
// A plain text answer: the raw schema endpoints.
net::Response TextAnswer(const net::Request& req, std::string body);
// {"error_code", "message"} with the error's HTTP status.
net::Response ErrorAnswer(const net::Request& req, const RegistryError& error);

// The request's JSON body: 415 for a Content-Type the registry does not take, 400 for text
// that is not JSON, 422 when it is not an object.
RegistryResult<nlohmann::json> ParseJsonBody(const net::Request& req);
// The schema fields of a body ("schema", "schemaType", "references"), 422 for a field of the
// wrong JSON type, 42201 for an unsupported schemaType.
RegistryResult<SchemaRequest> ParseSchemaRequest(const nlohmann::json& body);
// ... and "id", "version" of a registration.
RegistryResult<RegisterRequest> ParseRegisterRequest(const nlohmann::json& body);

// A boolean query parameter as Confluent's server reads one: "true" in any case is true,
// anything else (or its absence) false.
bool QueryFlag(const net::Request& req, std::string_view name);

// Confluent's JSON for a version ({"subject","version","id","schemaType"?,"references"?,
// "schema"}; schemaType only when not AVRO, references only when there are some).
nlohmann::ordered_json VersionJson(const SchemaVersionInfo& info);
nlohmann::ordered_json ReferencesJson(const std::vector<SchemaReference>& references);

}  // namespace oxbow::registry
