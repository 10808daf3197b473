#include "stream/json_row_decoder.h"

#include <gtest/gtest.h>

namespace oxbow::stream {
namespace {

using sql::Type;
using sql::Value;

// DecodeObject's Values and AppendObject's columns are two ways to one answer: the same cells
// for every input, the same error, and a failed AppendObject leaves the columns as they were.
TEST(JsonRowDecoderTest, AppendObjectDecodesAsDecodeObjectDoes) {
  const std::vector<SourceColumn> columns = {
      {"i8", Type::Int64()},   {"i4", Type::Int32()},       {"i2", Type::Int16()},
      {"f8", Type::Float64()}, {"t", Type::Text()},         {"vc", *Type::VarcharOf(3)},
      {"n", Type::Numeric()},  {"ts", Type::Timestamp()},   {"b", Type::Bool()},
      {"j", Type::Jsonb()},    {"tz", Type::TimestampTz()},
  };
  const char* const inputs[] = {
      R"({"i8": 1, "i4": 2, "i2": 3, "f8": 4.5, "t": "x", "vc": "abc", "n": 1.10,
          "ts": "2024-01-02 03:04:05", "b": true, "j": {"a": [1]}})",
      R"({"j": null, "b": false, "ts": 1700000000000, "n": "2.5", "t": "", "f8": -0, "i8": -9})",
      R"({"t": "first", "t": "last wins", "unknown": [1, 2], "i4": "17"})",
      R"({"f8": 3, "i8": 9223372036854775807, "t": 12, "vc": 12})",
      R"({})",
      R"({"i4": 2147483648})",      // out of range
      R"({"i2": 1.5})",             // not an integer
      R"({"vc": "toolong"})",       // varchar(3)
      R"({"t": "ok", "i8": "x"})",  // error after a cell was set
      R"({"ts": "yesterday-ish"})",
      R"({"tz": "2024-01-02T03:04:05.25+02:00", "ts": "2024-01-02T03:04:05Z"})",
      R"({"tz": "epoch", "ts": "infinity"})",
      R"({"tz": "2024-02-30 00:00:00"})",  // no such day
      R"({"ts": "300000-01-01"})",         // out of range
      R"([1, 2])",
      R"({"t": "unterminated)",
      R"({"i8": 1} trailing)",
  };
  JsonRowDecoder dec(columns);
  std::vector<Type> types;
  for (const SourceColumn& c : columns) types.push_back(c.type);
  sql::ChunkBuilder builder(types);
  size_t rows = 0;
  for (const char* json : inputs) {
    std::vector<Value> values(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) values[c] = Value::Null(columns[c].type);
    std::vector<bool> filled(columns.size(), false);
    Status want = dec.DecodeObject(json, values, filled, /*overwrite=*/true);
    Status got = dec.AppendObject(json, builder);
    ASSERT_EQ(got.ok(), want.ok()) << json << ": " << got << " vs " << want;
    if (!got.ok()) {
      EXPECT_EQ(got.message(), want.message()) << json;
      for (size_t c = 0; c < columns.size(); ++c) {
        EXPECT_EQ(builder.column(c).size(), rows) << json << " left a cell in " << c;
      }
      continue;
    }
    builder.AppendOp(sql::RowOp::kInsert);
    for (size_t c = 0; c < columns.size(); ++c) {
      ASSERT_EQ(builder.column(c).size(), rows + 1);
      Value cell = builder.column(c).GetValue(rows);
      EXPECT_TRUE(cell == values[c]) << json << " column " << columns[c].name << ": "
                                     << cell.ToString() << " vs " << values[c].ToString();
    }
    ++rows;
  }
  EXPECT_EQ(builder.Finish().num_rows(), 7u);  // the inputs that decode
}

// Columns no reader uses: their string members are skipped (NULL cells), every other value
// is still converted, so a record's fate does not depend on which columns are read.
TEST(JsonRowDecoderTest, UnusedColumnsSkipOnlyStrings) {
  const std::vector<SourceColumn> columns = {{"id", Type::Int64()},
                                             {"note", Type::Text()},
                                             {"doc", Type::Jsonb()},
                                             {"x", Type::Float64()}};
  JsonRowDecoder dec(columns);
  dec.SetAppendedColumns({true, false, false, false});
  sql::ChunkBuilder builder({Type::Int64(), Type::Text(), Type::Jsonb(), Type::Float64()});
  ASSERT_TRUE(
      dec.AppendObject(R"({"id": 1, "note": "skipped", "doc": "also", "x": 2})", builder).ok());
  builder.AppendOp(sql::RowOp::kInsert);
  EXPECT_TRUE(builder.column(1).IsNull(0));
  EXPECT_TRUE(builder.column(2).IsNull(0));
  EXPECT_EQ(builder.column(0).Get<int64_t>(0), 1);
  // A non-string in an unused column is converted (and so checked).
  EXPECT_TRUE(dec.AppendObject(R"({"id": 2, "note": 12, "doc": {"a": 1}})", builder).ok());
  builder.AppendOp(sql::RowOp::kInsert);
  EXPECT_EQ(builder.column(1).GetValue(1).ToString(), "12");
  Status bad = dec.AppendObject(R"({"id": 3, "x": "warm"})", builder);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(builder.column(0).size(), 2u);
}

// Member keys are matched by their unescaped text, whether or not they come in the columns'
// order: escapes, a key that extends a column's name, a column name with a quote.
TEST(JsonRowDecoderTest, KeysMatchByTheirUnescapedText) {
  const std::vector<SourceColumn> columns = {
      {"id", Type::Int64()}, {"ab", Type::Int64()}, {"q\"t", Type::Int64()}};
  JsonRowDecoder dec(columns);
  sql::ChunkBuilder builder({Type::Int64(), Type::Int64(), Type::Int64()});
  auto row = [&](const char* json) {
    EXPECT_TRUE(dec.AppendObject(json, builder).ok()) << json;
    builder.AppendOp(sql::RowOp::kInsert);
    const size_t r = builder.num_rows() - 1;
    std::string out;
    for (size_t c = 0; c < columns.size(); ++c) {
      out += fmt::format("{}{}", c > 0 ? "," : "", builder.column(c).GetValue(r).ToString());
    }
    return out;
  };
  EXPECT_EQ(row(R"({"id": 1, "ab": 2, "q\"t": 3})"), "1,2,3");
  EXPECT_EQ(row(R"({"i\u0064": 4, "a\u0062": 5})"), "4,5,NULL");
  EXPECT_EQ(row(R"({"idx": 9, "id": 6, "abc": 9, "ab": 7})"), "6,7,NULL");
  EXPECT_EQ(row(R"({"i": 9, "id": 8})"), "8,NULL,NULL");
}

}  // namespace
}  // namespace oxbow::stream
