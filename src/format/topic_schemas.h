// A topic's records against the schema registry, as the REST proxy and schema validation use
// them. Subjects follow Confluent's TopicNameStrategy: a topic's keys are subject
// `<topic>-key`, its values `<topic>-value`.
//
//  - Resolve + EncodeJson: what the REST proxy's Avro format does for a record's key or value
//    (a schema given as text is registered under the subject, or found there if it already
//    is; a schema id is looked up), then JSON (Avro's JSON encoding) → Confluent-framed Avro.
//  - Validate / ValidateRecordSet: what `confluent.{key,value}.schema.validation=true`
//    requires of a record: Confluent framing with a schema id registered under the subject
//    (in any version not soft-deleted), and for Avro a payload that decodes with that
//    schema. Null keys and values (keyless records, tombstones) pass.
//
// Schemas are parsed and their decoders compiled once per id and kept (ids never change
// their schema). Threads: every method is thread-safe and may block on the registry (a
// registration appends to _schemas): call from blocking threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/bytes.h"
#include "base/status.h"
#include "format/avro_decoder.h"
#include "log/topic_config.h"
#include "nlohmann/json.hpp"
#include "registry/parsed_schema.h"
#include "registry/schema_registry.h"

namespace oxbow::format {

// "<topic>-key" or "<topic>-value" (TopicNameStrategy).
std::string SubjectFor(std::string_view topic, bool is_key);

class TopicSchemas {
 public:
  // `registry` must outlive this.
  explicit TopicSchemas(registry::SchemaRegistry& registry) : registry_(registry) {}

  // The schema id for a record's key or value of `topic`: `schema_text` (an Avro schema)
  // registered under the subject (its existing id if the subject has it), or, with empty
  // text, `schema_id`, which must exist. Errors are the registry's: 42201 invalid schema,
  // 409 incompatible with the subject's versions, 42205 read-only, 40403 unknown id.
  registry::RegistryResult<int32_t> Resolve(std::string_view topic, bool is_key,
                                            std::string_view schema_text,
                                            std::optional<int32_t> schema_id);

  // `json` in Avro's JSON encoding as a Confluent-framed datum of schema `schema_id`.
  // InvalidArgument saying where the value does not match the schema; NotFound for an
  // unknown id; FailedPrecondition when the schema is not Avro.
  Result<std::string> EncodeJson(int32_t schema_id, const nlohmann::json& json);

  // Whether `bytes` may be a key (is_key) or value of `topic` under schema validation.
  // InvalidArgument with the reason, e.g. "not Confluent framing: magic byte 0x7b, expected
  // 0x00", "schema id 7 is not registered under subject orders-value", "does not decode
  // with schema id 3 (orders-value): at byte 4 (.amount): ...".
  Status Validate(std::string_view topic, bool is_key, std::optional<ByteView> bytes);

  // Validate over every record of a record set (Kafka batches, as a Produce request carries
  // them) for the checks `config` turns on. InvalidArgument naming the record ("batch 0,
  // record 2 (offset delta 2): value: ..."); DataLoss / ResourceExhausted when a batch does
  // not decode (as the log would refuse it). OK at once when neither check is on.
  Status ValidateRecordSet(std::string_view topic, const log::TopicConfig& config,
                           ByteView record_set);

  // The schema with registry id `id`, parsed with its references (kept, as the decoders
  // are). NotFound for an unknown id; Internal when the registry's store failed.
  Result<std::shared_ptr<const registry::ParsedSchema>> SchemaById(int32_t id);

  // The registry these schemas come from (writers register through it).
  registry::SchemaRegistry& registry() { return registry_; }

 private:
  struct Compiled {
    std::shared_ptr<const registry::ParsedSchema> schema;
    std::optional<AvroDecoder> decoder;  // Avro schemas only
  };
  // The schema with this id, parsed (with its references) and compiled; NotFound.
  Result<std::shared_ptr<const Compiled>> Load(int32_t id);
  Result<std::shared_ptr<const registry::ParsedSchema>> Parse(int32_t id, int depth);

  registry::SchemaRegistry& registry_;
  absl::Mutex mu_;
  absl::flat_hash_map<int32_t, std::shared_ptr<const Compiled>> by_id_ ABSL_GUARDED_BY(mu_);
  // subject + '\n' + schema text → id, for Resolve with a schema text (REST requests repeat
  // the same schema on every request).
  absl::flat_hash_map<std::string, int32_t> registered_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::format
