#include "stream/avro_record_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/record_format_test_util.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using ::testing::AllOf;
using testing::DecodeLines;
using ::testing::ElementsAre;
using testing::FakeSchemaLookup;
using testing::Framed;
using ::testing::HasSubstr;

constexpr std::string_view kItem = R"({"type": "record", "name": "Item", "fields": [
  {"name": "id", "type": "long"},
  {"name": "name", "type": "string"},
  {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
  {"name": "qty", "type": "int"},
  {"name": "ok", "type": "boolean"},
  {"name": "ratio", "type": "float"},
  {"name": "score", "type": "double"},
  {"name": "blob", "type": "bytes"},
  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "at_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "note", "type": ["null", "string"], "default": null},
  {"name": "tags", "type": {"type": "array", "items": "string"}},
  {"name": "attrs", "type": {"type": "map", "values": "long"}},
  {"name": "dim", "type": {"type": "record", "name": "Dim", "fields": [
    {"name": "w", "type": "int"}, {"name": "h", "type": ["null", "int"]}]}},
  {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}}
]})";

// 9.50 (unscaled 950 = 03 b6) and -1.25 (-125 = ff 83), bytes as ISO-8859-1 code points.
constexpr std::string_view kAnn = R"({"id": 1, "name": "ann", "price": "\u0003\u00b6", "qty": 3,
  "ok": true, "ratio": 0.5, "score": 2.25, "blob": "\u0001\u0002", "day": 19724,
  "at": 1704164645000, "at_us": 1704164645123456, "note": {"string": "hi"},
  "tags": ["x", "y"], "attrs": {"a": 1}, "dim": {"w": 1, "h": {"int": 2}}, "color": "GREEN"})";
constexpr std::string_view kBo = R"({"id": 2, "name": "bo", "price": "\u00ff\u0083", "qty": -4,
  "ok": false, "ratio": -1.5, "score": 1e100, "blob": "", "day": 0, "at": 0, "at_us": -1,
  "note": null, "tags": [], "attrs": {}, "dim": {"w": 0, "h": null}, "color": "RED"})";

const std::vector<SourceColumn> kColumns = {
    {"id", Type::Int64()},       {"name", Type::Text()},         {"price", Type::Numeric()},
    {"qty", Type::Int32()},      {"ok", Type::Bool()},           {"ratio", Type::Float32()},
    {"score", Type::Float64()},  {"blob", Type::Bytea()},        {"day", Type::Date()},
    {"at", Type::TimestampTz()}, {"at_us", Type::TimestampTz()}, {"note", Type::Text()},
    {"tags", Type::Jsonb()},     {"attrs", Type::Jsonb()},       {"dim", Type::Jsonb()},
    {"color", Type::Text()},     {"absent", Type::Text()}};

class AvroRecordDecoderTest : public ::testing::Test {
 protected:
  std::unique_ptr<AvroRecordDecoder> Make(std::vector<SourceColumn> columns,
                                          std::vector<int> keys = {},
                                          std::string_view reader = {}) {
    return std::make_unique<AvroRecordDecoder>(
        std::move(columns), std::move(keys), schemas_,
        reader.empty() ? nullptr : testing::ParseSchema(reader));
  }
  FakeSchemaLookup schemas_;
};

TEST_F(AvroRecordDecoderTest, DecodesEachAvroTypeIntoItsColumnByName) {
  schemas_.Add(1, kItem);
  auto d = Make(kColumns);
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(1, kItem, kAnn)),
              ElementsAre("+ 1 | ann | 9.50 | 3 | t | 0.5 | 2.25 | \\x0102 | 2024-01-02 | "
                          "2024-01-02 03:04:05+00 | 2024-01-02 03:04:05.123456+00 | hi | "
                          "[\"x\", \"y\"] | {\"a\": 1} | {\"h\": 2, \"w\": 1} | GREEN | NULL"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(1, kItem, kBo)),
              ElementsAre("+ 2 | bo | -1.25 | -4 | f | -1.5 | 1e+100 | \\x | 1970-01-01 | "
                          "1970-01-01 00:00:00+00 | 1969-12-31 23:59:59.999999+00 | NULL | [] | "
                          "{} | {\"h\": null, \"w\": 0} | RED | NULL"));
  EXPECT_EQ(schemas_.lookups(), 1) << "the schema of an id is looked up once";
}

TEST_F(AvroRecordDecoderTest, ValuesConvertToOtherColumnTypesWhereExact) {
  schemas_.Add(1, kItem);
  auto d = Make({{"id", Type::Numeric()},
                 {"qty", Type::Int16()},
                 {"price", Type::NumericOf(5, 1).value()},
                 {"day", Type::Timestamp()},
                 {"at", Type::Text()},
                 {"dim", Type::Text()},
                 {"color", Type::Jsonb()},
                 {"score", Type::Numeric()}});
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(1, kItem, kAnn)),
              ElementsAre("+ 1 | 3 | 9.5 | 2024-01-02 00:00:00 | 2024-01-02 03:04:05+00 | "
                          "{\"w\":1,\"h\":2} | \"GREEN\" | 2.25"));
}

TEST_F(AvroRecordDecoderTest, TypeMismatchesNameTheColumn) {
  schemas_.Add(1, kItem);
  auto expect_error = [&](SourceColumn column, std::string_view reason) {
    auto d = Make({column});
    EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(1, kItem, kAnn)),
                ElementsAre(fmt::format("error: {}", reason)));
  };
  expect_error({"ok", Type::Int32()}, "column \"ok\": expected integer, got Avro boolean");
  expect_error({"dim", Type::Int64()}, "column \"dim\": expected bigint, got Avro record");
  expect_error({"blob", Type::Text()}, "column \"blob\": expected text, got Avro bytes");
  expect_error({"at", Type::Date()},
               "column \"at\": expected date, got Avro long (timestamp-millis)");
  expect_error({"name", Type::Int32()},
               "column \"name\": invalid input syntax for type integer: \"ann\"");
  expect_error({"price", Type::NumericOf(2, 2).value()},
               "column \"price\": numeric field overflow");
  auto big = Make({{"id", Type::Int16()}});
  schemas_.Add(2, R"({"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]})");
  EXPECT_THAT(
      DecodeLines(
          *big, std::nullopt,
          Framed(2,
                 R"({"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]})",
                 R"({"id": 100000})")),
      ElementsAre("error: column \"id\": 100000 is out of range for smallint"));
}

constexpr std::string_view kV1 = R"({"type": "record", "name": "User", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": "string"}]})";
constexpr std::string_view kV2Extra = R"({"type": "record", "name": "User", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
  {"name": "email", "type": "string"}]})";
constexpr std::string_view kReaderWithDefault = R"({"type": "record", "name": "User", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
  {"name": "tier", "type": "string", "default": "basic"}]})";
constexpr std::string_view kReaderWithoutDefault = R"({"type": "record", "name": "User", "fields": [
  {"name": "id", "type": "long"}, {"name": "tier", "type": "string"}]})";

TEST_F(AvroRecordDecoderTest, WriterSchemasEvolveUnderOneTable) {
  schemas_.Add(1, kV1);
  schemas_.Add(2, kV2Extra);
  std::vector<SourceColumn> columns = {
      {"id", Type::Int64()}, {"name", Type::Text()}, {"tier", Type::Text()}};
  // Read as written: extra writer fields are ignored, columns without a field are NULL.
  auto as_written = Make(columns);
  EXPECT_THAT(DecodeLines(*as_written, std::nullopt,
                          Framed(2, kV2Extra, R"({"id": 2, "name": "bo", "email": "b@x"})")),
              ElementsAre("+ 2 | bo | NULL"));
  // With the table's reader schema, a field the writer lacks takes its default.
  auto resolved = Make(columns, {}, kReaderWithDefault);
  EXPECT_THAT(DecodeLines(*resolved, std::nullopt, Framed(1, kV1, R"({"id": 1, "name": "ann"})")),
              ElementsAre("+ 1 | ann | basic"));
  EXPECT_THAT(DecodeLines(*resolved, std::nullopt,
                          Framed(2, kV2Extra, R"({"id": 2, "name": "bo", "email": "b@x"})")),
              ElementsAre("+ 2 | bo | basic"));
  // A writer the reader cannot read: every record of it is an error, found once.
  auto strict = Make(columns, {}, kReaderWithoutDefault);
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(DecodeLines(*strict, std::nullopt, Framed(1, kV1, R"({"id": 1, "name": "a"})")),
                ElementsAre(AllOf(HasSubstr("error: schema id 1: reader schema cannot read"),
                                  HasSubstr("tier"))));
  }
}

TEST_F(AvroRecordDecoderTest, TombstonesAndKeysOfKeyedTables) {
  constexpr std::string_view kKey =
      R"({"type": "record", "name": "K", "fields": [{"name": "id", "type": "long"}]})";
  schemas_.Add(1, kV1);
  schemas_.Add(10, kKey);
  schemas_.Add(11, R"("long")");
  std::vector<SourceColumn> columns = {{"id", Type::Int64()}, {"name", Type::Text()}};
  auto d = Make(columns, {0});
  EXPECT_THAT(DecodeLines(*d, Framed(10, kKey, R"({"id": 7})"), std::nullopt),
              ElementsAre("- 7 | NULL"));
  EXPECT_THAT(DecodeLines(*d, Framed(11, R"("long")", "8"), std::nullopt),
              ElementsAre("- 8 | NULL"));
  EXPECT_THAT(DecodeLines(*d, "9", std::nullopt), ElementsAre("- 9 | NULL"));
  EXPECT_THAT(DecodeLines(*d, R"({"id": 10})", std::nullopt), ElementsAre("- 10 | NULL"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, std::nullopt),
              ElementsAre("error: record without a key in a table with a primary key"));
  EXPECT_THAT(DecodeLines(*d, Framed(99, kKey, R"({"id": 7})"), std::nullopt),
              ElementsAre("error: record key: unknown schema id 99"));
  // The value has the key column: the record key is not needed.
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(1, kV1, R"({"id": 1, "name": "ann"})")),
              ElementsAre("+ 1 | ann"));
  auto stream = Make(columns);
  EXPECT_THAT(DecodeLines(*stream, "1", std::nullopt),
              ElementsAre("error: null value in an append-only topic"));
}

TEST_F(AvroRecordDecoderTest, FramingAndSchemaErrors) {
  schemas_.Add(1, kV1);
  schemas_.Add(5, R"("long")");
  auto d = Make({{"id", Type::Int64()}});
  EXPECT_THAT(DecodeLines(*d, std::nullopt, R"({"id": 1})"),
              ElementsAre("error: not Confluent framing: magic byte 0x7b, expected 0x00"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, std::string("\0\0", 2)),
              ElementsAre("error: Confluent frame too short: 2 bytes, the header needs 5"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(42, kV1, R"({"id": 1, "name": "a"})")),
              ElementsAre("error: unknown schema id 42"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(5, R"("long")", "3")),
              ElementsAre("error: Avro schema id 5 is a long, not a record"));
  std::string truncated = Framed(1, kV1, R"({"id": 1, "name": "ann"})");
  truncated.pop_back();
  EXPECT_THAT(DecodeLines(*d, std::nullopt, truncated),
              ElementsAre(HasSubstr("error: schema id 1 does not decode: at byte")));
  // An id registered after its first record was seen is found on the next one.
  schemas_.Add(42, kV1);
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(42, kV1, R"({"id": 1, "name": "a"})")),
              ElementsAre("+ 1"));
}

TEST_F(AvroRecordDecoderTest, RegistryFailuresAreUnavailableNotRecordErrors) {
  schemas_.Add(1, kV1);
  schemas_.FailWith(1, absl::InternalError("store down"));
  auto d = Make({{"id", Type::Int64()}});
  std::string value = Framed(1, kV1, R"({"id": 1, "name": "a"})");
  DecodedRecord out;
  Status s = d->Decode(std::nullopt, testing::Bytes(value), out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  schemas_.ClearFailure(1);
  EXPECT_THAT(DecodeLines(*d, std::nullopt, value), ElementsAre("+ 1"));
  schemas_.FailWith(3, absl::InvalidArgumentError("not an Avro schema (JSON)"));
  EXPECT_THAT(DecodeLines(*d, std::nullopt, Framed(3, kV1, R"({"id": 1, "name": "a"})")),
              ElementsAre("error: schema id 3: not an Avro schema (JSON)"));
}

}  // namespace
}  // namespace oxbow::stream
