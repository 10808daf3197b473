// The body of POST /topics/{topic}, decoded into records: which bytes each key and value
// is, and the partition a record asks for. Pure functions over the request, no I/O.
//
// Content types (the "embedded format" of Confluent REST Proxy v2):
//   application/vnd.kafka.json.v2+json    {"records":[{"key":K,"value":V,"partition":P}]}
//       K and V are any JSON values, stored as their compact JSON text (object members in
//       the order sent; null or absent: a null key or value); P is optional.
//   application/vnd.kafka.binary.v2+json  the same shape, K and V base64 strings of bytes.
//   application/json                      not wrapped: one JSON value is one record's value,
//       an array is one record per element (so `requests.post(url, json=event)` works);
//       keys are null.
//   application/vnd.kafka.avro.v2+json    the same shape, with "value_schema" (an Avro
//       schema as a JSON string) or "value_schema_id", and "key_schema"/"key_schema_id"
//       when records have keys; K and V in Avro's JSON encoding, stored Confluent-framed
//       (SchemaEncoder, the schema registry's); without an encoder, 415 saying so. A key or
//       value that does not match its schema fails that record only (42203); a missing or
//       unknown schema fails the request (42201/42202, 40403; the registry's codes for a
//       schema it refuses: 42201 invalid, 409 incompatible).
// Anything else, or no Content-Type, is 415.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/rest_errors.h"
#include "nlohmann/json.hpp"

namespace oxbow::http {

enum class EmbeddedFormat { kJson, kBinary, kAvro, kPlainJson };

// The format a Content-Type media type (lower-case, without parameters) asks for, or 415.
std::variant<EmbeddedFormat, RestError> FormatForMediaType(std::string_view media_type);

struct ProduceRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::optional<int32_t> partition;  // as asked; checked against the topic later
  // Set when this record alone fails (its key or value does not match its schema): it is
  // answered with this error and not written.
  std::optional<RestError> error = std::nullopt;
};

struct ProduceRequest {
  EmbeddedFormat format = EmbeddedFormat::kJson;
  std::vector<ProduceRecord> records;
  // The schema ids to report back (Avro); null for the schemaless formats.
  std::optional<int32_t> key_schema_id;
  std::optional<int32_t> value_schema_id;
};

// Where schema-based formats plug in: turns a record's JSON key or value into bytes with
// a schema given inline or by id, registering it as needed (Confluent's wire format:
// magic byte, schema id, payload). The schema registry provides one; until then the REST
// proxy has none and answers Avro with 415.
class SchemaEncoder {
 public:
  virtual ~SchemaEncoder() = default;
  struct Encoded {
    std::string bytes;
    int32_t schema_id;
  };
  // `schema` is the request's key_schema/value_schema text, or empty with `schema_id`.
  // Errors are RestErrors in Confluent's codes (42201/42202 missing schema, 42203 a value
  // that does not match it, the registry's for a schema it refuses or does not have).
  // Called on a blocking thread.
  virtual std::variant<Encoded, RestError> Encode(std::string_view topic, bool is_key,
                                                  std::string_view schema,
                                                  std::optional<int32_t> schema_id,
                                                  const nlohmann::ordered_json& value) = 0;
  // For topics with confluent.{key,value}.schema.validation on: nullopt when `bytes` may be
  // stored as a key (is_key) or value of `topic`, else why not. Called on a blocking thread.
  virtual std::optional<std::string> Validate(std::string_view topic, bool is_key,
                                              const std::optional<std::string>& bytes) = 0;
};

// Decodes a produce body of the given format. 422 for JSON that does not parse or has the
// wrong shape (no records, a record that is not an object, a bad partition or base64),
// saying where; 415 for Avro without an encoder.
std::variant<ProduceRequest, RestError> ParseProduceRequest(std::string_view topic,
                                                            EmbeddedFormat format,
                                                            std::string_view body,
                                                            SchemaEncoder* avro);

}  // namespace oxbow::http
