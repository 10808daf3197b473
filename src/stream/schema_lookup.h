// SchemaLookup: where an Avro source finds the writer schema of a Confluent-framed record by
// the id in its header. The server's implementation asks the schema registry
// (registry_schema_lookup.h); tests give schemas directly.
//
// Ids never change their schema (the registry's rule), so callers may cache what they get;
// a NotFound id may become known later (it is registered after the record was written), so
// callers should not cache that.
// Thread safety: called from the thread that runs the source.
#pragma once

#include <cstdint>
#include <memory>

#include "base/status.h"
#include "registry/avro_schema.h"

namespace oxbow::stream {

class SchemaLookup {
 public:
  virtual ~SchemaLookup() = default;
  // The parsed Avro schema with registry id `id`. NotFound when the registry has no such id;
  // InvalidArgument when the id is not an Avro schema (e.g. JSON Schema), with the reason.
  virtual Result<std::shared_ptr<const registry::AvroSchema>> AvroSchemaById(int32_t id) = 0;
};

}  // namespace oxbow::stream
