#include "stream/top_n.h"

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

// (grp text, amount bigint): the two largest amounts per grp.
const std::vector<Type> kTypes = {Type::Text(), Type::Int64()};

TopN MakeTop2() { return TopN(31, kTypes, {0}, {{1, /*descending=*/true}}, 2); }

TEST(TopNTest, InsertsPushRowsOutAndDeletesPullThemBackIn) {
  TopN top = MakeTop2();
  Collector out(kTypes);
  top.AddOutput(&out, 0);
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(5)}},
                                                {'+', {T("a"), I(3)}},
                                                {'+', {T("b"), I(1)}}}))
                  .ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("+ | a | 5", "+ | a | 3", "+ | b | 1"));
  // 9 enters the top two of a and pushes 3 out.
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(9)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 3", "+ | a | 9"));
  // 1 does not enter; nothing changes.
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());
  // Deleting 9 pulls 3 back in.
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'-', {T("a"), I(9)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 9", "+ | a | 3"));
}

TEST(TopNTest, DuplicatesAndNullsFollowPostgresOrder) {
  TopN top = MakeTop2();
  MaterializedView view(32, kTypes);
  top.AddOutput(&view, 0);
  // DESC puts NULLs first, as PostgreSQL does.
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(4)}},
                                                {'+', {T("a"), I(4)}},
                                                {'+', {T("a"), I(7)}},
                                                {'+', {T("b"), Value::Null(Type::Int64())}},
                                                {'+', {T("b"), I(8)}},
                                                {'+', {T("b"), I(2)}}}))
                  .ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("a | 4", "a | 7", "b | 8", "b | NULL"));
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'-', {T("a"), I(7)}}})).ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("a | 4", "a | 4", "b | 8", "b | NULL"));
}

TEST(TopNTest, StateSurvivesRestore) {
  auto store = NewMemoryStateStore();
  TopN top = MakeTop2();
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(5)}},
                                                {'+', {T("a"), I(3)}},
                                                {'+', {T("a"), I(1)}}}))
                  .ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(top.Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  TopN restored = MakeTop2();
  ASSERT_TRUE(restored.Restore(*store).ok());
  Collector out(kTypes);
  restored.AddOutput(&out, 0);
  ASSERT_TRUE(restored.Process(0, MakeChunk(kTypes, {{'-', {T("a"), I(5)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 5", "+ | a | 1"));
  EXPECT_FALSE(restored.Process(0, MakeChunk(kTypes, {{'-', {T("zz"), I(5)}}})).ok());
}

// ROW_NUMBER() kept as a column: the rank is an output column, not part of the stored rows.
TEST(TopNTest, StateWithRankSurvivesRestore) {
  auto store = NewMemoryStateStore();
  auto make = [] { return TopN(33, kTypes, {0}, {{1, /*descending=*/true}}, 2, true); };
  TopN top = make();
  ASSERT_TRUE(top.Process(0, MakeChunk(kTypes, {{'+', {T("a"), I(5)}},
                                                {'+', {T("a"), I(3)}},
                                                {'+', {T("a"), I(1)}}}))
                  .ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(top.Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  TopN restored = make();
  Status s = restored.Restore(*store);
  ASSERT_TRUE(s.ok()) << s;
  Collector out(restored.output_types());
  restored.AddOutput(&out, 0);
  ASSERT_TRUE(restored.Process(0, MakeChunk(kTypes, {{'-', {T("a"), I(5)}}})).ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("- | a | 5 | 1", "- | a | 3 | 2", "+ | a | 3 | 1",
                                               "+ | a | 1 | 2"));
}

}  // namespace
}  // namespace oxbow::stream
