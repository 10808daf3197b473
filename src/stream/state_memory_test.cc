// State larger than memory (state_cache.h): operators with a memory budget evict clean state,
// read it back on a miss and restore lazily, and give the same results as with everything in
// memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/hash_aggregate.h"
#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/stream_table_join.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace oxbow::stream::testing;
using sql::Type;

const std::vector<Type> kKV = {Type::Int64(), Type::Int64()};

std::unique_ptr<HashAggregate> CountSumByKey() {
  std::vector<AggregateCall> calls;
  calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
  const std::vector<Type> arg = {Type::Int64()};
  calls.push_back({sql::ResolveAggregate("sum", arg, false).value(), {1}});
  return std::make_unique<HashAggregate>(1, kKV, std::vector<int>{0}, std::move(calls));
}

// GROUP BY over 20,000 keys: inserts to every key, then deletes and updates spread over all
// of them, with a restore in between. With a 64 KiB budget only a few hundred groups are ever
// in memory after a barrier, and the view is the same as with everything in memory.
// keyed: the view keeps its rows by the group key (MaterializedView::IndexBy), as the
// engine's GROUP BY views do.
std::vector<std::string> RunGroupBy(size_t budget, size_t* max_resident, uint64_t* loads,
                                    bool keyed = false) {
  constexpr int kKeys = 20000;
  auto store = NewMemoryStateStore();
  MaterializedView view(99, CountSumByKey()->output_types());
  if (keyed) view.IndexBy({0});
  view.SetStateMemory(budget);
  EXPECT_TRUE(view.Restore(*store).ok());
  std::unique_ptr<HashAggregate> agg;
  auto restore = [&] {
    agg = CountSumByKey();
    agg->AddOutput(&view, 0);
    agg->SetStateMemory(budget);
    EXPECT_TRUE(agg->Restore(*store).ok());
  };
  restore();
  *max_resident = 0;
  *loads = 0;
  auto run = [&](int pass) {
    for (int start = 0; start < kKeys; start += 500) {
      std::vector<Change> changes;
      for (int k = start; k < start + 500; ++k) {
        if (pass == 0) changes.push_back({'+', {I(k), I(k % 7)}});
        if (pass == 1 && k % 3 == 0) changes.push_back({'-', {I(k), I(k % 7)}});
        if (pass == 1 && k % 3 == 1) changes.push_back({'+', {I(k), I(100)}});
      }
      ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, changes)).ok());
      Barrier(*store, {agg.get(), &view});
      *max_resident = std::max(*max_resident, agg->num_resident_groups());
      if (budget != kUnlimitedStateMemory) {
        EXPECT_LE(agg->cache().used_bytes(), budget);
      }
    }
  };
  run(0);
  *loads += agg->cache().loads();
  restore();  // lazily: at most the budget's worth is read
  EXPECT_LE(agg->num_resident_groups(), *max_resident);
  run(1);
  *loads += agg->cache().loads();
  return view.SortedLines();
}

TEST(StateMemoryTest, GroupByOverManyKeysStaysWithinTheBudgetAndEqualsUnlimited) {
  size_t unlimited_resident = 0, bounded_resident = 0;
  uint64_t unlimited_loads = 0, bounded_loads = 0;
  std::vector<std::string> want =
      RunGroupBy(kUnlimitedStateMemory, &unlimited_resident, &unlimited_loads);
  std::vector<std::string> got = RunGroupBy(64 << 10, &bounded_resident, &bounded_loads);
  ASSERT_EQ(want.size(), 13333u);  // keys k % 3 == 0 lost their only row
  EXPECT_EQ(got, want);
  EXPECT_EQ(unlimited_resident, 20000u);
  EXPECT_EQ(unlimited_loads, 0u);  // everything in memory: the store is never read
  EXPECT_LT(bounded_resident, 1000u);
  EXPECT_GT(bounded_loads, 10000u);  // pass 2 read evicted groups back
  // A view keyed by the group key holds the same rows, bounded or not.
  EXPECT_EQ(RunGroupBy(kUnlimitedStateMemory, &unlimited_resident, &unlimited_loads, true), want);
  EXPECT_EQ(RunGroupBy(64 << 10, &bounded_resident, &bounded_loads, true), want);
}

// A keyed view (IndexBy): updates in either order within a chunk, rows repeated under one
// key, deletes; point lookups and snapshots of keys evicted from memory; a restore.
TEST(StateMemoryTest, KeyedViewLooksUpEvictedKeysAndRestores) {
  auto store = NewMemoryStateStore();
  auto open = [&] {
    auto view = std::make_unique<MaterializedView>(5, kKV);
    view->IndexBy({0});
    view->SetStateMemory(1);  // nothing clean stays
    EXPECT_TRUE(view->Restore(*store).ok());
    return view;
  };
  auto lookup = [](MaterializedView& view, int64_t key) {
    std::vector<std::string> out;
    auto rows = view.Lookup({I(key)});
    EXPECT_TRUE(rows.ok()) << rows.status();
    for (const auto& row : rows.value()) {
      out.push_back(fmt::format("{} | {}", row[0].ToString(), row[1].ToString()));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto view = open();
  ASSERT_TRUE(view->Process(0, MakeChunk(kKV, {{'+', {I(1), I(10)}},
                                               {'+', {I(2), I(20)}},
                                               {'+', {I(3), I(30)}},
                                               {'+', {I(3), I(30)}}}))
                  .ok());
  Barrier(*store, {view.get()});
  EXPECT_EQ(view->num_resident_rows(), 0u);
  EXPECT_THAT(lookup(*view, 3), ElementsAre("3 | 30", "3 | 30"));
  EXPECT_THAT(lookup(*view, 4), ElementsAre());
  // Key 1 updated delete-first, key 2 insert-first, one of key 3's two rows deleted.
  ASSERT_TRUE(view->Process(0, MakeChunk(kKV, {{'-', {I(1), I(10)}},
                                               {'+', {I(1), I(11)}},
                                               {'+', {I(2), I(21)}},
                                               {'-', {I(2), I(20)}},
                                               {'-', {I(3), I(30)}}}))
                  .ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | 11", "2 | 21", "3 | 30"));
  EXPECT_THAT(lookup(*view, 2), ElementsAre("2 | 21"));
  Barrier(*store, {view.get()});
  ASSERT_TRUE(view->Process(0, MakeChunk(kKV, {{'-', {I(3), I(30)}}})).ok());
  EXPECT_THAT(view->SortedLines(), ElementsAre("1 | 11", "2 | 21"));
  Barrier(*store, {view.get()});
  EXPECT_EQ(view->num_distinct_rows(), 2u);
  // A delete of a row the key does not hold (evicted or not) is an upstream bug.
  EXPECT_FALSE(view->Process(0, MakeChunk(kKV, {{'-', {I(1), I(10)}}})).ok());

  auto restored = open();
  EXPECT_THAT(restored->SortedLines(), ElementsAre("1 | 11", "2 | 21"));
  EXPECT_THAT(lookup(*restored, 1), ElementsAre("1 | 11"));
  EXPECT_THAT(lookup(*restored, 3), ElementsAre());
}

// A background-synced checkpoint (pipeline.h) lets chunks arrive between an operator's
// Checkpoint and its AfterCommit: a group changed in between is neither evicted by that
// AfterCommit nor forgotten by the next checkpoint.
TEST(StateMemoryTest, StateChangedBeforeTheCommitCompletesIsWrittenByTheNextCheckpoint) {
  auto store = NewMemoryStateStore();
  auto agg = CountSumByKey();
  agg->SetStateMemory(1);
  ASSERT_TRUE(agg->Restore(*store).ok());
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {I(1), I(10)}}, {'+', {I(2), I(20)}}})).ok());
  auto batch = store->NewBatch();
  ASSERT_TRUE(agg->Checkpoint(*batch).ok());
  ASSERT_TRUE(store->Apply(*batch).ok());
  ASSERT_TRUE(agg->Process(0, MakeChunk(kKV, {{'+', {I(1), I(5)}}})).ok());  // before the sync
  ASSERT_TRUE(store->Sync().ok());
  ASSERT_TRUE(agg->AfterCommit().ok());
  EXPECT_EQ(agg->num_resident_groups(), 1u);  // group 2 evicted, group 1 dirty again
  Barrier(*store, {agg.get()});
  EXPECT_EQ(agg->num_resident_groups(), 0u);

  auto restored = CountSumByKey();
  Collector out(restored->output_types());
  restored->AddOutput(&out, 0);
  ASSERT_TRUE(restored->Restore(*store).ok());
  ASSERT_TRUE(
      restored->Process(0, MakeChunk(kKV, {{'+', {I(1), I(1)}}, {'+', {I(2), I(2)}}})).ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 2 | 15", "+ | 1 | 3 | 16", "- | 2 | 1 | 20", "+ | 2 | 2 | 22"));
}

// The view's snapshot merges the store (evicted rows) with the rows changed since the
// checkpoint, including changes to evicted rows and deletes.
TEST(StateMemoryTest, ViewSnapshotSeesEvictedAndChangedRows) {
  auto store = NewMemoryStateStore();
  MaterializedView view(5, kKV);
  view.SetStateMemory(1);  // nothing clean stays
  ASSERT_TRUE(view.Restore(*store).ok());
  ASSERT_TRUE(
      view.Process(0,
                   MakeChunk(kKV, {{'+', {I(1), I(1)}}, {'+', {I(2), I(2)}}, {'+', {I(3), I(3)}}}))
          .ok());
  Barrier(*store, {&view});
  EXPECT_EQ(view.num_resident_rows(), 0u);
  EXPECT_THAT(view.SortedLines(), ElementsAre("1 | 1", "2 | 2", "3 | 3"));
  ASSERT_TRUE(
      view.Process(0,
                   MakeChunk(kKV, {{'-', {I(2), I(2)}}, {'+', {I(3), I(3)}}, {'+', {I(4), I(4)}}}))
          .ok());
  EXPECT_THAT(view.SortedLines(), ElementsAre("1 | 1", "3 | 3", "3 | 3", "4 | 4"));
  EXPECT_EQ(view.num_distinct_rows(), 3u);
  Barrier(*store, {&view});
  EXPECT_EQ(view.num_resident_rows(), 0u);
  EXPECT_THAT(view.SortedLines(), ElementsAre("1 | 1", "3 | 3", "3 | 3", "4 | 4"));
  // A delete of a row that is not there is still detected when the row is not in memory.
  EXPECT_FALSE(view.Process(0, MakeChunk(kKV, {{'-', {I(2), I(2)}}})).ok());
}

// A table side evicted entirely: events read the table rows back from the store, and a
// table row deleted since the checkpoint is not read back.
TEST(StateMemoryTest, StreamTableJoinReadsEvictedTableRows) {
  auto store = NewMemoryStateStore();
  StreamTableJoin join(7, JoinType::kLeftOuter, kKV, {0}, kKV, {0});
  join.SetStateMemory(1);
  ASSERT_TRUE(join.Restore(*store).ok());
  Collector out(join.output_types());
  join.AddOutput(&out, 0);
  ASSERT_TRUE(join.Process(1, MakeChunk(kKV, {{'+', {I(1), I(10)}}, {'+', {I(2), I(20)}}})).ok());
  Barrier(*store, {&join});
  EXPECT_EQ(join.num_resident_keys(), 0u);
  ASSERT_TRUE(join.Process(1, MakeChunk(kKV, {{'-', {I(2), I(20)}}})).ok());
  ASSERT_TRUE(join.Process(0, MakeChunk(kKV, {{'+', {I(1), I(5)}}, {'+', {I(2), I(6)}}})).ok());
  EXPECT_THAT(out.Take(), UnorderedElementsAre("+ | 1 | 5 | 1 | 10", "+ | 2 | 6 | NULL | NULL"));
}

// UpsertTable with every clean key evicted: an upsert of an evicted key retracts the stored
// row, a tombstone of an evicted key deletes it, and a restore loads nothing up front.
// A barrier where most entries are dirty encodes them in table order into one buffer, then
// puts them sorted: every entry's own value (encoders may assign their output), deletes
// for the empty ones, whichever path the barrier takes.
TEST(StateMemoryTest, CheckpointWritesEveryDirtyEntryWhetherFewOrMost) {
  auto store = NewMemoryStateStore();
  StateCache<std::string> cache(nullptr, nullptr, [](const std::string& v) { return v.empty(); });
  auto encode = [](const std::string& v, std::string* out) { *out = "v" + v; };
  auto checkpoint = [&] {
    auto batch = store->NewBatch();
    cache.Checkpoint(*batch, 7, encode);
    ASSERT_TRUE(store->Commit(*batch).ok());
    cache.AfterCommit();
  };
  for (int i = 0; i < 200; ++i) cache.Insert(fmt::format("k{:03}", i), std::to_string(i));
  checkpoint();  // most entries dirty: one pass over the table
  *cache.Resident("k005") = "five";
  cache.MarkDirty("k005");
  checkpoint();  // one dirty entry: a lookup
  for (int i = 0; i < 150; ++i) {
    *cache.Resident(fmt::format("k{:03}", i)) = i % 2 == 0 ? "" : "odd";
    cache.MarkDirty(fmt::format("k{:03}", i));
  }
  checkpoint();
  std::vector<std::string> stored;
  ASSERT_TRUE(store
                  ->Scan(7, "",
                         [&](std::string_view k, std::string_view v) {
                           stored.push_back(fmt::format("{}={}", k, v));
                           return Status();
                         })
                  .ok());
  ASSERT_EQ(stored.size(), 125u);  // 75 odd ones left of the first 150, then 50 untouched
  EXPECT_EQ(stored[0], "k001=vodd");
  EXPECT_EQ(stored[74], "k149=vodd");
  EXPECT_EQ(stored[75], "k150=v150");
  EXPECT_EQ(stored[124], "k199=v199");
  EXPECT_EQ(cache.resident(), 125u);
}

TEST(StateMemoryTest, UpsertTableRetractsEvictedRows) {
  auto store = NewMemoryStateStore();
  auto table = std::make_unique<UpsertTable>(4, kKV, std::vector<int>{0});
  table->SetStateMemory(1);
  ASSERT_TRUE(table->Restore(*store).ok());
  Collector out(kKV);
  table->AddOutput(&out, 0);
  ASSERT_TRUE(table->Process(0, MakeChunk(kKV, {{'+', {I(1), I(1)}}, {'+', {I(2), I(2)}}})).ok());
  Barrier(*store, {table.get()});
  EXPECT_EQ(table->num_resident_rows(), 0u);
  out.Take();
  table = std::make_unique<UpsertTable>(4, kKV, std::vector<int>{0});
  table->SetStateMemory(1);
  ASSERT_TRUE(table->Restore(*store).ok());
  EXPECT_EQ(table->num_resident_rows(), 0u);
  table->AddOutput(&out, 0);
  ASSERT_TRUE(table
                  ->Process(0, MakeChunk(kKV, {{'+', {I(1), I(9)}},
                                               {'-', {I(2), NullOf(Type::Int64())}},
                                               {'-', {I(2), NullOf(Type::Int64())}}}))
                  .ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 1", "+ | 1 | 9", "- | 2 | 2"));
}

}  // namespace
}  // namespace oxbow::stream
