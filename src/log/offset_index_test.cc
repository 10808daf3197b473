#include "log/offset_index.h"

#include <string>

#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

constexpr Offset kBase(1000);

std::string Entry(uint32_t rel, uint32_t pos) {
  ByteBuffer b;
  b.AppendBE32(rel);
  b.AppendBE32(pos);
  return std::string(AsString(b.view()));
}

bool Same(OffsetIndexEntry a, OffsetIndexEntry b) {
  return a.relative_offset == b.relative_offset && a.position == b.position;
}

void AddThreeEntries(OffsetIndex& idx) {
  idx.Append(kBase + 10, 100);
  idx.Append(kBase + 20, 200);
  idx.Append(kBase + 30, 300);
}

TEST(OffsetIndexTest, LookupFindsLastEntryAtOrBeforeTarget) {
  OffsetIndex empty(kBase);
  EXPECT_TRUE(Same(empty.Lookup(kBase + 5), {0, 0}));
  EXPECT_FALSE(empty.Last().has_value());

  OffsetIndex idx(kBase);
  AddThreeEntries(idx);
  EXPECT_TRUE(Same(idx.Lookup(Offset(0)), {0, 0}));
  EXPECT_TRUE(Same(idx.Lookup(kBase), {0, 0}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 9), {0, 0}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 10), {10, 100}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 19), {10, 100}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 20), {20, 200}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 30), {30, 300}));
  EXPECT_TRUE(Same(idx.Lookup(kBase + 1'000'000), {30, 300}));
  EXPECT_EQ(idx.size(), 3u);
  EXPECT_TRUE(Same(*idx.Last(), {30, 300}));
}

TEST(OffsetIndexTest, FloorByPositionIsStrictlyBelow) {
  OffsetIndex idx(kBase);
  idx.Append(kBase + 10, 100);
  idx.Append(kBase + 20, 200);
  EXPECT_TRUE(Same(idx.FloorByPosition(0), {0, 0}));
  EXPECT_TRUE(Same(idx.FloorByPosition(100), {0, 0}));
  EXPECT_TRUE(Same(idx.FloorByPosition(101), {10, 100}));
  EXPECT_TRUE(Same(idx.FloorByPosition(200), {10, 100}));
  EXPECT_TRUE(Same(idx.FloorByPosition(5000), {20, 200}));
}

TEST(OffsetIndexTest, LoadKeepsAnIntactFile) {
  OffsetIndex idx(kBase);
  std::string file = Entry(10, 100) + Entry(20, 200) + Entry(30, 300);
  EXPECT_EQ(idx.Load(AsBytes(file), 1000), 0u);
  EXPECT_EQ(idx.size(), 3u);
  EXPECT_TRUE(Same(idx.Lookup(kBase + 25), {20, 200}));
}

TEST(OffsetIndexTest, LoadDropsTornEntry) {
  OffsetIndex idx(kBase);
  std::string file = Entry(10, 100) + Entry(20, 200) + Entry(30, 300).substr(0, 5);
  EXPECT_EQ(idx.Load(AsBytes(file), 1000), 1u);
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_TRUE(Same(*idx.Last(), {20, 200}));
}

TEST(OffsetIndexTest, LoadStopsAtFirstMalformedEntry) {
  {
    OffsetIndex idx(kBase);  // offset goes backwards
    std::string file = Entry(10, 100) + Entry(5, 200) + Entry(30, 300);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 2u);
    EXPECT_EQ(idx.size(), 1u);
  }
  {
    OffsetIndex idx(kBase);  // position does not increase
    std::string file = Entry(10, 100) + Entry(20, 100);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 1u);
    EXPECT_EQ(idx.size(), 1u);
  }
  {
    OffsetIndex idx(kBase);  // positions beyond the log (a log truncated after a crash)
    std::string file = Entry(10, 100) + Entry(20, 200) + Entry(30, 300);
    EXPECT_EQ(idx.Load(AsBytes(file), 250), 1u);
    EXPECT_EQ(idx.size(), 2u);
    EXPECT_TRUE(Same(idx.Lookup(kBase + 1000), {20, 200}));
  }
  {
    OffsetIndex idx(kBase);  // zero-filled garbage after valid entries
    std::string file = Entry(10, 100) + std::string(16, '\0');
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 2u);
    EXPECT_EQ(idx.size(), 1u);
  }
}

TEST(OffsetIndexTest, TruncateAtPositionDropsEntriesAtOrAfterIt) {
  OffsetIndex idx(kBase);
  AddThreeEntries(idx);
  idx.TruncateAtPosition(250);
  EXPECT_EQ(idx.size(), 2u);
  idx.TruncateAtPosition(200);
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_TRUE(Same(idx.Lookup(kBase + 100), {10, 100}));
  idx.TruncateAtPosition(0);
  EXPECT_EQ(idx.size(), 0u);
  // Entries can be appended again after a truncation.
  idx.Append(kBase + 5, 50);
  EXPECT_TRUE(Same(idx.Lookup(kBase + 6), {5, 50}));
}

TEST(OffsetIndexTest, PersistAppendsThenRewritesAfterTruncation) {
  testing::TempDir dir;
  io::FileSystem& fs = io::FileSystem::Default();
  std::string path = io::JoinPath(dir.path(), "x.index");
  auto file = fs.Open(path, io::OpenMode::kCreateOrOpen);
  ASSERT_TRUE(file.ok()) << file.status();

  OffsetIndex idx(kBase);
  idx.Append(kBase + 10, 100);
  ASSERT_TRUE(idx.Persist(**file).ok());
  idx.Append(kBase + 20, 200);
  idx.Append(kBase + 30, 300);
  ASSERT_TRUE(idx.Persist(**file).ok());
  EXPECT_EQ(*fs.ReadFile(path), Entry(10, 100) + Entry(20, 200) + Entry(30, 300));

  idx.TruncateAtPosition(200);
  idx.Append(kBase + 25, 250);
  ASSERT_TRUE(idx.Persist(**file).ok());
  EXPECT_EQ(*fs.ReadFile(path), Entry(10, 100) + Entry(25, 250));

  OffsetIndex loaded(kBase);
  std::string bytes = *fs.ReadFile(path);
  EXPECT_EQ(loaded.Load(AsBytes(bytes), 1000), 0u);
  EXPECT_TRUE(Same(loaded.Lookup(kBase + 26), {25, 250}));

  // A loaded torn file is rewritten whole by the next Persist.
  std::string torn = Entry(10, 100) + "abc";
  ASSERT_TRUE((*file)->Truncate(0).ok());
  ASSERT_TRUE((*file)->Append(AsBytes(torn)).ok());
  OffsetIndex reloaded(kBase);
  EXPECT_EQ(reloaded.Load(AsBytes(torn), 1000), 1u);
  reloaded.Append(kBase + 20, 200);
  ASSERT_TRUE(reloaded.Persist(**file).ok());
  EXPECT_EQ(*fs.ReadFile(path), Entry(10, 100) + Entry(20, 200));
}

}  // namespace
}  // namespace oxbow::log
