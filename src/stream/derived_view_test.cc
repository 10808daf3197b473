// A view derived from an aggregate's state (MaterializedView::DeriveFrom) holds the same rows
// as a view that keeps them, under updates, eviction, restores and subscriptions, and stores
// nothing of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sql/expr/expr.h"
#include "stream/hash_aggregate.h"
#include "stream/materialized_view.h"
#include "stream/stateless_operators.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using namespace oxbow::stream::testing;
using sql::Type;

const std::vector<Type> kKV = {Type::Int64(), Type::Int64()};
constexpr StateId kAggregateId = 1;
constexpr StateId kViewId = 9;

// SELECT sum(v), k, count(*) FROM t GROUP BY k HAVING sum(v) > 3, keyed by k: the aggregate,
// a Filter, a Project that moves the key to the middle, and the view. `derived`: the view
// reads the aggregate's groups instead of keeping rows.
struct GroupBy {
  GroupBy(StateStore& store, size_t budget, bool derived) {
    std::vector<AggregateCall> calls;
    calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
    const std::vector<Type> arg = {Type::Int64()};
    calls.push_back({sql::ResolveAggregate("sum", arg, false).value(), {1}});
    aggregate =
        std::make_unique<HashAggregate>(kAggregateId, kKV, std::vector<int>{0}, std::move(calls));
    const std::vector<Type>& types = aggregate->output_types();  // k, count, sum
    auto having = sql::MakeOperator(">", sql::MakeColumnRef(2, types[2]),
                                    sql::MakeConstant(sql::Value::Int64(3)));
    filter = std::make_unique<Filter>(types, std::move(having).value());
    std::vector<sql::ExprPtr> exprs;
    exprs.push_back(sql::MakeColumnRef(2, types[2]));
    exprs.push_back(sql::MakeColumnRef(0, types[0]));
    exprs.push_back(sql::MakeColumnRef(1, types[1]));
    project = std::make_unique<Project>(std::move(exprs));
    view = std::make_unique<MaterializedView>(kViewId, project->output_types());
    aggregate->AddOutput(filter.get(), 0);
    filter->AddOutput(project.get(), 0);
    project->AddOutput(view.get(), 0);
    view->IndexBy({1});
    if (derived) view->DeriveFrom(aggregate.get(), {filter.get(), project.get()}, {0});
    aggregate->SetStateMemory(budget);
    if (view->num_state_caches() > 0) view->SetStateMemory(budget);
    EXPECT_TRUE(aggregate->Restore(store).ok());
    EXPECT_TRUE(view->Restore(store).ok());
  }
  std::vector<std::string> Lookup(int64_t key) {
    std::vector<std::string> out;
    auto rows = view->Lookup({I(key)});
    EXPECT_TRUE(rows.ok()) << rows.status();
    for (const auto& row : rows.value()) {
      out.push_back(
          fmt::format("{} | {} | {}", row[0].ToString(), row[1].ToString(), row[2].ToString()));
    }
    return out;
  }
  std::unique_ptr<HashAggregate> aggregate;
  std::unique_ptr<Filter> filter;
  std::unique_ptr<Project> project;
  std::unique_ptr<MaterializedView> view;
};

// 5,000 keys: inserts, then deletes and updates over all of them with a restore in between,
// with a budget that keeps only a few hundred groups in memory: the derived view's snapshot
// and lookups (of evicted groups too) equal a stored view's, and it writes no state.
TEST(DerivedViewTest, EqualsAStoredViewUnderEvictionAndRestore) {
  constexpr int kKeys = 5000;
  std::vector<std::string> lines[2];
  for (bool derived : {false, true}) {
    auto store = NewMemoryStateStore();
    auto q = std::make_unique<GroupBy>(*store, 32 << 10, derived);
    for (int pass = 0; pass < 2; ++pass) {
      for (int start = 0; start < kKeys; start += 250) {
        std::vector<Change> changes;
        for (int k = start; k < start + 250; ++k) {
          if (pass == 0) changes.push_back({'+', {I(k), I(k % 7)}});
          if (pass == 1 && k % 3 == 0) changes.push_back({'-', {I(k), I(k % 7)}});
          if (pass == 1 && k % 3 == 1) changes.push_back({'+', {I(k), I(1)}});
        }
        ASSERT_TRUE(q->aggregate->Process(0, MakeChunk(kKV, changes)).ok());
        Barrier(*store, {q->aggregate.get(), q->view.get()});
      }
      if (pass == 0) {
        EXPECT_LT(q->aggregate->num_resident_groups(), 1000u);
        q = std::make_unique<GroupBy>(*store, 32 << 10, derived);
      }
    }
    // Unchanged in memory since the last barrier: some groups are read from the store.
    ASSERT_TRUE(q->aggregate->Process(0, MakeChunk(kKV, {{'+', {I(6), I(100)}}})).ok());
    lines[derived] = q->view->SortedLines();
    // Key 6 was deleted (6 % 3 == 0), then has the 100 alone; key 4 has 4 + 1.
    EXPECT_THAT(q->Lookup(6), ElementsAre("100 | 6 | 1"));
    EXPECT_THAT(q->Lookup(4), ElementsAre("5 | 4 | 2"));
    EXPECT_THAT(q->Lookup(3), ElementsAre());  // deleted (3 % 3 == 0)
    EXPECT_THAT(q->Lookup(7), ElementsAre());  // filtered out: sum 0
    EXPECT_THAT(q->Lookup(kKeys + 1), ElementsAre());
    EXPECT_EQ(q->view->num_distinct_rows(), lines[derived].size());
    if (derived) {
      EXPECT_EQ(StoredKeys(*store, kViewId), 0u);
      EXPECT_EQ(q->view->num_resident_rows(), q->aggregate->num_resident_groups());
    }
  }
  EXPECT_GT(lines[0].size(), 1000u);
  EXPECT_EQ(lines[1], lines[0]);
}

// A subscriber gets the snapshot and then exactly the changes after it; the changes are
// the aggregate's through the filter and projection.
TEST(DerivedViewTest, SubscribersSeeTheSnapshotThenTheChanges) {
  auto store = NewMemoryStateStore();
  GroupBy q(*store, kUnlimitedStateMemory, true);
  ASSERT_TRUE(
      q.aggregate->Process(0, MakeChunk(kKV, {{'+', {I(1), I(5)}}, {'+', {I(2), I(1)}}})).ok());
  std::vector<std::string> changes;
  auto snapshot = q.view->SnapshotAndSubscribe([&](const sql::Chunk& chunk) {
    changes.push_back(chunk.ToString());
    return true;
  });
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->size(), 1u);
  EXPECT_EQ((*snapshot)[0][1].ToString(), "1");
  ASSERT_TRUE(q.aggregate->Process(0, MakeChunk(kKV, {{'+', {I(2), I(4)}}})).ok());
  EXPECT_THAT(changes, ElementsAre("+ | 5 | 2 | 2\n"));
  EXPECT_THAT(q.view->SortedLines(), ElementsAre("5 | 1 | 1", "5 | 2 | 2"));
}

// A view created by an Oxbow that kept the rows: its stored rows are ignored and deleted by
// the first checkpoint.
TEST(DerivedViewTest, RowsStoredByAnOlderViewAreDeleted) {
  auto store = NewMemoryStateStore();
  {
    GroupBy stored(*store, kUnlimitedStateMemory, false);
    ASSERT_TRUE(stored.aggregate->Process(0, MakeChunk(kKV, {{'+', {I(1), I(5)}}})).ok());
    Barrier(*store, {stored.aggregate.get(), stored.view.get()});
  }
  ASSERT_EQ(StoredKeys(*store, kViewId), 1u);
  GroupBy derived(*store, kUnlimitedStateMemory, true);
  EXPECT_THAT(derived.view->SortedLines(), ElementsAre("5 | 1 | 1"));
  Barrier(*store, {derived.aggregate.get(), derived.view.get()});
  EXPECT_EQ(StoredKeys(*store, kViewId), 0u);
  EXPECT_THAT(derived.view->SortedLines(), ElementsAre("5 | 1 | 1"));
}

}  // namespace
}  // namespace oxbow::stream
