// Avro's JSON encoding: what the REST proxy accepts and the errors it answers with.
#include "format/avro_json.h"

#include "format/avro_test_util.h"
#include "gtest/gtest.h"

namespace oxbow::format {
namespace {

using testing::Schema;
using testing::ToHex;
using Json = nlohmann::json;

constexpr const char* kEvent = R"({"type": "record", "name": "Event", "namespace": "shop",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "user", "type": ["null", "string"], "default": null},
    {"name": "where", "type": ["null", {"type": "record", "name": "Point", "fields": [
      {"name": "x", "type": "int"}, {"name": "y", "type": "int"}]}]},
    {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
    {"name": "raw", "type": "bytes", "default": ""},
    {"name": "qty", "type": "int", "default": 1}]})";

std::string EncodeHex(std::string_view json, std::string_view schema_text = kEvent) {
  registry::AvroSchema schema = Schema(schema_text);
  ByteBuffer out;
  Status s = EncodeAvroJson(Json::parse(json), schema, &out);
  return s.ok() ? ToHex(out.view()) : std::string(ToStd(s.message()));
}

TEST(AvroJsonTest, UnionsAreWrappedExceptNull) {
  EXPECT_EQ(EncodeHex(R"({"id": 1, "user": {"string": "a"}, "where": {"shop.Point":
                          {"x": 1, "y": -1}}})"),
            "02 02 02 61 02 02 01 00 00 02");
  // The unqualified name of a named branch is accepted when it is unambiguous.
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": {"Point": {"x": 1, "y": -1}}})"),
            "02 00 02 02 01 00 00 02");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "user": "a", "where": null})"),
            "at .user: expected a union value: null or an object with one member named by a "
            "branch of [null, string] (e.g. {\"string\": ...}), got \"a\"");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": {"Pt": {}}})"),
            "at .where: expected a union value: null or an object with one member named by a "
            "branch of [null, shop.Point] (e.g. {\"shop.Point\": ...}), got {\"Pt\":{}}");
  EXPECT_EQ(EncodeHex("null", R"(["int", "string"])"),
            "at the top level: null, but the union [int, string] has no null branch");
}

TEST(AvroJsonTest, MissingFieldsTakeDefaultsAndUnknownMembersAreIgnored) {
  EXPECT_EQ(EncodeHex(R"({"id": 5, "where": null, "color": "red"})"), "0a 00 00 00 00 02");
  EXPECT_EQ(EncodeHex(R"({"where": null})"),
            "at the top level: record shop.Event lacks field \"id\", which has no default");
}

TEST(AvroJsonTest, TypeErrorsNameThePlace) {
  EXPECT_EQ(EncodeHex(R"({"id": "5", "where": null})"),
            "at .id: expected long (a JSON integer in the int64 range), got \"5\"");
  EXPECT_EQ(EncodeHex(R"({"id": 1.0, "where": null})"),
            "at .id: expected long (a JSON integer in the int64 range), got 1.0");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": null, "qty": 2147483648})"),
            "at .qty: expected int (a JSON integer in the int32 range), got 2147483648");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": {"shop.Point": {"x": 1, "y": true}}})"),
            "at .where<shop.Point>.y: expected int (a JSON integer in the int32 range), got true");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": null, "tags": ["a", 2]})"),
            "at .tags[1]: expected string, got 2");
  EXPECT_EQ(EncodeHex(R"({"id": 1, "where": null, "raw": "€"})"),
            "at .raw: expected bytes (a JSON string of characters U+0000..U+00FF), got a "
            "character beyond U+00FF (or invalid UTF-8) at character offset 0");
  EXPECT_EQ(EncodeHex(R"("ab")", R"({"type": "fixed", "name": "F", "size": 3})"),
            "at the top level: expected fixed F (a JSON string of 3 characters U+0000..U+00FF), "
            "got 2 characters");
  EXPECT_EQ(EncodeHex(R"("D")", R"({"type": "enum", "name": "E", "symbols": ["A", "B"]})"),
            "at the top level: expected one of the symbols of enum E [A, B], got \"D\"");
}

TEST(AvroJsonTest, BytesAreIso88591Characters) {
  EXPECT_EQ(EncodeHex(R"("\u0000\u007f\u0080\u00ff")", R"("bytes")"), "08 00 7f 80 ff");
  registry::AvroSchema schema = Schema(R"("bytes")");
  Result<Json> j = AvroValueToJson(AvroValue::Bytes(std::string("\x00\xe9", 2)), schema);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->dump(), R"("\u0000é")");
}

TEST(AvroJsonTest, InvalidUtf8StringsComeOutReplaced) {
  registry::AvroSchema schema = Schema(R"({"type": "map", "values": "string"})");
  AvroValue v = AvroValue::Map({{"k\xff", AvroValue::String("a\xc3(b")}});
  Result<Json> j = AvroValueToJson(v, schema);
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(j->dump(), "{\"k\xef\xbf\xbd\":\"a\xef\xbf\xbd(b\"}");
}

TEST(AvroJsonTest, ErrorsLeaveTheBufferAsItWas) {
  registry::AvroSchema schema = Schema(kEvent);
  ByteBuffer out;
  ASSERT_TRUE(
      EncodeConfluentAvroJson(Json::parse(R"({"id": 1, "where": null})"), schema, 3, &out).ok());
  EXPECT_EQ(ToHex(out.view()), "00 00 00 00 03 02 00 00 00 00 02");
  EXPECT_FALSE(EncodeConfluentAvroJson(Json::parse("{}"), schema, 3, &out).ok());
  EXPECT_FALSE(EncodeAvroJson(Json::parse("{}"), schema, &out).ok());
  EXPECT_EQ(out.size(), 11u);
}

TEST(AvroJsonTest, ToJsonChecksTheValueAgainstTheSchema) {
  registry::AvroSchema schema = Schema(kEvent);
  EXPECT_EQ(AvroValueToJson(AvroValue::Long(1), schema).status().message(),
            "at the top level: expected record, got long");
  EXPECT_EQ(AvroValueToJson(AvroValue::Union(3, AvroValue::Null()), Schema(R"(["null", "int"])"))
                .status()
                .message(),
            "at the top level: union branch 3 out of range (2 branches)");
}

}  // namespace
}  // namespace oxbow::format
