#include "stream/hash_join.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/materialized_view.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace oxbow::stream::testing;
using sql::Type;

// orders(id bigint, user_id bigint) ⋈ users(id bigint, name text) ON user_id = id
const std::vector<Type> kOrders = {Type::Int64(), Type::Int64()};
const std::vector<Type> kUsers = {Type::Int64(), Type::Text()};
const Value kNullId = Value::Null(Type::Int64());

HashJoin MakeJoin(JoinType type) { return HashJoin(11, type, kOrders, {1}, kUsers, {0}); }

TEST(HashJoinTest, InnerJoinEmitsChangesFromEitherSide) {
  HashJoin j = MakeJoin(JoinType::kInner);
  Collector out(j.output_types());
  j.AddOutput(&out, 0);
  ASSERT_TRUE(j.Process(0, MakeChunk(kOrders, {{'+', {I(1), I(10)}}, {'+', {I(2), I(10)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("ann")}}})).ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("+ | 1 | 10 | 10 | ann", "+ | 2 | 10 | 10 | ann"));
  // An update of the user (delete + insert) updates every joined row.
  ASSERT_TRUE(
      j.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("ann")}}, {'+', {I(10), T("bo")}}})).ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("- | 1 | 10 | 10 | ann", "- | 2 | 10 | 10 | ann",
                                               "+ | 1 | 10 | 10 | bo", "+ | 2 | 10 | 10 | bo"));
  ASSERT_TRUE(j.Process(0, MakeChunk(kOrders, {{'-', {I(1), I(10)}}, {'+', {I(3), I(11)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 10 | 10 | bo"));
}

TEST(HashJoinTest, LeftJoinPadsAndRetractsThePaddingWhenAMatchArrives) {
  HashJoin j = MakeJoin(JoinType::kLeftOuter);
  Collector out(j.output_types());
  j.AddOutput(&out, 0);
  ASSERT_TRUE(
      j.Process(0, MakeChunk(kOrders, {{'+', {I(1), I(10)}}, {'+', {I(2), kNullId}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 10 | NULL | NULL", "+ | 2 | NULL | NULL | NULL"));
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("ann")}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 10 | NULL | NULL", "+ | 1 | 10 | 10 | ann"));
  // A second match adds a row without touching the padding (there is none).
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("al")}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 10 | 10 | al"));
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("ann")}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 10 | 10 | ann"));
  // The last match goes: the padded row comes back.
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("al")}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 10 | 10 | al", "+ | 1 | 10 | NULL | NULL"));
  // Deleting left rows retracts what they produced, padded ones included.
  ASSERT_TRUE(
      j.Process(0, MakeChunk(kOrders, {{'-', {I(1), I(10)}}, {'-', {I(2), kNullId}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 10 | NULL | NULL", "- | 2 | NULL | NULL | NULL"));
}

// Final content equals the join of the final tables, whatever the order of changes, and the
// state survives a checkpoint and restore.
TEST(HashJoinTest, ViewEqualsJoinOfFinalTablesAcrossRestore) {
  auto store = NewMemoryStateStore();
  HashJoin j = MakeJoin(JoinType::kLeftOuter);
  MaterializedView view(12, j.output_types());
  j.AddOutput(&view, 0);
  ASSERT_TRUE(
      j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("ann")}}, {'+', {I(11), T("bo")}}})).ok());
  ASSERT_TRUE(
      j.Process(0, MakeChunk(kOrders,
                             {{'+', {I(1), I(10)}}, {'+', {I(1), I(10)}}, {'+', {I(2), I(12)}}}))
          .ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(j.Checkpoint(*batch).ok());
  ASSERT_TRUE(view.Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());

  HashJoin restored = MakeJoin(JoinType::kLeftOuter);
  MaterializedView view2(12, restored.output_types());
  restored.AddOutput(&view2, 0);
  ASSERT_TRUE(restored.Restore(*store).ok());
  ASSERT_TRUE(view2.Restore(*store).ok());
  ASSERT_TRUE(
      restored.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("ann")}}, {'+', {I(12), T("cy")}}}))
          .ok());
  ASSERT_TRUE(restored.Process(0, MakeChunk(kOrders, {{'-', {I(1), I(10)}}})).ok());
  EXPECT_THAT(view2.SortedLines(), ElementsAre("1 | 10 | NULL | NULL", "2 | 12 | 12 | cy"));
}

TEST(HashJoinTest, DeletingARowASideDoesNotHoldIsAnError) {
  HashJoin j = MakeJoin(JoinType::kInner);
  EXPECT_FALSE(j.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("ann")}}})).ok());
}

}  // namespace
}  // namespace oxbow::stream
