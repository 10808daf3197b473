// Random changelogs through the stateful operators, with checkpoints and restores at random
// points, checked against the query computed as a batch over the final tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "stream/hash_aggregate.h"
#include "stream/hash_join.h"
#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/stream_test_util.h"
#include "stream/top_n.h"

namespace oxbow::stream {
namespace {

using namespace oxbow::stream::testing;
using sql::Type;

// Two tables of (k bigint, v bigint) rows as multisets, changed at random: inserts of random
// rows and deletes of rows present.
struct RandomTable {
  std::vector<std::pair<int64_t, int64_t>> rows;

  Change Next(std::mt19937& rng, int keys) {
    if (!rows.empty() && rng() % 3 == 0) {
      size_t i = rng() % rows.size();
      auto row = rows[i];
      rows.erase(rows.begin() + static_cast<long>(i));
      return {'-', {I(row.first), I(row.second)}};
    }
    std::pair<int64_t, int64_t> row(rng() % keys, rng() % 20);
    rows.push_back(row);
    return {'+', {I(row.first), I(row.second)}};
  }
};

const std::vector<Type> kKV = {Type::Int64(), Type::Int64()};

// Each test runs with every operator's state in memory, with a budget of a few entries, and
// with a budget of 1 byte (every clean entry evicted at once): the eviction, reload and lazy
// restore paths run constantly and must not change any result.
class RandomizedTest : public ::testing::TestWithParam<size_t> {};

// Runs `steps` chunks of random changes into `ports` of the operator built by `make`,
// checkpointing at random points, then either going on (the checkpointed state becomes clean
// and evictable) or restoring into a fresh operator and view, each with state memory `budget`.
template <typename Make>
std::vector<std::string> RunRandom(Make make, int ports, std::vector<RandomTable>& tables, int keys,
                                   uint32_t seed, size_t budget = kUnlimitedStateMemory) {
  std::mt19937 rng(seed);
  auto store = NewMemoryStateStore();
  std::unique_ptr<Operator> op;
  std::unique_ptr<MaterializedView> view;
  auto restore = [&] {
    op = make();
    view = std::make_unique<MaterializedView>(99, op->output_types());
    op->AddOutput(view.get(), 0);
    op->SetStateMemory(budget);
    view->SetStateMemory(budget);
    EXPECT_TRUE(op->Restore(*store).ok());
    EXPECT_TRUE(view->Restore(*store).ok());
  };
  restore();
  for (int step = 0; step < 300; ++step) {
    int port = static_cast<int>(rng() % ports);
    std::vector<Change> changes;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 5); i < n; ++i) {
      changes.push_back(tables[port].Next(rng, keys));
    }
    EXPECT_TRUE(op->Process(port, MakeChunk(kKV, changes)).ok());
    if (rng() % 10 == 0) {
      auto batch = store->NewBatch();
      EXPECT_TRUE(op->Checkpoint(*batch).ok());
      EXPECT_TRUE(view->Checkpoint(*batch).ok());
      EXPECT_TRUE(store->Commit(*batch).ok());
      EXPECT_TRUE(op->AfterCommit().ok());
      EXPECT_TRUE(view->AfterCommit().ok());
      if (rng() % 4 == 0) restore();
    }
  }
  // Clean state beyond the budget is evicted: after a checkpoint at most what fits is in
  // memory (with a 1-byte budget, nothing), while the view still shows every row.
  auto batch = store->NewBatch();
  EXPECT_TRUE(op->Checkpoint(*batch).ok());
  EXPECT_TRUE(view->Checkpoint(*batch).ok());
  EXPECT_TRUE(store->Commit(*batch).ok());
  EXPECT_TRUE(op->AfterCommit().ok());
  EXPECT_TRUE(view->AfterCommit().ok());
  if (budget == 1) {
    EXPECT_EQ(view->num_resident_rows(), 0u);
  }
  if (budget == kUnlimitedStateMemory) {
    EXPECT_EQ(view->num_resident_rows(), view->num_distinct_rows());
  }
  return view->SortedLines();
}

std::string Line(std::initializer_list<std::string> cells) {
  std::string s;
  for (const auto& c : cells) s += (s.empty() ? "" : " | ") + c;
  return s;
}

TEST_P(RandomizedTest, LeftJoinEqualsBatchJoinOfFinalTables) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<RandomTable> tables(2);
    auto make = [] {
      return std::make_unique<HashJoin>(1, JoinType::kLeftOuter, kKV, std::vector<int>{0}, kKV,
                                        std::vector<int>{0});
    };
    std::vector<std::string> got = RunRandom(make, 2, tables, 6, seed, GetParam());
    std::vector<std::string> want;
    for (auto [lk, lv] : tables[0].rows) {
      bool matched = false;
      for (auto [rk, rv] : tables[1].rows) {
        if (lk != rk) continue;
        matched = true;
        want.push_back(
            Line({std::to_string(lk), std::to_string(lv), std::to_string(rk), std::to_string(rv)}));
      }
      if (!matched) {
        want.push_back(Line({std::to_string(lk), std::to_string(lv), "NULL", "NULL"}));
      }
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "seed " << seed;
  }
}

TEST_P(RandomizedTest, GroupByMinMaxCountEqualsBatch) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<RandomTable> tables(1);
    auto make = [] {
      std::vector<AggregateCall> calls;
      const std::vector<Type> arg = {Type::Int64()};
      calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
      calls.push_back({sql::ResolveAggregate("min", arg, false).value(), {1}});
      calls.push_back({sql::ResolveAggregate("max", arg, false).value(), {1}});
      calls.push_back({sql::ResolveAggregate("count", arg, true).value(), {1}});
      return std::make_unique<HashAggregate>(1, kKV, std::vector<int>{0}, std::move(calls));
    };
    std::vector<std::string> got = RunRandom(make, 1, tables, 8, seed, GetParam());
    std::map<int64_t, std::vector<int64_t>> groups;
    for (auto [k, v] : tables[0].rows) groups[k].push_back(v);
    std::vector<std::string> want;
    for (auto& [k, vs] : groups) {
      std::sort(vs.begin(), vs.end());
      size_t distinct = std::unique(vs.begin(), vs.end()) - vs.begin();
      want.push_back(
          Line({std::to_string(k), std::to_string(groups[k].size()), std::to_string(vs.front()),
                std::to_string(vs[distinct - 1]), std::to_string(distinct)}));
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "seed " << seed;
  }
}

TEST_P(RandomizedTest, DistinctEqualsBatch) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<RandomTable> tables(1);
    auto make = [] { return std::make_unique<Distinct>(1, kKV); };
    std::vector<std::string> got = RunRandom(make, 1, tables, 8, seed, GetParam());
    std::set<std::string> want;
    for (auto [k, v] : tables[0].rows) want.insert(Line({std::to_string(k), std::to_string(v)}));
    EXPECT_EQ(got, std::vector<std::string>(want.begin(), want.end())) << "seed " << seed;
  }
}

TEST_P(RandomizedTest, TopNEqualsBatch) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<RandomTable> tables(1);
    auto make = [] {
      return std::make_unique<TopN>(1, kKV, std::vector<int>{0}, std::vector<SortKey>{{1, false}},
                                    3);
    };
    std::vector<std::string> got = RunRandom(make, 1, tables, 4, seed, GetParam());
    std::map<int64_t, std::vector<int64_t>> groups;
    for (auto [k, v] : tables[0].rows) groups[k].push_back(v);
    std::vector<std::string> want;
    for (auto& [k, vs] : groups) {
      std::sort(vs.begin(), vs.end());
      for (size_t i = 0; i < vs.size() && i < 3; ++i) {
        want.push_back(Line({std::to_string(k), std::to_string(vs[i])}));
      }
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(StateMemory, RandomizedTest,
                         ::testing::Values(kUnlimitedStateMemory, size_t{600}, size_t{1}),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           if (info.param == kUnlimitedStateMemory) return std::string("Unlimited");
                           return fmt::format("Budget{}", info.param);
                         });

}  // namespace
}  // namespace oxbow::stream
