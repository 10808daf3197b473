#include "server/schema_services.h"

#include "fmt/format.h"

namespace oxbow::server {

std::variant<http::SchemaEncoder::Encoded, http::RestError> SchemaServices::Encode(
    std::string_view topic, bool is_key, std::string_view schema, std::optional<int32_t> schema_id,
    const nlohmann::ordered_json& value) {
  if (schema.empty() && !schema_id) {
    return http::RestError{
        is_key ? http::kKeySchemaMissing : http::kValueSchemaMissing,
        fmt::format("Request includes {0}s but does not include {0}_schema or {0}_schema_id",
                    is_key ? "key" : "value")};
  }
  registry::RegistryResult<int32_t> id = schemas_.Resolve(topic, is_key, schema, schema_id);
  if (!id.ok()) return http::RestError{id.error().error_code, id.error().message};
  Result<std::string> bytes = schemas_.EncodeJson(*id, nlohmann::json(value));
  if (!bytes.ok()) {
    if (bytes.status().code() == absl::StatusCode::kInvalidArgument ||
        bytes.status().code() == absl::StatusCode::kFailedPrecondition) {
      return http::RestError{
          http::kRecordSchemaMismatch,
          fmt::format("does not match schema id {}: {}", *id, bytes.status().message())};
    }
    return http::RestError{500, std::string(bytes.status().message())};
  }
  return Encoded{std::move(*bytes), *id};
}

std::optional<std::string> SchemaServices::Validate(std::string_view topic, bool is_key,
                                                    const std::optional<std::string>& bytes) {
  Status s = schemas_.Validate(topic, is_key,
                               bytes ? std::optional<ByteView>(AsBytes(*bytes)) : std::nullopt);
  if (s.ok()) return std::nullopt;
  return std::string(s.message());
}

Status SchemaServices::Validate(const std::string& topic, const log::TopicConfig& config,
                                ByteView records) {
  return schemas_.ValidateRecordSet(topic, config, records);
}

}  // namespace oxbow::server
