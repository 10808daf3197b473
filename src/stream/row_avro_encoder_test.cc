#include "stream/row_avro_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sql/sql_error.h"
#include "stream/avro_record_decoder.h"
#include "stream/record_format_test_util.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using sql::Value;
using testing::DecodeLines;
using ::testing::ElementsAre;
using testing::FakeSchemaLookup;
using ::testing::HasSubstr;

Value Parse(const Type& type, std::string_view text) {
  Result<Value> v = sql::ParseValue(type, text);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value::Null(type);
}

const std::vector<SourceColumn> kColumns = {{"id", Type::Int64()},
                                            {"n", Type::Int16()},
                                            {"i", Type::Int32()},
                                            {"ok", Type::Bool()},
                                            {"r", Type::Float32()},
                                            {"d", Type::Float64()},
                                            {"price", *Type::NumericOf(10, 2)},
                                            {"total", Type::Numeric()},
                                            {"name", Type::Text()},
                                            {"blob", Type::Bytea()},
                                            {"day", Type::Date()},
                                            {"at", Type::Timestamp()},
                                            {"at_tz", Type::TimestampTz()},
                                            {"span", Type::Interval()},
                                            {"doc", Type::Jsonb()},
                                            {"count(*)", Type::Int64()}};

std::vector<Value> Row() {
  return {Value::Int64(-7),
          Value::Int16(3),
          Value::Int32(-100000),
          Value::Bool(true),
          Value::Float32(0.5),
          Value::Float64(-2.25),
          Parse(*Type::NumericOf(10, 2), "-12.50"),
          Parse(Type::Numeric(), "123456789012345678901234567890.123"),
          Value::Text("ann"),
          Value::String(Type::Bytea(), std::string("\x00\xff", 2)),
          Parse(Type::Date(), "2024-01-02"),
          Parse(Type::Timestamp(), "2024-01-02 03:04:05.123456"),
          Parse(Type::TimestampTz(), "1969-12-31 23:59:59.5+00"),
          Parse(Type::Interval(), "-1 days 02:00:00"),
          Parse(Type::Jsonb(), R"({"a": [1, 2]})"),
          Value::Null(Type::Int64())};
}

TEST(RowAvroEncoderTest, DerivedSchemaMapsEachSqlTypeAndNullableFields) {
  Result<std::string> schema = AvroRecordSchemaFor("sales by-day", kColumns);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_THAT(*schema, HasSubstr(R"("name":"sales_by_day","namespace":"oxbow")"));
  EXPECT_THAT(*schema, HasSubstr(R"({"default":null,"name":"id","type":["null","long"]})"));
  EXPECT_THAT(
      *schema,
      HasSubstr(R"(["null",{"logicalType":"decimal","precision":10,"scale":2,"type":"bytes"}])"));
  EXPECT_THAT(*schema, HasSubstr(R"("name":"total","type":["null","string"])"));
  EXPECT_THAT(*schema, HasSubstr(R"({"logicalType":"local-timestamp-micros","type":"long"})"));
  EXPECT_THAT(*schema, HasSubstr(R"({"logicalType":"timestamp-micros","type":"long"})"));
  EXPECT_THAT(*schema, HasSubstr(R"("name":"count___")"));

  std::vector<SourceColumn> clash = {{"a b", Type::Text()}, {"a_b", Type::Text()}};
  Status s = AvroRecordSchemaFor("v", clash).status();
  EXPECT_EQ(sql::SqlStateOf(s), "42P17");
}

// What a view writes, read back by an avro table of the same columns, is the same row.
TEST(RowAvroEncoderTest, RoundTripsThroughTheAvroDecoder) {
  Result<std::string> schema = AvroRecordSchemaFor("v", kColumns);
  ASSERT_TRUE(schema.ok());
  FakeSchemaLookup schemas;
  schemas.Add(5, *schema);
  auto encoder = RowAvroEncoder::Create(testing::ParseSchema(*schema), 5, kColumns);
  ASSERT_TRUE(encoder.ok()) << encoder.status();
  std::string bytes;
  ASSERT_TRUE((*encoder)->Encode(Row(), &bytes).ok());
  EXPECT_EQ(bytes.substr(0, 5), std::string("\0\0\0\0\5", 5));
  AvroRecordDecoder decoder(kColumns, {}, schemas, nullptr);
  EXPECT_THAT(DecodeLines(decoder, std::nullopt, bytes),
              ElementsAre("+ -7 | 3 | -100000 | t | 0.5 | -2.25 | -12.50 | "
                          "123456789012345678901234567890.123 | ann | \\x00ff | 2024-01-02 | "
                          "2024-01-02 03:04:05.123456 | 1969-12-31 23:59:59.5+00 | "
                          "-1 days +02:00:00 | \"{\\\"a\\\": [1, 2]}\" | NULL"));
}

TEST(RowAvroEncoderTest, KeyEncoderWritesOnlyTheKeyColumns) {
  std::vector<SourceColumn> key = {kColumns[0], kColumns[8]};
  Result<std::string> schema = AvroRecordSchemaFor("v_key", key);
  ASSERT_TRUE(schema.ok());
  auto encoder = RowAvroEncoder::Create(testing::ParseSchema(*schema), 9, kColumns, {0, 8});
  ASSERT_TRUE(encoder.ok()) << encoder.status();
  FakeSchemaLookup schemas;
  schemas.Add(9, *schema);
  std::string bytes;
  ASSERT_TRUE((*encoder)->Encode(Row(), &bytes).ok());
  AvroRecordDecoder decoder(key, {0, 1}, schemas, nullptr);
  EXPECT_THAT(DecodeLines(decoder, bytes, std::nullopt), ElementsAre("- -7 | ann"));
}

// INSERT into a table whose subject has its own schema: values that do not fit are SQL errors.
TEST(RowAvroEncoderTest, ValuesThatDoNotFitAUserSchemaAreSqlErrors) {
  constexpr std::string_view kSchema = R"({"type": "record", "name": "R", "fields": [
    {"name": "id", "type": "int"},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 1}},
    {"name": "color", "type": {"type": "enum", "name": "C", "symbols": ["RED"]}},
    {"name": "note", "type": ["null", "string"], "default": null}]})";
  std::vector<SourceColumn> columns = {{"id", Type::Int64()},
                                       {"amount", Type::Numeric()},
                                       {"color", Type::Text()},
                                       {"extra", Type::Text()}};
  auto encoder = RowAvroEncoder::Create(testing::ParseSchema(kSchema), 3, columns);
  ASSERT_TRUE(encoder.ok()) << encoder.status();
  auto encode = [&](std::vector<Value> row) {
    std::string out;
    return (*encoder)->Encode(row, &out);
  };
  Value amount = Parse(Type::Numeric(), "12.34");
  EXPECT_TRUE(
      encode({Value::Int64(1), amount, Value::Text("RED"), Value::Null(Type::Text())}).ok());
  Status s =
      encode({Value::Int64(1LL << 40), amount, Value::Text("RED"), Value::Null(Type::Text())});
  EXPECT_EQ(sql::SqlStateOf(s), "22003") << s;
  EXPECT_THAT(s.message(), HasSubstr("column \"id\""));
  s = encode({Value::Null(Type::Int64()), amount, Value::Text("RED"), Value::Null(Type::Text())});
  EXPECT_EQ(sql::SqlStateOf(s), "23502") << s;
  s = encode({Value::Int64(1), Parse(Type::Numeric(), "1234.5"), Value::Text("RED"),
              Value::Null(Type::Text())});
  EXPECT_EQ(sql::SqlStateOf(s), "22003") << s;
  s = encode({Value::Int64(1), amount, Value::Text("BLUE"), Value::Null(Type::Text())});
  EXPECT_EQ(sql::SqlStateOf(s), "22P02") << s;
  s = encode({Value::Int64(1), amount, Value::Text("RED"), Value::Text("x")});
  EXPECT_EQ(sql::SqlStateOf(s), "42703") << s;

  std::vector<SourceColumn> missing = {{"amount", Type::Numeric()}};
  EXPECT_EQ(
      sql::SqlStateOf(RowAvroEncoder::Create(testing::ParseSchema(kSchema), 3, missing).status()),
      "42703");
}

TEST(RowAvroEncoderTest, InfiniteDatesHaveNoAvroDate) {
  std::vector<SourceColumn> columns = {{"day", Type::Date()}};
  Result<std::string> schema = AvroRecordSchemaFor("v", columns);
  ASSERT_TRUE(schema.ok());
  auto encoder = RowAvroEncoder::Create(testing::ParseSchema(*schema), 1, columns);
  ASSERT_TRUE(encoder.ok());
  std::string out;
  std::vector<Value> row = {Parse(Type::Date(), "infinity")};
  EXPECT_EQ(sql::SqlStateOf((*encoder)->Encode(row, &out)), "22008");
}

}  // namespace
}  // namespace oxbow::stream
