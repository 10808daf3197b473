#include "registry/avro_compatibility.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/avro_parser.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

AvroSchema Parse(std::string_view text) {
  Result<AvroSchema> s = ParseAvroSchema(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  if (!s.ok()) return std::move(ParseAvroSchema("\"null\"")).value();
  return std::move(s).value();
}

// The incompatibilities of reader `r` reading writer `w`, as "KIND at PATH: MESSAGE" lines.
std::vector<std::string> Problems(std::string_view r, std::string_view w) {
  std::vector<std::string> out;
  for (const Incompatibility& i : CheckAvroReadCompatibility(Parse(r), Parse(w))) {
    out.push_back(i.ToString());
  }
  return out;
}

bool CanRead(std::string_view r, std::string_view w) { return Problems(r, w).empty(); }

std::string Record(std::string_view fields) {
  return fmt::format(R"({{"type":"record","name":"R","fields":[{}]}})", fields);
}

TEST(AvroCompatibilityTest, PrimitivePromotions) {
  const std::vector<std::string> types = {"null",  "boolean", "int",   "long",
                                          "float", "double",  "bytes", "string"};
  // reader → the writer types it can read.
  const std::map<std::string, std::vector<std::string>> readable = {
      {"null", {"null"}},
      {"boolean", {"boolean"}},
      {"int", {"int"}},
      {"long", {"int", "long"}},
      {"float", {"int", "long", "float"}},
      {"double", {"int", "long", "float", "double"}},
      {"bytes", {"bytes", "string"}},
      {"string", {"bytes", "string"}},
  };
  for (const std::string& r : types) {
    for (const std::string& w : types) {
      const std::vector<std::string>& ok = readable.at(r);
      bool want = std::find(ok.begin(), ok.end(), w) != ok.end();
      EXPECT_EQ(CanRead(fmt::format("\"{}\"", r), fmt::format("\"{}\"", w)), want)
          << r << " reads " << w;
    }
  }
  EXPECT_THAT(Problems("\"int\"", "\"long\""),
              ElementsAre("TYPE_MISMATCH at /: reader type int cannot read writer type long"));
}

TEST(AvroCompatibilityTest, FieldsByNameAliasAndDefault) {
  const std::string writer = Record(R"({"name":"id","type":"int"},{"name":"old","type":"string"})");
  // Dropping a field and adding one with a default are fine; reading a renamed field through
  // an alias too.
  EXPECT_TRUE(CanRead(
      Record(R"({"name":"id","type":"long"},{"name":"n","type":"int","default":1})"), writer));
  EXPECT_TRUE(CanRead(Record(R"({"name":"new","type":"bytes","aliases":["old"]})"), writer));
  EXPECT_THAT(
      Problems(Record(R"({"name":"id","type":"int"},{"name":"n","type":"int"})"), writer),
      ElementsAre("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: reader field \"n\" has no "
                  "default value and the writer record R has no such field"));
  // Every problem is reported, each at its place.
  EXPECT_THAT(
      Problems(Record(R"({"name":"id","type":"string"},{"name":"x","type":"int"},
                         {"name":"old","type":{"type":"array","items":"int"}})"),
               writer),
      ElementsAre("TYPE_MISMATCH at /fields/0/type: reader type string cannot read writer type int",
                  "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: reader field \"x\" has no "
                  "default value and the writer record R has no such field",
                  "TYPE_MISMATCH at /fields/2/type: reader type array cannot read writer type "
                  "string"));
  // A name and an alias that both match writer fields are ambiguous.
  EXPECT_THAT(Problems(Record(R"({"name":"id","type":"int","aliases":["old"]})"), writer),
              ElementsAre("READER_FIELD_MATCHES_SEVERAL_WRITER_FIELDS at /fields/0: reader field "
                          "\"id\" matches writer fields id, old through its name and aliases"));
}

TEST(AvroCompatibilityTest, NamedTypesMatchByUnqualifiedNameOrReaderAlias) {
  EXPECT_TRUE(CanRead(R"({"type":"record","name":"a.R","fields":[]})",
                      R"({"type":"record","name":"b.R","fields":[]})"));
  EXPECT_TRUE(CanRead(R"({"type":"record","name":"New","aliases":["b.Old"],"fields":[]})",
                      R"({"type":"record","name":"b.Old","fields":[]})"));
  // The alias is a full name: "Old" in namespace a is a.Old, not b.Old.
  EXPECT_THAT(Problems(R"({"type":"record","name":"a.New","aliases":["Old"],"fields":[]})",
                       R"({"type":"record","name":"b.Old","fields":[]})"),
              ElementsAre("NAME_MISMATCH at /name: reader record \"a.New\" does not match writer "
                          "name \"b.Old\" (neither by name nor by alias)"));
  // Writer aliases do not count.
  EXPECT_FALSE(CanRead(R"({"type":"enum","name":"New","symbols":["A"]})",
                       R"({"type":"enum","name":"Old","aliases":["New"],"symbols":["A"]})"));
}

TEST(AvroCompatibilityTest, Enums) {
  const char* writer = R"({"type":"enum","name":"E","symbols":["A","D","C","B"]})";
  EXPECT_THAT(Problems(R"({"type":"enum","name":"E","symbols":["A"]})", writer),
              ElementsAre("MISSING_ENUM_SYMBOLS at /symbols: reader enum E lacks writer symbols "
                          "[B, C, D] and has no default"));
  EXPECT_TRUE(CanRead(R"({"type":"enum","name":"E","symbols":["A","Z"],"default":"Z"})", writer));
  EXPECT_TRUE(CanRead(R"({"type":"enum","name":"E","symbols":["D","C","B","A","X"]})", writer));
}

TEST(AvroCompatibilityTest, FixedSizeAndName) {
  EXPECT_THAT(Problems(Record(R"({"name":"h","type":{"type":"fixed","name":"F","size":4}})"),
                       Record(R"({"name":"h","type":{"type":"fixed","name":"F","size":8}})")),
              ElementsAre("FIXED_SIZE_MISMATCH at /fields/0/type/size: reader fixed F has size 4, "
                          "writer fixed F has size 8"));
  EXPECT_FALSE(CanRead(R"({"type":"fixed","name":"F","size":4})",
                       R"({"type":"fixed","name":"G","size":4})"));
}

TEST(AvroCompatibilityTest, Unions) {
  // Writer union: every branch must be readable; each missing one is reported at its index.
  EXPECT_THAT(Problems(Record(R"({"name":"f","type":["null","string"]})"),
                       Record(R"({"name":"f","type":["null","string","int","boolean"]})")),
              ElementsAre("MISSING_UNION_BRANCH at /fields/0/type/2: reader union lacks a branch "
                          "that reads writer type int",
                          "MISSING_UNION_BRANCH at /fields/0/type/3: reader union lacks a branch "
                          "that reads writer type boolean"));
  // Reader union, plain writer: one branch must read it (with promotion).
  EXPECT_TRUE(CanRead(R"(["null","double"])", "\"int\""));
  EXPECT_THAT(Problems(R"(["null","string"])", "\"int\""),
              ElementsAre("MISSING_UNION_BRANCH at /: reader union lacks a branch that reads "
                          "writer type int"));
  // Plain reader, writer union: every branch must be readable by the reader.
  EXPECT_TRUE(CanRead("\"double\"", R"(["int","float"])"));
  EXPECT_THAT(Problems("\"string\"", R"(["null","string"])"),
              ElementsAre("TYPE_MISMATCH at /0: reader type string cannot read writer type null"));
  // Named branches are matched by name.
  const char* a = R"([{"type":"record","name":"A","fields":[]},
                      {"type":"record","name":"B","fields":[{"name":"x","type":"int"}]}])";
  const char* b = R"([{"type":"record","name":"B","fields":[{"name":"x","type":"long"}]},
                      {"type":"record","name":"A","fields":[]}])";
  EXPECT_TRUE(CanRead(b, a));
  EXPECT_FALSE(CanRead(a, b));
}

TEST(AvroCompatibilityTest, ArraysAndMapsRecurse) {
  EXPECT_TRUE(CanRead(R"({"type":"map","values":{"type":"array","items":"double"}})",
                      R"({"type":"map","values":{"type":"array","items":"int"}})"));
  EXPECT_THAT(Problems(R"({"type":"map","values":{"type":"array","items":"int"}})",
                       R"({"type":"map","values":{"type":"array","items":"double"}})"),
              ElementsAre("TYPE_MISMATCH at /values/items: reader type int cannot read writer "
                          "type double"));
  EXPECT_FALSE(CanRead(R"({"type":"map","values":"int"})", R"({"type":"array","items":"int"})"));
}

TEST(AvroCompatibilityTest, RecursiveSchemasTerminate) {
  const char* list_long = R"({"type":"record","name":"L","fields":[{"name":"v","type":"long"},
      {"name":"next","type":["null","L"]}]})";
  const char* list_int = R"({"type":"record","name":"L","fields":[{"name":"v","type":"int"},
      {"name":"next","type":["null","L"]}]})";
  EXPECT_TRUE(CanRead(list_long, list_int));
  EXPECT_THAT(Problems(list_int, list_long),
              ElementsAre("TYPE_MISMATCH at /fields/0/type: reader type int cannot read writer "
                          "type long"));
  // Cycles of different lengths: A→A against A→B→A, where the reader's A also reads B.
  const char* one = R"({"type":"record","name":"A","aliases":["B"],"fields":[
      {"name":"n","type":["null","A"]}]})";
  const char* two = R"({"type":"record","name":"A","fields":[{"name":"n","type":["null",
      {"type":"record","name":"B","fields":[{"name":"n","type":["null","A"]}]}]}]})";
  EXPECT_TRUE(CanRead(one, two));
  EXPECT_THAT(Problems(two, one),
              ElementsAre("MISSING_UNION_BRANCH at /fields/0/type/1: reader union lacks a branch "
                          "that reads writer type record A"));
}

TEST(AvroCompatibilityTest, SameSchemaIsAlwaysCompatible) {
  const char* s = R"({"type":"record","name":"T","fields":[
      {"name":"a","type":{"type":"enum","name":"E","symbols":["X","Y"]}},
      {"name":"b","type":["null",{"type":"fixed","name":"F","size":2},"E"]},
      {"name":"c","type":{"type":"map","values":["T","null"]}}]})";
  EXPECT_THAT(Problems(s, s), IsEmpty());
}

TEST(AvroCompatibilityTest, LevelsOverVersions) {
  AvroSchema v1 = Parse(Record(R"({"name":"f1","type":"string"})"));
  AvroSchema v2 =
      Parse(Record(R"({"name":"f1","type":"string"},{"name":"f2","type":"string","default":"x"})"));
  AvroSchema v3 = Parse(Record(R"({"name":"f1","type":"string"},{"name":"f2","type":"string"})"));
  std::vector<const AvroSchema*> previous = {&v1, &v2};
  // v3 reads v2's data (f2 is there) but not v1's (no f2, no default).
  EXPECT_TRUE(CheckAvroCompatibility(CompatibilityLevel::kBackward, v3, previous).compatible());
  CompatibilityReport transitive =
      CheckAvroCompatibility(CompatibilityLevel::kBackwardTransitive, v3, previous);
  ASSERT_EQ(transitive.violations.size(), 1u);
  EXPECT_EQ(transitive.violations[0].previous_index, 0u);
  EXPECT_THAT(
      transitive.Messages(CompatibilityLevel::kBackwardTransitive, {"version 1", "version 2"}),
      ElementsAre("BACKWARD_TRANSITIVE: the new schema cannot read data written with "
                  "earlier version 1: READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: "
                  "reader field \"f2\" has no default value and the writer record R has "
                  "no such field"));
  // Old readers ignore the new field: FORWARD holds all the way.
  EXPECT_TRUE(CheckAvroCompatibility(CompatibilityLevel::kFullTransitive, v2, std::vector{&v1})
                  .compatible());
  EXPECT_TRUE(
      CheckAvroCompatibility(CompatibilityLevel::kForwardTransitive, v3, previous).compatible());
  // Removing a field without a default breaks FORWARD: v3 readers need f2.
  AvroSchema v4 = Parse(Record(R"({"name":"f1","type":"string"})"));
  std::vector<const AvroSchema*> after_v3 = {&v3};
  CompatibilityReport forward = CheckAvroCompatibility(CompatibilityLevel::kForward, v4, after_v3);
  ASSERT_EQ(forward.violations.size(), 1u);
  EXPECT_EQ(forward.violations[0].direction, CheckDirection::kOldReadsNew);
  EXPECT_TRUE(CheckAvroCompatibility(CompatibilityLevel::kBackward, v4, after_v3).compatible());
  EXPECT_FALSE(CheckAvroCompatibility(CompatibilityLevel::kFull, v4, after_v3).compatible());
  EXPECT_TRUE(CheckAvroCompatibility(CompatibilityLevel::kNone, v4, after_v3).compatible());
}

}  // namespace
}  // namespace oxbow::registry
