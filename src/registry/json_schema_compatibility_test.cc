#include "registry/json_schema_compatibility.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

JsonSchema Parse(std::string_view text) {
  Result<JsonSchema> s = JsonSchema::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  if (!s.ok()) return std::move(JsonSchema::Parse("true")).value();
  return std::move(s).value();
}

// "KIND at PATH" of reader `r` reading writer `w` (messages are checked separately).
std::vector<std::string> Kinds(std::string_view r, std::string_view w) {
  std::vector<std::string> out;
  for (const Incompatibility& i : CheckJsonSchemaReadCompatibility(Parse(r), Parse(w))) {
    out.push_back(i.kind + " at " + i.path);
  }
  return out;
}

constexpr const char* kOpen = R"({"type":"object","properties":{"name":{"type":"string"}}})";
constexpr const char* kClosed =
    R"({"type":"object","additionalProperties":false,"properties":{"name":{"type":"string"}}})";

TEST(JsonSchemaCompatibilityTest, AddingAPropertyDependsOnTheWritersContentModel) {
  // Data written under an open model may hold anything under the new name.
  EXPECT_THAT(Kinds(R"({"type":"object","properties":{"name":{"type":"string"},
                        "age":{"type":"integer"}}})",
                    kOpen),
              ElementsAre("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/age"));
  // ... unless the new property accepts anything.
  EXPECT_THAT(Kinds(R"({"type":"object","properties":{"name":{"type":"string"},"age":{}}})", kOpen),
              IsEmpty());
  // A closed writer had no such property: an optional one is fine, a required one needs a
  // default.
  const char* optional = R"({"type":"object","additionalProperties":false,"properties":{
      "name":{"type":"string"},"age":{"type":"integer"}}})";
  EXPECT_THAT(Kinds(optional, kClosed), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":false,"required":["age"],
                        "properties":{"name":{"type":"string"},"age":{"type":"integer"}}})",
                    kClosed),
              ElementsAre("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL at #/properties/age"));
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":false,"required":["age"],
                        "properties":{"name":{"type":"string"},
                                      "age":{"type":"integer","default":0}}})",
                    kClosed),
              IsEmpty());
  // A partially open writer: the new property must read what its additionalProperties held.
  const char* partial = R"({"type":"object","additionalProperties":{"type":"integer"}})";
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":{"type":"integer"},
                        "properties":{"n":{"type":"number"}}})",
                    partial),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":{"type":"integer"},
                        "properties":{"n":{"type":"string"}}})",
                    partial),
              ElementsAre("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL at "
                          "#/properties/n"));
}

TEST(JsonSchemaCompatibilityTest, RemovingAPropertyDependsOnTheReadersContentModel) {
  EXPECT_THAT(Kinds(R"({"type":"object"})", kOpen), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":false})", kClosed),
              ElementsAre("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at #/properties/name"));
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":{"type":"string"}})",
                    R"({"type":"object","additionalProperties":{"type":"string"},
                        "properties":{"name":{"type":"string","maxLength":3}}})"),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":{"type":"string"}})",
                    R"({"type":"object","additionalProperties":{"type":"string"},
                        "properties":{"n":{"type":"integer"}}})"),
              ElementsAre("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL at "
                          "#/properties/n"));
  // A property that was false (never present) may go from a closed model.
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":false})",
                    R"({"type":"object","additionalProperties":false,"properties":{"x":false}})"),
              IsEmpty());
}

TEST(JsonSchemaCompatibilityTest, RequiredAndAdditionalProperties) {
  const char* optional = R"({"type":"object","properties":{"a":{"type":"string"}}})";
  const char* required =
      R"({"type":"object","required":["a"],"properties":{"a":{"type":"string"}}})";
  EXPECT_THAT(Kinds(required, optional), ElementsAre("REQUIRED_ATTRIBUTE_ADDED at #/required/a"));
  EXPECT_THAT(Kinds(optional, required), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","required":["a"],
                        "properties":{"a":{"type":"string","default":""}}})",
                    optional),
              IsEmpty());
  EXPECT_THAT(Kinds(kClosed, kOpen),
              ElementsAre("ADDITIONAL_PROPERTIES_REMOVED at #/additionalProperties"));
  EXPECT_THAT(Kinds(kOpen, kClosed), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","additionalProperties":{"type":"string"}})",
                    R"({"type":"object"})"),
              ElementsAre("ADDITIONAL_PROPERTIES_NARROWED at #/additionalProperties"));
}

TEST(JsonSchemaCompatibilityTest, Types) {
  EXPECT_THAT(Kinds(R"({"type":"number"})", R"({"type":"integer"})"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"integer"})", R"({"type":"number"})"),
              ElementsAre("TYPE_NARROWED at #/type"));
  EXPECT_THAT(Kinds(R"({"type":"integer"})", R"({"type":"string"})"),
              ElementsAre("TYPE_CHANGED at #/type"));
  EXPECT_THAT(Kinds(R"({"type":["string","null"]})", R"({"type":"string"})"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"string"})", R"({"type":["string","null"]})"),
              ElementsAre("TYPE_CHANGED at #/type"));
  // {} and true read anything; a typed reader cannot read what {} admits.
  EXPECT_THAT(Kinds("{}", R"({"type":"object","required":["a"]})"), IsEmpty());
  EXPECT_THAT(Kinds("true", "false"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"string"})", "{}"), ElementsAre("TYPE_CHANGED at #/type"));
  EXPECT_THAT(Kinds("false", R"({"type":"string"})"), ElementsAre("TYPE_CHANGED at #"));
  CheckJsonSchemaReadCompatibility(Parse(R"({"type":"integer"})"), Parse(R"({"type":"string"})"));
  std::vector<Incompatibility> i = CheckJsonSchemaReadCompatibility(
      Parse(R"({"type":"integer"})"), Parse(R"({"type":["string","boolean"]})"));
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(i[0].message,
            "the reader does not admit writer type boolean, string (reader: integer)");
}

TEST(JsonSchemaCompatibilityTest, StringNumberArrayAndEnumConstraints) {
  EXPECT_THAT(Kinds(R"({"type":"string","maxLength":5})", R"({"type":"string","maxLength":9})"),
              ElementsAre("MAX_LENGTH_DECREASED at #/maxLength"));
  EXPECT_THAT(Kinds(R"({"type":"string","maxLength":9})", R"({"type":"string","maxLength":5})"),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"string","minLength":1})", R"({"type":"string"})"),
              ElementsAre("MIN_LENGTH_ADDED at #/minLength"));
  EXPECT_THAT(Kinds(R"({"type":"string","pattern":"^a"})", R"({"type":"string"})"),
              ElementsAre("PATTERN_ADDED at #/pattern"));
  EXPECT_THAT(Kinds(R"({"type":"string"})", R"({"type":"string","pattern":"^a"})"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"number","maximum":10,"minimum":-5})",
                    R"({"type":"number","maximum":20,"minimum":0})"),
              ElementsAre("MAXIMUM_DECREASED at #/maximum"));
  EXPECT_THAT(Kinds(R"({"type":"integer","multipleOf":2})", R"({"type":"integer","multipleOf":4})"),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"integer","multipleOf":4})", R"({"type":"integer","multipleOf":2})"),
              ElementsAre("MULTIPLE_OF_CHANGED at #/multipleOf"));
  EXPECT_THAT(Kinds(R"({"type":"array","items":{"type":"number"}})",
                    R"({"type":"array","items":{"type":"integer"}})"),
              IsEmpty());
  EXPECT_THAT(
      Kinds(R"({"type":"array","items":{"type":"integer"},"minItems":1,"uniqueItems":true})",
            R"({"type":"array","items":{"type":"number"}})"),
      ElementsAre("TYPE_NARROWED at #/items/type", "MIN_ITEMS_ADDED at #/minItems",
                  "UNIQUE_ITEMS_ADDED at #/uniqueItems"));
  EXPECT_THAT(Kinds(R"({"type":"array","items":{"type":"string"}})", R"({"type":"array"})"),
              ElementsAre("SCHEMA_ADDED at #/items"));
  EXPECT_THAT(Kinds(R"({"enum":["a","b","c"]})", R"({"enum":["a","b"]})"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"enum":["a"]})", R"({"enum":["a","b"]})"),
              ElementsAre("ENUM_ARRAY_NARROWED at #/enum"));
  EXPECT_THAT(Kinds(R"({"const":"a"})", R"({"enum":["a"]})"), IsEmpty());
}

TEST(JsonSchemaCompatibilityTest, Combinators) {
  // The nullable field Confluent's serializers generate: a plain writer is read by a branch.
  const char* nullable = R"({"oneOf":[{"type":"null"},{"type":"string"}]})";
  EXPECT_THAT(Kinds(nullable, R"({"type":"string"})"), IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"string"})", nullable), ElementsAre("TYPE_CHANGED at #/type"));
  EXPECT_THAT(Kinds(R"({"anyOf":[{"type":"string"},{"type":"number"},{"type":"null"}]})",
                    R"({"anyOf":[{"type":"string"},{"type":"integer"}]})"),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"anyOf":[{"type":"string"}]})",
                    R"({"anyOf":[{"type":"string"},{"type":"integer"}]})"),
              ElementsAre("SUM_TYPE_NARROWED at #/anyOf"));
  EXPECT_THAT(Kinds(R"({"allOf":[{"type":"string"},{"maxLength":3}]})",
                    R"({"oneOf":[{"type":"string"},{"maxLength":3}]})"),
              ElementsAre("COMBINED_TYPE_CHANGED at #/allOf"));
  EXPECT_THAT(Kinds(R"({"anyOf":[{"type":"string"},{"type":"boolean"}]})",
                    R"({"anyOf":[{"type":"string"},{"type":"integer"}]})"),
              ElementsAre("COMBINED_TYPE_SUBSCHEMAS_CHANGED at #/anyOf"));
  // allOf may lose subschemas (fewer constraints), not gain them.
  EXPECT_THAT(
      Kinds(R"({"allOf":[{"type":"string"}]})", R"({"allOf":[{"type":"string"},{"maxLength":3}]})"),
      IsEmpty());
  EXPECT_THAT(
      Kinds(R"({"allOf":[{"type":"string"},{"maxLength":3}]})", R"({"allOf":[{"type":"string"}]})"),
      ElementsAre("PRODUCT_TYPE_EXTENDED at #/allOf"));
}

TEST(JsonSchemaCompatibilityTest, RecursionThroughReferences) {
  const char* tree = R"({"$ref":"#/definitions/node","definitions":{"node":{"type":"object",
      "properties":{"v":{"type":"%s"},"kids":{"type":"array","items":{"$ref":"#/definitions/node"}}}}}})";
  auto with = [&](std::string_view type) {
    std::string s = tree;
    return s.replace(s.find("%s"), 2, type);
  };
  std::string ints = with("integer");
  std::string numbers = with("number");
  EXPECT_THAT(Kinds(numbers, ints), IsEmpty());
  EXPECT_THAT(Kinds(ints, numbers),
              ElementsAre("TYPE_NARROWED at #/definitions/node/properties/v/type"));
  EXPECT_THAT(Kinds(ints, ints), IsEmpty());
}

TEST(JsonSchemaCompatibilityTest, UnmodelledKeywordsAreComparedConservatively) {
  EXPECT_THAT(Kinds(R"({"type":"object","not":{"required":["x"]}})", R"({"type":"object"})"),
              ElementsAre("UNSUPPORTED_KEYWORD_CHANGED at #/not"));
  EXPECT_THAT(Kinds(R"({"type":"object"})", R"({"type":"object","not":{"required":["x"]}})"),
              IsEmpty());
  EXPECT_THAT(Kinds(R"({"type":"object","not":{"required":["x"]}})",
                    R"({"type":"object","not":{"required":["x"]}})"),
              IsEmpty());
  // Metadata and custom keywords never matter.
  EXPECT_THAT(Kinds(R"({"type":"string","title":"new","description":"d","default":"x",
                        "format":"email","x-owner":"me"})",
                    R"({"type":"string","title":"old"})"),
              IsEmpty());
}

TEST(JsonSchemaCompatibilityTest, Levels) {
  JsonSchema v1 = Parse(kClosed);
  JsonSchema v2 = Parse(R"({"type":"object","additionalProperties":false,"properties":{
      "name":{"type":"string"},"age":{"type":"integer"}}})");
  std::vector<const JsonSchema*> previous = {&v1};
  // Adding an optional property to a closed model is BACKWARD; old readers (closed) reject
  // documents carrying it, so not FORWARD.
  EXPECT_TRUE(
      CheckJsonSchemaCompatibility(CompatibilityLevel::kBackward, v2, previous).compatible());
  CompatibilityReport forward =
      CheckJsonSchemaCompatibility(CompatibilityLevel::kForward, v2, previous);
  EXPECT_THAT(forward.Messages(CompatibilityLevel::kForward, {"version 1"}),
              ElementsAre("FORWARD: earlier version 1 cannot read data written with the new "
                          "schema: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at "
                          "#/properties/age: property \"age\" was removed, and the reader's "
                          "closed content model rejects documents that still have it"));
  EXPECT_FALSE(CheckJsonSchemaCompatibility(CompatibilityLevel::kFull, v2, previous).compatible());
}

}  // namespace
}  // namespace oxbow::registry
