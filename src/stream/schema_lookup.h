// SchemaLookup: where an Avro source finds the writer schema of a Confluent-framed record by
// the id in its header, and where Avro writers (a view's output topic, INSERT) register or
// find the schemas they write with. The server's implementation asks the schema registry
// (registry_schema_lookup.h); tests give schemas directly.
//
// Ids never change their schema (the registry's rule), so callers may cache what they get;
// a NotFound id may become known later (it is registered after the record was written), so
// callers should not cache that.
// Thread safety: AvroSchemaById is called from the thread that runs the source; the writer
// side from DDL and INSERT threads (the registry's implementation is thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "registry/avro_schema.h"

namespace oxbow::stream {

class SchemaLookup {
 public:
  virtual ~SchemaLookup() = default;
  // The parsed Avro schema with registry id `id`. NotFound when the registry has no such id;
  // InvalidArgument when the id is not an Avro schema (e.g. JSON Schema), with the reason.
  virtual Result<std::shared_ptr<const registry::AvroSchema>> AvroSchemaById(int32_t id) = 0;

  // --- The writer side (TopicNameStrategy subjects: "<topic>-key", "<topic>-value") --------
  // These default to FailedPrecondition ("no schema registry"), for lookups that only read.

  // Registers Avro schema `schema_text` under `subject`, or finds it there: its id.
  // FailedPrecondition with the registry's reason when the subject refuses it (incompatible
  // under its compatibility level, read-only mode); InvalidArgument for an invalid schema;
  // Unavailable when the registry failed otherwise.
  virtual Result<int32_t> RegisterAvroSchema(const std::string& subject,
                                             std::string_view schema_text);

  struct Versioned {
    int32_t id = 0;
    std::shared_ptr<const registry::AvroSchema> schema;
  };
  // The latest version of `subject` (not soft-deleted). NotFound when the subject has none;
  // InvalidArgument when it is not an Avro schema; Unavailable otherwise.
  virtual Result<Versioned> LatestAvroSchema(const std::string& subject);
};

inline Result<int32_t> SchemaLookup::RegisterAvroSchema(const std::string&, std::string_view) {
  return absl::FailedPreconditionError("no schema registry");
}
inline Result<SchemaLookup::Versioned> SchemaLookup::LatestAvroSchema(const std::string&) {
  return absl::FailedPreconditionError("no schema registry");
}

}  // namespace oxbow::stream
