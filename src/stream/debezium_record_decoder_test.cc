#include "stream/debezium_record_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/record_format_test_util.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using testing::DecodeLines;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<SourceColumn> kColumns = {
    {"id", Type::Int64()}, {"name", Type::Text()}, {"price", Type::Numeric()}};

std::string Event(std::string_view op, std::string_view before, std::string_view after) {
  return fmt::format(
      R"({{"before": {}, "after": {}, "source": {{"table": "items", "lsn": 7}}, "op": "{}", )"
      R"("ts_ms": 1700000000000}})",
      before, after, op);
}

// Kafka Connect's JSON converter with schemas.enable=true.
std::string Wrapped(std::string_view payload) {
  return fmt::format(R"({{"schema": {{"type": "struct", "optional": false}}, "payload": {}}})",
                     payload);
}

constexpr std::string_view kAnn = R"({"id": 1, "name": "ann", "price": "9.50"})";
constexpr std::string_view kAnn2 = R"({"id": 1, "name": "ann", "price": "12.00"})";

TEST(DebeziumRecordDecoderTest, StreamWithoutKeyRetractsBeforeImages) {
  DebeziumRecordDecoder d(kColumns, {});
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("c", "null", kAnn)),
              ElementsAre("+ 1 | ann | 9.50"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("r", "null", kAnn)),
              ElementsAre("+ 1 | ann | 9.50"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("u", kAnn, kAnn2)),
              ElementsAre("- 1 | ann | 9.50", "+ 1 | ann | 12.00"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("d", kAnn2, "null")),
              ElementsAre("- 1 | ann | 12.00"));
  // The tombstone after a delete: nothing left to retract.
  EXPECT_THAT(DecodeLines(d, R"({"id": 1})", std::nullopt), ElementsAre());
}

TEST(DebeziumRecordDecoderTest, TableWithKeyUpsertsAndDeletesByKey) {
  DebeziumRecordDecoder d(kColumns, {0});
  EXPECT_THAT(DecodeLines(d, R"({"id": 1})", Event("c", "null", kAnn)),
              ElementsAre("+ 1 | ann | 9.50"));
  EXPECT_THAT(DecodeLines(d, R"({"id": 1})", Event("u", "null", kAnn2)),
              ElementsAre("+ 1 | ann | 12.00"));
  // PostgreSQL's default replica identity: the before image has the key only.
  EXPECT_THAT(DecodeLines(d, R"({"id": 1})", Event("d", R"({"id": 1})", "null")),
              ElementsAre("- 1 | NULL | NULL"));
  // No before image at all: the key comes from the record key.
  EXPECT_THAT(DecodeLines(d, R"({"id": 2})", Event("d", "null", "null")),
              ElementsAre("- 2 | NULL | NULL"));
  EXPECT_THAT(DecodeLines(d, R"({"id": 3})", std::nullopt), ElementsAre("- 3 | NULL | NULL"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, std::nullopt),
              ElementsAre("error: record without a key in a table with a primary key"));
}

TEST(DebeziumRecordDecoderTest, SchemaPayloadWrapperOnValuesAndKeys) {
  DebeziumRecordDecoder d(kColumns, {0});
  std::string key = Wrapped(R"({"id": 5})");
  EXPECT_THAT(DecodeLines(d, key, Wrapped(Event("c", "null", R"({"name": "eve"})"))),
              ElementsAre("+ 5 | eve | NULL"));
  EXPECT_THAT(DecodeLines(d, key, Wrapped(Event("d", "null", "null"))),
              ElementsAre("- 5 | NULL | NULL"));
  EXPECT_THAT(DecodeLines(d, key, Wrapped("null")), ElementsAre("- 5 | NULL | NULL"));
  DebeziumRecordDecoder stream(kColumns, {});
  EXPECT_THAT(DecodeLines(stream, std::nullopt, Wrapped(Event("u", kAnn, kAnn2))),
              ElementsAre("- 1 | ann | 9.50", "+ 1 | ann | 12.00"));
  EXPECT_THAT(DecodeLines(stream, std::nullopt, Wrapped("null")), ElementsAre());
}

TEST(DebeziumRecordDecoderTest, MalformedEnvelopesAreErrors) {
  DebeziumRecordDecoder d(kColumns, {});
  auto decode = [&](std::string_view value) {
    return DecodeLines(d, std::nullopt, std::string(value));
  };
  EXPECT_THAT(decode(R"({"before": null, "after": )"), ElementsAre("error: malformed JSON"));
  EXPECT_THAT(decode("[1]"), ElementsAre("error: malformed Debezium envelope: not a JSON object"));
  EXPECT_THAT(decode(R"({"after": {"id": 1}})"),
              ElementsAre("error: malformed Debezium envelope: no \"op\" member"));
  EXPECT_THAT(decode(R"({"id": 1, "name": "plain json"})"),
              ElementsAre("error: malformed Debezium envelope: no \"op\" member"));
  EXPECT_THAT(decode(Event("x", "null", kAnn)),
              ElementsAre("error: malformed Debezium envelope: unknown op \"x\""));
  EXPECT_THAT(decode(R"({"after": {"id": 1}, "op": 1})"),
              ElementsAre("error: malformed Debezium envelope: \"op\" is not a string"));
  EXPECT_THAT(
      decode(Event("c", "null", "[1]")),
      ElementsAre("error: malformed Debezium envelope: \"after\" is not an object or null"));
  EXPECT_THAT(decode(Event("c", "null", "null")),
              ElementsAre("error: malformed Debezium envelope: op \"c\" without \"after\""));
  EXPECT_THAT(decode(Event("t", "null", "null")), ElementsAre(HasSubstr("not a row change")));
  EXPECT_THAT(decode(Event("u", "null", kAnn)),
              ElementsAre(HasSubstr("update without \"before\" in a table without a primary key")));
  EXPECT_THAT(decode(Event("d", "null", "null")),
              ElementsAre(HasSubstr("delete without \"before\" in a table without a primary key")));
  EXPECT_THAT(
      decode(R"({"schema": {}, "payload": 3})"),
      ElementsAre("error: malformed Debezium envelope: \"payload\" is not an object or null"));
}

TEST(DebeziumRecordDecoderTest, ImageValuesThatDoNotFitTheirColumnAreErrors) {
  DebeziumRecordDecoder d(kColumns, {});
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("c", "null", R"({"id": "one"})")),
              ElementsAre(HasSubstr("invalid input syntax for type bigint")));
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("c", "null", R"({"id": 1, "name": [1]})")),
              ElementsAre("+ 1 | [1] | NULL"));
  EXPECT_THAT(DecodeLines(d, std::nullopt, Event("c", "null", R"({"id": 1.5})")),
              ElementsAre("error: column \"id\": expected bigint, got 1.5"));
}

}  // namespace
}  // namespace oxbow::stream
