#include "stream/time_bucketed_rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fmt/format.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr StateId kId = 9;
constexpr int64_t kWidth = 100;

TimeBucketedRows Make() { return TimeBucketedRows(kId, '\x02', kWidth, "HashJoin(inner)"); }

std::vector<std::string> Matches(const TimeBucketedRows& rows, std::string_view key) {
  std::vector<std::string> out;
  Status s = rows.ForEachMatch(key, [&](std::string_view row) {
    out.emplace_back(row);
    return Status();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

Status CheckpointAndCommit(TimeBucketedRows& rows, StateStore& store) {
  auto batch = store.NewBatch();
  rows.Checkpoint(*batch);
  RETURN_IF_ERROR(store.Commit(*batch));
  rows.AfterCommit();
  return Status();
}

TEST(TimeBucketedRowsTest, FindsEveryRowOfAKeyAcrossBuckets) {
  TimeBucketedRows rows = Make();
  rows.Add("k1", "a", true, 5);
  rows.Add("k2", "b", true, 7);
  rows.Add("k1", "c", true, 250);  // another bucket
  rows.Add("k1", "a", true, 260);  // a duplicate counts twice
  rows.Add("k1", "n", false, 0);   // no time
  EXPECT_THAT(Matches(rows, "k1"), UnorderedElementsAre("a", "a", "c", "n"));
  EXPECT_THAT(Matches(rows, "k2"), ElementsAre("b"));
  EXPECT_THAT(Matches(rows, "k3"), IsEmpty());
  // A key that is a prefix of another matches only itself.
  EXPECT_THAT(Matches(rows, "k"), IsEmpty());
  EXPECT_TRUE(*rows.Contains("k2"));
  EXPECT_FALSE(*rows.Contains("k3"));
  EXPECT_EQ(rows.num_rows(), 5u);
  EXPECT_EQ(rows.num_buckets(), 3u);
}

TEST(TimeBucketedRowsTest, DropsABucketOnceTheBoundPassesAllOfItsTimes) {
  TimeBucketedRows rows = Make();
  rows.Add("k", "t99", true, 99);
  rows.Add("k", "t100", true, 100);
  rows.Add("k", "t-1", true, -1);  // bucket -1: [-100, 0)
  rows.Add("k", "null", false, 0);
  rows.ExpireBelow(0);
  EXPECT_THAT(Matches(rows, "k"), UnorderedElementsAre("t99", "t100", "null"));
  // 99 is below the bound but its bucket holds times up to 99: it goes at 100.
  rows.ExpireBelow(99);
  EXPECT_EQ(rows.num_rows(), 3u);
  rows.ExpireBelow(100);
  EXPECT_THAT(Matches(rows, "k"), UnorderedElementsAre("t100", "null"));
  // The final watermark drops every timed row; rows without a time stay.
  rows.ExpireBelow(INT64_MAX);
  EXPECT_THAT(Matches(rows, "k"), ElementsAre("null"));
  EXPECT_EQ(rows.num_rows(), 1u);
}

TEST(TimeBucketedRowsTest, RestoresTheCommittedRowsAndDeletesDroppedBuckets) {
  auto store = NewMemoryStateStore();
  TimeBucketedRows rows = Make();
  ASSERT_TRUE(rows.Restore(*store).ok());
  // ~100 bytes a row: several 32 KiB blocks per bucket.
  auto row = [](int i) { return fmt::format("row {:06d} {:>90}", i, "x"); };
  for (int i = 0; i < 1000; ++i) rows.Add(fmt::format("k{}", i % 7), row(i), true, i % 300);
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  // The open blocks grow after they were written: the next checkpoint rewrites them.
  for (int i = 1000; i < 2000; ++i) rows.Add(fmt::format("k{}", i % 7), row(i), true, i % 300);
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  rows.Add("k0", "not committed", true, 5);

  TimeBucketedRows restored = Make();
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_EQ(restored.num_rows(), 2000u);
  std::vector<std::string> want;
  for (int i = 0; i < 2000; i += 7) want.push_back(row(i));
  EXPECT_THAT(Matches(restored, "k0"), UnorderedElementsAreArray(want));
  // Appending after a restore continues a bucket's last block.
  restored.Add("k0", "after", true, 250);
  restored.ExpireBelow(200);  // buckets 0 and 1 go
  ASSERT_TRUE(CheckpointAndCommit(restored, *store).ok());
  TimeBucketedRows again = Make();
  ASSERT_TRUE(again.Restore(*store).ok());
  std::vector<std::string> left;
  for (int i = 0; i < 2000; i += 7) {
    if (i % 300 >= 200) left.push_back(row(i));
  }
  left.push_back("after");
  EXPECT_THAT(Matches(again, "k0"), UnorderedElementsAreArray(left));
  EXPECT_EQ(again.num_buckets(), 1u);
  // State is flat: once every bucket is gone, only the format tag is stored.
  again.ExpireBelow(INT64_MAX);
  ASSERT_TRUE(CheckpointAndCommit(again, *store).ok());
  EXPECT_EQ(testing::StoredKeys(*store, kId), 1u);
}

TEST(TimeBucketedRowsTest, ABucketCreatedAgainAfterItsDropKeepsOnlyItsNewRows) {
  auto store = NewMemoryStateStore();
  TimeBucketedRows rows = Make();
  ASSERT_TRUE(rows.Restore(*store).ok());
  for (int i = 0; i < 1000; ++i) rows.Add("k", fmt::format("old {:>100}", i), true, 50);
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  rows.ExpireBelow(100);
  rows.Add("k", "late", true, 50);  // a late row under the dropped bucket's number
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  TimeBucketedRows restored = Make();
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_THAT(Matches(restored, "k"), ElementsAre("late"));
}

TEST(TimeBucketedRowsTest, EvictsCommittedFullBlocksOverTheBudgetAndReadsThemBack) {
  auto store = NewMemoryStateStore();
  TimeBucketedRows rows = Make();
  ASSERT_TRUE(rows.Restore(*store).ok());
  rows.set_budget(100 * 1024);
  auto row = [](int i) { return fmt::format("row {:06d} {:>90}", i, "x"); };
  // ~100 bytes a row, 3 buckets of ~330 KiB: 10 full blocks each.
  for (int i = 0; i < 10000; ++i) rows.Add(fmt::format("k{}", i % 50), row(i), true, i % 300);
  EXPECT_GT(rows.block_bytes(), size_t{900} * 1024);  // nothing committed: all resident
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  EXPECT_LE(rows.block_bytes(), size_t{100} * 1024);
  std::vector<std::string> want;
  for (int i = 7; i < 10000; i += 50) want.push_back(row(i));
  EXPECT_THAT(Matches(rows, "k7"), UnorderedElementsAreArray(want));
  // Appends after eviction go to the buckets' open blocks.
  rows.Add("k7", "more", true, 1);
  want.push_back("more");
  EXPECT_THAT(Matches(rows, "k7"), UnorderedElementsAreArray(want));
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());

  // A restore within a small budget indexes every row and loads only what fits.
  TimeBucketedRows restored = Make();
  restored.set_budget(64 * 1024);
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_EQ(restored.num_rows(), 10001u);
  EXPECT_LE(restored.block_bytes(), size_t{64 + 3 * 33} * 1024);  // and the open blocks
  EXPECT_THAT(Matches(restored, "k7"), UnorderedElementsAreArray(want));
  // Expiry deletes evicted blocks from the store like resident ones.
  restored.ExpireBelow(INT64_MAX);
  ASSERT_TRUE(CheckpointAndCommit(restored, *store).ok());
  EXPECT_EQ(testing::StoredKeys(*store, kId), 1u);
  EXPECT_EQ(restored.block_bytes(), 0u);
}

TEST(TimeBucketedRowsTest, RefusesStateInAnotherFormat) {
  auto store = NewMemoryStateStore();
  auto batch = store->NewBatch();
  batch->Put(kId, "\x02", "oxbow time-bucketed rows 0");
  ASSERT_TRUE(store->Commit(*batch).ok());
  TimeBucketedRows rows = Make();
  Status s = rows.Restore(*store);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("DROP and CREATE"));

  auto untagged = NewMemoryStateStore();
  batch = untagged->NewBatch();
  batch->Put(kId, std::string("\x02") + std::string(12, '\0'), "rows");
  ASSERT_TRUE(untagged->Commit(*batch).ok());
  s = Make().Restore(*untagged);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("DROP and CREATE"));
}

TEST(TimeBucketedRowsTest, ReportsUnwrittenBytesOverTheBudget) {
  TimeBucketedRows rows = Make();
  rows.set_budget(1000);
  for (int i = 0; i < 20; ++i) rows.Add("k", std::string(100, 'x'), true, i);
  EXPECT_TRUE(rows.over_budget());
  auto store = NewMemoryStateStore();
  auto batch = store->NewBatch();
  rows.Checkpoint(*batch);
  EXPECT_FALSE(rows.over_budget());
}

}  // namespace
}  // namespace oxbow::stream
