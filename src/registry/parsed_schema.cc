#include "registry/parsed_schema.h"

#include "fmt/format.h"
#include "registry/avro_canonical_form.h"
#include "registry/avro_compatibility.h"
#include "registry/avro_parser.h"
#include "registry/json_schema_compatibility.h"

namespace oxbow::registry {

std::string_view SchemaTypeName(SchemaType type) {
  return type == SchemaType::kAvro ? "AVRO" : "JSON";
}

std::optional<SchemaType> SchemaTypeFromName(std::string_view name) {
  auto equals = [&](std::string_view upper) {
    if (name.size() != upper.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != upper[i]) return false;
    }
    return true;
  };
  if (equals("AVRO")) return SchemaType::kAvro;
  if (equals("JSON")) return SchemaType::kJson;
  return std::nullopt;
}

Result<std::shared_ptr<const ParsedSchema>> ParsedSchema::Parse(
    SchemaType type, std::string_view text,
    std::vector<std::shared_ptr<const ParsedSchema>> references) {
  std::shared_ptr<ParsedSchema> parsed(new ParsedSchema());
  parsed->type_ = type;
  for (const auto& ref : references) {
    if (ref == nullptr || ref->type_ != type) {
      return absl::InvalidArgumentError(fmt::format(
          "a schema reference names a schema of another type than {}", SchemaTypeName(type)));
    }
  }
  if (type == SchemaType::kAvro) {
    AvroParseOptions options;
    for (const auto& ref : references) options.references.push_back(ref->avro_);
    ASSIGN_OR_RETURN(AvroSchema avro, ParseAvroSchema(text, options));
    parsed->avro_ = std::make_shared<const AvroSchema>(std::move(avro));
    parsed->normalized_ = AvroNormalizedForm(*parsed->avro_);
  } else {
    if (!references.empty()) {
      return absl::InvalidArgumentError(
          "references to other subjects are not supported for JSON schemas");
    }
    ASSIGN_OR_RETURN(JsonSchema json, JsonSchema::Parse(text));
    parsed->json_ = std::make_shared<const JsonSchema>(std::move(json));
    parsed->normalized_ = JsonSchemaNormalizedForm(*parsed->json_);
  }
  parsed->references_ = std::move(references);
  return std::shared_ptr<const ParsedSchema>(std::move(parsed));
}

std::vector<Incompatibility> ParsedSchema::ReadCompatibility(const ParsedSchema& writer) const {
  if (type_ != writer.type_) {
    return {Incompatibility{"TYPE_MISMATCH", "/",
                            fmt::format("the reader is a {} schema and the writer a {} schema",
                                        SchemaTypeName(type_), SchemaTypeName(writer.type_))}};
  }
  if (type_ == SchemaType::kAvro) return CheckAvroReadCompatibility(*avro_, *writer.avro_);
  return CheckJsonSchemaReadCompatibility(*json_, *writer.json_);
}

CompatibilityReport CheckSchemaCompatibility(CompatibilityLevel level,
                                             const ParsedSchema& candidate,
                                             std::span<const ParsedSchema* const> previous) {
  return CheckCompatibilityLevel(level, previous.size(), [&](size_t i, CheckDirection direction) {
    return direction == CheckDirection::kNewReadsOld ? candidate.ReadCompatibility(*previous[i])
                                                     : previous[i]->ReadCompatibility(candidate);
  });
}

}  // namespace oxbow::registry
