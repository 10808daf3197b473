// The SchemaLookup of a server: writer schemas from the schema registry service, through
// format::TopicSchemas (which parses each id once, with its references, and keeps it).
#pragma once

#include "format/topic_schemas.h"
#include "stream/schema_lookup.h"

namespace oxbow::stream {

class RegistrySchemaLookup final : public SchemaLookup {
 public:
  // `schemas` must outlive this.
  explicit RegistrySchemaLookup(format::TopicSchemas& schemas) : schemas_(schemas) {}

  // NotFound for an id the registry does not have; InvalidArgument for a schema that is not
  // Avro ("not an Avro schema (JSON)") or does not parse; Unavailable when the
  // registry failed otherwise.
  Result<std::shared_ptr<const registry::AvroSchema>> AvroSchemaById(int32_t id) override;
  // Registration as the registry's POST /subjects/{subject}/versions (schema_lookup.h has
  // how its errors map).
  Result<int32_t> RegisterAvroSchema(const std::string& subject,
                                     std::string_view schema_text) override;
  Result<Versioned> LatestAvroSchema(const std::string& subject) override;

 private:
  format::TopicSchemas& schemas_;
};

}  // namespace oxbow::stream
