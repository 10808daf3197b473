#include "registry/avro_parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ErrorOf(std::string_view text) {
  Result<AvroSchema> s = ParseAvroSchema(text);
  EXPECT_FALSE(s.ok()) << "parsed: " << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(ToStd(s.status().message()));
}

AvroSchema Parse(std::string_view text) {
  Result<AvroSchema> s = ParseAvroSchema(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  if (!s.ok()) return std::move(ParseAvroSchema("\"null\"")).value();
  return std::move(s).value();
}

TEST(AvroParserTest, Primitives) {
  for (std::string_view name :
       {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}) {
    AvroSchema plain = Parse(fmt::format("\"{}\"", name));
    EXPECT_EQ(AvroTypeName(plain.root().type), name);
    AvroSchema object = Parse(fmt::format("{{\"type\": \"{}\"}}", name));
    EXPECT_EQ(AvroTypeName(object.root().type), name);
  }
}

TEST(AvroParserTest, RecordWithEveryFieldAttribute) {
  AvroSchema s = Parse(R"({
    "type": "record", "name": "Payment", "namespace": "com.acme", "doc": "A payment",
    "aliases": ["OldPayment", "org.legacy.Pay"], "connect.name": "com.acme.Payment",
    "fields": [
      {"name": "id", "type": "string", "doc": "the id", "order": "descending",
       "aliases": ["payment_id"], "custom": [1, 2]},
      {"name": "amount", "type": "double", "default": 0.5, "order": "ignore"},
      {"name": "note", "type": ["null", "string"], "default": null}
    ]})");
  const AvroNode& r = s.root();
  ASSERT_EQ(r.type, AvroType::kRecord);
  EXPECT_EQ(r.full_name, "com.acme.Payment");
  EXPECT_EQ(r.name(), "Payment");
  EXPECT_EQ(r.name_space(), "com.acme");
  EXPECT_EQ(r.doc, "A payment");
  EXPECT_THAT(r.aliases, ElementsAre("com.acme.OldPayment", "org.legacy.Pay"));
  EXPECT_EQ(r.properties, nlohmann::json({{"connect.name", "com.acme.Payment"}}));
  ASSERT_EQ(r.fields.size(), 3u);
  const AvroField& id = r.fields[0];
  EXPECT_EQ(id.name, "id");
  EXPECT_EQ(id.type->type, AvroType::kString);
  EXPECT_EQ(id.doc, "the id");
  EXPECT_EQ(id.order, AvroFieldOrder::kDescending);
  EXPECT_THAT(id.aliases, ElementsAre("payment_id"));
  EXPECT_EQ(id.properties, nlohmann::json({{"custom", {1, 2}}}));
  EXPECT_FALSE(id.default_value.has_value());
  EXPECT_EQ(r.fields[1].order, AvroFieldOrder::kIgnore);
  EXPECT_EQ(*r.fields[1].default_value, nlohmann::json(0.5));
  EXPECT_EQ(r.fields[2].position, 2u);
  ASSERT_TRUE(r.fields[2].default_value.has_value());
  EXPECT_TRUE(r.fields[2].default_value->is_null());
  EXPECT_EQ(r.FindField("amount"), &r.fields[1]);
  EXPECT_EQ(r.FindField("nope"), nullptr);
}

TEST(AvroParserTest, EnumFixedArrayMapUnion) {
  AvroSchema s = Parse(R"({"type": "record", "name": "R", "fields": [
      {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS"],
                                "default": "SPADES"}},
      {"name": "hash", "type": {"type": "fixed", "name": "MD5", "size": 16}},
      {"name": "tags", "type": {"type": "array", "items": "string"}, "default": ["a"]},
      {"name": "counts", "type": {"type": "map", "values": "long"}, "default": {"x": 1}},
      {"name": "either", "type": ["int", "Suit", "MD5", {"type": "array", "items": "Suit"}]}
    ]})");
  const AvroNode& r = s.root();
  const AvroNode* suit = r.fields[0].type;
  EXPECT_EQ(suit->type, AvroType::kEnum);
  EXPECT_THAT(suit->symbols, ElementsAre("SPADES", "HEARTS"));
  EXPECT_EQ(suit->enum_default, "SPADES");
  EXPECT_EQ(r.fields[1].type->size, 16);
  EXPECT_EQ(r.fields[2].type->items->type, AvroType::kString);
  EXPECT_EQ(r.fields[3].type->values->type, AvroType::kLong);
  const AvroNode* u = r.fields[4].type;
  ASSERT_EQ(u->branches.size(), 4u);
  // References resolve to the one node of the definition.
  EXPECT_EQ(u->branches[1], suit);
  EXPECT_EQ(u->branches[2], r.fields[1].type);
  EXPECT_EQ(u->branches[3]->items, suit);
  EXPECT_EQ(s.FindNamed("Suit"), suit);
  EXPECT_EQ(s.named_types().size(), 3u);
}

TEST(AvroParserTest, NamespacesFromTheSpec) {
  // Inherited, explicit, dotted-name and null-namespace cases.
  AvroSchema s = Parse(R"({"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
      {"name": "inherit", "type": {"type": "fixed", "name": "F1", "size": 1}},
      {"name": "explicit", "type": {"type": "fixed", "name": "F2", "namespace": "x", "size": 1}},
      {"name": "dotted", "type": {"type": "fixed", "name": "y.F3", "namespace": "ignored",
                                   "size": 1}},
      {"name": "null_ns", "type": {"type": "record", "name": "R", "namespace": "", "fields": [
          {"name": "inner", "type": {"type": "fixed", "name": "F4", "size": 1}}]}},
      {"name": "nested", "type": {"type": "record", "name": "c.Mid", "fields": [
          {"name": "deep", "type": {"type": "enum", "name": "E", "symbols": []}}]}}
    ]})");
  std::vector<std::string> names;
  for (const AvroNode* n : s.named_types()) names.push_back(n->full_name);
  EXPECT_THAT(names, ElementsAre("a.b.Outer", "a.b.F1", "x.F2", "y.F3", "R", "F4", "c.Mid", "c.E"));
}

TEST(AvroParserTest, ReferencesResolveInTheEnclosingNamespaceThenTheNullOne) {
  AvroSchema s = Parse(R"({"type": "record", "name": "Top", "fields": [
      {"name": "g", "type": {"type": "fixed", "name": "Global", "size": 2}},
      {"name": "r", "type": {"type": "record", "name": "R", "namespace": "ns", "fields": [
          {"name": "local", "type": {"type": "fixed", "name": "Local", "size": 1}},
          {"name": "a", "type": "Local"},
          {"name": "b", "type": "ns.Local"},
          {"name": "c", "type": "Global"},
          {"name": "d", "type": {"type": "Local"}}]}}
    ]})");
  const AvroNode& r = *s.root().fields[1].type;
  const AvroNode* local = r.fields[0].type;
  EXPECT_EQ(local->full_name, "ns.Local");
  EXPECT_EQ(r.fields[1].type, local);
  EXPECT_EQ(r.fields[2].type, local);
  EXPECT_EQ(r.fields[3].type, s.root().fields[0].type);
  EXPECT_EQ(r.fields[4].type, local);
}

TEST(AvroParserTest, RecursiveRecord) {
  AvroSchema s = Parse(R"({"type": "record", "name": "List", "fields": [
      {"name": "head", "type": "int"},
      {"name": "tail", "type": ["null", "List"], "default": null}]})");
  EXPECT_EQ(s.root().fields[1].type->branches[1], &s.root());
}

TEST(AvroParserTest, ErrorTypeIsARecord) {
  AvroSchema s = Parse(R"({"type": "error", "name": "Oops", "fields": []})");
  EXPECT_EQ(s.root().type, AvroType::kRecord);
  EXPECT_TRUE(s.root().is_error);
}

TEST(AvroParserTest, EmptyUnionIsAccepted) { EXPECT_TRUE(Parse("[]").root().branches.empty()); }

TEST(AvroParserTest, LogicalTypes) {
  struct Case {
    std::string_view schema;
    AvroLogicalType want;
  };
  const Case cases[] = {
      {R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})",
       AvroLogicalType::kDecimal},
      {R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9})",
       AvroLogicalType::kDecimal},
      {R"({"type":"string","logicalType":"uuid"})", AvroLogicalType::kUuid},
      {R"({"type":"int","logicalType":"date"})", AvroLogicalType::kDate},
      {R"({"type":"int","logicalType":"time-millis"})", AvroLogicalType::kTimeMillis},
      {R"({"type":"long","logicalType":"time-micros"})", AvroLogicalType::kTimeMicros},
      {R"({"type":"long","logicalType":"timestamp-millis"})", AvroLogicalType::kTimestampMillis},
      {R"({"type":"long","logicalType":"timestamp-micros"})", AvroLogicalType::kTimestampMicros},
      {R"({"type":"long","logicalType":"local-timestamp-millis"})",
       AvroLogicalType::kLocalTimestampMillis},
      {R"({"type":"long","logicalType":"local-timestamp-micros"})",
       AvroLogicalType::kLocalTimestampMicros},
      {R"({"type":"fixed","name":"Dur","size":12,"logicalType":"duration"})",
       AvroLogicalType::kDuration},
      // Invalid ones degrade to the underlying type.
      {R"({"type":"string","logicalType":"date"})", AvroLogicalType::kNone},
      {R"({"type":"int","logicalType":"timestamp-millis"})", AvroLogicalType::kNone},
      {R"({"type":"long","logicalType":"time-millis"})", AvroLogicalType::kNone},
      {R"({"type":"fixed","name":"Dur","size":8,"logicalType":"duration"})",
       AvroLogicalType::kNone},
      {R"({"type":"string","logicalType":"decimal","precision":4})", AvroLogicalType::kNone},
      {R"({"type":"bytes","logicalType":"decimal"})", AvroLogicalType::kNone},
      {R"({"type":"bytes","logicalType":"decimal","precision":0})", AvroLogicalType::kNone},
      {R"({"type":"bytes","logicalType":"decimal","precision":"4"})", AvroLogicalType::kNone},
      {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":5})",
       AvroLogicalType::kNone},
      {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":-1})",
       AvroLogicalType::kNone},
      // fixed(4) holds at most 9 digits: floor(log10(2^31 - 1)).
      {R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":10})",
       AvroLogicalType::kNone},
      {R"({"type":"long","logicalType":"timestamp-nanos-of-the-future"})", AvroLogicalType::kNone},
  };
  for (const Case& c : cases) {
    AvroSchema s = Parse(c.schema);
    EXPECT_EQ(s.root().logical.type, c.want) << c.schema;
    // The attribute is kept either way.
    EXPECT_TRUE(s.root().properties.contains("logicalType")) << c.schema;
  }
  AvroSchema d = Parse(R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})");
  EXPECT_EQ(d.root().logical.precision, 10);
  EXPECT_EQ(d.root().logical.scale, 2);
}

TEST(AvroParserTest, ValidDefaults) {
  const char* cases[][2] = {
      {"\"null\"", "null"},
      {"\"boolean\"", "true"},
      {"\"int\"", "-2147483648"},
      {"\"long\"", "9223372036854775807"},
      {"\"float\"", "1"},
      {"\"double\"", "-1.5e10"},
      {"\"bytes\"", "\"\\u00ff\""},
      {"\"string\"", "\"x\""},
      {R"({"type":"enum","name":"E","symbols":["A","B"]})", "\"B\""},
      {R"({"type":"fixed","name":"F","size":2})", "\"ab\""},
      {R"({"type":"array","items":"int"})", "[1,2]"},
      {R"({"type":"map","values":"int"})", "{\"a\":1}"},
      {R"(["null","int"])", "null"},
      {R"(["int","null"])", "3"},
      {R"({"type":"record","name":"P","fields":[{"name":"x","type":"int"},
           {"name":"y","type":"int","default":7}]})",
       "{\"x\":1}"},
  };
  for (const auto& [type, value] : cases) {
    std::string schema = fmt::format(
        R"({{"type":"record","name":"R","fields":[{{"name":"f","type":{},"default":{}}}]}})", type,
        value);
    Result<AvroSchema> s = ParseAvroSchema(schema);
    EXPECT_TRUE(s.ok()) << schema << ": " << s.status();
  }
}

struct BadDefault {
  const char* type;
  const char* value;
  const char* message;
};

TEST(AvroParserTest, InvalidDefaultsSayWhatAndWhere) {
  const BadDefault cases[] = {
      {"\"null\"", "0", "expected null, got 0"},
      {"\"boolean\"", "\"true\"", "expected boolean, got \"true\""},
      {"\"int\"", "2147483648", "expected int (a JSON integer in the int32 range), got"},
      {"\"int\"", "1.5", "expected int"},
      {"\"long\"", "9223372036854775808", "expected long"},
      {"\"float\"", "\"NaN\"", "expected float (a JSON number)"},
      {"\"bytes\"", "[1]", "expected bytes (a JSON string)"},
      {"\"string\"", "null", "expected string, got null"},
      {R"({"type":"enum","name":"E","symbols":["A","B"]})", "\"C\"",
       "expected enum E (one of its symbols), got \"C\""},
      {R"({"type":"array","items":"int"})", "[1,\"2\"]", "default[1]: invalid default value"},
      {R"({"type":"map","values":"int"})", "{\"a\":\"x\"}", "default[\"a\"]: invalid"},
      {R"(["null","int"])", "3",
       "expected null, got 3 (the default of a union is a value of its first branch)"},
      {"[]", "null", "an empty union has no values"},
      {R"({"type":"record","name":"P","fields":[{"name":"x","type":"int"}]})", "{}",
       "field \"x\" of record P is missing and has no default"},
      {R"({"type":"record","name":"P","fields":[{"name":"x","type":"int"}]})", "{\"x\":\"1\"}",
       "default.x: invalid default value: expected int"},
  };
  for (const BadDefault& c : cases) {
    std::string schema = fmt::format(
        R"({{"type":"record","name":"R","fields":[{{"name":"a","type":"int"}},
            {{"name":"f","type":{},"default":{}}}]}})",
        c.type, c.value);
    std::string error = ErrorOf(schema);
    EXPECT_THAT(error, HasSubstr("at fields[1] (\"f\").default")) << schema;
    EXPECT_THAT(error, HasSubstr(c.message)) << schema;
  }
}

TEST(AvroParserTest, DefaultOfARecursiveRecordIsCheckedAfterTheRecordIsComplete) {
  Parse(R"({"type":"record","name":"Node","fields":[
      {"name":"v","type":"int","default":0},
      {"name":"next","type":["null","Node"],"default":null},
      {"name":"kids","type":{"type":"array","items":"Node"},"default":[{"v":1},{}]}]})");
  EXPECT_THAT(ErrorOf(R"({"type":"record","name":"Node","fields":[
      {"name":"v","type":"int"},
      {"name":"kids","type":{"type":"array","items":"Node"},"default":[{"v":1},{}]}]})"),
              HasSubstr("at fields[1] (\"kids\").default[1]: invalid default value: field \"v\" "
                        "of record Node is missing and has no default"));
}

struct BadSchema {
  const char* schema;
  const char* message;  // the whole message
};

TEST(AvroParserTest, InvalidSchemasSayWhatAndWhere) {
  const BadSchema cases[] = {
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
          {"name":"b","type":"int"},{"name":"amount","type":"strin"}]})",
       "at fields[2] (\"amount\").type: unknown type \"strin\""},
      {"\"strin\"", "unknown type \"strin\""},
      {"{\"type\":\"strin\"}", "unknown type \"strin\""},
      {"5", "a schema is a JSON string, object or array, got 5"},
      {"{}", "missing \"type\""},
      {R"({"type":{"type":"int"}})",
       "\"type\" must be a string naming the type, got {\"type\":\"int\"}"},
      {R"({"type":"record","fields":[]})", "a record needs a \"name\""},
      {R"({"type":"record","name":"R"})", "record \"R\" needs \"fields\""},
      {R"({"type":"record","name":"R","fields":{}})",
       "\"fields\" of record \"R\" must be an array, got {}"},
      {R"({"type":"record","name":"R","fields":["int"]})",
       "at fields[0]: a field must be a JSON object, got \"int\""},
      {R"({"type":"record","name":"R","fields":[{"type":"int"}]})",
       "at fields[0]: a field needs a \"name\" string"},
      {R"({"type":"record","name":"R","fields":[{"name":"a"}]})",
       "at fields[0] (\"a\"): field \"a\" needs a \"type\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
          {"name":"a","type":"long"}]})",
       "at fields[1] (\"a\"): duplicate field \"a\" in record \"R\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]})",
       "at fields[0] (\"a-b\"): invalid field name \"a-b\": a name is [A-Za-z_][A-Za-z0-9_]*"},
      {R"({"type":"record","name":"1R","fields":[]})",
       "invalid name \"1R\": a name is [A-Za-z_][A-Za-z0-9_]*, a namespace is names separated "
       "by dots"},
      {R"({"type":"record","name":"R","namespace":"a..b","fields":[]})",
       "invalid namespace \"a..b\": a namespace is names ([A-Za-z_][A-Za-z0-9_]*) separated by "
       "dots"},
      {R"({"type":"record","name":"a.","fields":[]})", "invalid name \"a.\""},
      {R"({"type":"record","name":"R","aliases":["x-y"],"fields":[]})", "invalid alias \"x-y\""},
      {R"({"type":"record","name":"R","aliases":"x","fields":[]})",
       "\"aliases\" must be an array of strings, got \"x\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b c"]}]})",
       "at fields[0] (\"a\"): invalid field alias \"b c\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]})",
       "at fields[0] (\"a\"): invalid order \"up\": expected \"ascending\", \"descending\" or "
       "\"ignore\""},
      {R"({"type":"record","name":"R","doc":5,"fields":[]})", "\"doc\" must be a string, got 5"},
      {R"({"type":"record","name":"int","fields":[]})",
       "\"int\" is a primitive type name and cannot name a record"},
      {R"({"type":"record","name":"R","fields":[
          {"name":"a","type":{"type":"fixed","name":"R","size":1}}]})",
       "at fields[0] (\"a\").type: \"R\" is defined twice (a name may be defined only once)"},
      {R"(["int",{"type":"enum","name":"E","symbols":["A"]},
          {"type":"enum","name":"E","symbols":["B"]}])",
       "at [2]: \"E\" is defined twice (a name may be defined only once)"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"Later"},
          {"name":"b","type":{"type":"fixed","name":"Later","size":1}}]})",
       "at fields[0] (\"a\").type: unknown type \"Later\""},
      {R"({"type":"enum","name":"E"})", "enum \"E\" needs \"symbols\""},
      {R"({"type":"enum","name":"E","symbols":["A","B","A"]})",
       "duplicate symbol \"A\" in enum \"E\""},
      {R"({"type":"enum","name":"E","symbols":["A","1"]})",
       "invalid symbol \"1\" in enum \"E\": a symbol is [A-Za-z_][A-Za-z0-9_]*"},
      {R"({"type":"enum","name":"E","symbols":["A",1]})",
       "\"symbols\" must be an array of strings, got 1"},
      {R"({"type":"enum","name":"E","symbols":["A"],"default":"B"})",
       "the default \"B\" of enum \"E\" is not one of its symbols"},
      {R"({"type":"fixed","name":"F"})", "fixed \"F\" needs a \"size\""},
      {R"({"type":"fixed","name":"F","size":-1})",
       "the \"size\" of fixed \"F\" must be an integer in [0, 2^31-1], got -1"},
      {R"({"type":"fixed","name":"F","size":"4"})",
       "the \"size\" of fixed \"F\" must be an integer in [0, 2^31-1], got \"4\""},
      {R"({"type":"fixed","name":"F","size":2147483648})", "must be an integer in [0, 2^31-1]"},
      {R"({"type":"array"})", "array needs \"items\""},
      {R"({"type":"map"})", "map needs \"values\""},
      {R"({"type":"array","items":"nope"})", "at items: unknown type \"nope\""},
      {R"({"type":"map","values":{"type":"array","items":["int","nope"]}})",
       "at values.items[1]: unknown type \"nope\""},
      {R"(["int",["null","string"]])", "at [1]: a union cannot directly contain another union"},
      {R"(["int","string","int"])",
       "at [2]: the union already has a branch \"int\" (at most one branch per unnamed type, and "
       "per name)"},
      {R"(["null",{"type":"int","logicalType":"date"},"int"])",
       "at [2]: the union already has a branch \"int\""},
      {R"([{"type":"array","items":"int"},{"type":"array","items":"long"}])",
       "at [1]: the union already has a branch \"array\""},
      {"{\"type\":", "invalid JSON: parse error at line 1, column 9"},
      {"\"int\" x", "invalid JSON: parse error"},
  };
  for (const BadSchema& c : cases) {
    std::string error = ErrorOf(c.schema);
    EXPECT_THAT(error, HasSubstr(c.message)) << c.schema;
  }
  // The example of the brief, exactly.
  EXPECT_EQ(ErrorOf(cases[0].schema), cases[0].message);
}

TEST(AvroParserTest, NamedBranchesOfTheSameKindNeedDifferentNames) {
  AvroSchema s = Parse(R"([{"type":"fixed","name":"A","size":1},
                           {"type":"fixed","name":"B","size":1}])");
  EXPECT_EQ(s.root().branches.size(), 2u);
  EXPECT_THAT(ErrorOf(R"([{"type":"fixed","name":"A","size":1}, "A"])"),
              HasSubstr("at [1]: the union already has a branch \"A\""));
}

TEST(AvroParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"type":"array","items":)";
  deep += "\"int\"";
  for (int i = 0; i < 100000; ++i) deep += "}";
  EXPECT_THAT(ErrorOf(deep), HasSubstr("invalid JSON: nested deeper than 200 levels"));
  std::string ok;
  for (int i = 0; i < 150; ++i) ok += R"({"type":"array","items":)";
  ok += "\"int\"";
  for (int i = 0; i < 150; ++i) ok += "}";
  Parse(ok);
}

TEST(AvroParserTest, References) {
  auto money = std::make_shared<const AvroSchema>(Parse(
      R"({"type":"record","name":"Money","namespace":"com.acme","fields":[
          {"name":"cents","type":"long"},
          {"name":"currency","type":{"type":"enum","name":"Currency","symbols":["EUR","USD"]}}]})"));
  AvroParseOptions options;
  options.references.push_back(money);
  Result<AvroSchema> s = ParseAvroSchema(
      R"({"type":"record","name":"Order","namespace":"com.acme","fields":[
          {"name":"total","type":"Money"},
          {"name":"cur","type":"com.acme.Currency"}]})",
      options);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->root().fields[0].type, &money->root());
  EXPECT_EQ(s->FindNamed("com.acme.Currency"), money->root().fields[1].type);
  EXPECT_EQ(s->named_types().size(), 1u);  // only Order is its own
  // Without the reference the name is unknown; redefining it is an error.
  EXPECT_THAT(ErrorOf(R"({"type":"record","name":"Order","namespace":"com.acme","fields":[
          {"name":"total","type":"Money"}]})"),
              HasSubstr("unknown type \"Money\""));
  Result<AvroSchema> again =
      ParseAvroSchema(R"({"type":"fixed","name":"com.acme.Money","size":1})", options);
  EXPECT_THAT(std::string(ToStd(again.status().message())), HasSubstr("defined twice"));
}

}  // namespace
}  // namespace oxbow::registry
