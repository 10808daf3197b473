#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sql/expr/expr.h"
#include "stream/hash_aggregate.h"
#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/stateless_operators.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace oxbow::stream::testing;
using sql::Type;

const std::vector<Type> kKV = {Type::Text(), Type::Int64()};  // (k text, v bigint)

sql::ExprPtr Col(int i, Type t) { return sql::MakeColumnRef(i, t); }

TEST(FilterTest, PassesInsertsAndDeletesOfMatchingRows) {
  auto pred = sql::MakeOperator(">", Col(1, Type::Int64()), sql::MakeConstant(I(10))).value();
  Filter f(kKV, std::move(pred));
  Collector out(kKV);
  f.AddOutput(&out, 0);
  ASSERT_TRUE(f.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}},
                                           {'+', {T("b"), I(20)}},
                                           {'-', {T("c"), I(30)}},
                                           {'+', {T("d"), NullOf(Type::Int64())}}}))
                  .ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | b | 20", "- | c | 30"));
}

TEST(ProjectTest, EvaluatesExpressionsAndKeepsOps) {
  std::vector<sql::ExprPtr> exprs;
  exprs.push_back(Col(0, Type::Text()));
  exprs.push_back(sql::MakeOperator("*", Col(1, Type::Int64()), sql::MakeConstant(I(2))).value());
  Project p(std::move(exprs));
  Collector out(p.output_types());
  p.AddOutput(&out, 0);
  ASSERT_TRUE(p.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}}, {'-', {T("b"), I(7)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | a | 10", "- | b | 14"));
}

TEST(ProjectTest, AnErrorFailsTheChunk) {
  std::vector<sql::ExprPtr> exprs;
  exprs.push_back(sql::MakeOperator("/", sql::MakeConstant(I(1)), Col(1, Type::Int64())).value());
  Project p(std::move(exprs));
  Status s = p.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(0)}}}));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("division by zero"));
}

AggregateCall Call(std::string_view name, std::vector<Type> types, std::vector<int> args,
                   bool distinct = false) {
  return AggregateCall{sql::ResolveAggregate(name, types, distinct).value(), std::move(args)};
}

std::unique_ptr<HashAggregate> CountSumMinMax(StateId id = 7) {
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, {}));
  calls.push_back(Call("sum", {Type::Int64()}, {1}));
  calls.push_back(Call("min", {Type::Int64()}, {1}));
  calls.push_back(Call("max", {Type::Int64()}, {1}));
  return std::make_unique<HashAggregate>(id, kKV, std::vector<int>{0}, std::move(calls));
}

TEST(HashAggregateTest, EmitsUpdatesAsDeleteThenInsert) {
  auto agg = CountSumMinMax();
  Collector out(agg->output_types());
  agg->AddOutput(&out, 0);
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}},
                                              {'+', {T("a"), I(3)}},
                                              {'+', {T("b"), I(1)}}}))
                  .ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("+ | a | 2 | 8 | 3 | 5", "+ | b | 1 | 1 | 1 | 1"));
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(9)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 2 | 8 | 3 | 5", "+ | a | 3 | 17 | 3 | 9"));
}

TEST(HashAggregateTest, MinAndMaxStayRightUnderDeletes) {
  auto agg = CountSumMinMax();
  Collector out(agg->output_types());
  agg->AddOutput(&out, 0);
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}},
                                              {'+', {T("a"), I(3)}},
                                              {'+', {T("a"), I(3)}},
                                              {'+', {T("a"), I(9)}}}))
                  .ok());
  out.Take();
  // Deleting the minimum once leaves its duplicate; deleting the maximum reveals 5.
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(3)}}, {'-', {T("a"), I(9)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 4 | 20 | 3 | 9", "+ | a | 2 | 8 | 3 | 5"));
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(3)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 2 | 8 | 3 | 5", "+ | a | 1 | 5 | 5 | 5"));
  // The last row goes: the group's row is deleted.
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(5)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 1 | 5 | 5 | 5"));
  EXPECT_EQ(agg->num_groups(), 0u);
}

TEST(HashAggregateTest, AChunkThatCancelsOutEmitsNothing) {
  auto agg = CountSumMinMax();
  Collector out(agg->output_types());
  agg->AddOutput(&out, 0);
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(1)}}})).ok());
  out.Take();
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(4)}}, {'-', {T("a"), I(4)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());
}

TEST(HashAggregateTest, RetractingAnUnknownRowIsAnError) {
  auto agg = CountSumMinMax();
  EXPECT_FALSE(agg->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
}

TEST(HashAggregateTest, GlobalAggregateKeepsItsRow) {
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, {}));
  calls.push_back(Call("sum", {Type::Int64()}, {1}));
  HashAggregate agg(1, kKV, {}, std::move(calls));
  Collector out(agg.output_types());
  agg.AddOutput(&out, 0);
  ASSERT_TRUE(agg.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(2)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 2"));
  ASSERT_TRUE(agg.Process(0, MakeChunk(kKV, {{'-', {T("a"), I(2)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 2", "+ | 0 | NULL"));
}

TEST(HashAggregateTest, HavingFiltersTheChangesAfterIt) {
  auto agg = CountSumMinMax();
  // HAVING count(*) >= 2
  auto pred = sql::MakeOperator(">=", Col(1, Type::Int64()), sql::MakeConstant(I(2))).value();
  Filter having(agg->output_types(), std::move(pred));
  MaterializedView view(9, agg->output_types());
  agg->AddOutput(&having, 0);
  having.AddOutput(&view, 0);
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(1)}}, {'+', {T("b"), I(1)}}})).ok());
  EXPECT_THAT(view.SortedLines(), IsEmpty());
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(2)}}})).ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("a | 2 | 3 | 1 | 2"));
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(view.SortedLines(), IsEmpty());
}

TEST(HashAggregateTest, NumericKeysGroupBySqlEquality) {
  std::vector<Type> types = {Type::Numeric()};
  std::vector<AggregateCall> calls;
  calls.push_back(Call("count", {}, {}));
  HashAggregate agg(1, types, {0}, std::move(calls));
  MaterializedView view(2, agg.output_types());
  agg.AddOutput(&view, 0);
  auto n = [](std::string_view s) { return Value::Numeric(sql::Decimal::Parse(s).value()); };
  ASSERT_TRUE(agg.Process(0, MakeChunk(types, {{'+', {n("1.5")}}, {'+', {n("1.50")}}})).ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("1.5 | 2"));
}

TEST(HashAggregateTest, StateSurvivesCheckpointAndRestore) {
  auto store = NewMemoryStateStore();
  auto agg = CountSumMinMax();
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}},
                                              {'+', {T("a"), I(3)}},
                                              {'+', {T("b"), I(1)}}}))
                  .ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(agg->Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  // Changes after the checkpoint are lost by the restore.
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'-', {T("b"), I(1)}}})).ok());

  auto restored = CountSumMinMax();
  ASSERT_TRUE(restored->Restore(*store).ok());
  EXPECT_EQ(restored->num_groups(), 2u);
  Collector out(restored->output_types());
  restored->AddOutput(&out, 0);
  ASSERT_TRUE(restored->Process(0, MakeChunk(kKV, {{'-', {T("a"), I(3)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 2 | 8 | 3 | 5", "+ | a | 1 | 5 | 5 | 5"));
  ASSERT_TRUE(restored->Process(0, MakeChunk(kKV, {{'-', {T("b"), I(1)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | b | 1 | 1 | 1 | 1"));
  // A deleted group is deleted from the store at the next checkpoint.
  batch = store->NewBatch();
  ASSERT_TRUE(restored->Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  auto again = CountSumMinMax();
  ASSERT_TRUE(again->Restore(*store).ok());
  EXPECT_EQ(again->num_groups(), 1u);
}

TEST(DistinctTest, EmitsFirstInsertAndLastDelete) {
  Distinct d(3, kKV);
  Collector out(kKV);
  d.AddOutput(&out, 0);
  ASSERT_TRUE(d.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(1)}}, {'+', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | a | 1"));
  ASSERT_TRUE(d.Process(0, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());
  auto store = NewMemoryStateStore();
  auto batch = store->NewBatch();
  ASSERT_TRUE(d.Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Commit(*batch).ok());
  Distinct restored(3, kKV);
  ASSERT_TRUE(restored.Restore(*store).ok());
  restored.AddOutput(&out, 0);
  ASSERT_TRUE(restored.Process(0, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 1"));
}

TEST(UpsertTableTest, LatestValuePerKeyAndTombstonesDelete) {
  UpsertTable t(4, kKV, {0});
  Collector out(kKV);
  t.AddOutput(&out, 0);
  ASSERT_TRUE(t.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(1)}}, {'+', {T("b"), I(2)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | a | 1", "+ | b | 2"));
  ASSERT_TRUE(t.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(5)}}, {'+', {T("b"), I(2)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 1", "+ | a | 5"));  // b unchanged: nothing
  // A tombstone carries only the key.
  ASSERT_TRUE(t.Process(0, MakeChunk(kKV, {{'-', {T("a"), NullOf(Type::Int64())}},
                                           {'-', {T("zz"), NullOf(Type::Int64())}}}))
                  .ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | a | 5"));
  EXPECT_EQ(t.num_rows(), 1u);
}

TEST(UnionAllTest, PassesEveryInput) {
  UnionAll u(kKV);
  MaterializedView view(5, kKV);
  u.AddOutput(&view, 0);
  ASSERT_TRUE(u.Process(0, MakeChunk(kKV, {{'+', {T("a"), I(1)}}})).ok());
  ASSERT_TRUE(u.Process(1, MakeChunk(kKV, {{'+', {T("a"), I(1)}}})).ok());
  ASSERT_TRUE(u.Process(1, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("a | 1"));
}

TEST(MaterializedViewTest, RejectsDeletesOfRowsItDoesNotHold) {
  MaterializedView view(5, kKV);
  EXPECT_FALSE(view.Process(0, MakeChunk(kKV, {{'-', {T("a"), I(1)}}})).ok());
}

}  // namespace
}  // namespace oxbow::stream
