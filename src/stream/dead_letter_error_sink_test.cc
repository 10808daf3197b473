#include "stream/dead_letter_error_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dlq/dead_letter.h"
#include "stream/log_manager_fixture.h"
#include "stream/materialized_view.h"
#include "stream/pipeline.h"
#include "stream/source.h"

namespace oxbow::stream {
namespace {

using oxbow::testing::ReadRecord;
using oxbow::testing::Rec;
using oxbow::testing::TestRecord;
using sql::Type;
using ::testing::ElementsAre;
using ::testing::Pair;

std::optional<std::string> Header(const ReadRecord& r, std::string_view name) {
  for (const auto& [k, v] : r.record.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

class DeadLetterErrorSinkTest : public testing::LogManagerFixture {
 protected:
  // orders(id bigint, qty integer) → view, bad records to the DLQ.
  struct Dataflow {
    std::unique_ptr<Pipeline> pipeline;
    MaterializedView* view = nullptr;
  };
  Dataflow Build(StateStore& store, ErrorSink& errors) {
    Dataflow d;
    d.pipeline = std::make_unique<Pipeline>(PipelineOptions{1, std::chrono::hours(1)}, store);
    SourceOptions o;
    o.id = 2;
    o.topic = "orders";
    o.partitions = Partitions("orders");
    o.columns = {{"id", Type::Int64()}, {"qty", Type::Int32()}};
    o.errors = &errors;
    Source* source = d.pipeline->Add(std::make_unique<Source>(std::move(o)));
    d.view = d.pipeline->Add(std::make_unique<MaterializedView>(3, source->output_types()));
    d.pipeline->Connect(source, d.view);
    EXPECT_TRUE(d.pipeline->Restore().ok());
    return d;
  }
};

TEST_F(DeadLetterErrorSinkTest, BadRecordsLandInTheDeadLetterTopicAndTheViewCarriesOn) {
  ASSERT_TRUE(log_->CreateTopic("orders", 2, {}).ok());
  TestRecord malformed = Rec("k1", "{\"id\": 2, \"qty\"", 1700000000123);
  malformed.headers = {{"trace", "abc"}};
  Append("orders", 1,
         {Rec(std::nullopt, R"({"id": 1, "qty": 5})", 1000), malformed,
          Rec(std::nullopt, R"({"id": 3, "qty": "many"})", 1001),
          Rec(std::nullopt, R"({"id": 4, "qty": 6})", 1002)});
  dlq::DeadLetterQueue queue(*log_);
  DeadLetterErrorSink sink(queue);
  auto store = NewMemoryStateStore();
  Dataflow d = Build(*store, sink);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());

  EXPECT_THAT(d.view->SortedLines(), ElementsAre("1 | 5", "4 | 6"));
  // The dead-letter topic has the source's partition count; letters keep their partition.
  EXPECT_EQ(*log_->PartitionCount("orders.dlq"), 2);
  EXPECT_TRUE(Read("orders.dlq", 0).empty());
  std::vector<ReadRecord> letters = Read("orders.dlq", 1);
  ASSERT_EQ(letters.size(), 2u);
  const TestRecord& first = letters[0].record;
  EXPECT_EQ(first.key, "k1");
  EXPECT_EQ(first.value, "{\"id\": 2, \"qty\"");
  EXPECT_EQ(first.timestamp, 1700000000123);
  EXPECT_EQ(Header(letters[0], dlq::kHeaderSourceTopic), "orders");
  EXPECT_EQ(Header(letters[0], dlq::kHeaderSourcePartition), "1");
  EXPECT_EQ(Header(letters[0], dlq::kHeaderSourceOffset), "1");
  EXPECT_EQ(Header(letters[0], dlq::kHeaderErrorClass), "decode");
  EXPECT_EQ(Header(letters[0], dlq::kHeaderErrorMessage), "malformed JSON");
  EXPECT_EQ(Header(letters[0], "trace"), "abc");
  EXPECT_EQ(Header(letters[1], dlq::kHeaderSourceOffset), "2");
  EXPECT_EQ(Header(letters[1], dlq::kHeaderErrorClass), "type");
  EXPECT_EQ(Header(letters[1], dlq::kHeaderErrorMessage),
            "column \"qty\": invalid input syntax for type integer: \"many\"");
  EXPECT_THAT(sink.Counts(), ElementsAre(Pair("orders", 2)));
  EXPECT_EQ(queue.Count("orders"), 2u);

  // Later records keep flowing to both.
  Append("orders", 0, {Rec(std::nullopt, "[1]", 1003), Rec(std::nullopt, R"({"id": 5})", 1004)});
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_THAT(d.view->SortedLines(), ElementsAre("1 | 5", "4 | 6", "5 | NULL"));
  letters = Read("orders.dlq", 0);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(Header(letters[0], dlq::kHeaderErrorMessage), "value is not a JSON object");
  EXPECT_EQ(sink.Count("orders"), 3u);
}

// A dead-letter topic that refuses the letters stops the pipeline before its offsets move
// past them: after the cause is fixed, a restore writes them (and the view has every good
// row once).
TEST_F(DeadLetterErrorSinkTest, AFailedAppendStopsThePipelineAndTheLettersComeBackOnRestore) {
  ASSERT_TRUE(log_->CreateTopic("orders", 1, {}).ok());
  // A compacted topic refuses records without a key.
  ASSERT_TRUE(log_->CreateTopic("orders.dlq", 1, {{"cleanup.policy", "compact"}}).ok());
  Append("orders", 0,
         {Rec(std::nullopt, R"({"id": 1, "qty": 5})", 1000), Rec(std::nullopt, "oops", 1001)});
  auto store = NewMemoryStateStore();
  {
    dlq::DeadLetterQueue queue(*log_);
    DeadLetterErrorSink sink(queue);
    Dataflow d = Build(*store, sink);
    Status s = d.pipeline->RunUntilCaughtUp();
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("orders.dlq"));
    EXPECT_EQ(sink.Count("orders"), 0u);
  }
  ASSERT_TRUE(log_->DeleteTopic("orders.dlq").ok());
  dlq::DeadLetterQueue queue(*log_);
  DeadLetterErrorSink sink(queue);
  Dataflow d = Build(*store, sink);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_THAT(d.view->SortedLines(), ElementsAre("1 | 5"));
  std::vector<ReadRecord> letters = Read("orders.dlq", 0);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].record.value, "oops");
  EXPECT_EQ(sink.Count("orders"), 1u);
}

}  // namespace
}  // namespace oxbow::stream
