// A registered schema of any type, as the registry service uses it: the schema type, the
// parsed model, the normalized form that decides "the same schema", and compatibility
// between two schemas whatever their type. The per-language code (avro_*, json_schema*)
// stays below; this is the one place the registry switches on the schema type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "registry/avro_schema.h"
#include "registry/compatibility.h"
#include "registry/json_schema.h"

namespace oxbow::registry {

enum class SchemaType : uint8_t { kAvro, kJson };

// "AVRO", "JSON": Confluent's schemaType names.
std::string_view SchemaTypeName(SchemaType type);
// The type called `name`, ignoring ASCII case (Confluent's clients send upper case);
// nullopt for anything else (including PROTOBUF, which Oxbow does not support).
std::optional<SchemaType> SchemaTypeFromName(std::string_view name);

// A schema reference (Confluent's `references` entries): the schema may use the named types
// of version `version` of subject `subject` under the name `name`.
struct SchemaReference {
  std::string name;
  std::string subject;
  int32_t version = 0;

  bool operator==(const SchemaReference&) const = default;
};

// Immutable after Parse; shared (std::shared_ptr<const>) and read from any thread.
class ParsedSchema {
 public:
  // Parses `text` as a schema of `type`. `references` are the parsed schemas the schema's
  // references name, in order; they must be of the same type (Avro only: JSON Schema
  // references to other subjects are not supported). InvalidArgument with the parser's
  // message (saying where) for an invalid schema.
  static Result<std::shared_ptr<const ParsedSchema>> Parse(
      SchemaType type, std::string_view text,
      std::vector<std::shared_ptr<const ParsedSchema>> references = {});

  SchemaType type() const { return type_; }
  // The normalized form (AvroNormalizedForm, JsonSchemaNormalizedForm): compact JSON in
  // which spelling differences that do not change the schema are gone. What the registry
  // stores and answers as the schema text.
  const std::string& normalized() const { return normalized_; }
  // The Avro model; null for other types.
  const AvroSchema* avro() const { return avro_.get(); }
  std::shared_ptr<const AvroSchema> shared_avro() const { return avro_; }

  // Every reason why a consumer reading with this schema cannot read data written with
  // `writer`; empty when it can. Schemas of different types never are compatible.
  std::vector<Incompatibility> ReadCompatibility(const ParsedSchema& writer) const;

 private:
  ParsedSchema() = default;

  SchemaType type_ = SchemaType::kAvro;
  std::string normalized_;
  std::shared_ptr<const AvroSchema> avro_;
  std::shared_ptr<const JsonSchema> json_;
  std::vector<std::shared_ptr<const ParsedSchema>> references_;  // kept alive
};

// CheckCompatibilityLevel over parsed schemas of any type: `candidate` (the new version)
// against `previous` (earlier versions, oldest first).
CompatibilityReport CheckSchemaCompatibility(CompatibilityLevel level,
                                             const ParsedSchema& candidate,
                                             std::span<const ParsedSchema* const> previous);

}  // namespace oxbow::registry
