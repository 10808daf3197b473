#include "registry/json_schema.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

JsonSchema Parse(std::string_view text) {
  Result<JsonSchema> s = JsonSchema::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  if (!s.ok()) return std::move(JsonSchema::Parse("true")).value();
  return std::move(s).value();
}

std::string ErrorOf(std::string_view text) {
  Result<JsonSchema> s = JsonSchema::Parse(text);
  EXPECT_FALSE(s.ok()) << "parsed: " << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(ToStd(s.status().message()));
}

TEST(JsonSchemaTest, ObjectModel) {
  JsonSchema s = Parse(R"({
    "$schema": "http://json-schema.org/draft-07/schema#", "title": "Order",
    "type": "object", "additionalProperties": false, "required": ["id"],
    "minProperties": 1,
    "properties": {
      "id": {"type": "integer", "minimum": 1, "multipleOf": 1},
      "note": {"type": ["string", "null"], "maxLength": 80, "pattern": "^[a-z]*$",
               "default": null},
      "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": true,
               "maxItems": 3},
      "extra": {"type": "object", "additionalProperties": {"type": "number"}},
      "kind": {"const": "order"},
      "choice": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/Money"}]}
    },
    "definitions": {"Money": {"type": "number", "exclusiveMinimum": 0}},
    "not": {"required": ["forbidden"]}, "x-custom": 1
  })");
  const JsonSchemaNode& r = s.root();
  EXPECT_EQ(r.types, Bit(JsonType::kObject));
  EXPECT_FALSE(r.additional_properties_allowed);
  EXPECT_THAT(r.required, ElementsAre("id"));
  EXPECT_EQ(r.min_properties, 1u);
  ASSERT_EQ(r.properties.size(), 6u);
  const JsonSchemaNode& id = *r.properties.at("id");
  EXPECT_EQ(id.pointer, "#/properties/id");
  EXPECT_EQ(id.minimum, 1.0);
  const JsonSchemaNode& note = *r.properties.at("note");
  EXPECT_EQ(note.types, Bit(JsonType::kString) | Bit(JsonType::kNull));
  EXPECT_EQ(note.max_length, 80u);
  EXPECT_EQ(note.pattern, "^[a-z]*$");
  EXPECT_TRUE(note.default_value->is_null());
  const JsonSchemaNode& tags = *r.properties.at("tags");
  EXPECT_TRUE(tags.unique_items);
  EXPECT_EQ(*tags.items->enum_values, nlohmann::json({"a", "b"}));
  EXPECT_EQ(r.properties.at("extra")->additional_properties->types, Bit(JsonType::kNumber));
  EXPECT_EQ(*r.properties.at("kind")->enum_values, nlohmann::json({"order"}));
  const JsonSchemaNode& choice = *r.properties.at("choice");
  ASSERT_EQ(choice.one_of.size(), 2u);
  ASSERT_NE(choice.one_of[1]->ref, nullptr);
  EXPECT_EQ(choice.one_of[1]->ref->pointer, "#/definitions/Money");
  EXPECT_EQ(choice.one_of[1]->ref->exclusive_minimum, 0.0);
  // "not" is kept as an unmodelled keyword; annotations and custom keywords are not.
  EXPECT_EQ(r.other, nlohmann::json({{"not", {{"required", {"forbidden"}}}}}));
}

TEST(JsonSchemaTest, BooleanAndEmptySchemas) {
  EXPECT_TRUE(Parse("true").root().AcceptsEverything());
  EXPECT_TRUE(Parse("{}").root().AcceptsEverything());
  EXPECT_TRUE(Parse(R"({"title":"t","description":"d","default":1})").root().AcceptsEverything());
  EXPECT_TRUE(Parse("false").root().is_false);
  EXPECT_FALSE(Parse(R"({"type":"string"})").root().AcceptsEverything());
}

TEST(JsonSchemaTest, References) {
  JsonSchema s = Parse(R"({"$defs": {"a/b": {"type": "string"}, "tree": {"type": "object",
      "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}}}},
      "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/a%7E1b"},
                     "self": {"$ref": "#"}, "t": {"$ref": "#/$defs/tree"},
                     "under_not": {"$ref": "#/not/properties/z"}},
      "not": {"properties": {"z": {"type": "boolean"}}}})");
  const JsonSchemaNode& r = s.root();
  EXPECT_EQ(r.properties.at("x")->ref->types, Bit(JsonType::kString));
  EXPECT_EQ(r.properties.at("y")->ref, r.properties.at("x")->ref);
  EXPECT_EQ(r.properties.at("self")->ref, &r);
  const JsonSchemaNode* tree = r.properties.at("t")->ref;
  EXPECT_EQ(tree->properties.at("kids")->items->ref, tree);
  EXPECT_EQ(r.properties.at("under_not")->ref->types, Bit(JsonType::kBoolean));
}

TEST(JsonSchemaTest, InvalidSchemasSayWhere) {
  const char* cases[][2] = {
      {"5", "at #: a schema is a JSON object or a boolean, got 5"},
      {"{\"type\":", "invalid JSON"},
      {R"({"properties":{"a":{"type":"strin"}}})",
       "at #/properties/a/type: unknown type \"strin\": expected one of null, boolean, object, "
       "array, number, integer, string"},
      {R"({"type":[]})", "at #/type: \"type\" must not be an empty array"},
      {R"({"properties":[]})", "at #/properties: must be an object of schemas, got []"},
      {R"({"properties":{"a":3}})", "at #/properties/a: a schema is a JSON object or a boolean"},
      {R"({"required":"a"})", "at #/required: \"required\" must be an array of property names"},
      {R"({"required":[1]})", "\"required\" must be an array of property names"},
      {R"({"minLength":-1})",
       "at #/minLength: \"minLength\" must be a non-negative integer, got -1"},
      {R"({"maxItems":1.5})", "\"maxItems\" must be a non-negative integer, got 1.5"},
      {R"({"maximum":"9"})", "at #/maximum: \"maximum\" must be a number, got \"9\""},
      {R"({"multipleOf":0})", "\"multipleOf\" must be greater than 0"},
      {R"({"enum":"a"})", "\"enum\" must be an array"},
      {R"({"anyOf":[]})", "at #/anyOf: \"anyOf\" must be a non-empty array of schemas"},
      {R"({"items":{"allOf":[{"type":"x"}]}})", "at #/items/allOf/0/type: unknown type \"x\""},
      {R"({"$ref":"other.json#/a"})",
       "at #: \"$ref\" \"other.json#/a\" is not supported: only references into the same "
       "document (\"#...\") are"},
      {R"({"$ref":"#/definitions/nope"})",
       "at #: \"$ref\" \"#/definitions/nope\" points at nothing in this document"},
      {R"({"$ref":"#definitions"})", "is not a JSON pointer"},
      {R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}})",
       "\"$ref\" chain loops without reaching a schema"},
      {R"({"$ref":"#"})", "\"$ref\" chain loops without reaching a schema"},
  };
  for (const auto& [schema, message] : cases) {
    EXPECT_THAT(ErrorOf(schema), HasSubstr(message)) << schema;
  }
}

TEST(JsonSchemaTest, NormalizedFormIgnoresWhitespaceAndKeyOrder) {
  JsonSchema a =
      Parse(R"({ "type": "object", "properties": { "b": {"type":"string"}, "a": {} } })");
  JsonSchema b = Parse(R"({"properties":{"a":{},"b":{"type":"string"}},"type":"object"})");
  EXPECT_EQ(JsonSchemaNormalizedForm(a), JsonSchemaNormalizedForm(b));
  EXPECT_EQ(JsonSchemaNormalizedForm(a),
            R"({"properties":{"a":{},"b":{"type":"string"}},"type":"object"})");
  JsonSchema c = Parse(R"({"type":"object","description":"x"})");
  EXPECT_NE(JsonSchemaNormalizedForm(c), JsonSchemaNormalizedForm(Parse(R"({"type":"object"})")));
}

}  // namespace
}  // namespace oxbow::registry
