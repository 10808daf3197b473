#include "log/time_index.h"

#include <string>

#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

constexpr Offset kBase(500);

std::string Entry(int64_t ts, uint32_t rel) {
  ByteBuffer b;
  b.AppendBE64(static_cast<uint64_t>(ts));
  b.AppendBE32(rel);
  return std::string(AsString(b.view()));
}

// (timestamp, relative offset) of an optional entry, (-2, 0) for none.
std::pair<int64_t, uint32_t> P(std::optional<TimeIndexEntry> e) {
  if (!e) return {-2, 0};
  return {e->timestamp, e->relative_offset};
}
std::pair<int64_t, uint32_t> P(int64_t ts, uint32_t rel) { return {ts, rel}; }

void AddEntries(TimeIndex& idx) {
  idx.MaybeAppend(kBase + 10, TimestampMs(100));
  idx.MaybeAppend(kBase + 20, TimestampMs(200));
  idx.MaybeAppend(kBase + 30, TimestampMs(300));
}

TEST(TimeIndexTest, AppendsOnlyWhenTimestampGrows) {
  TimeIndex idx(kBase);
  idx.MaybeAppend(kBase + 10, TimestampMs(100));
  idx.MaybeAppend(kBase + 20, TimestampMs(100));  // same timestamp: no entry
  idx.MaybeAppend(kBase + 30, TimestampMs(50));   // smaller: no entry
  idx.MaybeAppend(kBase + 10, TimestampMs(500));  // offset does not grow: no entry
  idx.MaybeAppend(kBase + 40, TimestampMs(150));
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_EQ(P(idx.Last()), P(150, 40));
}

TEST(TimeIndexTest, Lookups) {
  TimeIndex idx(kBase);
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(0))), P(std::nullopt));
  EXPECT_EQ(P(idx.LastAtOrBefore(kBase + 100)), P(std::nullopt));
  AddEntries(idx);
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(-1))), P(100, 10));
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(100))), P(100, 10));
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(101))), P(200, 20));
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(300))), P(300, 30));
  EXPECT_EQ(P(idx.FirstAtOrAfter(TimestampMs(301))), P(std::nullopt));
  EXPECT_EQ(P(idx.LastAtOrBefore(kBase + 9)), P(std::nullopt));
  EXPECT_EQ(P(idx.LastAtOrBefore(kBase + 10)), P(100, 10));
  EXPECT_EQ(P(idx.LastAtOrBefore(kBase + 29)), P(200, 20));
  EXPECT_EQ(P(idx.LastAtOrBefore(kBase + 1000)), P(300, 30));
}

TEST(TimeIndexTest, TruncateAtOffset) {
  TimeIndex idx(kBase);
  AddEntries(idx);
  idx.TruncateAtOffset(kBase + 25);
  EXPECT_EQ(P(idx.Last()), P(200, 20));
  idx.TruncateAtOffset(kBase + 20);
  EXPECT_EQ(P(idx.Last()), P(100, 10));
  // Growth is measured against what is left.
  idx.MaybeAppend(kBase + 20, TimestampMs(150));
  EXPECT_EQ(P(idx.Last()), P(150, 20));
  idx.TruncateAtOffset(kBase);
  EXPECT_EQ(idx.size(), 0u);
}

TEST(TimeIndexTest, LoadDropsDamagedTail) {
  {
    TimeIndex idx(kBase);
    std::string file = Entry(100, 10) + Entry(200, 20);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 0u);
    EXPECT_EQ(idx.size(), 2u);
  }
  {
    TimeIndex idx(kBase);  // torn last entry
    std::string file = Entry(100, 10) + Entry(200, 20) + Entry(300, 30).substr(0, 7);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 1u);
    EXPECT_EQ(P(idx.Last()), P(200, 20));
  }
  {
    TimeIndex idx(kBase);  // timestamp goes backwards
    std::string file = Entry(100, 10) + Entry(50, 20) + Entry(300, 30);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 2u);
    EXPECT_EQ(P(idx.Last()), P(100, 10));
  }
  {
    TimeIndex idx(kBase);  // offset does not grow
    std::string file = Entry(100, 10) + Entry(200, 10);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 1u);
  }
  {
    TimeIndex idx(kBase);  // offset beyond the segment
    std::string file = Entry(100, 10) + Entry(200, 2000);
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 1u);
    EXPECT_EQ(P(idx.Last()), P(100, 10));
  }
  {
    TimeIndex idx(kBase);  // zero-filled tail
    std::string file = Entry(100, 10) + std::string(24, '\0');
    EXPECT_EQ(idx.Load(AsBytes(file), 1000), 2u);
    EXPECT_EQ(idx.size(), 1u);
  }
}

TEST(TimeIndexTest, PersistRoundTripsAndRewritesAfterTruncation) {
  testing::TempDir dir;
  io::FileSystem& fs = io::FileSystem::Default();
  std::string path = io::JoinPath(dir.path(), "x.timeindex");
  auto file = fs.Open(path, io::OpenMode::kCreateOrOpen);
  ASSERT_TRUE(file.ok()) << file.status();
  TimeIndex idx(kBase);
  AddEntries(idx);
  ASSERT_TRUE(idx.Persist(**file).ok());
  EXPECT_EQ(*fs.ReadFile(path), Entry(100, 10) + Entry(200, 20) + Entry(300, 30));
  idx.TruncateAtOffset(kBase + 20);
  idx.MaybeAppend(kBase + 40, TimestampMs(400));
  ASSERT_TRUE(idx.Persist(**file).ok());
  EXPECT_EQ(*fs.ReadFile(path), Entry(100, 10) + Entry(400, 40));

  TimeIndex loaded(kBase);
  std::string bytes = *fs.ReadFile(path);
  EXPECT_EQ(loaded.Load(AsBytes(bytes), 1000), 0u);
  EXPECT_EQ(P(loaded.FirstAtOrAfter(TimestampMs(101))), P(400, 40));
}

}  // namespace
}  // namespace oxbow::log
