#include "stream/source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/stream_log_fixture.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SourceTest : public testing::LogFixture {
 protected:
  std::unique_ptr<Source> MakeSource(std::vector<SourceColumn> columns,
                                     std::vector<int> keys = {}) {
    SourceOptions o;
    o.id = 100;
    o.topic = "t";
    o.partitions = partitions_;
    o.columns = std::move(columns);
    o.key_columns = std::move(keys);
    o.errors = &errors_;
    return std::make_unique<Source>(std::move(o));
  }
  CollectingErrorSink errors_;
};

TEST_F(SourceTest, DecodesJsonByColumnNameWithNullsForMissingMembers) {
  OpenTopic(1);
  AppendValues(0,
               {R"({"id": 1, "name": "ann", "amount": 12.50, "extra": [1]})",
                R"({"name": "bo", "id": 2, "ts": "2024-01-02 03:04:05+00", "tags": {"b":1,"a":2}})",
                R"({"id": 3, "amount": "7", "ts": 1704164645000, "name": null})"});
  auto src = MakeSource({{"id", Type::Int32()},
                         {"name", Type::Text()},
                         {"amount", Type::Numeric()},
                         {"ts", Type::TimestampTz()},
                         {"tags", Type::Jsonb()}});
  MaterializedView view(1, src->output_types());
  src->AddOutput(&view, 0);
  ASSERT_EQ(src->Poll().value(), 3u);
  EXPECT_THAT(view.SortedLines(),
              ElementsAre("1 | ann | 12.50 | NULL | NULL",
                          "2 | bo | NULL | 2024-01-02 03:04:05+00 | {\"a\": 2, \"b\": 1}",
                          "3 | NULL | 7 | 2024-01-02 03:04:05+00 | NULL"));
  EXPECT_TRUE(errors_.errors().empty());
  EXPECT_EQ(src->Poll().value(), 0u);
  EXPECT_TRUE(src->CaughtUp());
}

TEST_F(SourceTest, RecordsThatDoNotFitGoToTheErrorSinkAndTheRestFlows) {
  OpenTopic(1);
  AppendValues(0, {R"({"id": 1})", R"({"id": "abc"})", R"({"id": 99999999999})", R"({"id": 5,)",
                   R"([1, 2])", R"({"id": 1.5})", R"({"id": 4})"});
  auto src = MakeSource({{"id", Type::Int32()}});
  MaterializedView view(1, src->output_types());
  src->AddOutput(&view, 0);
  ASSERT_TRUE(src->Poll().ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("1", "4"));
  ASSERT_EQ(errors_.errors().size(), 5u);
  EXPECT_EQ(errors_.errors()[0].offset, Offset(1));
  EXPECT_EQ(errors_.errors()[0].value, R"({"id": "abc"})");
  EXPECT_THAT(errors_.errors()[0].reason, HasSubstr("invalid input syntax for type integer"));
  EXPECT_THAT(errors_.errors()[1].reason, HasSubstr("column \"id\": expected integer"));
  EXPECT_THAT(errors_.errors()[2].reason, HasSubstr("malformed JSON"));
  EXPECT_THAT(errors_.errors()[3].reason, HasSubstr("not a JSON object"));
  EXPECT_THAT(errors_.errors()[4].reason, HasSubstr("expected integer, got 1.5"));
}

// Every value that does not fit names its column (also from a JSON number or a text type's
// limit) and is classed "type"; a record of the wrong shape is "decode".
TEST_F(SourceTest, TypeErrorsNameTheirColumnAndAreClassedApartFromDecodeErrors) {
  OpenTopic(1);
  AppendValues(0,
               {R"({"price": 123456.00})", R"({"code": "toolong"})", R"({"price": true})", "nope"});
  auto src = MakeSource({{"price", *Type::NumericOf(6, 2)}, {"code", *Type::VarcharOf(3)}});
  MaterializedView view(1, src->output_types());
  src->AddOutput(&view, 0);
  ASSERT_TRUE(src->Poll().ok());
  ASSERT_EQ(errors_.errors().size(), 4u);
  EXPECT_THAT(errors_.errors()[0].reason, HasSubstr("column \"price\": numeric field overflow"));
  EXPECT_THAT(errors_.errors()[1].reason, HasSubstr("column \"code\": value too long"));
  EXPECT_THAT(errors_.errors()[2].reason, HasSubstr("column \"price\": expected numeric"));
  EXPECT_EQ(errors_.errors()[3].reason, "value is not a JSON object");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(errors_.errors()[i].error_class, "type") << i;
  EXPECT_EQ(errors_.errors()[3].error_class, "decode");
}

TEST_F(SourceTest, KeyedTopicUpsertsAndTombstonesThroughUpsertTable) {
  OpenTopic(1);
  Append(0, {{"1", R"({"name": "ann"})"},
             {R"({"id": 2})", R"({"id": 2, "name": "bo"})"},
             {"1", R"({"name": "al"})"},
             {"2", std::nullopt},
             {std::nullopt, R"({"name": "nokey"})"}});
  auto src = MakeSource({{"id", Type::Int64()}, {"name", Type::Text()}}, {0});
  UpsertTable table(2, src->output_types(), {0});
  MaterializedView view(3, src->output_types());
  src->AddOutput(&table, 0);
  table.AddOutput(&view, 0);
  ASSERT_TRUE(src->Poll().ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("1 | al"));
  ASSERT_EQ(errors_.errors().size(), 1u);
  EXPECT_THAT(errors_.errors()[0].reason, HasSubstr("without a key"));
}

TEST_F(SourceTest, ReadsEveryPartitionAndResumesFromRestoredOffsets) {
  OpenTopic(2);
  AppendValues(0, {R"({"v": 1})", R"({"v": 2})"});
  AppendValues(1, {R"({"v": 3})"});
  auto store = NewMemoryStateStore();
  auto src = MakeSource({{"v", Type::Int64()}});
  while (src->Poll().value() > 0) {
  }
  auto batch = store->NewBatch();
  ASSERT_TRUE(src->Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  AppendValues(1, {R"({"v": 4})"});

  auto again = MakeSource({{"v", Type::Int64()}});
  ASSERT_TRUE(again->Restore(*store).ok());
  EXPECT_EQ(again->next_offset(0), Offset(2));
  EXPECT_EQ(again->next_offset(1), Offset(1));
  MaterializedView view(1, again->output_types());
  again->AddOutput(&view, 0);
  while (again->Poll().value() > 0) {
  }
  EXPECT_THAT(view.SortedLines(), ElementsAre("4"));
}

}  // namespace
}  // namespace oxbow::stream
