// The registry's HTTP API: Confluent Schema Registry's REST endpoints over a SchemaRegistry.
//
//   GET    /                                            {}
//   GET    /schemas/types                               ["JSON","AVRO"]
//   GET    /schemas/ids/{id}[?subject=]                 {"schema", "schemaType"?, "references"?}
//   GET    /schemas/ids/{id}/schema                     the schema text
//   GET    /schemas/ids/{id}/subjects[?deleted=true]    ["s", ...]
//   GET    /schemas/ids/{id}/versions[?deleted=true]    [{"subject","version"}, ...]
//   GET    /subjects[?deleted=true&subjectPrefix=p]     ["s", ...]
//   POST   /subjects/{s}[?deleted=true]                 lookup: {"subject","version","id",...}
//   DELETE /subjects/{s}[?permanent=true]               [versions deleted]
//   GET    /subjects/{s}/versions[?deleted=true]        [1, 2, ...]
//   POST   /subjects/{s}/versions                       register: {"id": N}
//   GET    /subjects/{s}/versions/{v}[?deleted=true]    {"subject","version","id","schema",...}
//   GET    /subjects/{s}/versions/{v}/schema            the schema text
//   GET    /subjects/{s}/versions/{v}/referencedby      [ids]
//   DELETE /subjects/{s}/versions/{v}[?permanent=true]  the version deleted
//   POST   /compatibility/subjects/{s}/versions[/{v}][?verbose=true]
//                                                       {"is_compatible": b[, "messages": [...]]}
//   GET|PUT|DELETE /config[/{s}]   reads {"compatibilityLevel"}, writes take and answer
//                                  {"compatibility"}; GET /config/{s}: 40408 unless
//                                  ?defaultToGlobal=true
//   GET|PUT /mode[/{s}], DELETE /mode/{s]   {"mode"}; PUT takes ?force=true
//
// Request bodies must be application/vnd.schemaregistry.v1+json,
// application/vnd.schemaregistry+json or application/json (also application/octet-stream
// or no Content-Type, which Confluent's server accepts too); others are 415. Answers are
// application/vnd.schemaregistry.v1+json, or the other JSON type the Accept header asks for.
// Errors are {"error_code", "message"} (registry_error.h); a body that is not JSON is 400,
// one of the wrong shape 422.
//
// Threads: changes and everything that parses a schema run on the server's BlockingPool
// (SchemaRegistry's writes wait for an fsync); the other reads answer from memory on the
// connection's strand.
#pragma once

#include "net/http_message.h"
#include "net/router.h"
#include "registry/schema_registry.h"

namespace oxbow::registry {

class RegistryApi {
 public:
  // `registry` must outlive the API and its routes.
  explicit RegistryApi(SchemaRegistry& registry) : registry_(registry) {}

  void AddRoutes(net::Router& router);

  // One request, answered synchronously (the routes call it where the file comment says).
  // Public for tests.
  using Endpoint = net::Response (RegistryApi::*)(const net::Request&);
  net::Response Root(const net::Request& req);
  net::Response SchemaTypes(const net::Request& req);
  net::Response GetSchemaById(const net::Request& req);
  net::Response GetSchemaTextById(const net::Request& req);
  net::Response SubjectsById(const net::Request& req);
  net::Response VersionsById(const net::Request& req);
  net::Response ListSubjects(const net::Request& req);
  net::Response LookupSchema(const net::Request& req);
  net::Response DeleteSubject(const net::Request& req);
  net::Response ListVersions(const net::Request& req);
  net::Response Register(const net::Request& req);
  net::Response GetVersion(const net::Request& req);
  net::Response GetVersionSchemaText(const net::Request& req);
  net::Response ReferencedBy(const net::Request& req);
  net::Response DeleteVersion(const net::Request& req);
  net::Response CheckCompatibility(const net::Request& req);
  net::Response GetConfig(const net::Request& req);
  net::Response PutConfig(const net::Request& req);
  net::Response DeleteConfig(const net::Request& req);
  net::Response GetMode(const net::Request& req);
  net::Response PutMode(const net::Request& req);
  net::Response DeleteMode(const net::Request& req);

 private:
  SchemaRegistry& registry_;
};

}  // namespace oxbow::registry
