// Sources of each table format, end to end: records in the log → Source → (UpsertTable for
// keyed tables) → MaterializedView, with undecodable records in the error sink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/pipeline.h"
#include "stream/record_format_test_util.h"
#include "stream/source.h"
#include "stream/stream_log_fixture.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using ::testing::ElementsAre;
using testing::Framed;
using ::testing::HasSubstr;

class SourceFormatTest : public testing::LogFixture {
 protected:
  void SetUp() override { OpenTopic(1); }

  // Source → [UpsertTable] → view, in a pipeline over an in-memory store.
  MaterializedView* Build(SourceFormat format, std::vector<SourceColumn> columns,
                          std::vector<int> keys = {}) {
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{1, std::chrono::hours(1)}, *store_);
    SourceOptions o;
    o.id = 2;
    o.topic = "t";
    o.partitions = partitions_;
    o.columns = std::move(columns);
    o.key_columns = keys;
    o.errors = &errors_;
    o.format = format;
    o.schemas = &schemas_;
    source_ = pipeline_->Add(std::make_unique<Source>(std::move(o)));
    Operator* last = source_;
    if (!keys.empty()) {
      Operator* table =
          pipeline_->Add(std::make_unique<UpsertTable>(3, source_->output_types(), keys));
      pipeline_->Connect(last, table);
      last = table;
    }
    auto* view = pipeline_->Add(std::make_unique<MaterializedView>(4, source_->output_types()));
    pipeline_->Connect(last, view);
    EXPECT_TRUE(pipeline_->Restore().ok());
    return view;
  }
  std::vector<std::string> Reasons() const {
    std::vector<std::string> out;
    for (const RecordError& e : errors_.errors()) {
      out.push_back(fmt::format("{}: {}", e.offset.value(), e.reason));
    }
    return out;
  }

  std::unique_ptr<StateStore> store_ = NewMemoryStateStore();
  std::unique_ptr<Pipeline> pipeline_;
  Source* source_ = nullptr;
  CollectingErrorSink errors_;
  testing::FakeSchemaLookup schemas_;
};

const std::vector<SourceColumn> kItems = {{"id", Type::Int64()}, {"name", Type::Text()}};

TEST_F(SourceFormatTest, JsonTableWithPlainStringKeys) {
  Append(0, {{"sku-1", R"({"name": "ann"})"},
             {"sku-2", R"({"name": "bo"})"},
             {"sku-1", R"({"name": "al"})"},
             {"sku-2", std::nullopt}});
  auto* view = Build(SourceFormat::kJson, {{"sku", Type::Text()}, {"name", Type::Text()}}, {0});
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("sku-1 | al"));
  EXPECT_TRUE(errors_.errors().empty());
}

std::string Event(std::string_view op, std::string_view before, std::string_view after) {
  return fmt::format(R"({{"before": {}, "after": {}, "op": "{}"}})", before, after, op);
}

TEST_F(SourceFormatTest, DebeziumStreamWithoutKeyFollowsTheTable) {
  Append(0,
         {{std::nullopt, Event("r", "null", R"({"id": 1, "name": "ann"})")},
          {std::nullopt, Event("c", "null", R"({"id": 2, "name": "bo"})")},
          {std::nullopt, Event("u", R"({"id": 1, "name": "ann"})", R"({"id": 1, "name": "al"})")},
          {std::nullopt, Event("d", R"({"id": 2, "name": "bo"})", "null")},
          {R"({"id": 2})", std::nullopt},
          {std::nullopt, R"({"id": 3, "name": "not an envelope"})"},
          {std::nullopt, Event("c", "null", R"({"id": 4, "name": "cy"})")}});
  auto* view = Build(SourceFormat::kDebeziumJson, kItems);
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | al", "4 | cy"));
  EXPECT_THAT(Reasons(), ElementsAre("5: malformed Debezium envelope: no \"op\" member"));
}

TEST_F(SourceFormatTest, DebeziumTableWithKeyThroughUpsertTable) {
  auto key = [](int id) {
    return fmt::format(R"({{"schema": {{}}, "payload": {{"id": {}}}}})", id);
  };
  Append(0, {{key(1), Event("c", "null", R"({"id": 1, "name": "ann"})")},
             {key(2), Event("c", "null", R"({"id": 2, "name": "bo"})")},
             {key(1), Event("u", "null", R"({"id": 1, "name": "al"})")},
             {key(2), Event("d", R"({"id": 2})", "null")},
             {key(2), std::nullopt},
             {key(3), Event("r", "null", R"({"id": 3, "name": 5})")},
             {key(4), Event("c", "null", R"({"id": "four"})")}});
  auto* view = Build(SourceFormat::kDebeziumJson, kItems, {0});
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | al", "3 | 5"));
  ASSERT_EQ(errors_.errors().size(), 1u);
  EXPECT_EQ(errors_.errors()[0].offset, Offset(6));
  EXPECT_THAT(errors_.errors()[0].reason, HasSubstr("invalid input syntax for type bigint"));
}

constexpr std::string_view kV1 = R"({"type": "record", "name": "Item", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"]}]})";
constexpr std::string_view kV2 = R"({"type": "record", "name": "Item", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"]},
  {"name": "qty", "type": "int", "default": 0}]})";
constexpr std::string_view kKey =
    R"({"type": "record", "name": "ItemKey", "fields": [{"name": "id", "type": "long"}]})";

TEST_F(SourceFormatTest, AvroStreamWithEvolvingWriterSchemasAndBadRecords) {
  schemas_.Add(1, kV1);
  schemas_.Add(2, kV2);
  Append(0, {{std::nullopt, Framed(1, kV1, R"({"id": 1, "name": {"string": "ann"}})")},
             {std::nullopt, Framed(2, kV2, R"({"id": 2, "name": null, "qty": 5})")},
             {std::nullopt, R"({"id": 3, "name": "json"})"},
             {std::nullopt, Framed(9, kV1, R"({"id": 4, "name": null})")},
             {std::nullopt, std::nullopt},
             {std::nullopt, Framed(1, kV1, R"({"id": 6, "name": {"string": "fay"}})")}});
  auto* view = Build(SourceFormat::kAvro,
                     {{"id", Type::Int64()}, {"name", Type::Text()}, {"qty", Type::Int32()}});
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | ann | NULL", "2 | NULL | 5", "6 | fay | NULL"));
  EXPECT_THAT(Reasons(),
              ElementsAre("2: not Confluent framing: magic byte 0x7b, expected 0x00",
                          "3: unknown schema id 9", "4: null value in an append-only topic"));
  EXPECT_EQ(errors_.errors()[1].value, Framed(9, kV1, R"({"id": 4, "name": null})"));
}

TEST_F(SourceFormatTest, AvroTableWithAvroKeysAndTombstones) {
  schemas_.Add(1, kV1);
  schemas_.Add(7, kKey);
  auto key = [](int id) { return Framed(7, kKey, fmt::format(R"({{"id": {}}})", id)); };
  Append(0, {{key(1), Framed(1, kV1, R"({"id": 1, "name": {"string": "ann"}})")},
             {key(2), Framed(1, kV1, R"({"id": 2, "name": {"string": "bo"}})")},
             {key(1), Framed(1, kV1, R"({"id": 1, "name": {"string": "al"}})")},
             {key(2), std::nullopt},
             {std::nullopt, std::nullopt}});
  auto* view = Build(SourceFormat::kAvro, kItems, {0});
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | al"));
  EXPECT_THAT(Reasons(), ElementsAre("4: record without a key in a table with a primary key"));
}

TEST_F(SourceFormatTest, RegistryOutageStopsTheSourceWithoutLosingRecords) {
  schemas_.Add(1, kV1);
  schemas_.Add(2, kV2);
  schemas_.FailWith(2, absl::InternalError("registry store failed"));
  Append(0, {{std::nullopt, Framed(1, kV1, R"({"id": 1, "name": null})")},
             {std::nullopt, Framed(2, kV2, R"({"id": 2, "name": null, "qty": 1})")},
             {std::nullopt, Framed(1, kV1, R"({"id": 3, "name": null})")}});
  auto* view = Build(SourceFormat::kAvro, {{"id", Type::Int64()}});
  Result<size_t> polled = source_->Poll();
  EXPECT_EQ(polled.status().code(), absl::StatusCode::kUnavailable) << polled.status();
  EXPECT_THAT(view->SortedLines(), ElementsAre("1"));
  EXPECT_EQ(source_->next_offset(0), Offset(1));
  schemas_.ClearFailure(2);
  ASSERT_TRUE(pipeline_->RunUntilCaughtUp().ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1", "2", "3"));
  EXPECT_TRUE(errors_.errors().empty());
}

}  // namespace
}  // namespace oxbow::stream
