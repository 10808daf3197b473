#include "registry/registry_api.h"

#include <charconv>

#include "fmt/format.h"
#include "net/blocking_pool.h"
#include "registry/registry_http.h"

namespace oxbow::registry {
namespace {

namespace asio = boost::asio;
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

std::string Subject(const net::Request& req) { return std::string(req.PathParam("subject")); }

// A path's schema id: a decimal number (anything else names no schema: 40403).
RegistryResult<int64_t> SchemaId(const net::Request& req) {
  std::string_view text = req.PathParam("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return RegistryError{404, kSchemaNotFound, fmt::format("Schema {} not found", text)};
  }
  return id;
}

OrderedJson SchemaJson(const SchemaByIdInfo& s) {
  OrderedJson j{{"schema", s.schema}};
  if (s.type != SchemaType::kAvro) j["schemaType"] = SchemaTypeName(s.type);
  if (!s.references.empty()) j["references"] = ReferencesJson(s.references);
  return j;
}

OrderedJson Array(const auto& values) {
  OrderedJson out = OrderedJson::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

// The level a PUT /config body asks for: "compatibility" (Confluent's request field) or
// "compatibilityLevel" (what GET answers, which clients echo back), in any case.
RegistryResult<CompatibilityLevel> RequestedLevel(const Json& body) {
  for (const char* field : {"compatibility", "compatibilityLevel"}) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) continue;
    std::string name = it->get<std::string>();
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    Result<CompatibilityLevel> level = ParseCompatibilityLevel(name);
    if (level.ok()) return *level;
    break;
  }
  return RegistryError::InvalidCompatibilityLevel();
}

}  // namespace

void RegistryApi::AddRoutes(net::Router& router) {
  // In-memory reads answer on the connection's strand.
  auto inline_route = [&](net::Method method, std::string_view pattern, Endpoint endpoint) {
    router.Add(method, pattern,
               [this, endpoint](net::Request& req) -> asio::awaitable<Result<net::Response>> {
                 co_return (this->*endpoint)(req);
               });
  };
  // Changes wait for an fsync and parsing a schema is CPU work: the blocking pool.
  auto pooled_route = [&](net::Method method, std::string_view pattern, Endpoint endpoint) {
    router.Add(method, pattern,
               [this, endpoint](net::Request& req) -> asio::awaitable<Result<net::Response>> {
                 co_return co_await req.blocking->Run([&] { return (this->*endpoint)(req); });
               });
  };
  using M = net::Method;
  inline_route(M::kGet, "/", &RegistryApi::Root);
  inline_route(M::kGet, "/schemas/types", &RegistryApi::SchemaTypes);
  inline_route(M::kGet, "/schemas/ids/{id}", &RegistryApi::GetSchemaById);
  inline_route(M::kGet, "/schemas/ids/{id}/schema", &RegistryApi::GetSchemaTextById);
  inline_route(M::kGet, "/schemas/ids/{id}/subjects", &RegistryApi::SubjectsById);
  inline_route(M::kGet, "/schemas/ids/{id}/versions", &RegistryApi::VersionsById);
  inline_route(M::kGet, "/subjects", &RegistryApi::ListSubjects);
  pooled_route(M::kPost, "/subjects/{subject}", &RegistryApi::LookupSchema);
  pooled_route(M::kDelete, "/subjects/{subject}", &RegistryApi::DeleteSubject);
  inline_route(M::kGet, "/subjects/{subject}/versions", &RegistryApi::ListVersions);
  pooled_route(M::kPost, "/subjects/{subject}/versions", &RegistryApi::Register);
  inline_route(M::kGet, "/subjects/{subject}/versions/{version}", &RegistryApi::GetVersion);
  inline_route(M::kGet, "/subjects/{subject}/versions/{version}/schema",
               &RegistryApi::GetVersionSchemaText);
  inline_route(M::kGet, "/subjects/{subject}/versions/{version}/referencedby",
               &RegistryApi::ReferencedBy);
  pooled_route(M::kDelete, "/subjects/{subject}/versions/{version}", &RegistryApi::DeleteVersion);
  pooled_route(M::kPost, "/compatibility/subjects/{subject}/versions",
               &RegistryApi::CheckCompatibility);
  pooled_route(M::kPost, "/compatibility/subjects/{subject}/versions/{version}",
               &RegistryApi::CheckCompatibility);
  for (std::string_view pattern : {"/config", "/config/{subject}"}) {
    inline_route(M::kGet, pattern, &RegistryApi::GetConfig);
    pooled_route(M::kPut, pattern, &RegistryApi::PutConfig);
    pooled_route(M::kDelete, pattern, &RegistryApi::DeleteConfig);
  }
  for (std::string_view pattern : {"/mode", "/mode/{subject}"}) {
    inline_route(M::kGet, pattern, &RegistryApi::GetMode);
    pooled_route(M::kPut, pattern, &RegistryApi::PutMode);
  }
  pooled_route(M::kDelete, "/mode/{subject}", &RegistryApi::DeleteMode);
}

net::Response RegistryApi::Root(const net::Request& req) {
  return JsonAnswer(req, OrderedJson::object());
}

net::Response RegistryApi::SchemaTypes(const net::Request& req) {
  return JsonAnswer(req, OrderedJson::array({"JSON", "AVRO"}));
}

net::Response RegistryApi::GetSchemaById(const net::Request& req) {
  RegistryResult<int64_t> id = SchemaId(req);
  if (!id.ok()) return ErrorAnswer(req, id.error());
  RegistryResult<SchemaByIdInfo> s = registry_.GetSchemaById(*id);
  if (!s.ok()) return ErrorAnswer(req, s.error());
  return JsonAnswer(req, SchemaJson(*s));
}

net::Response RegistryApi::GetSchemaTextById(const net::Request& req) {
  RegistryResult<int64_t> id = SchemaId(req);
  if (!id.ok()) return ErrorAnswer(req, id.error());
  RegistryResult<SchemaByIdInfo> s = registry_.GetSchemaById(*id);
  if (!s.ok()) return ErrorAnswer(req, s.error());
  return TextAnswer(req, std::move(s->schema));
}

net::Response RegistryApi::SubjectsById(const net::Request& req) {
  RegistryResult<int64_t> id = SchemaId(req);
  if (!id.ok()) return ErrorAnswer(req, id.error());
  RegistryResult<std::vector<std::string>> s =
      registry_.SubjectsForId(*id, QueryFlag(req, "deleted"));
  if (!s.ok()) return ErrorAnswer(req, s.error());
  return JsonAnswer(req, Array(*s));
}

net::Response RegistryApi::VersionsById(const net::Request& req) {
  RegistryResult<int64_t> id = SchemaId(req);
  if (!id.ok()) return ErrorAnswer(req, id.error());
  RegistryResult<std::vector<SubjectVersion>> v =
      registry_.VersionsForId(*id, QueryFlag(req, "deleted"));
  if (!v.ok()) return ErrorAnswer(req, v.error());
  OrderedJson out = OrderedJson::array();
  for (const SubjectVersion& sv : *v) {
    out.push_back({{"subject", sv.subject}, {"version", sv.version}});
  }
  return JsonAnswer(req, out);
}

net::Response RegistryApi::ListSubjects(const net::Request& req) {
  const std::string* prefix = req.Query("subjectPrefix");
  return JsonAnswer(req, Array(registry_.ListSubjects(QueryFlag(req, "deleted"),
                                                      prefix ? *prefix : std::string())));
}

net::Response RegistryApi::LookupSchema(const net::Request& req) {
  RegistryResult<Json> body = ParseJsonBody(req);
  if (!body.ok()) return ErrorAnswer(req, body.error());
  RegistryResult<SchemaRequest> schema = ParseSchemaRequest(*body);
  if (!schema.ok()) return ErrorAnswer(req, schema.error());
  RegistryResult<SchemaVersionInfo> found =
      registry_.Lookup(Subject(req), *schema, QueryFlag(req, "deleted"));
  if (!found.ok()) return ErrorAnswer(req, found.error());
  return JsonAnswer(req, VersionJson(*found));
}

net::Response RegistryApi::DeleteSubject(const net::Request& req) {
  RegistryResult<std::vector<int32_t>> deleted =
      registry_.DeleteSubject(Subject(req), QueryFlag(req, "permanent"));
  if (!deleted.ok()) return ErrorAnswer(req, deleted.error());
  return JsonAnswer(req, Array(*deleted));
}

net::Response RegistryApi::ListVersions(const net::Request& req) {
  RegistryResult<std::vector<int32_t>> versions =
      registry_.ListVersions(Subject(req), QueryFlag(req, "deleted"));
  if (!versions.ok()) return ErrorAnswer(req, versions.error());
  return JsonAnswer(req, Array(*versions));
}

net::Response RegistryApi::Register(const net::Request& req) {
  RegistryResult<Json> body = ParseJsonBody(req);
  if (!body.ok()) return ErrorAnswer(req, body.error());
  RegistryResult<RegisterRequest> request = ParseRegisterRequest(*body);
  if (!request.ok()) return ErrorAnswer(req, request.error());
  RegistryResult<RegisterResult> registered = registry_.Register(Subject(req), *request);
  if (!registered.ok()) return ErrorAnswer(req, registered.error());
  return JsonAnswer(req, OrderedJson{{"id", registered->id}});
}

net::Response RegistryApi::GetVersion(const net::Request& req) {
  RegistryResult<VersionSpec> version = VersionSpec::Parse(req.PathParam("version"));
  if (!version.ok()) return ErrorAnswer(req, version.error());
  RegistryResult<SchemaVersionInfo> info =
      registry_.GetVersion(Subject(req), *version, QueryFlag(req, "deleted"));
  if (!info.ok()) return ErrorAnswer(req, info.error());
  return JsonAnswer(req, VersionJson(*info));
}

net::Response RegistryApi::GetVersionSchemaText(const net::Request& req) {
  RegistryResult<VersionSpec> version = VersionSpec::Parse(req.PathParam("version"));
  if (!version.ok()) return ErrorAnswer(req, version.error());
  RegistryResult<SchemaVersionInfo> info =
      registry_.GetVersion(Subject(req), *version, QueryFlag(req, "deleted"));
  if (!info.ok()) return ErrorAnswer(req, info.error());
  return TextAnswer(req, std::move(info->schema));
}

net::Response RegistryApi::ReferencedBy(const net::Request& req) {
  RegistryResult<VersionSpec> version = VersionSpec::Parse(req.PathParam("version"));
  if (!version.ok()) return ErrorAnswer(req, version.error());
  RegistryResult<std::vector<int32_t>> ids = registry_.ReferencedBy(Subject(req), *version);
  if (!ids.ok()) return ErrorAnswer(req, ids.error());
  return JsonAnswer(req, Array(*ids));
}

net::Response RegistryApi::DeleteVersion(const net::Request& req) {
  RegistryResult<VersionSpec> version = VersionSpec::Parse(req.PathParam("version"));
  if (!version.ok()) return ErrorAnswer(req, version.error());
  RegistryResult<int32_t> deleted =
      registry_.DeleteVersion(Subject(req), *version, QueryFlag(req, "permanent"));
  if (!deleted.ok()) return ErrorAnswer(req, deleted.error());
  return JsonAnswer(req, OrderedJson(*deleted));
}

net::Response RegistryApi::CheckCompatibility(const net::Request& req) {
  std::optional<VersionSpec> version;
  if (req.path_params.contains("version")) {
    RegistryResult<VersionSpec> v = VersionSpec::Parse(req.PathParam("version"));
    if (!v.ok()) return ErrorAnswer(req, v.error());
    version = *v;
  }
  RegistryResult<Json> body = ParseJsonBody(req);
  if (!body.ok()) return ErrorAnswer(req, body.error());
  RegistryResult<SchemaRequest> schema = ParseSchemaRequest(*body);
  if (!schema.ok()) return ErrorAnswer(req, schema.error());
  bool verbose = QueryFlag(req, "verbose");
  RegistryResult<CompatibilityResult> result =
      registry_.CheckCompatibility(Subject(req), version, *schema, verbose);
  if (!result.ok()) return ErrorAnswer(req, result.error());
  OrderedJson out{{"is_compatible", result->compatible}};
  if (verbose) out["messages"] = Array(result->messages);
  return JsonAnswer(req, out);
}

net::Response RegistryApi::GetConfig(const net::Request& req) {
  CompatibilityLevel level;
  if (!req.path_params.contains("subject")) {
    level = registry_.GlobalCompatibility();
  } else {
    RegistryResult<CompatibilityLevel> l =
        registry_.SubjectCompatibility(Subject(req), QueryFlag(req, "defaultToGlobal"));
    if (!l.ok()) return ErrorAnswer(req, l.error());
    level = *l;
  }
  return JsonAnswer(req, OrderedJson{{"compatibilityLevel", CompatibilityLevelName(level)}});
}

net::Response RegistryApi::PutConfig(const net::Request& req) {
  RegistryResult<Json> body = ParseJsonBody(req);
  if (!body.ok()) return ErrorAnswer(req, body.error());
  RegistryResult<CompatibilityLevel> level = RequestedLevel(*body);
  if (!level.ok()) return ErrorAnswer(req, level.error());
  std::optional<std::string> subject;
  if (req.path_params.contains("subject")) subject = Subject(req);
  RegistryResult<CompatibilityLevel> set = registry_.SetCompatibility(subject, *level);
  if (!set.ok()) return ErrorAnswer(req, set.error());
  return JsonAnswer(req, OrderedJson{{"compatibility", CompatibilityLevelName(*set)}});
}

net::Response RegistryApi::DeleteConfig(const net::Request& req) {
  std::optional<std::string> subject;
  if (req.path_params.contains("subject")) subject = Subject(req);
  RegistryResult<CompatibilityLevel> old = registry_.DeleteCompatibility(subject);
  if (!old.ok()) return ErrorAnswer(req, old.error());
  return JsonAnswer(req, OrderedJson{{"compatibilityLevel", CompatibilityLevelName(*old)}});
}

net::Response RegistryApi::GetMode(const net::Request& req) {
  Mode mode;
  if (!req.path_params.contains("subject")) {
    mode = registry_.GlobalMode();
  } else {
    RegistryResult<Mode> m = registry_.SubjectMode(Subject(req), QueryFlag(req, "defaultToGlobal"));
    if (!m.ok()) return ErrorAnswer(req, m.error());
    mode = *m;
  }
  return JsonAnswer(req, OrderedJson{{"mode", ModeName(mode)}});
}

net::Response RegistryApi::PutMode(const net::Request& req) {
  RegistryResult<Json> body = ParseJsonBody(req);
  if (!body.ok()) return ErrorAnswer(req, body.error());
  auto field = body->find("mode");
  std::optional<Mode> mode;
  if (field != body->end() && field->is_string()) mode = ModeFromName(field->get<std::string>());
  if (!mode) return ErrorAnswer(req, RegistryError::InvalidMode());
  std::optional<std::string> subject;
  if (req.path_params.contains("subject")) subject = Subject(req);
  RegistryResult<Mode> set = registry_.SetMode(subject, *mode, QueryFlag(req, "force"));
  if (!set.ok()) return ErrorAnswer(req, set.error());
  return JsonAnswer(req, OrderedJson{{"mode", ModeName(*set)}});
}

net::Response RegistryApi::DeleteMode(const net::Request& req) {
  RegistryResult<Mode> old = registry_.DeleteMode(Subject(req));
  if (!old.ok()) return ErrorAnswer(req, old.error());
  return JsonAnswer(req, OrderedJson{{"mode", ModeName(*old)}});
}

}  // namespace oxbow::registry
