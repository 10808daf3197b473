// A test fixture with a topic's partitions in a temporary directory and helpers to append
// JSON records to them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/posix_file_system.h"
#include "log/partition.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::stream::testing {

class LogFixture : public ::testing::Test {
 protected:
  // Opens (or reopens) `n` partitions of topic "t".
  void OpenTopic(int n) {
    partitions_.clear();
    for (int i = 0; i < n; ++i) {
      log::PartitionOptions o{fmt::format("{}/t-{}", dir_.path(), i), "t", PartitionId(i),
                              log::TopicConfig()};
      auto p = log::Partition::Open(fs_, o);
      ASSERT_TRUE(p.ok()) << p.status();
      partitions_.push_back(std::shared_ptr<log::Partition>(std::move(*p)));
    }
  }

  // Appends records (key, value) to partition `i` as one batch.
  void Append(int i,
              const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>&
                  records) {
    std::vector<oxbow::testing::TestRecord> recs;
    for (const auto& [k, v] : records) recs.push_back(oxbow::testing::Rec(k, v, 1000));
    auto r =
        oxbow::testing::AppendCopy(*partitions_[i], oxbow::testing::BuildBatch(recs).view(), 1000);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  void AppendValues(int i, const std::vector<std::string>& values) {
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> records;
    for (const auto& v : values) records.emplace_back(std::nullopt, v);
    Append(i, records);
  }

  oxbow::testing::TempDir dir_;
  io::PosixFileSystem fs_;
  std::vector<std::shared_ptr<log::Partition>> partitions_;
};

}  // namespace oxbow::stream::testing
