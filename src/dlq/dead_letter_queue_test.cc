#include "dlq/dead_letter_queue.h"

#include <thread>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::dlq {
namespace {

using oxbow::testing::ReadAll;
using oxbow::testing::ReadRecord;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class DeadLetterQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions o;
    o.data_dir = dir_.path();
    auto log = log::LogManager::Open(fs_, o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  std::vector<ReadRecord> Read(const std::string& topic, int32_t partition) {
    auto p = log_->GetPartition(topic, PartitionId(partition));
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return {};
    auto records = ReadAll(**p);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<ReadRecord>();
  }

  static std::optional<std::string> Header(const ReadRecord& r, std::string_view name) {
    for (const auto& [k, v] : r.record.headers) {
      if (k == name) return v;
    }
    return std::nullopt;
  }

  static DeadLetter Letter(std::string topic, int32_t partition, int64_t offset,
                           std::string value) {
    DeadLetter l;
    l.source_topic = std::move(topic);
    l.source_partition = partition;
    l.source_offset = offset;
    l.error_class = std::string(kErrorClassDecode);
    l.error_message = "at byte 3: string length 40 exceeds the 2 bytes left";
    l.key = "k";
    l.value = std::move(value);
    l.timestamp_ms = 1700000000000;
    return l;
  }

  oxbow::testing::TempDir dir_;
  oxbow::testing::NoSyncFileSystem fs_{io::FileSystem::Default()};
  std::unique_ptr<log::LogManager> log_;
};

TEST_F(DeadLetterQueueTest, WritesOriginalBytesWithSourceAndErrorHeaders) {
  ASSERT_TRUE(log_->CreateTopic("orders", 3, {}).ok());
  DeadLetterQueue dlq(*log_);
  DeadLetter l = Letter("orders", 2, 41, std::string("\0\0\0\0\x07\x02", 6));
  l.headers = {{"trace", "abc"}, {"nothing", std::nullopt}};
  ASSERT_TRUE(dlq.Append(l).ok());

  // Created on demand, with the source topic's partition count; the letter in partition 2.
  EXPECT_EQ(*log_->PartitionCount("orders.dlq"), 3);
  EXPECT_TRUE(Read("orders.dlq", 0).empty());
  std::vector<ReadRecord> records = Read("orders.dlq", 2);
  ASSERT_EQ(records.size(), 1u);
  const ReadRecord& r = records[0];
  EXPECT_EQ(r.record.key, "k");
  EXPECT_EQ(r.record.value, std::string("\0\0\0\0\x07\x02", 6));
  EXPECT_EQ(r.record.timestamp, 1700000000000);
  EXPECT_EQ(Header(r, kHeaderSourceTopic), "orders");
  EXPECT_EQ(Header(r, kHeaderSourcePartition), "2");
  EXPECT_EQ(Header(r, kHeaderSourceOffset), "41");
  EXPECT_EQ(Header(r, kHeaderErrorClass), "decode");
  EXPECT_EQ(Header(r, kHeaderErrorMessage), l.error_message);
  // The original headers follow, null values kept.
  ASSERT_EQ(r.record.headers.size(), 7u);
  EXPECT_EQ(r.record.headers[5],
            std::make_pair(std::string("trace"), std::optional<std::string>("abc")));
  EXPECT_EQ(r.record.headers[6],
            std::make_pair(std::string("nothing"), std::optional<std::string>()));
  EXPECT_EQ(dlq.Count("orders"), 1u);
}

TEST_F(DeadLetterQueueTest, BatchKeepsOrderPerPartitionAndCountsPerSourceTopic) {
  ASSERT_TRUE(log_->CreateTopic("a", 2, {}).ok());
  DeadLetterQueue dlq(*log_);
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 10; ++i) letters.push_back(Letter("a", i % 2, i, fmt::format("v{}", i)));
  letters.push_back(Letter("b", -1, -1, "from REST"));  // no such topic: one partition
  letters.back().key.reset();
  letters.back().value.reset();
  letters.back().timestamp_ms = -1;
  ASSERT_TRUE(dlq.Append(letters).ok());

  std::vector<ReadRecord> p1 = Read("a.dlq", 1);
  ASSERT_EQ(p1.size(), 5u);
  for (size_t i = 0; i < p1.size(); ++i) {
    EXPECT_EQ(p1[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(p1[i].record.value, fmt::format("v{}", 2 * i + 1));
  }
  EXPECT_EQ(Read("a.dlq", 0).size(), 5u);
  EXPECT_EQ(*log_->PartitionCount("b.dlq"), 1);
  std::vector<ReadRecord> b = Read("b.dlq", 0);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].record.key, std::nullopt);
  EXPECT_EQ(b[0].record.value, std::nullopt);
  EXPECT_EQ(Header(b[0], kHeaderSourcePartition), "-1");
  EXPECT_GT(b[0].record.timestamp, 1700000000000);  // now
  EXPECT_THAT(dlq.Counts(), ElementsAre(Pair("a", 10u), Pair("b", 1u)));
}

TEST_F(DeadLetterQueueTest, LongMessagesAreClippedAtACharacterBoundary) {
  DeadLetterQueue dlq(*log_);
  DeadLetter l = Letter("t", 0, 0, "v");
  l.error_message = std::string(kMaxDeadLetterMessageBytes - 4, 'x') + "\xC3\xA9\xC3\xA9tail";
  ASSERT_TRUE(dlq.Append(l).ok());
  std::vector<ReadRecord> r = Read("t.dlq", 0);
  ASSERT_EQ(r.size(), 1u);
  std::string message = *Header(r[0], kHeaderErrorMessage);
  EXPECT_LE(message.size(), kMaxDeadLetterMessageBytes);
  EXPECT_EQ(message, std::string(kMaxDeadLetterMessageBytes - 4, 'x') + "...");
}

TEST_F(DeadLetterQueueTest, UsesAnExistingTopicAsItIs) {
  ASSERT_TRUE(log_->CreateTopic("src", 4, {}).ok());
  ASSERT_TRUE(log_->CreateTopic("src.dlq", 1, {}).ok());
  DeadLetterQueue dlq(*log_);
  ASSERT_TRUE(dlq.Append(Letter("src", 3, 9, "v")).ok());
  EXPECT_EQ(Read("src.dlq", 0).size(), 1u);
}

TEST_F(DeadLetterQueueTest, BadSourceTopicIsAnErrorAndNotCounted) {
  DeadLetterQueue dlq(*log_);
  Status s = dlq.Append(Letter(std::string(247, 'x'), 0, 0, "v"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("no dead-letter topic"));
  EXPECT_EQ(dlq.Append(Letter("", 0, 0, "v")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(dlq.Counts().empty());
}

TEST_F(DeadLetterQueueTest, ConcurrentAppendsAreAllWrittenAndCounted) {
  ASSERT_TRUE(log_->CreateTopic("c", 2, {}).ok());
  DeadLetterQueue dlq(*log_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::vector<DeadLetter> letters = {Letter("c", t % 2, i, "x"), Letter("c", t % 2, i, "y")};
        EXPECT_TRUE(dlq.Append(letters).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Read("c.dlq", 0).size() + Read("c.dlq", 1).size(), 200u);
  EXPECT_EQ(dlq.Count("c"), 200u);
}

}  // namespace
}  // namespace oxbow::dlq
