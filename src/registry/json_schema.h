// JSON Schema (schemaType "JSON" in the Confluent API): the subset of the model the registry
// needs to decide compatibility.
//
// A document is parsed into a tree of nodes owned by one JsonSchema. What is modelled:
// boolean schemas (true, false, {}), "type" (one name or an array), object keywords
// (properties, required, additionalProperties, patternProperties, min/maxProperties), array
// keywords (items as one schema, min/maxItems, uniqueItems), string keywords (min/maxLength,
// pattern), number keywords (minimum, maximum, exclusiveMinimum, exclusiveMaximum as numbers,
// multipleOf), enum and const, the combinators allOf / anyOf / oneOf, metadata (title,
// description, default, $id), definitions ("definitions", "$defs") and local "$ref"s ("#",
// "#/definitions/Name", any JSON pointer into the same document). The validation keywords
// not modelled (not, if/then/else, dependencies, propertyNames, contains, items as an array,
// …) are kept in `other`, so compatibility can treat a change to them conservatively;
// annotations (format, examples, $comment, …) and unknown keywords are ignored.
//
// Immutable after parsing; const access from any thread is safe. Move-only; nodes keep their
// addresses across moves.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nlohmann/json.hpp"

namespace oxbow::registry {

enum class JsonType : uint8_t { kNull, kBoolean, kObject, kArray, kNumber, kInteger, kString };
std::string_view JsonTypeName(JsonType type);
// A set of JsonTypes as bits (1 << type).
using JsonTypeSet = uint8_t;
inline constexpr JsonTypeSet Bit(JsonType t) { return JsonTypeSet(1u << static_cast<int>(t)); }

struct JsonSchemaNode {
  // Where the node sits in the document, as a JSON pointer ("#/properties/a/items").
  std::string pointer;
  // The node's JSON in the document (owned by the JsonSchema).
  const nlohmann::json* source = nullptr;
  // The "false" schema: no value is valid.
  bool is_false = false;
  // A local "$ref"; when set, the other keywords of this node are ignored (draft-07 rule).
  const JsonSchemaNode* ref = nullptr;

  // "type"; absent when the keyword is.
  std::optional<JsonTypeSet> types;

  // Object keywords.
  std::map<std::string, const JsonSchemaNode*> properties;
  std::set<std::string> required;
  bool additional_properties_allowed = true;              // false for "additionalProperties": false
  const JsonSchemaNode* additional_properties = nullptr;  // a schema, when one is given
  std::map<std::string, const JsonSchemaNode*> pattern_properties;
  std::optional<uint64_t> min_properties, max_properties;

  // Array keywords.
  const JsonSchemaNode* items = nullptr;
  std::optional<uint64_t> min_items, max_items;
  bool unique_items = false;

  // String keywords.
  std::optional<uint64_t> min_length, max_length;
  std::optional<std::string> pattern;

  // Number keywords.
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;

  // "enum", or "const" as an enum of one value: a JSON array.
  std::optional<nlohmann::json> enum_values;

  // Combinators.
  std::vector<const JsonSchemaNode*> all_of, any_of, one_of;

  // Metadata: changes to these never affect compatibility.
  std::optional<nlohmann::json> default_value;

  // Validation keywords not modelled above (not, if, dependencies, tuple items, …).
  nlohmann::json other = nlohmann::json::object();

  // Whether the node constrains nothing (true, {} or only metadata).
  bool AcceptsEverything() const;
};

class JsonSchema {
 public:
  JsonSchema(JsonSchema&&) = default;
  JsonSchema& operator=(JsonSchema&&) = default;
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  const JsonSchemaNode& root() const { return *root_; }
  // The document as parsed, for the normalized form.
  const nlohmann::json& document() const { return *document_; }

  // Parses a JSON Schema document (an object or a boolean). InvalidArgument, naming the
  // place ("at #/properties/a: ..."), for invalid JSON, nesting deeper than kMaxJsonDepth, a
  // keyword of the wrong JSON type ("type" not a type name or array of them, "properties"
  // not an object of schemas, "required" not an array of strings, a negative length, …), or
  // a "$ref" that is not a JSON pointer into this document (references to other schemas are
  // not supported yet).
  static Result<JsonSchema> Parse(std::string_view text);

 private:
  friend class JsonSchemaParser;
  JsonSchema() = default;

  std::unique_ptr<nlohmann::json> document_;  // on the heap: nodes point into it
  std::vector<std::unique_ptr<JsonSchemaNode>> nodes_;
  const JsonSchemaNode* root_ = nullptr;
};

// `key` escaped for use as one JSON pointer segment ("~" → "~0", "/" → "~1").
std::string JsonPointerEscape(std::string_view key);

// The document as compact JSON with keys sorted: two registrations with the same normalized
// form are the same schema.
std::string JsonSchemaNormalizedForm(const JsonSchema& schema);

}  // namespace oxbow::registry
