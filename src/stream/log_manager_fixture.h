// A test fixture with a LogManager in a temporary directory (fsync skipped), for operators
// that create and write topics (dead-letter and output topics), with helpers to append
// records and read a partition back.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "io/file.h"
#include "log/log_manager.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::stream::testing {

class LogManagerFixture : public ::testing::Test {
 protected:
  void SetUp() override { OpenLog(); }

  // Opens (or, after CloseLog, reopens) the log.
  void OpenLog() {
    log::LogOptions o;
    o.data_dir = dir_.path();
    auto log = log::LogManager::Open(fs_, o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }
  void CloseLog() {
    ASSERT_TRUE(log_->Close().ok());
    log_.reset();
  }

  std::shared_ptr<log::Partition> Partition(const std::string& topic, int32_t i) {
    auto p = log_->GetPartition(topic, PartitionId(i));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : nullptr;
  }
  std::vector<std::shared_ptr<log::Partition>> Partitions(const std::string& topic) {
    std::vector<std::shared_ptr<log::Partition>> out;
    for (int32_t i = 0; i < log_->PartitionCount(topic).value_or(0); ++i) {
      out.push_back(Partition(topic, i));
    }
    return out;
  }

  void Append(const std::string& topic, int32_t partition,
              const std::vector<oxbow::testing::TestRecord>& records) {
    auto r = oxbow::testing::AppendCopy(*Partition(topic, partition),
                                        oxbow::testing::BuildBatch(records).view(), 1000);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Every record of the partition; empty (and a test failure) if it cannot be read.
  std::vector<oxbow::testing::ReadRecord> Read(const std::string& topic, int32_t partition) {
    std::shared_ptr<log::Partition> p = Partition(topic, partition);
    if (p == nullptr) return {};
    auto records = oxbow::testing::ReadAll(*p);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<oxbow::testing::ReadRecord>();
  }

  oxbow::testing::TempDir dir_;
  oxbow::testing::NoSyncFileSystem fs_{io::FileSystem::Default()};
  std::unique_ptr<log::LogManager> log_;
};

}  // namespace oxbow::stream::testing
