#include "stream/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "sql/expr/expr.h"
#include "stream/hash_aggregate.h"
#include "stream/keyed_operators.h"
#include "stream/materialized_view.h"
#include "stream/stateless_operators.h"
#include "stream/stream_log_fixture.h"

namespace oxbow::stream {
namespace {

using sql::Type;

// SELECT grp, count(*), sum(v), min(v), max(v) FROM <source> WHERE v > 10 GROUP BY grp
// over t(id bigint [PRIMARY KEY when keyed], grp text, v bigint).
struct Dataflow {
  std::unique_ptr<Pipeline> pipeline;
  Source* source = nullptr;
  MaterializedView* view = nullptr;
};

// Every test runs with state all in memory and with a state memory budget of 1 KiB (a few
// entries per operator), so that eviction, reads of evicted state, lazy restores and early
// checkpoints happen all the time.
class PipelineTest : public testing::LogFixture, public ::testing::WithParamInterface<size_t> {
 protected:
  Dataflow Build(StateStore& store, bool keyed, uint64_t max_read_bytes = 1 << 20,
                 PipelineOptions options = {1, std::chrono::hours(1)}) {
    Dataflow d;
    options.state_memory_bytes = GetParam();
    d.pipeline = std::make_unique<Pipeline>(std::move(options), store);
    SourceOptions o;
    o.id = 2;
    o.topic = "t";
    o.partitions = partitions_;
    o.columns = {{"id", Type::Int64()}, {"grp", Type::Text()}, {"v", Type::Int64()}};
    if (keyed) o.key_columns = {0};
    o.errors = &errors_;
    o.max_read_bytes = max_read_bytes;
    d.source = d.pipeline->Add(std::make_unique<Source>(std::move(o)));
    Operator* last = d.source;
    std::vector<Type> types = last->output_types();
    if (keyed) {
      Operator* table =
          d.pipeline->Add(std::make_unique<UpsertTable>(3, types, std::vector<int>{0}));
      d.pipeline->Connect(last, table);
      last = table;
    }
    auto pred = sql::MakeOperator(">", sql::MakeColumnRef(2, Type::Int64()),
                                  sql::MakeConstant(sql::Value::Int64(10)))
                    .value();
    Operator* filter = d.pipeline->Add(std::make_unique<Filter>(types, std::move(pred)));
    d.pipeline->Connect(last, filter);
    std::vector<AggregateCall> calls;
    calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
    const std::vector<Type> arg = {Type::Int64()};
    for (const char* f : {"sum", "min", "max"}) {
      calls.push_back({sql::ResolveAggregate(f, arg, false).value(), {2}});
    }
    Operator* agg = d.pipeline->Add(
        std::make_unique<HashAggregate>(4, types, std::vector<int>{1}, std::move(calls)));
    d.pipeline->Connect(filter, agg);
    d.view = d.pipeline->Add(std::make_unique<MaterializedView>(5, agg->output_types()));
    d.pipeline->Connect(agg, d.view);
    EXPECT_TRUE(d.pipeline->Restore().ok());
    return d;
  }

  // Appends `n` random events over partitions; keyed: upserts and tombstones of 50 ids.
  void Produce(int n, bool keyed, std::mt19937& rng) {
    for (int i = 0; i < n; i += 10) {
      int part = static_cast<int>(rng() % partitions_.size());
      std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> recs;
      for (int j = 0; j < 10; ++j) {
        int id = keyed ? static_cast<int>(rng() % 50) : next_id_++;
        std::string key = std::to_string(id);
        if (keyed && rng() % 5 == 0) {
          recs.emplace_back(key, std::nullopt);
        } else {
          recs.emplace_back(key, fmt::format(R"({{"id": {}, "grp": "g{}", "v": {}}})", id,
                                             rng() % 7, rng() % 40));
        }
      }
      Append(part, recs);
      for (auto& [k, v] : recs) produced_.emplace_back(part, std::move(k), std::move(v));
    }
  }

  // The query as a batch over the final table (keyed) or every event.
  std::vector<std::string> Expected(bool keyed) const {
    std::map<int64_t, std::pair<std::string, int64_t>> table;
    std::vector<std::pair<std::string, int64_t>> rows;
    // Partitions are ordered independently; a key lives in one partition per its producer
    // here only when keyed, so keyed ids must stay in one partition (see Produce callers).
    for (const auto& [part, key, value] : produced_) {
      int64_t id = std::stoll(*key);
      if (!value) {
        table.erase(id);
        continue;
      }
      auto j = nlohmann_like_parse(*value);
      if (keyed) {
        table[id] = j;
      } else {
        rows.push_back(j);
      }
    }
    if (keyed) {
      for (auto& [id, r] : table) rows.push_back(r);
    }
    struct G {
      int64_t n = 0, sum = 0, min = INT64_MAX, max = INT64_MIN;
    };
    std::map<std::string, G> groups;
    for (auto& [grp, v] : rows) {
      if (v <= 10) continue;
      G& g = groups[grp];
      g.n++;
      g.sum += v;
      g.min = std::min(g.min, v);
      g.max = std::max(g.max, v);
    }
    std::vector<std::string> lines;
    for (auto& [grp, g] : groups) {
      lines.push_back(fmt::format("{} | {} | {} | {} | {}", grp, g.n, g.sum, g.min, g.max));
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  // Our own events only: {"id": N, "grp": "gN", "v": N}.
  static std::pair<std::string, int64_t> nlohmann_like_parse(const std::string& json) {
    size_t g = json.find("\"grp\": \"") + 8;
    std::string grp = json.substr(g, json.find('"', g) - g);
    size_t v = json.find("\"v\": ") + 5;
    return {grp, std::stoll(json.substr(v))};
  }

  CollectingErrorSink errors_;
  int next_id_ = 0;
  std::vector<std::tuple<int, std::optional<std::string>, std::optional<std::string>>> produced_;
};

TEST_P(PipelineTest, FilterAggregateViewEqualsBatchComputation) {
  OpenTopic(3);
  std::mt19937 rng(7);
  Produce(2000, /*keyed=*/false, rng);
  auto store = NewMemoryStateStore();
  Dataflow d = Build(*store, false, 2048);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(d.view->SortedLines(), Expected(false));
  // More input later: the view follows.
  Produce(500, false, rng);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(d.view->SortedLines(), Expected(false));
  EXPECT_TRUE(errors_.errors().empty());
}

// Run, checkpoint, run more without a checkpoint, "crash" (drop the pipeline and close the
// store without flushing anything), restore: the final view equals an uninterrupted run's.
TEST_P(PipelineTest, CrashAfterACheckpointGivesTheUninterruptedResult) {
  OpenTopic(1);  // keyed ids in one partition, so "latest per key" is the log order
  std::mt19937 rng(11);
  Produce(3000, /*keyed=*/true, rng);
  std::string state_dir = dir_.path() + "/state";
  for (int crash = 0; crash < 3; ++crash) {
    auto store = OpenRocksDbStateStore(state_dir).value();
    Dataflow d = Build(*store, true, 1024);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(d.pipeline->Step().status().ok());
    ASSERT_TRUE(d.pipeline->Checkpoint().ok());
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(d.pipeline->Step().status().ok());
    Produce(300, true, rng);
    // Dropped here without a checkpoint: everything after the last one is lost.
  }
  auto store = OpenRocksDbStateStore(state_dir).value();
  Dataflow d = Build(*store, true, 1024);
  // Three checkpoints, and with a small budget more taken early to make dirty state evictable.
  if (GetParam() == kUnlimitedStateMemory) {
    EXPECT_EQ(d.pipeline->epoch(), 3u);
  } else {
    EXPECT_GT(d.pipeline->epoch(), 3u);
  }
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());

  auto fresh = NewMemoryStateStore();
  Dataflow reference = Build(*fresh, true);
  ASSERT_TRUE(reference.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(d.view->SortedLines(), reference.view->SortedLines());
  EXPECT_EQ(d.view->SortedLines(), Expected(true));
  EXPECT_FALSE(d.view->SortedLines().empty());
}

// After a clean finish, restoring gives the same view without reading anything again.
TEST_P(PipelineTest, RestoreAfterCheckpointNeedsNoReplay) {
  OpenTopic(2);
  std::mt19937 rng(3);
  Produce(500, false, rng);
  std::string state_dir = dir_.path() + "/state";
  std::vector<std::string> before;
  {
    auto store = OpenRocksDbStateStore(state_dir).value();
    Dataflow d = Build(*store, false);
    ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
    before = d.view->SortedLines();
  }
  auto store = OpenRocksDbStateStore(state_dir).value();
  Dataflow d = Build(*store, false);
  EXPECT_EQ(d.view->SortedLines(), before);
  EXPECT_EQ(d.pipeline->Step().value(), 0u);
  // With a small budget the view's rows were not all loaded: the snapshot read the store.
  if (GetParam() != kUnlimitedStateMemory) {
    EXPECT_LT(d.view->num_resident_rows(), before.size());
  }
}

// Interval checkpoints synced in the background: each completes its epoch once synced (the
// callback says when), and a restore after dropping the pipeline mid-run resumes from the
// last of them to the uninterrupted result.
TEST_P(PipelineTest, BackgroundSyncedCheckpointsRestoreLikeSynchronousOnes) {
  OpenTopic(1);
  std::mt19937 rng(5);
  Produce(2000, /*keyed=*/false, rng);
  std::string state_dir = dir_.path() + "/state";
  std::atomic<int> synced{0};
  PipelineOptions options{1, std::chrono::milliseconds(0)};
  options.sync_in_background = true;
  options.on_synced = [&synced] { ++synced; };
  uint64_t epochs = 0;
  {
    auto store = OpenRocksDbStateStore(state_dir).value();
    Dataflow d = Build(*store, false, 1024, options);
    // Each Step checkpoints when no sync is in flight (waiting here for each makes it so;
    // a Step meeting one in flight goes on without a checkpoint).
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(d.pipeline->Step().status().ok());
      ASSERT_TRUE(d.pipeline->WaitForSync().ok());
    }
    epochs = d.pipeline->epoch();
    EXPECT_EQ(epochs, static_cast<uint64_t>(synced.load()));
    EXPECT_EQ(epochs, 10u);
    // Dropped here without a checkpoint of its own.
  }
  auto store = OpenRocksDbStateStore(state_dir).value();
  Dataflow d = Build(*store, false, 1024, options);
  EXPECT_EQ(d.pipeline->epoch(), epochs);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(d.view->SortedLines(), Expected(false));
}

// live_checkpoint_interval applies only once the sources have caught up: a backlog is read
// in long epochs, live input in short ones.
TEST_P(PipelineTest, LiveCheckpointIntervalOnlyOnceCaughtUp) {
  OpenTopic(1);
  std::mt19937 rng(9);
  Produce(500, /*keyed=*/false, rng);
  auto store = NewMemoryStateStore();
  PipelineOptions options{1, std::chrono::hours(1)};
  options.live_checkpoint_interval = std::chrono::milliseconds(1);
  Dataflow d = Build(*store, false, 512, options);
  // Behind: however long it has been, no checkpoint before the hour.
  ASSERT_GT(d.pipeline->Step().value(), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_GT(d.pipeline->Step().value(), 0u);
  // (A small state budget adds checkpoints of its own: count only the interval's.)
  EXPECT_EQ(d.pipeline->epoch() - d.pipeline->memory_checkpoints(), 0u);
  for (int i = 0; i < 1000 && d.pipeline->Step().value() > 0; ++i) {
  }
  // Caught up, and more than the live interval since the last checkpoint: the next Step
  // (or the one that caught up) checkpoints.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(d.pipeline->Step().value(), 0u);
  if (GetParam() == kUnlimitedStateMemory) {
    EXPECT_EQ(d.pipeline->epoch(), 1u);
  }
  EXPECT_EQ(d.view->SortedLines(), Expected(false));
}

// catch_up_checkpoint_records: a backlog is checkpointed by volume (every N records
// consumed), not by time, however long the epochs take; once caught up, time again.
TEST_P(PipelineTest, CatchUpCheckpointsByRecords) {
  OpenTopic(1);
  std::mt19937 rng(11);
  Produce(500, /*keyed=*/false, rng);
  auto store = NewMemoryStateStore();
  PipelineOptions options{1, std::chrono::milliseconds(1)};
  options.catch_up_checkpoint_records = 120;
  options.catch_up_max_interval = std::chrono::hours(1);
  Dataflow d = Build(*store, false, 512, options);
  // The checkpoints the volume rule makes while behind, replayed from what each Step read.
  uint64_t since = 0, expected = 0;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the time rule would be due
    size_t n = d.pipeline->Step().value();
    if (n == 0) break;
    since += n;
    if (d.source->CaughtUp()) break;  // this Step's checkpoint is the caught-up one's
    if (since >= 120) {
      ++expected;
      since = 0;
    }
    if (GetParam() == kUnlimitedStateMemory) {
      EXPECT_EQ(d.pipeline->epoch(), expected);
    }
  }
  EXPECT_GT(expected, 0u);
  EXPECT_LT(expected, 500u / 120 + 1);
  // Caught up: the 1 ms interval applies again.
  Produce(10, /*keyed=*/false, rng);
  const uint64_t before = d.pipeline->epoch();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_GT(d.pipeline->Step().value(), 0u);
  EXPECT_EQ(d.pipeline->epoch(), before + 1);
  ASSERT_TRUE(d.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(d.view->SortedLines(), Expected(false));
}

INSTANTIATE_TEST_SUITE_P(StateMemory, PipelineTest,
                         ::testing::Values(kUnlimitedStateMemory, size_t{1024}),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return info.param == kUnlimitedStateMemory ? std::string("Unlimited")
                                                                      : std::string("Tiny");
                         });

}  // namespace
}  // namespace oxbow::stream
