#include "stream/session_window.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "fmt/format.h"
#include "stream/materialized_view.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace oxbow::stream::testing;
using sql::Type;

// (user bigint, t bigint): times as plain integers keep the expected rows readable (the
// operator reads the time column's int64 representation, as a timestamp's microseconds).
const std::vector<Type> kTypes = {Type::Int64(), Type::Int64()};
constexpr int64_t kGap = 10;

SessionSpec Spec(std::optional<int64_t> time_bound = std::nullopt) {
  return SessionSpec{1, kGap, {0}, time_bound};
}

void Barrier(StateStore& store, Operator& op) {
  auto batch = store.NewBatch();
  ASSERT_TRUE(op.Checkpoint(*batch).ok());
  ASSERT_TRUE(store.Commit(*batch).ok());
  ASSERT_TRUE(op.AfterCommit().ok());
}

TEST(SessionWindowTest, OutOfOrderEventMergesSessionsAndDeleteSplitsThem) {
  SessionWindow s(1, kTypes, Spec());
  Collector out(s.output_types());
  s.AddOutput(&out, 0);
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(0)}}, {'+', {I(1), I(18)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 0 | 0 | 10", "+ | 1 | 18 | 18 | 28"));
  // 9 is less than a gap from both: one session [0, 28).
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(9)}}})).ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 0 | 0 | 10", "- | 1 | 18 | 18 | 28", "+ | 1 | 0 | 0 | 28",
                          "+ | 1 | 9 | 0 | 28", "+ | 1 | 18 | 0 | 28"));
  // Another user's event at 5 is a session of its own.
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(2), I(5)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 2 | 5 | 5 | 15"));
  // A duplicate within the session changes no bounds.
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(18)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("+ | 1 | 18 | 0 | 28"));
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'-', {I(1), I(18)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 1 | 18 | 0 | 28"));
  // Deleting 9 splits the session again.
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'-', {I(1), I(9)}}})).ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 0 | 0 | 28", "- | 1 | 9 | 0 | 28", "- | 1 | 18 | 0 | 28",
                          "+ | 1 | 0 | 0 | 10", "+ | 1 | 18 | 18 | 28"));
  // A row it never saw.
  EXPECT_FALSE(s.Process(0, MakeChunk(kTypes, {{'-', {I(1), I(50)}}})).ok());
}

TEST(SessionWindowTest, InsertsInOneChunkThatJoinEachOther) {
  SessionWindow s(1, kTypes, Spec());
  Collector out(s.output_types());
  s.AddOutput(&out, 0);
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(0)}}})).ok());
  out.Take();
  // 17 and 25 are each more than a gap from 0, but 8 links them all; 40 stays apart.
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(25)}},
                                              {'+', {I(1), I(40)}},
                                              {'+', {I(1), I(17)}},
                                              {'+', {I(1), I(8)}},
                                              {'+', {I(1), Value::Null(Type::Int64())}}}))
                  .ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 0 | 0 | 10", "+ | 1 | NULL | NULL | NULL", "+ | 1 | 0 | 0 | 35",
                          "+ | 1 | 8 | 0 | 35", "+ | 1 | 17 | 0 | 35", "+ | 1 | 25 | 0 | 35",
                          "+ | 1 | 40 | 40 | 50"));
}

TEST(SessionWindowTest, StateSurvivesRestoreWithEviction) {
  auto store = NewMemoryStateStore();
  SessionWindow s(1, kTypes, Spec());
  ASSERT_TRUE(s.Restore(*store).ok());
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(0)}},
                                              {'+', {I(1), I(9)}},
                                              {'+', {I(1), I(18)}},
                                              {'+', {I(2), I(100)}}}))
                  .ok());
  Barrier(*store, s);
  SessionWindow restored(1, kTypes, Spec());
  restored.SetStateMemory(1);  // nothing stays in memory: every partition is read back
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_EQ(restored.num_resident_partitions(), 0u);
  Collector out(restored.output_types());
  restored.AddOutput(&out, 0);
  ASSERT_TRUE(restored.Process(0, MakeChunk(kTypes, {{'-', {I(1), I(9)}}})).ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 0 | 0 | 28", "- | 1 | 9 | 0 | 28", "- | 1 | 18 | 0 | 28",
                          "+ | 1 | 0 | 0 | 10", "+ | 1 | 18 | 18 | 28"));
  ASSERT_TRUE(restored.Process(0, MakeChunk(kTypes, {{'+', {I(2), I(105)}}})).ok());
  EXPECT_THAT(out.Take(), ElementsAre("- | 2 | 100 | 100 | 110", "+ | 2 | 100 | 100 | 115",
                                      "+ | 2 | 105 | 100 | 115"));
}

// The watermark makes sessions final: their rows leave the state, deletes of them change
// nothing, and the state stays flat on an endless stream of sessions.
TEST(SessionWindowTest, FinalSessionsLeaveStateAndStateStaysFlat) {
  auto store = NewMemoryStateStore();
  Collector upstream(kTypes);
  auto s = std::make_unique<SessionWindow>(1, kTypes, Spec(/*time_bound=*/0));
  upstream.AddOutput(s.get(), 0);
  ASSERT_TRUE(s->Restore(*store).ok());
  size_t max_rows = 0;
  constexpr int kUsers = 100;
  constexpr int kRounds = 200;
  for (int round = 0; round < kRounds; ++round) {
    // Each user clicks three times, 4 apart, then pauses: one session per user per round,
    // [base, base + 18), final once the watermark (lagging half a round) passes it.
    int64_t base = round * 100;
    std::vector<Change> changes;
    for (int u = 0; u < kUsers; ++u) {
      for (int k = 0; k < 3; ++k) changes.push_back({'+', {I(u), I(base + 4 * k)}});
    }
    ASSERT_TRUE(s->Process(0, MakeChunk(kTypes, changes)).ok());
    max_rows = std::max(max_rows, s->num_resident_rows());
    ASSERT_TRUE(s->ReceiveWatermark(0, base - 50).ok());
    if (round % 50 == 49) {  // a restart now and then: the expiry index comes back too
      Barrier(*store, *s);
      s = std::make_unique<SessionWindow>(1, kTypes, Spec(0));
      upstream.AddOutput(s.get(), 0);
      ASSERT_TRUE(s->Restore(*store).ok());
      EXPECT_EQ(s->num_resident_rows(), size_t{3 * kUsers});
    }
  }
  // At most the previous round (until the watermark passes it) and the current one.
  EXPECT_EQ(max_rows, size_t{2 * 3 * kUsers});
  ASSERT_TRUE(s->ReceiveWatermark(0, kRounds * 100).ok());
  EXPECT_EQ(s->num_resident_rows(), 0u);
  Barrier(*store, *s);
  size_t stored = 0;
  ASSERT_TRUE(store
                  ->Scan(1, "",
                         [&](std::string_view, std::string_view) {
                           ++stored;
                           return Status();
                         })
                  .ok());
  EXPECT_EQ(stored, 0u);
  // A delete of a row of a final session changes nothing.
  Collector out(s->output_types());
  s->AddOutput(&out, 0);
  ASSERT_TRUE(s->Process(0, MakeChunk(kTypes, {{'-', {I(3), I(100)}}})).ok());
  EXPECT_THAT(out.Take(), IsEmpty());
}

// A session still open when the watermark passes its first rows keeps them.
TEST(SessionWindowTest, OpenSessionKeepsRowsBehindTheWatermark) {
  Collector upstream(kTypes);
  SessionWindow s(1, kTypes, Spec(0));
  upstream.AddOutput(&s, 0);
  Collector out(s.output_types());
  s.AddOutput(&out, 0);
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(0)}}, {'+', {I(1), I(8)}}})).ok());
  ASSERT_TRUE(s.ReceiveWatermark(0, 12).ok());  // [0, 18) is open: a row at 12 joins it
  EXPECT_EQ(s.num_resident_rows(), 2u);
  out.Take();
  ASSERT_TRUE(s.Process(0, MakeChunk(kTypes, {{'+', {I(1), I(12)}}})).ok());
  EXPECT_THAT(out.Take(),
              ElementsAre("- | 1 | 0 | 0 | 18", "- | 1 | 8 | 0 | 18", "+ | 1 | 0 | 0 | 22",
                          "+ | 1 | 8 | 0 | 22", "+ | 1 | 12 | 0 | 22"));
  ASSERT_TRUE(s.ReceiveWatermark(0, 22).ok());  // end 22 ≤ 22: final
  EXPECT_EQ(s.num_resident_rows(), 0u);
}

// Random inserts and deletes, out of order, over a few users, with restores and a tiny
// memory budget: the output adds up to the sessions computed from scratch.
std::vector<std::string> ModelSessions(const std::multiset<std::pair<int64_t, int64_t>>& rows) {
  std::vector<std::string> lines;
  std::map<int64_t, std::vector<int64_t>> by_user;
  for (const auto& [u, t] : rows) by_user[u].push_back(t);
  for (const auto& [u, times] : by_user) {
    size_t i = 0;
    while (i < times.size()) {
      size_t j = i;
      while (j + 1 < times.size() && times[j + 1] - times[j] < kGap) ++j;
      for (size_t k = i; k <= j; ++k) {
        lines.push_back(fmt::format("{} | {} | {} | {}", u, times[k], times[i], times[j] + kGap));
      }
      i = j + 1;
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(SessionWindowTest, RandomChangesMatchSessionsFromScratch) {
  std::mt19937 rng(7);
  auto store = NewMemoryStateStore();
  MaterializedView view(2, SessionWindow(1, kTypes, Spec()).output_types());
  ASSERT_TRUE(view.Restore(*store).ok());
  auto make = [&] {
    auto s = std::make_unique<SessionWindow>(1, kTypes, Spec());
    s->AddOutput(&view, 0);
    s->SetStateMemory(2000);
    EXPECT_TRUE(s->Restore(*store).ok());
    return s;
  };
  auto s = make();
  std::multiset<std::pair<int64_t, int64_t>> rows;
  for (int step = 0; step < 300; ++step) {
    std::vector<Change> changes;
    std::multiset<std::pair<int64_t, int64_t>> next = rows;
    int n = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) {
      if (!next.empty() && rng() % 3 == 0) {
        auto it = next.begin();
        std::advance(it, rng() % next.size());
        changes.push_back({'-', {I(it->first), I(it->second)}});
        next.erase(it);
      } else {
        std::pair<int64_t, int64_t> r{rng() % 3, rng() % 200};
        changes.push_back({'+', {I(r.first), I(r.second)}});
        next.insert(r);
      }
    }
    ASSERT_TRUE(s->Process(0, MakeChunk(kTypes, changes)).ok()) << "step " << step;
    rows = std::move(next);
    std::vector<std::string> got = view.SortedLines();
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, ModelSessions(rows)) << "step " << step;
    if (step % 37 == 36) {
      auto batch = store->NewBatch();
      ASSERT_TRUE(s->Checkpoint(*batch).ok());
      ASSERT_TRUE(view.Checkpoint(*batch).ok());
      ASSERT_TRUE(store->Commit(*batch).ok());
      ASSERT_TRUE(s->AfterCommit().ok());
      ASSERT_TRUE(view.AfterCommit().ok());
      s = make();
    }
  }
}

}  // namespace
}  // namespace oxbow::stream
