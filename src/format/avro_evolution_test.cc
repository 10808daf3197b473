// Schema resolution: data written with one schema, read with another.
#include "format/avro_decoder.h"
#include "format/avro_json.h"
#include "format/avro_test_util.h"
#include "gtest/gtest.h"

namespace oxbow::format {
namespace {

using testing::Schema;
using Json = nlohmann::json;

// Writes `json` with `writer`, reads it with `reader`, returns the reader's JSON (compact).
std::string Evolve(std::string_view writer_text, std::string_view json,
                   std::string_view reader_text) {
  registry::AvroSchema writer = Schema(writer_text);
  registry::AvroSchema reader = Schema(reader_text);
  ByteBuffer bytes;
  Status s = EncodeAvroJson(Json::parse(json), writer, &bytes);
  if (!s.ok()) return "encode: " + s.ToString();
  Result<AvroDecoder> d = AvroDecoder::Compile(writer, reader);
  if (!d.ok()) return "compile: " + d.status().ToString();
  AvroValue v;
  s = d->Decode(bytes.view(), &v);
  if (!s.ok()) return "decode: " + s.ToString();
  Result<Json> out = AvroValueToJson(v, reader);
  if (!out.ok()) return "to json: " + out.status().ToString();
  return out->dump();
}

TEST(AvroEvolutionTest, Promotions) {
  EXPECT_EQ(Evolve(R"("int")", "-5", R"("long")"), "-5");
  EXPECT_EQ(Evolve(R"("int")", "7", R"("float")"), "7.0");
  EXPECT_EQ(Evolve(R"("int")", "2147483647", R"("double")"), "2147483647.0");
  EXPECT_EQ(Evolve(R"("long")", "1099511627776", R"("float")"), "1099511627776.0");
  EXPECT_EQ(Evolve(R"("long")", "-9007199254740992", R"("double")"), "-9.007199254740992e+15");
  EXPECT_EQ(Evolve(R"("float")", "0.5", R"("double")"), "0.5");
  EXPECT_EQ(Evolve(R"("string")", R"("héllo")", R"("bytes")"), R"("hÃ©llo")");
  EXPECT_EQ(Evolve(R"("bytes")", R"("abc")", R"("string")"), R"("abc")");
  // Inside containers too.
  EXPECT_EQ(Evolve(R"({"type": "array", "items": "int"})", "[1, 2]",
                   R"({"type": "array", "items": "double"})"),
            "[1.0,2.0]");
  EXPECT_EQ(Evolve(R"({"type": "map", "values": "float"})", R"({"a": 1.5})",
                   R"({"type": "map", "values": "double"})"),
            R"({"a":1.5})");
}

TEST(AvroEvolutionTest, RemovedAndReorderedFieldsAndAliases) {
  const char* writer = R"({"type": "record", "name": "R", "fields": [
      {"name": "a", "type": "int"},
      {"name": "gone", "type": {"type": "array", "items": {"type": "record", "name": "G",
        "fields": [{"name": "s", "type": "string"}, {"name": "m", "type":
                   {"type": "map", "values": ["null", "double"]}}]}}},
      {"name": "b", "type": "string"},
      {"name": "old_name", "type": "long"}]})";
  const char* reader = R"({"type": "record", "name": "R", "fields": [
      {"name": "new_name", "aliases": ["old_name"], "type": "long"},
      {"name": "b", "type": "string"},
      {"name": "a", "type": "long"}]})";
  EXPECT_EQ(Evolve(writer, R"({"a": 1, "gone": [{"s": "x", "m": {"k": {"double": 2.5},
                                "n": null}}, {"s": "y", "m": {}}], "b": "B", "old_name": 9})",
                   reader),
            R"({"a":1,"b":"B","new_name":9})");
}

TEST(AvroEvolutionTest, DefaultsOfEveryType) {
  const char* writer = R"({"type": "record", "name": "R", "fields": [
      {"name": "id", "type": "int"}]})";
  const char* reader = R"({"type": "record", "name": "R", "fields": [
      {"name": "id", "type": "int"},
      {"name": "n", "type": "null", "default": null},
      {"name": "b", "type": "boolean", "default": true},
      {"name": "i", "type": "int", "default": -1},
      {"name": "l", "type": "long", "default": 12345678901},
      {"name": "f", "type": "float", "default": 1.5},
      {"name": "d", "type": "double", "default": 2.5},
      {"name": "by", "type": "bytes", "default": "\u00ff\u0000"},
      {"name": "s", "type": "string", "default": "none"},
      {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]},
       "default": "Y"},
      {"name": "fx", "type": {"type": "fixed", "name": "F2", "size": 2}, "default": "ab"},
      {"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, 2]},
      {"name": "m", "type": {"type": "map", "values": "string"}, "default": {"k": "v"}},
      {"name": "r", "type": {"type": "record", "name": "Sub", "fields": [
         {"name": "x", "type": "int"}, {"name": "y", "type": "string", "default": "dy"}]},
       "default": {"x": 3}},
      {"name": "u1", "type": ["null", "string"], "default": null},
      {"name": "u2", "type": ["int", "null"], "default": 5},
      {"name": "ra", "type": {"type": "array", "items": "Sub"}, "default": [{"x": 1, "y": "z"}]}
  ]})";
  EXPECT_EQ(Evolve(writer, R"({"id": 1})", reader),
            R"({"a":[1,2],"b":true,"by":"ÿ\u0000","d":2.5,"e":"Y","f":1.5,"fx":"ab","i":-1,)"
            R"("id":1,"l":12345678901,"m":{"k":"v"},"n":null,"r":{"x":3,"y":"dy"},)"
            R"("ra":[{"x":1,"y":"z"}],"s":"none","u1":null,"u2":{"int":5}})");
}

TEST(AvroEvolutionTest, EnumSymbolsRemapByName) {
  const char* writer = R"({"type": "enum", "name": "E", "symbols": ["A", "B", "C"]})";
  const char* reader = R"({"type": "enum", "name": "E", "symbols": ["C", "A"], "default": "A"})";
  EXPECT_EQ(Evolve(writer, R"("C")", reader), R"("C")");
  EXPECT_EQ(Evolve(writer, R"("A")", reader), R"("A")");
  EXPECT_EQ(Evolve(writer, R"("B")", reader), R"("A")");  // unknown: the reader's default

  registry::AvroSchema w = Schema(writer);
  registry::AvroSchema r = Schema(reader);
  AvroValue v;
  std::vector<uint8_t> c = {0x04};  // writer index 2, "C"
  ASSERT_TRUE(AvroDecoder::Compile(w, r)->Decode(c, &v).ok());
  EXPECT_EQ(v.enum_index(), 0);
  EXPECT_EQ(v.enum_symbol(), "C");
}

TEST(AvroEvolutionTest, UnionsOnEitherSide) {
  // Writer plain, reader union.
  EXPECT_EQ(Evolve(R"("string")", R"("x")", R"(["null", "string"])"), R"({"string":"x"})");
  EXPECT_EQ(Evolve(R"("int")", "3", R"(["null", "string", "long"])"), R"({"long":3})");
  // Writer union, reader plain: every writer branch must be readable.
  EXPECT_EQ(Evolve(R"(["int", "long"])", R"({"int": 4})", R"("double")"), "4.0");
  EXPECT_EQ(Evolve(R"(["int", "long"])", R"({"long": 5})", R"("long")"), "5");
  // Both unions, different order; exact type preferred over promotion.
  EXPECT_EQ(Evolve(R"(["null", "string", "int"])", R"({"int": 6})",
                   R"(["long", "int", "string", "null"])"),
            R"({"int":6})");
  EXPECT_EQ(Evolve(R"(["null", "string"])", "null", R"(["string", "null"])"), "null");
  EXPECT_EQ(Evolve(R"(["null", "int"])", R"({"int": 7})", R"(["null", "long"])"), R"({"long":7})");
  // Named branches resolve by name, and evolve inside.
  const char* w = R"(["null", {"type": "record", "name": "a.P", "fields": [
      {"name": "x", "type": "int"}]}, {"type": "record", "name": "a.Q", "fields": [
      {"name": "y", "type": "int"}]}])";
  const char* r = R"([{"type": "record", "name": "a.Q", "fields": [
      {"name": "y", "type": "long"}, {"name": "z", "type": "int", "default": 0}]},
      {"type": "record", "name": "a.P", "fields": [{"name": "x", "type": "int"}]}, "null"])";
  EXPECT_EQ(Evolve(w, R"({"a.Q": {"y": 8}})", r), R"({"a.Q":{"y":8,"z":0}})");
  EXPECT_EQ(Evolve(w, R"({"a.P": {"x": 9}})", r), R"({"a.P":{"x":9}})");
}

TEST(AvroEvolutionTest, RecursiveSchemas) {
  const char* writer = R"({"type": "record", "name": "Node", "fields": [
      {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]})";
  const char* reader = R"({"type": "record", "name": "Node", "fields": [
      {"name": "v", "type": "long"}, {"name": "tag", "type": "string", "default": "t"},
      {"name": "next", "type": ["null", "Node"]}]})";
  EXPECT_EQ(Evolve(writer, R"({"v": 1, "next": {"Node": {"v": 2, "next": null}}})", reader),
            R"({"next":{"Node":{"next":null,"tag":"t","v":2}},"tag":"t","v":1})");
}

TEST(AvroEvolutionTest, IncompatiblePairsFailToCompileWithTheRegistrysMessage) {
  registry::AvroSchema writer = Schema(R"({"type": "record", "name": "R", "fields": [
      {"name": "a", "type": "string"}]})");
  registry::AvroSchema reader = Schema(R"({"type": "record", "name": "R", "fields": [
      {"name": "a", "type": "int"}, {"name": "b", "type": "int"}]})");
  Result<AvroDecoder> d = AvroDecoder::Compile(writer, reader);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.status().message(),
            "reader schema cannot read data written with the writer schema: TYPE_MISMATCH at "
            "/fields/0/type: reader type int cannot read writer type string; "
            "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: reader field \"b\" has no default "
            "value and the writer record R has no such field");

  EXPECT_FALSE(AvroDecoder::Compile(Schema(R"(["int", "string"])"), Schema(R"("int")")).ok());
  EXPECT_FALSE(AvroDecoder::Compile(Schema(R"({"type":"enum","name":"E","symbols":["A","B"]})"),
                                    Schema(R"({"type":"enum","name":"E","symbols":["A"]})"))
                   .ok());
}

}  // namespace
}  // namespace oxbow::format
