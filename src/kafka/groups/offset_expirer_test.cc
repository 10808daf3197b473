#include "kafka/groups/offset_expirer.h"

#include <chrono>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka::groups {
namespace {

int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(OffsetExpirerTest, ExpiresOnItsOwnThreadAndStopsCleanly) {
  testing::TempDir dir;
  log::LogOptions lo;
  lo.data_dir = dir.path();
  auto log = log::LogManager::Open(io::FileSystem::Default(), lo);
  ASSERT_TRUE(log.ok()) << log.status();
  auto groups = std::make_shared<GroupCoordinator>(**log, GroupOptions{});
  ASSERT_TRUE(groups->Load().ok());
  ASSERT_TRUE((*log)->CreateTopic("t", 1, {}).ok());
  // A standalone consumer's commit, made long ago; and a recent one that must stay.
  ASSERT_TRUE(groups->StoreOffsets("old", {{{"t", 0}, {4, -1, "", WallNowMs() - 3600000}}}).ok());
  ASSERT_TRUE(groups->StoreOffsets("new", {{{"t", 0}, {9, -1, "", WallNowMs() + 3600000}}}).ok());

  OffsetExpirer expirer(groups, /*retention_ms=*/50, /*check_interval_ms=*/10);
  expirer.Start();
  // Empty from the first check on; expired at a check 50 ms later.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (groups->FetchOffset("old", {"t", 0}).has_value() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  expirer.Stop();
  EXPECT_FALSE(groups->FetchOffset("old", {"t", 0}).has_value());
  EXPECT_EQ(groups->FetchOffset("new", {"t", 0})->offset, 9);
  expirer.Stop();  // idempotent

  // Retention <= 0: Start does nothing, offsets stay.
  OffsetExpirer never(groups, /*retention_ms=*/0, /*check_interval_ms=*/1);
  never.Start();
  never.Stop();
  EXPECT_EQ(groups->FetchOffset("new", {"t", 0})->offset, 9);
  groups.reset();
  EXPECT_TRUE((*log)->Close().ok());
}

}  // namespace
}  // namespace oxbow::kafka::groups
