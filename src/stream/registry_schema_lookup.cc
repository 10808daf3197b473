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

}  // namespace oxbow::stream
