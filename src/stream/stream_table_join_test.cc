#include "stream/stream_table_join.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace oxbow::stream::testing;
using sql::Type;

// orders(id, user_id) enriched with users(id, tier)
const std::vector<Type> kOrders = {Type::Int64(), Type::Int64()};
const std::vector<Type> kUsers = {Type::Int64(), Type::Text()};

StreamTableJoin MakeJoin(JoinType type) {
  return StreamTableJoin(21, type, kOrders, {1}, kUsers, {0});
}

TEST(StreamTableJoinTest, EventsMeetTheTableRowCurrentWhenTheyArriveAndAreNotRetracted) {
  StreamTableJoin j = MakeJoin(JoinType::kInner);
  Collector out(j.output_types());
  j.AddOutput(&out, 0);
  ASSERT_TRUE(j.Process(0, MakeChunk(kOrders, {{'+', {I(1), I(10)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());  // no user yet: an inner join drops the event
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("silver")}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());  // table changes emit nothing
  ASSERT_TRUE(j.Process(0, MakeChunk(kOrders, {{'+', {I(2), I(10)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 2 | 10 | 10 | silver"));
  ASSERT_TRUE(
      j.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("silver")}}, {'+', {I(10), T("gold")}}}))
          .ok());
  EXPECT_THAT(out.Take(), IsEmpty());  // order 2 stays joined with "silver"
  ASSERT_TRUE(j.Process(0, MakeChunk(kOrders, {{'+', {I(3), I(10)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 3 | 10 | 10 | gold"));
}

TEST(StreamTableJoinTest, LeftJoinPadsAndTableStateSurvivesRestore) {
  auto store = NewMemoryStateStore();
  StreamTableJoin j = MakeJoin(JoinType::kLeftOuter);
  ASSERT_TRUE(
      j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("gold")}}, {'+', {I(11), T("x")}}})).ok());
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'-', {I(11), T("x")}}})).ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(j.Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());

  StreamTableJoin restored = MakeJoin(JoinType::kLeftOuter);
  ASSERT_TRUE(restored.Restore(*store).ok());
  Collector out(restored.output_types());
  restored.AddOutput(&out, 0);
  ASSERT_TRUE(restored
                  .Process(0, MakeChunk(kOrders, {{'+', {I(1), I(10)}},
                                                  {'+', {I(2), I(11)}},
                                                  {'+', {I(3), Value::Null(Type::Int64())}}}))
                  .ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 10 | 10 | gold", "+ | 2 | 11 | NULL | NULL",
                                      "+ | 3 | NULL | NULL | NULL"));
}

TEST(StreamTableJoinTest, TheStreamSideMustBeAppendOnly) {
  StreamTableJoin j = MakeJoin(JoinType::kInner);
  Status s = j.Process(0, MakeChunk(kOrders, {{'-', {I(1), I(10)}}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oxbow::stream
