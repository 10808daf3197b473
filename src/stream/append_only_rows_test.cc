#include "stream/append_only_rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fmt/format.h"

namespace oxbow::stream {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> All(const AppendOnlyRows& rows) {
  std::vector<std::string> out;
  Status s = rows.ForEach([&](std::string_view row) {
    out.emplace_back(row);
    return Status();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::vector<std::string> Numbered(int from, int to) {
  std::vector<std::string> out;
  // ~100 bytes a row: a 32 KiB block holds ~320 of them.
  for (int i = from; i < to; ++i) out.push_back(fmt::format("row {:06d} {:>90}", i, "x"));
  return out;
}

Status CheckpointAndCommit(AppendOnlyRows& rows, StateStore& store) {
  auto batch = store.NewBatch();
  rows.Checkpoint(*batch);
  RETURN_IF_ERROR(store.Commit(*batch));
  rows.AfterCommit();
  return Status();
}

TEST(AppendOnlyRowsTest, RestoresWhatWasCommittedInOrder) {
  auto store = NewMemoryStateStore();
  AppendOnlyRows rows(7);
  ASSERT_TRUE(rows.Restore(*store).ok());
  std::vector<std::string> want = Numbered(0, 1000);
  for (size_t i = 0; i < 500; ++i) rows.Append(want[i]);
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  // The open block grows after it was written: the next checkpoint rewrites it.
  for (size_t i = 500; i < 1000; ++i) rows.Append(want[i]);
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  rows.Append("not committed");
  EXPECT_EQ(rows.num_rows(), 1001u);

  AppendOnlyRows restored(7);
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_EQ(restored.num_rows(), 1000u);
  EXPECT_EQ(All(restored), want);
  // Appending after a restore continues the last block.
  restored.Append("after");
  ASSERT_TRUE(CheckpointAndCommit(restored, *store).ok());
  AppendOnlyRows again(7);
  ASSERT_TRUE(again.Restore(*store).ok());
  want.push_back("after");
  EXPECT_EQ(All(again), want);
}

TEST(AppendOnlyRowsTest, AnUncommittedCheckpointLeavesTheStoreAsItWas) {
  auto store = NewMemoryStateStore();
  AppendOnlyRows rows(7);
  ASSERT_TRUE(rows.Restore(*store).ok());
  rows.Append("a");
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  rows.Append("b");
  auto batch = store->NewBatch();
  rows.Checkpoint(*batch);  // never committed: a crash
  AppendOnlyRows restored(7);
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_EQ(All(restored), std::vector<std::string>{"a"});
}

TEST(AppendOnlyRowsTest, CommittedBlocksAreEvictedAndReadBack) {
  auto store = NewMemoryStateStore();
  AppendOnlyRows rows(7);
  ASSERT_TRUE(rows.Restore(*store).ok());
  rows.set_budget(64 * 1024);
  std::vector<std::string> want = Numbered(0, 5000);  // ~500 KiB
  for (size_t i = 0; i < want.size(); ++i) {
    rows.Append(want[i]);
    // Uncommitted rows are never evicted: over budget asks for a checkpoint.
    if (rows.over_budget()) {
      ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
    }
  }
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  EXPECT_LT(rows.resident_rows(), 1500u);
  EXPECT_EQ(All(rows), want);

  // A restore under the same budget loads what fits and reads the rest when scanned.
  AppendOnlyRows restored(7);
  restored.set_budget(64 * 1024);
  ASSERT_TRUE(restored.Restore(*store).ok());
  EXPECT_LT(restored.resident_rows(), 1500u);
  EXPECT_EQ(restored.num_rows(), 5000u);
  EXPECT_EQ(All(restored), want);
}

TEST(AppendOnlyRowsTest, StateInAnotherFormatIsRefused) {
  auto store = NewMemoryStateStore();
  auto batch = store->NewBatch();
  batch->Put(7, "some row encoding", "\x01");  // an older view's row → count
  ASSERT_TRUE(store->Commit(*batch).ok());
  AppendOnlyRows rows(7);
  Status s = rows.Restore(*store);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("DROP and CREATE"));
}

TEST(AppendOnlyRowsTest, ACorruptBlockIsDataLoss) {
  auto store = NewMemoryStateStore();
  AppendOnlyRows rows(7);
  ASSERT_TRUE(rows.Restore(*store).ok());
  rows.Append("a");
  ASSERT_TRUE(CheckpointAndCommit(rows, *store).ok());
  auto batch = store->NewBatch();
  batch->Put(7, std::string("B\0\0\0\0\0\0\0\0", 9), "\x7f");  // length beyond the block
  ASSERT_TRUE(store->Commit(*batch).ok());
  AppendOnlyRows restored(7);
  EXPECT_EQ(restored.Restore(*store).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace oxbow::stream
