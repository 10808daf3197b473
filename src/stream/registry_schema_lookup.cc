#include "stream/registry_schema_lookup.h"

#include "fmt/format.h"

namespace oxbow::stream {

Result<std::shared_ptr<const registry::AvroSchema>> RegistrySchemaLookup::AvroSchemaById(
    int32_t id) {
  Result<std::shared_ptr<const registry::ParsedSchema>> schema = schemas_.SchemaById(id);
  if (!schema.ok()) {
    switch (schema.status().code()) {
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kInvalidArgument:
        return schema.status();
      default:
        return absl::UnavailableError(schema.status().message());
    }
  }
  if ((*schema)->avro() == nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("not an Avro schema ({})", registry::SchemaTypeName((*schema)->type())));
  }
  return (*schema)->shared_avro();
}

Result<int32_t> RegistrySchemaLookup::RegisterAvroSchema(const std::string& subject,
                                                         std::string_view schema_text) {
  registry::RegisterRequest request;
  request.schema = std::string(schema_text);
  request.type = registry::SchemaType::kAvro;
  auto registered = schemas_.registry().Register(subject, request);
  if (registered.ok()) return registered->id;
  const registry::RegistryError& e = registered.error();
  if (e.http_status == 409 || e.error_code == registry::kOperationNotPermitted) {
    return absl::FailedPreconditionError(e.message);
  }
  if (e.http_status == 422) return absl::InvalidArgumentError(e.message);
  return absl::UnavailableError(e.message);
}

Result<SchemaLookup::Versioned> RegistrySchemaLookup::LatestAvroSchema(const std::string& subject) {
  auto latest = schemas_.registry().GetVersion(subject, registry::VersionSpec::Latest(),
                                               /*include_deleted=*/false);
  if (!latest.ok()) {
    if (latest.error().http_status == 404) {
      return absl::NotFoundError(fmt::format("subject \"{}\" has no schema", subject));
    }
    return absl::UnavailableError(latest.error().message);
  }
  Versioned out;
  out.id = latest->id;
  ASSIGN_OR_RETURN(out.schema, AvroSchemaById(latest->id));
  return out;
}

}  // namespace oxbow::stream
