#include "io/file.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "io/fault_injection_file_system.h"
#include "io/file_lock.h"
#include "testing/temp_dir.h"

namespace oxbow::io {
namespace {

TEST(FileTest, AppendReadTruncate) {
  testing::TempDir dir;
  FileSystem& fs = FileSystem::Default();
  std::string path = JoinPath(dir.path(), "a.log");
  auto f = fs.Open(path, OpenMode::kCreateExclusive);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(AsBytes("hello ")).ok());
  ASSERT_TRUE((*f)->Append(AsBytes("world")).ok());
  ASSERT_TRUE((*f)->Sync().ok());
  EXPECT_EQ((*f)->size(), 11u);
  uint8_t buf[32];
  auto n = (*f)->ReadAt(6, MutableByteView(buf, sizeof(buf)));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(AsString(ByteView(buf, *n)), "world");
  ASSERT_TRUE((*f)->Truncate(5).ok());
  EXPECT_EQ(*fs.FileSize(path), 5u);
  EXPECT_EQ(fs.Open(path, OpenMode::kCreateExclusive).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(fs.Open(path + ".missing", OpenMode::kReadOnly).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FileTest, AtomicWriteAndListing) {
  testing::TempDir dir;
  FileSystem& fs = FileSystem::Default();
  std::string path = JoinPath(dir.path(), "config.json");
  ASSERT_TRUE(fs.WriteFileAtomically(path, AsBytes("v1")).ok());
  ASSERT_TRUE(fs.WriteFileAtomically(path, AsBytes("v2")).ok());
  EXPECT_EQ(*fs.ReadFile(path), "v2");
  ASSERT_TRUE(fs.CreateDirs(JoinPath(dir.path(), "x/y")).ok());
  auto names = fs.ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"config.json", "x"}));
}

TEST(FaultInjectionTest, TornAppendWritesPrefixAndFails) {
  testing::TempDir dir;
  FaultInjectionFileSystem fs(FileSystem::Default());
  auto f = fs.Open(JoinPath(dir.path(), "t.log"), OpenMode::kCreateOrOpen);
  ASSERT_TRUE(f.ok());
  fs.FailAppendsAfter(8);
  ASSERT_TRUE((*f)->Append(AsBytes("abcd")).ok());
  Status s = (*f)->Append(AsBytes("efghijkl"));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*f)->size(), 8u);
  fs.FailSyncs(true);
  EXPECT_FALSE((*f)->Sync().ok());
}

}  // namespace
}  // namespace oxbow::io

namespace oxbow::io {
namespace {

TEST(FileLockTest, SecondHolderIsRefusedWithPid) {
  testing::TempDir dir;
  std::string path = JoinPath(dir.path(), "LOCK");
  auto first = FileLock::Acquire(path);
  ASSERT_TRUE(first.ok()) << first.status();
  // flock locks belong to open file descriptions, so a second open in the same process
  // conflicts just as another process would.
  auto second = FileLock::Acquire(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(std::to_string(::getpid())), absl::string_view::npos);
  first->reset();
  EXPECT_TRUE(FileLock::Acquire(path).ok());
}

}  // namespace
}  // namespace oxbow::io
