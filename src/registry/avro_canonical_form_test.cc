#include "registry/avro_canonical_form.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "registry/avro_parser.h"
#include "registry/schema_fingerprint.h"

namespace oxbow::registry {
namespace {

AvroSchema Parse(std::string_view text) {
  Result<AvroSchema> s = ParseAvroSchema(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  if (!s.ok()) return std::move(ParseAvroSchema("\"null\"")).value();
  return std::move(s).value();
}

struct CanonicalCase {
  const char* input;
  const char* canonical;
  // The Rabin fingerprint as Java prints it (signed); 0 = not checked. The values were
  // computed with an independent Python implementation of the spec's algorithm and agree
  // with the Avro project's published test vectors.
  int64_t fingerprint;
};

// Each transformation rule of the spec: [PRIMITIVES], [FULLNAMES], [STRIP], [ORDER],
// [STRINGS], [INTEGERS], [WHITESPACE].
const CanonicalCase kCases[] = {
    {"\"null\"", "\"null\"", 7195948357588979594},
    {"{\"type\":\"null\"}", "\"null\"", 7195948357588979594},
    {"\"boolean\"", "\"boolean\"", -6970731678124411036},
    {"{ \"type\" : \"int\" }", "\"int\"", 8247732601305521295},
    {"\"long\"", "\"long\"", -3434872931120570953},
    {"\"float\"", "\"float\"", 5583340709985441680},
    {"\"double\"", "\"double\"", -8181574048448539266},
    {"\"bytes\"", "\"bytes\"", 5746618253357095269},
    {"\"string\"", "\"string\"", -8142146995180207161},
    {"[  ]", "[]", -1241056759729112623},
    {"[ \"int\"  ]", "[\"int\"]", -5232228896498058493},
    {"[ \"int\" , {\"type\":\"boolean\"} ]", "[\"int\",\"boolean\"]", 5392556393470105090},
    {R"({"fields":[], "type":"record", "name":"foo"})",
     R"({"name":"foo","type":"record","fields":[]})", -4824392279771201922},
    {R"({"fields":[], "type":"record", "name":"foo", "namespace":"x.y"})",
     R"({"name":"x.y.foo","type":"record","fields":[]})", 5916914534497305771},
    {R"({"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"})",
     R"({"name":"a.b.foo","type":"record","fields":[]})", -4616218487480524110},
    {R"({"fields":[], "type":"record", "name":"foo", "doc":"Useful info",
         "aliases":["foo","bar"], "custom": {"k": 1}})",
     R"({"name":"foo","type":"record","fields":[]})", -4824392279771201922},
    {R"({"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"})",
     R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]})",
     7843277075252814651},
    {R"({ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
                    {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
          "type":"record", "name":"foo"})",
     R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},)"
     R"({"name":"f2","type":"int"}]})",
     -4860222112080293046},
    {R"({"type":"enum", "name":"foo", "symbols":["A1"]})",
     R"({"name":"foo","type":"enum","symbols":["A1"]})", -6342190197741309591},
    {R"({"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar",
         "symbols":["A1", "A2"], "default": "A2"})",
     R"({"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]})", -4448647247586288245},
    {R"({"name":"foo","type":"fixed","size":15})", R"({"name":"foo","type":"fixed","size":15})",
     1756455273707447556},
    {R"({"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32})",
     R"({"name":"x.y.z.foo","type":"fixed","size":32})", -3064184465700546786},
    {R"({ "items":{"type":"null"}, "type":"array"})", R"({"type":"array","items":"null"})",
     -589620603366471059},
    {R"({ "values":"string", "type":"map"})", R"({"type":"map","values":"string"})",
     -8732877298790414990},
    // A recursive record: the second occurrence is the full name.
    {R"({"name":"PigValue","type":"record",
         "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]})",
     R"({"name":"PigValue","type":"record","fields":[{"name":"value","type":)"
     R"(["null","int","long","PigValue"]}]})",
     -1759257747318642341},
    // Logical types are stripped ([STRIP]); \u escapes become UTF-8 ([STRINGS]).
    {R"({"type":"record","name":"T","namespace":"n\u0073","fields":[
         {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
         {"name":"d","type":{"type":"fixed","name":"D","size":8,"logicalType":"decimal",
                             "precision":10}}]})",
     R"({"name":"ns.T","type":"record","fields":[{"name":"ts","type":"long"},)"
     R"({"name":"d","type":{"name":"ns.D","type":"fixed","size":8}}]})",
     0},
    // References use full names, nested types inherit namespaces ([FULLNAMES]).
    {R"({"type":"record","name":"Outer","namespace":"a","fields":[
         {"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},
         {"name":"again","type":"E"},
         {"name":"other","type":{"type":"record","name":"b.Inner","fields":[
             {"name":"r","type":"a.E"}]}}]})",
     R"({"name":"a.Outer","type":"record","fields":[{"name":"e","type":{"name":"a.E",)"
     R"("type":"enum","symbols":["X"]}},{"name":"again","type":"a.E"},{"name":"other","type":)"
     R"({"name":"b.Inner","type":"record","fields":[{"name":"r","type":"a.E"}]}}]})",
     0},
    // "error" records are records in the canonical form.
    {R"({"type":"error","name":"Oops","fields":[]})",
     R"({"name":"Oops","type":"record","fields":[]})", 0},
};

TEST(AvroCanonicalFormTest, SpecTransformations) {
  for (const CanonicalCase& c : kCases) {
    AvroSchema s = Parse(c.input);
    EXPECT_EQ(AvroParsingCanonicalForm(s), c.canonical) << c.input;
    if (c.fingerprint != 0) {
      EXPECT_EQ(static_cast<int64_t>(AvroParsingFingerprint64(s)), c.fingerprint) << c.input;
    }
  }
}

TEST(AvroCanonicalFormTest, CanonicalFormParsesToItself) {
  for (const CanonicalCase& c : kCases) {
    AvroSchema again = Parse(c.canonical);
    EXPECT_EQ(AvroParsingCanonicalForm(again), c.canonical);
  }
}

TEST(AvroNormalizedFormTest, KeepsEveryAttributeInAStableOrder) {
  AvroSchema s = Parse(R"({
    "namespace": "com.acme", "type": "record", "name": "Payment", "doc": "A payment",
    "aliases": ["Pay", "Old"], "zeta": 1, "alpha": {"b": 2, "a": 1},
    "fields": [
      {"type": {"type": "long", "logicalType": "timestamp-millis"}, "name": "ts",
       "doc": "when", "default": 0, "order": "descending", "aliases": ["time"], "x-prop": true},
      {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["A", "B"],
                                "default": "A"}, "order": "ascending"},
      {"name": "again", "type": ["null", "Suit"], "default": null}
    ]})");
  EXPECT_EQ(AvroNormalizedForm(s),
            R"({"type":"record","name":"com.acme.Payment","doc":"A payment",)"
            R"("aliases":["com.acme.Old","com.acme.Pay"],"fields":[)"
            R"({"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"},)"
            R"("doc":"when","default":0,"order":"descending","aliases":["time"],"x-prop":true},)"
            R"({"name":"suit","type":{"type":"enum","name":"com.acme.Suit","symbols":["A","B"],)"
            R"("default":"A"}},)"
            R"({"name":"again","type":["null","com.acme.Suit"],"default":null}],)"
            R"("alpha":{"a":1,"b":2},"zeta":1})");
}

TEST(AvroNormalizedFormTest, SameSchemaSpelledDifferently) {
  const char* a = R"({"type":"record","name":"R","namespace":"ns","aliases":["A"],"fields":[
      {"name":"f","type":{"type":"int"},"order":"ascending"}]})";
  const char* b = R"({"fields":[{"type":"int","name":"f"}],"aliases":["ns.A"],"name":"ns.R",
      "type":"record"})";
  EXPECT_EQ(AvroNormalizedForm(Parse(a)), AvroNormalizedForm(Parse(b)));
}

TEST(AvroNormalizedFormTest, DocDefaultsAndPropertiesMakeADifference) {
  const char* base = R"({"type":"record","name":"R","fields":[{"name":"f","type":"int"}]})";
  const char* variants[] = {
      R"({"type":"record","name":"R","doc":"d","fields":[{"name":"f","type":"int"}]})",
      R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","default":1}]})",
      R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":""}]})",
      R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"ignore"}]})",
      R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","aliases":["g"]}]})",
      R"({"type":"record","name":"R","fields":[{"name":"f","type":
          {"type":"int","logicalType":"date"}}]})",
      R"({"type":"record","name":"R","connect.version":1,"fields":[{"name":"f","type":"int"}]})",
  };
  std::string normalized = AvroNormalizedForm(Parse(base));
  EXPECT_EQ(normalized, R"({"type":"record","name":"R","fields":[{"name":"f","type":"int"}]})");
  for (const char* v : variants) {
    AvroSchema s = Parse(v);
    EXPECT_NE(AvroNormalizedForm(s), normalized) << v;
    // None of these change how data is read.
    EXPECT_EQ(AvroParsingCanonicalForm(s), AvroParsingCanonicalForm(Parse(base))) << v;
  }
}

TEST(AvroNormalizedFormTest, NormalizedFormParsesToTheSameSchema) {
  const char* schemas[] = {
      R"({"type":"record","name":"List","namespace":"x","fields":[
          {"name":"head","type":{"type":"bytes","logicalType":"decimal","precision":4}},
          {"name":"tail","type":["null","List"],"default":null,"doc":"rest \u00e9"}]})",
      R"({"type":"error","name":"E","fields":[]})",
      R"({"type":"map","values":{"type":"array","items":{"type":"fixed","name":"F","size":3}}})",
  };
  for (const char* text : schemas) {
    std::string normalized = AvroNormalizedForm(Parse(text));
    EXPECT_EQ(AvroNormalizedForm(Parse(normalized)), normalized);
  }
}

}  // namespace
}  // namespace oxbow::registry
