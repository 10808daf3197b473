// The schema registry lent to the other services: the REST proxy's Avro encoder and
// validation (http::SchemaEncoder) and the Kafka API's Produce validation
// (kafka::RecordValidator), both over one format::TopicSchemas (schemas parsed and decoders
// compiled once per id). What `oxbow serve` wires in when the registry runs.
#pragma once

#include <memory>

#include "format/topic_schemas.h"
#include "http/produce_request.h"
#include "kafka/server/handlers/record_validator.h"
#include "registry/schema_registry.h"

namespace oxbow::server {

class SchemaServices final : public http::SchemaEncoder, public kafka::RecordValidator {
 public:
  // `registry` must outlive this.
  explicit SchemaServices(registry::SchemaRegistry& registry) : schemas_(registry) {}

  // http::SchemaEncoder
  std::variant<Encoded, http::RestError> Encode(std::string_view topic, bool is_key,
                                                std::string_view schema,
                                                std::optional<int32_t> schema_id,
                                                const nlohmann::ordered_json& value) override;
  std::optional<std::string> Validate(std::string_view topic, bool is_key,
                                      const std::optional<std::string>& bytes) override;

  // The parsed schemas and compiled decoders (the SQL engine's Avro sources read them).
  format::TopicSchemas& schemas() { return schemas_; }

  // kafka::RecordValidator
  Status Validate(const std::string& topic, const log::TopicConfig& config,
                  ByteView records) override;

 private:
  format::TopicSchemas schemas_;
};

}  // namespace oxbow::server
