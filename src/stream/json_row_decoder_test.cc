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
      {"i8", Type::Int64()},   {"i4", Type::Int32()},     {"i2", Type::Int16()},
      {"f8", Type::Float64()}, {"t", Type::Text()},       {"vc", *Type::VarcharOf(3)},
      {"n", Type::Numeric()},  {"ts", Type::Timestamp()}, {"b", Type::Bool()},
      {"j", Type::Jsonb()},
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
  EXPECT_EQ(builder.Finish().num_rows(), 5u);
}

}  // namespace
}  // namespace oxbow::stream
