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

// clicks(id bigint, k bigint, t bigint): an append-only stream with an interval bound on t
// (rows expire 100 ms after the watermark passes them) ⋈ users ON k = id.
const std::vector<Type> kClicks = {Type::Int64(), Type::Int64(), Type::Int64()};

std::unique_ptr<HashJoin> MakeIntervalJoin(bool append_only) {
  auto j = std::make_unique<HashJoin>(11, JoinType::kInner, kClicks, std::vector<int>{1}, kUsers,
                                      std::vector<int>{0});
  j->set_expiry(0, StateExpiry{2, -100'000}, append_only);
  return j;
}

Status CheckpointAndCommit(Operator& op, StateStore& store) {
  auto batch = store.NewBatch();
  RETURN_IF_ERROR(op.Checkpoint(*batch));
  RETURN_IF_ERROR(store.Commit(*batch));
  return op.AfterCommit();
}

TEST(HashJoinTest, AnAppendOnlySideMatchesAcrossRestoreUntilTheWatermarkPassesIt) {
  auto store = NewMemoryStateStore();
  std::unique_ptr<HashJoin> owned = MakeIntervalJoin(true);
  HashJoin& j = *owned;
  ASSERT_TRUE(j.Restore(*store).ok());
  Collector out(j.output_types());
  j.AddOutput(&out, 0);
  ASSERT_TRUE(j.Process(0, MakeChunk(kClicks, {{'+', {I(1), I(10), I(0)}},
                                               {'+', {I(2), I(10), I(60'000)}},
                                               {'+', {I(3), I(11), I(0)}},
                                               {'+', {I(4), kNullId, I(0)}}}))
                  .ok());
  ASSERT_TRUE(j.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("ann")}}})).ok());
  EXPECT_THAT(out.Take(),
              UnorderedElementsAre("+ | 1 | 10 | 0 | 10 | ann", "+ | 2 | 10 | 60000 | 10 | ann"));
  ASSERT_TRUE(CheckpointAndCommit(j, *store).ok());

  std::unique_ptr<HashJoin> owned_restored = MakeIntervalJoin(true);
  HashJoin& restored = *owned_restored;
  Collector up0(kClicks), up1(kUsers), out2(restored.output_types());
  up0.AddOutput(&restored, 0);
  up1.AddOutput(&restored, 1);
  restored.AddOutput(&out2, 0);
  ASSERT_TRUE(restored.Restore(*store).ok());
  ASSERT_TRUE(restored.Process(1, MakeChunk(kUsers, {{'-', {I(10), T("ann")}}})).ok());
  EXPECT_THAT(out2.Take(),
              UnorderedElementsAre("- | 1 | 10 | 0 | 10 | ann", "- | 2 | 10 | 60000 | 10 | ann"));
  // Watermark 150 ms: rows below 50 ms are final (the click at 0 goes, the one at 60 stays).
  ASSERT_TRUE(restored.ReceiveWatermark(0, 150'000).ok());
  ASSERT_TRUE(restored.ReceiveWatermark(1, 150'000).ok());
  ASSERT_TRUE(
      restored.Process(1, MakeChunk(kUsers, {{'+', {I(10), T("cy")}}, {'+', {I(11), T("dd")}}}))
          .ok());
  EXPECT_THAT(out2.Take(), ElementsAre("+ | 2 | 10 | 60000 | 10 | cy"));
  // The stream side never retracts.
  Status s = restored.Process(0, MakeChunk(kClicks, {{'-', {I(2), I(10), I(60'000)}}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
}

TEST(HashJoinTest, AnAppendOnlySideRefusesRowsStoredOneByOne) {
  auto store = NewMemoryStateStore();
  std::unique_ptr<HashJoin> owned_old = MakeIntervalJoin(false);
  HashJoin& old = *owned_old;
  ASSERT_TRUE(old.Restore(*store).ok());
  ASSERT_TRUE(old.Process(0, MakeChunk(kClicks, {{'+', {I(1), I(10), I(0)}}})).ok());
  ASSERT_TRUE(CheckpointAndCommit(old, *store).ok());
  Status s = MakeIntervalJoin(true)->Restore(*store);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("DROP and CREATE the view"));
}

}  // namespace
}  // namespace oxbow::stream
