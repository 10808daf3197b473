#include "stream/json_record_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/record_format_test_util.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using testing::DecodeLines;
using ::testing::ElementsAre;

const std::vector<SourceColumn> kColumns = {{"id", Type::Int64()}, {"name", Type::Text()}};

TEST(JsonRecordDecoderTest, AppendOnlyRecordsAreInsertsAndNullValuesErrors) {
  JsonRecordDecoder d(kColumns, {});
  EXPECT_THAT(DecodeLines(d, std::nullopt, R"({"id": 1, "name": "ann", "x": 2})"),
              ElementsAre("+ 1 | ann"));
  EXPECT_THAT(DecodeLines(d, "7", R"({"name": "bo"})"), ElementsAre("+ NULL | bo"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, std::nullopt),
              ElementsAre("error: null value in an append-only topic"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, R"({"id": "x"})"),
              ElementsAre(::testing::HasSubstr("invalid input syntax for type bigint")));
}

TEST(JsonRecordDecoderTest, KeyedRecordsTakeMissingKeyColumnsFromTheRecordKey) {
  JsonRecordDecoder d(kColumns, {0});
  EXPECT_THAT(DecodeLines(d, "1", R"({"name": "ann"})"), ElementsAre("+ 1 | ann"));
  EXPECT_THAT(DecodeLines(d, R"({"id": 2})", R"({"name": "bo"})"), ElementsAre("+ 2 | bo"));
  // The value's key column wins over the record key's.
  EXPECT_THAT(DecodeLines(d, R"({"id": 2})", R"({"id": 3, "name": "cy"})"),
              ElementsAre("+ 3 | cy"));
  EXPECT_THAT(DecodeLines(d, "4", std::nullopt), ElementsAre("- 4 | NULL"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, R"({"name": "x"})"),
              ElementsAre("error: record without a key in a table with a primary key"));
}

TEST(JsonRecordDecoderTest, PlainStringKeysAreTheKeyColumnsTextInput) {
  JsonRecordDecoder text_key({{"code", Type::Text()}, {"n", Type::Int32()}}, {0});
  EXPECT_THAT(DecodeLines(text_key, "user-1", R"({"n": 1})"), ElementsAre("+ user-1 | 1"));
  EXPECT_THAT(DecodeLines(text_key, R"("quoted")", std::nullopt), ElementsAre("- quoted | NULL"));
  JsonRecordDecoder int_key(kColumns, {0});
  EXPECT_THAT(DecodeLines(int_key, "12abc", std::nullopt),
              ElementsAre(::testing::HasSubstr("record key for column \"id\": invalid input")));
}

}  // namespace
}  // namespace oxbow::stream
