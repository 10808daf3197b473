#include "log/producer_id_allocator.h"

#include <set>

#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

TEST(ProducerIdAllocatorTest, IdsAreNeverReusedAcrossRestarts) {
  testing::TempDir dir;
  io::FileSystem& fs = io::FileSystem::Default();
  std::set<int64_t> seen;
  for (int restart = 0; restart < 3; ++restart) {
    ProducerIdAllocator ids(fs, dir.path());
    for (int i = 0; i < 1500; ++i) {
      Result<ProducerId> id = ids.Next();
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_TRUE(seen.insert(id->value()).second) << "reused " << id->value();
    }
  }
  // Each restart resumes after the blocks reserved before it.
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 2 * 2000 + 1499);
}

TEST(ProducerIdAllocatorTest, AnUnreadableFileRefusesRatherThanReuse) {
  testing::TempDir dir;
  io::FileSystem& fs = io::FileSystem::Default();
  ASSERT_TRUE(fs.WriteFileAtomically(io::JoinPath(dir.path(), ProducerIdAllocator::kFileName),
                                     AsBytes("12x\n"))
                  .ok());
  ProducerIdAllocator ids(fs, dir.path());
  EXPECT_EQ(ids.Next().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace oxbow::log
