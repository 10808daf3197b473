#include "pgwire/value_codec.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

using sql::Type;
using sql::Value;

std::string Binary(const Value& v) {
  std::string out;
  AppendValue(out, v, 1);
  return out;
}

std::string Text(const Value& v) {
  std::string out;
  AppendValue(out, v, 0);
  return out;
}

std::string Hex(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

TEST(ValueCodecTest, FixedSizeBinary) {
  EXPECT_EQ(Hex(Binary(Value::Int16(-2))), "fffe");
  EXPECT_EQ(Hex(Binary(Value::Int32(258))), "00000102");
  EXPECT_EQ(Hex(Binary(Value::Int64(1))), "0000000000000001");
  EXPECT_EQ(Hex(Binary(Value::Bool(true))), "01");
  EXPECT_EQ(Hex(Binary(Value::Float64(1.0))), "3ff0000000000000");
  EXPECT_EQ(Hex(Binary(Value::Float32(1.0f))), "3f800000");
  // 2000-01-02 is day 1 of PostgreSQL's epoch; timestamps are µs since 2000-01-01.
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Date(), "2000-01-02"))), "00000001");
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Timestamp(), "2000-01-01 00:00:01"))),
            "00000000000f4240");
}

TEST(ValueCodecTest, NumericBinaryMatchesPostgres) {
  // PostgreSQL's numeric_send of 12345.678: ndigits 3, weight 1, sign 0, dscale 3,
  // digits 1 2345 6780.
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Numeric(), "12345.678"))),
            "0003000100000003000109291a7c");
  // -0.001: ndigits 1, weight -1, sign 0x4000, dscale 3, digit 10.
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Numeric(), "-0.001"))), "0001ffff40000003000a");
  // 0.00: no digits, dscale 2.
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Numeric(), "0.00"))), "0000000000000002");
  // 20000: one digit 2 with weight 1.
  EXPECT_EQ(Hex(Binary(*sql::ParseValue(Type::Numeric(), "20000"))),
            "0001000100000000"
            "0002");
}

TEST(ValueCodecTest, BinaryRoundTrips) {
  const std::vector<std::pair<Type, std::string>> cases = {
      {Type::Int16(), "-32768"},
      {Type::Int32(), "2147483647"},
      {Type::Int64(), "-9223372036854775808"},
      {Type::Float64(), "3.25"},
      {Type::Float32(), "-1.5"},
      {Type::Bool(), "f"},
      {Type::Numeric(), "12345.678"},
      {Type::Numeric(), "-0.001"},
      {Type::Numeric(), "0"},
      {Type::Numeric(), "99999999999999999999999999999999999999"},
      {Type::Numeric(), "0.00000000000000000000000000000000000001"},
      {Type::Numeric(), "100000000"},
      {Type::Text(), "héllo"},
      {Type::Varchar(), ""},
      {Type::Date(), "2024-02-29"},
      {Type::Timestamp(), "2024-02-29 12:34:56.789"},
      {Type::TimestampTz(), "1999-12-31 23:59:59+00"},
      {Type::Interval(), "1 year 2 days 00:00:03"},
      {Type::Jsonb(), "{\"a\": 1}"},
  };
  for (const auto& [type, text] : cases) {
    Result<Value> v = sql::ParseValue(type, text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.status();
    Result<Value> back = DecodeValue(type, Binary(*v), 1);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status();
    EXPECT_EQ(Text(*back), Text(*v)) << type.ToString();
  }
}

TEST(ValueCodecTest, TextParameters) {
  EXPECT_EQ(DecodeValue(Type::Int32(), "42", 0)->int_value(), 42);
  EXPECT_EQ(sql::SqlStateOf(DecodeValue(Type::Int32(), "4x", 0).status()), "22P02");
  EXPECT_EQ(Text(*DecodeValue(Type::Numeric(), "1.50", 0)), "1.50");
}

TEST(ValueCodecTest, BadBinaryIs22P03) {
  EXPECT_EQ(sql::SqlStateOf(DecodeValue(Type::Int32(), "abc", 1).status()), "22P03");
  EXPECT_EQ(sql::SqlStateOf(DecodeValue(Type::Int64(), "abcd", 1).status()), "22P03");
  EXPECT_EQ(sql::SqlStateOf(DecodeValue(Type::Numeric(), "abc", 1).status()), "22P03");
  // A numeric digit above 9999.
  EXPECT_EQ(
      sql::SqlStateOf(
          DecodeValue(Type::Numeric(), std::string("\0\1\0\0\0\0\0\0\x27\x10", 10), 1).status()),
      "22P03");
  // NaN.
  EXPECT_EQ(sql::SqlStateOf(
                DecodeValue(Type::Numeric(), std::string("\0\0\0\0\xc0\0\0\0", 8), 1).status()),
            "0A000");
}

}  // namespace
}  // namespace oxbow::pgwire
