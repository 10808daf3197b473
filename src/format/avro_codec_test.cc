// Binary encoding and decoding with one schema: the spec's byte vectors, Confluent-framed
// samples built by hand, and round trips of every type.
#include <cmath>
#include <limits>

#include "format/avro_decoder.h"
#include "format/avro_encoder.h"
#include "format/avro_json.h"
#include "format/avro_test_util.h"
#include "format/confluent_framing.h"
#include "gtest/gtest.h"

namespace oxbow::format {
namespace {

using testing::FromHex;
using testing::Schema;
using testing::ToHex;
using Json = nlohmann::json;

std::string Encode(const AvroValue& v, std::string_view schema_text) {
  registry::AvroSchema schema = Schema(schema_text);
  ByteBuffer out;
  Status s = EncodeAvro(v, schema, &out);
  EXPECT_TRUE(s.ok()) << s;
  return ToHex(out.view());
}

AvroValue Decode(std::string_view hex, std::string_view schema_text) {
  registry::AvroSchema schema = Schema(schema_text);
  Result<AvroDecoder> d = AvroDecoder::Compile(schema);
  EXPECT_TRUE(d.ok()) << d.status();
  AvroValue v;
  std::vector<uint8_t> bytes = FromHex(hex);
  Status s = d->Decode(bytes, &v);
  EXPECT_TRUE(s.ok()) << s;
  return v;
}

// Zigzag varints, the spec's table (section "Binary Encoding", primitive types).
TEST(AvroCodecTest, SpecZigZagTable) {
  struct Case {
    int64_t value;
    const char* hex;
  };
  for (Case c : {Case{0, "00"}, Case{-1, "01"}, Case{1, "02"}, Case{-2, "03"}, Case{2, "04"},
                 Case{-64, "7f"}, Case{64, "80 01"}}) {
    EXPECT_EQ(Encode(AvroValue::Long(c.value), R"("long")"), c.hex) << c.value;
    EXPECT_EQ(Encode(AvroValue::Int(static_cast<int32_t>(c.value)), R"("int")"), c.hex);
    EXPECT_EQ(Decode(c.hex, R"("long")"), AvroValue::Long(c.value));
    EXPECT_EQ(Decode(c.hex, R"("int")"), AvroValue::Int(static_cast<int32_t>(c.value)));
  }
  EXPECT_EQ(Encode(AvroValue::Long(std::numeric_limits<int64_t>::min()), R"("long")"),
            "ff ff ff ff ff ff ff ff ff 01");
  EXPECT_EQ(Encode(AvroValue::Int(std::numeric_limits<int32_t>::max()), R"("int")"),
            "fe ff ff ff 0f");
  EXPECT_EQ(Decode("ff ff ff ff ff ff ff ff ff 01", R"("long")"),
            AvroValue::Long(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Decode("ff ff ff ff 0f", R"("int")"),
            AvroValue::Int(std::numeric_limits<int32_t>::min()));
}

// The spec's worked examples: the string "foo", a record, an array, a union.
TEST(AvroCodecTest, SpecExamples) {
  EXPECT_EQ(Encode(AvroValue::String("foo"), R"("string")"), "06 66 6f 6f");
  const char* record = R"({"type": "record", "name": "test", "fields": [
      {"name": "a", "type": "long"}, {"name": "b", "type": "string"}]})";
  AvroValue v = AvroValue::Record({AvroValue::Long(27), AvroValue::String("foo")});
  EXPECT_EQ(Encode(v, record), "36 06 66 6f 6f");
  EXPECT_EQ(Decode("36 06 66 6f 6f", record), v);
  const char* array = R"({"type": "array", "items": "long"})";
  EXPECT_EQ(Encode(AvroValue::Array({AvroValue::Long(3), AvroValue::Long(27)}), array),
            "04 06 36 00");
  // A block with a negative count carries its size in bytes (the spec allows it).
  EXPECT_EQ(Decode("03 04 06 36 00", array),
            AvroValue::Array({AvroValue::Long(3), AvroValue::Long(27)}));
  const char* u = R"(["null", "string"])";
  EXPECT_EQ(Encode(AvroValue::Union(0, AvroValue::Null()), u), "00");
  EXPECT_EQ(Encode(AvroValue::Union(1, AvroValue::String("a")), u), "02 02 61");
  EXPECT_EQ(Decode("02 02 61", u), AvroValue::Union(1, AvroValue::String("a")));
  // The union convenience: a bare value goes to the first branch of its kind.
  EXPECT_EQ(Encode(AvroValue::String("a"), u), "02 02 61");
  EXPECT_EQ(Encode(AvroValue::Null(), u), "00");
}

TEST(AvroCodecTest, PrimitiveEncodings) {
  EXPECT_EQ(Encode(AvroValue::Null(), R"("null")"), "");
  EXPECT_EQ(Encode(AvroValue::Boolean(true), R"("boolean")"), "01");
  EXPECT_EQ(Encode(AvroValue::Boolean(false), R"("boolean")"), "00");
  EXPECT_EQ(Encode(AvroValue::Float(1.0f), R"("float")"), "00 00 80 3f");
  EXPECT_EQ(Encode(AvroValue::Double(1.0), R"("double")"), "00 00 00 00 00 00 f0 3f");
  EXPECT_EQ(Encode(AvroValue::Bytes(std::string("\x00\xff", 2)), R"("bytes")"), "04 00 ff");
  EXPECT_EQ(Encode(AvroValue::Fixed("ab"), R"({"type":"fixed","name":"F","size":2})"), "61 62");
  EXPECT_EQ(
      Encode(AvroValue::Enum(2, "C"), R"({"type":"enum","name":"E","symbols":["A","B","C"]})"),
      "04");
  const char* map = R"({"type": "map", "values": "int"})";
  EXPECT_EQ(Encode(AvroValue::Map({{"a", AvroValue::Int(1)}}), map), "02 02 61 02 00");
  EXPECT_EQ(Encode(AvroValue::Map({}), map), "00");
}

// A Confluent-framed message built by hand: magic, id 7, then the spec's record example.
TEST(AvroCodecTest, ConfluentFramedSample) {
  std::vector<uint8_t> msg = FromHex("00 00 00 00 07 36 06 66 6f 6f");
  Result<ConfluentFrame> frame = ParseConfluentFrame(msg);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->schema_id, 7);
  registry::AvroSchema schema = Schema(R"({"type": "record", "name": "test", "fields": [
      {"name": "a", "type": "long"}, {"name": "b", "type": "string"}]})");
  AvroDecoder d = *AvroDecoder::Compile(schema);
  AvroValue v;
  ASSERT_TRUE(d.Decode(frame->payload, &v).ok());
  EXPECT_EQ(v.DebugString(), R"({27L, "foo"})");

  ByteBuffer out;
  ASSERT_TRUE(
      EncodeConfluentAvroJson(Json::parse(R"({"a": 27, "b": "foo"})"), schema, 7, &out).ok());
  EXPECT_EQ(ToHex(out.view()), "00 00 00 00 07 36 06 66 6f 6f");
}

constexpr const char* kAllTypes = R"({"type": "record", "name": "All", "namespace": "t",
  "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "by", "type": "bytes"},
    {"name": "s", "type": "string"},
    {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
    {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
    {"name": "a", "type": {"type": "array", "items": "int"}},
    {"name": "m", "type": {"type": "map", "values": "string"}},
    {"name": "u", "type": ["null", "long", "Color", {"type": "array", "items": "string"}]},
    {"name": "r", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "x", "type": "int"}]}},
    {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9,
                             "scale": 2}},
    {"name": "date", "type": {"type": "int", "logicalType": "date"}},
    {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "next", "type": ["null", "All"]}
  ]})";

constexpr const char* kAllTypesJson = R"({
  "n": null, "b": true, "i": -7, "l": 9007199254740993, "f": 1.5, "d": -2.25,
  "by": "\u0000\u00ff\u0041", "s": "héllo", "e": "GREEN", "fx": "\u0001\u0002\u0003\u00fe",
  "a": [1, 2, 3], "m": {"k1": "v1", "k2": ""}, "u": {"t.Color": "RED"},
  "r": {"x": 42}, "dec": "\u0004\u00d2", "date": 19000, "ts": 1700000000000000,
  "next": {"t.All": {
    "n": null, "b": false, "i": 0, "l": 0, "f": 0, "d": 0, "by": "", "s": "", "e": "RED",
    "fx": "abcd", "a": [], "m": {}, "u": null, "r": {"x": 0}, "dec": "", "date": 0, "ts": 0,
    "next": null}}
})";

TEST(AvroCodecTest, EveryTypeRoundTripsThroughBinaryAndJson) {
  registry::AvroSchema schema = Schema(kAllTypes);
  Json json = Json::parse(kAllTypesJson);
  Result<AvroValue> value = AvroValueFromJson(json, schema);
  ASSERT_TRUE(value.ok()) << value.status();

  ByteBuffer bytes;
  ASSERT_TRUE(EncodeAvro(*value, schema, &bytes).ok());
  ByteBuffer direct;
  ASSERT_TRUE(EncodeAvroJson(json, schema, &direct).ok());
  EXPECT_EQ(ToHex(bytes.view()), ToHex(direct.view()));

  AvroDecoder decoder = *AvroDecoder::Compile(schema);
  AvroValue decoded;
  Status s = decoder.Decode(bytes.view(), &decoded);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(decoded, *value) << decoded.DebugString() << "\n" << value->DebugString();

  Result<Json> back = AvroValueToJson(decoded, schema);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, json) << back->dump();

  // The accessors see what the JSON said, with logical types annotated.
  std::span<const AvroValue> f = decoded.fields();
  EXPECT_EQ(f[3].long_value(), 9007199254740993);
  EXPECT_EQ(f[6].bytes(), std::string("\x00\xff\x41", 3));
  EXPECT_EQ(f[7].bytes(), "h\xc3\xa9llo");
  EXPECT_EQ(f[8].enum_index(), 1);
  EXPECT_EQ(f[8].enum_symbol(), "GREEN");
  EXPECT_EQ(f[12].branch(), 2);
  EXPECT_EQ(f[14].logical_type(), AvroLogicalType::kDecimal);
  EXPECT_EQ(f[14].decimal_scale(), 2);
  EXPECT_EQ(f[14].bytes(), "\x04\xd2");  // 1234 unscaled: 12.34
  EXPECT_EQ(f[15].logical_type(), AvroLogicalType::kDate);
  EXPECT_EQ(f[16].logical_type(), AvroLogicalType::kTimestampMicros);
  EXPECT_EQ(f[17].branch_value().fields()[8].enum_symbol(), "RED");
}

TEST(AvroCodecTest, SpecialFloatsRoundTrip) {
  registry::AvroSchema schema = Schema(R"({"type": "array", "items": "double"})");
  Json json = Json::parse(R"(["NaN", "Infinity", "-Infinity", 0.1])");
  ByteBuffer bytes;
  ASSERT_TRUE(EncodeAvroJson(json, schema, &bytes).ok());
  AvroValue v;
  ASSERT_TRUE(AvroDecoder::Compile(schema)->Decode(bytes.view(), &v).ok());
  EXPECT_TRUE(std::isnan(v.items()[0].double_value()));
  EXPECT_EQ(*AvroValueToJson(v, schema), json);
}

TEST(AvroCodecTest, ReusedOutputKeepsNoStaleItems) {
  registry::AvroSchema schema = Schema(R"({"type": "map", "values": {"type": "array",
      "items": "string"}})");
  AvroDecoder d = *AvroDecoder::Compile(schema);
  ByteBuffer big, small;
  ASSERT_TRUE(
      EncodeAvroJson(Json::parse(R"({"a": ["1", "2", "3"], "b": ["4"]})"), schema, &big).ok());
  ASSERT_TRUE(EncodeAvroJson(Json::parse(R"({"c": ["5"]})"), schema, &small).ok());
  AvroValue v;
  ASSERT_TRUE(d.Decode(big.view(), &v).ok());
  ASSERT_TRUE(d.Decode(small.view(), &v).ok());
  EXPECT_EQ(v.DebugString(), R"({"c": ["5"]})");
  ASSERT_TRUE(d.Decode(big.view(), &v).ok());
  EXPECT_EQ(v.DebugString(), R"({"a": ["1", "2", "3"], "b": ["4"]})");
}

TEST(AvroCodecTest, DecodePrefixReadsDatumsBackToBack) {
  registry::AvroSchema schema = Schema(R"("string")");
  std::vector<uint8_t> two = FromHex("02 61 04 62 63");
  AvroDecoder d = *AvroDecoder::Compile(schema);
  AvroValue v;
  Result<size_t> used = d.DecodePrefix(two, &v);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, 2u);
  EXPECT_EQ(v, AvroValue::String("a"));
  Status s = d.Decode(two, &v);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "at byte 2: 3 bytes left after the datum");
}

TEST(AvroCodecTest, EncoderRejectsValuesThatDoNotFit) {
  registry::AvroSchema schema = Schema(kAllTypes);
  Result<AvroValue> v = AvroValueFromJson(Json::parse(kAllTypesJson), schema);
  ASSERT_TRUE(v.ok());
  ByteBuffer out;
  out.AppendBE32(0x6b656570);  // "keep"

  AvroValue bad = *v;
  bad.mutable_fields()[2] = AvroValue::Long(1);
  Status s = EncodeAvro(bad, schema, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "at .i: expected int, got long");
  EXPECT_EQ(out.size(), 4u);  // left as it was

  bad = *v;
  bad.mutable_fields()[17].mutable_branch_value().mutable_fields()[9] = AvroValue::Fixed("abc");
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(),
            "at .next<1>.fx: fixed t.Four needs 4 bytes, the value has 3");

  bad = *v;
  bad.mutable_fields()[8] = AvroValue::Enum(5, "");
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(),
            "at .e: enum index 5 out of range for enum t.Color (2 symbols)");
  bad.mutable_fields()[8] = AvroValue::Enum(0, "GREEN");
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(),
            "at .e: enum t.Color has symbol \"RED\" at index 0, the value says \"GREEN\"");

  bad = *v;
  bad.mutable_fields()[12] = AvroValue::Union(9, AvroValue::Null());
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(),
            "at .u: union branch 9 out of range (4 branches)");
  bad.mutable_fields()[12] = AvroValue::Boolean(true);
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(), "at .u: the union has no boolean branch");

  bad = *v;
  bad.mutable_fields()[10].mutable_items()[1] = AvroValue::String("2");
  EXPECT_EQ(EncodeAvro(bad, schema, &out).message(), "at .a[1]: expected int, got string");

  EXPECT_EQ(EncodeAvro(AvroValue::Record({}), schema, &out).message(),
            "at the top level: record t.All has 18 fields, the value has 0");
}

}  // namespace
}  // namespace oxbow::format
