#include "stream/row_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace oxbow::stream {
namespace {

using sql::Type;
using sql::Value;

Value Parse(Type type, std::string_view text) {
  Result<Value> v = sql::ParseValue(type, text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return v.ok() ? *v : Value::Null(type);
}

std::string Json(const Value& v) {
  std::string out;
  AppendJsonValue(out, v);
  return out;
}

TEST(RowEncoderTest, ValuesAreWrittenAsPostgresToJson) {
  EXPECT_EQ(Json(Value::Null(Type::Int32())), "null");
  EXPECT_EQ(Json(Value::Bool(true)), "true");
  EXPECT_EQ(Json(Value::Int64(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Json(Value::Int16(-7)), "-7");
  EXPECT_EQ(Json(Parse(Type::Numeric(), "12.50")), "12.50");
  EXPECT_EQ(Json(Parse(Type::Numeric(), "-0.000001")), "-0.000001");
  EXPECT_EQ(Json(Value::Float64(1e15)), "1e+15");
  EXPECT_EQ(Json(Value::Float64(0.1)), "0.1");
  EXPECT_EQ(Json(Value::Float32(1.1f)), "1.1");
  EXPECT_EQ(Json(Value::Float64(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(Json(Value::Float64(-INFINITY)), "\"-Infinity\"");
  EXPECT_EQ(Json(Value::Float32(INFINITY)), "\"Infinity\"");
  EXPECT_EQ(Json(Value::Text("a\"b\\c\n\t\x01 é")), R"("a\"b\\c\n\t\u0001 é")");
  EXPECT_EQ(Json(Value::String(Type::Bytea(), std::string("\x0a\xff", 2))), R"("\\x0aff")");
  EXPECT_EQ(Json(Parse(Type::Date(), "2024-01-02")), "\"2024-01-02\"");
  EXPECT_EQ(Json(Parse(Type::Date(), "0044-03-15 BC")), "\"0044-03-15 BC\"");
  EXPECT_EQ(Json(Parse(Type::Date(), "infinity")), "\"infinity\"");
  EXPECT_EQ(Json(Parse(Type::Timestamp(), "2024-01-02 03:04:05.5")), "\"2024-01-02T03:04:05.5\"");
  EXPECT_EQ(Json(Parse(Type::Timestamp(), "-infinity")), "\"-infinity\"");
  EXPECT_EQ(Json(Parse(Type::TimestampTz(), "2024-01-02 03:04:05.123456+02")),
            "\"2024-01-02T01:04:05.123456+00:00\"");
  EXPECT_EQ(Json(Parse(Type::TimestampTz(), "0044-03-15 12:00:00+00 BC")),
            "\"0044-03-15T12:00:00+00:00 BC\"");
  EXPECT_EQ(Json(Parse(Type::Interval(), "1 year 2 mons -3 days 04:05:06")),
            "\"1 year 2 mons -3 days +04:05:06\"");
  EXPECT_EQ(Json(Parse(Type::Jsonb(), R"({"b": [1, "x"], "a": null})")),
            R"({"a": null, "b": [1, "x"]})");
}

TEST(RowEncoderTest, RowAndKeyObjects) {
  RowJsonEncoder enc({{"id", Type::Int64()}, {"na\"me", Type::Text()}, {"v", Type::Numeric()}});
  std::vector<Value> row = {Value::Int64(7), Value::Text("x"), Value::Null(Type::Numeric())};
  std::string out;
  enc.EncodeRow(row, &out);
  EXPECT_EQ(out, R"({"id":7,"na\"me":"x","v":null})");
  out.clear();
  const std::vector<int> key = {1, 0};
  enc.EncodeKey(row, key, &out);
  EXPECT_EQ(out, R"({"na\"me":"x","id":7})");

  // The chunk path writes the same bytes.
  sql::ChunkBuilder b({Type::Int64(), Type::Text(), Type::Numeric()});
  b.AppendRow(row);
  sql::Chunk chunk = b.Finish();
  std::string from_chunk;
  enc.EncodeKey(chunk, 0, key, &from_chunk);
  EXPECT_EQ(from_chunk, out);
  from_chunk.clear();
  enc.EncodeRow(chunk, 0, &from_chunk);
  EXPECT_EQ(from_chunk, R"({"id":7,"na\"me":"x","v":null})");
}

// Every type, with its awkward values, survives encode → JsonRowDecoder.
TEST(RowEncoderTest, RoundTripsThroughTheSourceDecoder) {
  std::vector<SourceColumn> columns = {
      {"b", Type::Bool()},         {"i2", Type::Int16()},           {"i4", Type::Int32()},
      {"i8", Type::Int64()},       {"f4", Type::Float32()},         {"f8", Type::Float64()},
      {"n", Type::Numeric()},      {"n2", *Type::NumericOf(10, 2)}, {"t", Type::Text()},
      {"vc", *Type::VarcharOf(5)}, {"by", Type::Bytea()},           {"d", Type::Date()},
      {"ts", Type::Timestamp()},   {"tz", Type::TimestampTz()},     {"iv", Type::Interval()},
      {"j", Type::Jsonb()},
  };
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  std::vector<std::vector<Value>> rows = {
      {Value::Bool(false), Value::Int16(-32768), Value::Int32(2147483647),
       Value::Int64(std::numeric_limits<int64_t>::max()), Value::Float32(3.4028235e38f),
       Value::Float64(-0.0), Parse(Type::Numeric(), "123456789012345678901234567890.12345678"),
       Parse(*Type::NumericOf(10, 2), "-3.10"), Value::Text("\"quoted\"\n\\ \x1f ünï 😀"),
       Parse(*Type::VarcharOf(5), "héllo"), Value::String(Type::Bytea(), all_bytes),
       Parse(Type::Date(), "4713-01-01 BC"),
       Parse(Type::Timestamp(), "294276-12-31 23:59:59.999999"),
       Parse(Type::TimestampTz(), "1999-12-31 23:59:59.000001-08"),
       Parse(Type::Interval(), "-1 years +2 mons -3 days 04:05:06.789"),
       Parse(Type::Jsonb(), R"({"a": [1, 2.50, "x", true, null], "b": {}})")},
      {Value::Bool(true), Value::Int16(0), Value::Int32(-1), Value::Int64(9007199254740993),
       Value::Float32(std::nanf("")), Value::Float64(INFINITY), Parse(Type::Numeric(), "0.000"),
       Parse(*Type::NumericOf(10, 2), "0"), Value::Text(""), Parse(*Type::VarcharOf(5), ""),
       Value::String(Type::Bytea(), ""), Parse(Type::Date(), "-infinity"),
       Parse(Type::Timestamp(), "infinity"), Parse(Type::TimestampTz(), "1500-02-28 10:00:00 BC"),
       Parse(Type::Interval(), "0"), Parse(Type::Jsonb(), R"("just a string")")},
      {Value::Null(Type::Bool()), Value::Null(Type::Int16()), Value::Null(Type::Int32()),
       Value::Null(Type::Int64()), Value::Float32(1e-45f), Value::Float64(-INFINITY),
       Value::Null(Type::Numeric()), Value::Null(*Type::NumericOf(10, 2)),
       Value::Null(Type::Text()), Value::Null(*Type::VarcharOf(5)), Value::Null(Type::Bytea()),
       Value::Null(Type::Date()), Value::Null(Type::Timestamp()), Value::Null(Type::TimestampTz()),
       Value::Null(Type::Interval()), Parse(Type::Jsonb(), "-1.5e300")},
  };
  RowJsonEncoder enc(columns);
  JsonRowDecoder dec(columns);
  for (const auto& row : rows) {
    std::string json;
    enc.EncodeRow(row, &json);
    std::vector<Value> decoded(columns.size());
    std::vector<bool> filled(columns.size(), false);
    ASSERT_TRUE(dec.DecodeObject(json, decoded, filled, true).ok()) << json;
    for (size_t i = 0; i < columns.size(); ++i) {
      EXPECT_TRUE(filled[i]) << columns[i].name;
      const Value& want = row[i];
      const Value& got = decoded[i];
      if (!want.is_null() && want.type().physical() == sql::PhysicalType::kFloat32 &&
          std::isnan(want.double_value())) {
        EXPECT_TRUE(!got.is_null() && std::isnan(got.double_value())) << json;
        continue;
      }
      EXPECT_EQ(got.ToString(), want.ToString()) << columns[i].name << " in " << json;
      EXPECT_TRUE(got == want) << columns[i].name << ": " << got.ToString() << " in " << json;
    }
  }
}

// The key object is what a keyed source reads a tombstone's key columns from.
TEST(RowEncoderTest, KeyRoundTripsThroughTheSourceDecoder) {
  std::vector<SourceColumn> columns = {
      {"region", Type::Text()}, {"v", Type::Int64()}, {"at", Type::TimestampTz()}};
  RowJsonEncoder enc(columns);
  JsonRowDecoder dec(columns);
  std::vector<Value> row = {Value::Text("eu\"west"), Value::Int64(5),
                            Parse(Type::TimestampTz(), "2024-05-06 07:08:09.1+00")};
  std::string key;
  const std::vector<int> key_columns = {0, 2};
  enc.EncodeKey(row, key_columns, &key);
  std::vector<Value> decoded(3);
  std::vector<bool> filled(3, false);
  ASSERT_TRUE(dec.DecodeObject(key, decoded, filled, false).ok()) << key;
  EXPECT_TRUE(decoded[0] == row[0]);
  EXPECT_FALSE(filled[1]);
  EXPECT_TRUE(decoded[2] == row[2]);
}

}  // namespace
}  // namespace oxbow::stream
