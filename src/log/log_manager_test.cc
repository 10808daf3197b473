#include "log/log_manager.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Rec;

std::string Msg(const Status& s) { return std::string(ToStd(s.message())); }

class LogManagerTest : public ::testing::Test {
 protected:
  io::FileSystem& fs_ = io::FileSystem::Default();
  testing::TempDir dir_;

  LogOptions Options() {
    LogOptions o;
    o.data_dir = io::JoinPath(dir_.path(), "data");
    o.default_partitions = 2;
    return o;
  }

  std::unique_ptr<LogManager> Open(LogOptions o) {
    auto m = LogManager::Open(fs_, std::move(o));
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? std::move(*m) : nullptr;
  }
  std::unique_ptr<LogManager> Open() { return Open(Options()); }

  std::string TopicDir(const std::string& name) {
    return io::JoinPath(io::JoinPath(Options().data_dir, "topics"), name);
  }

  static void AppendValues(LogManager& m, const std::string& topic, int partition, int n) {
    auto p = m.GetPartition(topic, PartitionId(partition));
    ASSERT_TRUE(p.ok()) << p.status();
    std::vector<testing::TestRecord> recs;
    // Keyed, so that compacted topics accept them too.
    for (int i = 0; i < n; ++i) {
      recs.push_back(Rec(fmt::format("k{}", i), fmt::format("v{}", i), 1000 + i));
    }
    auto r = testing::AppendCopy(**p, testing::BuildBatch(recs).view(), 5000);
    ASSERT_TRUE(r.ok()) << r.status();
  }
};

TEST_F(LogManagerTest, CreateListDescribe) {
  auto m = Open();
  EXPECT_TRUE(m->ListTopics().empty());
  ASSERT_TRUE(m->CreateTopic("orders", 3, {{"retention.ms", "1000"}}).ok());
  ASSERT_TRUE(m->CreateTopic("audit", 0, {}).ok());  // default partition count
  EXPECT_THAT(m->ListTopics(), ElementsAre("audit", "orders"));
  EXPECT_TRUE(m->HasTopic("orders"));
  EXPECT_FALSE(m->HasTopic("nope"));
  EXPECT_EQ(*m->PartitionCount("orders"), 3);
  EXPECT_EQ(*m->PartitionCount("audit"), 2);
  EXPECT_EQ(m->PartitionCount("nope").status().code(), absl::StatusCode::kNotFound);

  AppendValues(*m, "orders", 1, 5);
  auto info = m->DescribeTopic("orders");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "orders");
  EXPECT_EQ(info->overrides, (ConfigMap{{"retention.ms", "1000"}}));
  EXPECT_EQ(info->config.retention_ms, 1000);
  EXPECT_EQ(info->config.segment_bytes, TopicConfig().segment_bytes);
  ASSERT_EQ(info->partitions.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(info->partitions[i].id, PartitionId(i));
  EXPECT_EQ(info->partitions[1].high_watermark, Offset(5));
  EXPECT_EQ(info->partitions[0].high_watermark, Offset(0));
  EXPECT_GT(info->partitions[1].size_bytes, 0u);
  EXPECT_EQ(info->partitions[1].segments, 1u);
  EXPECT_EQ(m->DescribeTopic("nope").status().code(), absl::StatusCode::kNotFound);

  auto p = m->GetPartition("orders", PartitionId(2));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->topic(), "orders");
  EXPECT_EQ((*p)->id(), PartitionId(2));
  EXPECT_EQ((*p)->config().retention_ms, 1000);
  EXPECT_EQ(m->GetPartition("orders", PartitionId(3)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m->GetPartition("orders", PartitionId(-1)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(m->GetPartition("nope", PartitionId(0)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LogManagerTest, CreateTopicRejectsBadInput) {
  auto m = Open();
  ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  Status s = m->CreateTopic("t", 1, {});
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Msg(s), HasSubstr("'t'"));
  for (std::string bad : std::vector<std::string>{"", "..", "a/b", "a b", std::string(250, 'x')}) {
    EXPECT_EQ(m->CreateTopic(bad, 1, {}).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  s = m->CreateTopic("big", 100001, {});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("100000"));
  s = m->CreateTopic("cfg", 1, {{"segment.bytes", "1"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("segment.bytes"));
  s = m->CreateTopic("cfg", 1, {{"retention.hours", "1"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("retention.hours"));
  // Nothing of the failed creations exists.
  EXPECT_THAT(m->ListTopics(), ElementsAre("t"));
  EXPECT_FALSE(fs_.Exists(TopicDir("big")));
  EXPECT_FALSE(fs_.Exists(TopicDir("cfg")));
}

TEST_F(LogManagerTest, TopicsAndDataPersistAcrossReopen) {
  {
    auto m = Open();
    ASSERT_TRUE(m->CreateTopic("a", 2, {{"cleanup.policy", "compact"}}).ok());
    ASSERT_TRUE(m->CreateTopic("b", 1, {}).ok());
    AppendValues(*m, "a", 1, 7);
    AppendValues(*m, "b", 0, 3);
    ASSERT_TRUE(m->Close().ok());
    EXPECT_TRUE(m->Close().ok());  // idempotent
  }
  auto m = Open();
  EXPECT_THAT(m->ListTopics(), ElementsAre("a", "b"));
  auto info = m->DescribeTopic("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->overrides, (ConfigMap{{"cleanup.policy", "compact"}}));
  EXPECT_TRUE(info->config.compact_policy);
  EXPECT_FALSE(info->config.delete_policy);
  EXPECT_EQ(info->partitions[1].high_watermark, Offset(7));
  auto p = m->GetPartition("b", PartitionId(0));
  ASSERT_TRUE(p.ok());
  auto all = testing::ReadAll(**p);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].record.value, "v2");
}

TEST_F(LogManagerTest, ServerDefaultsReachTopicsWithoutOverrides) {
  {
    auto m = Open();
    ASSERT_TRUE(m->CreateTopic("plain", 1, {}).ok());
    ASSERT_TRUE(m->CreateTopic("custom", 1, {{"segment.bytes", "5000"}}).ok());
  }
  LogOptions o = Options();
  o.defaults.segment_bytes = 7000;
  o.defaults.retention_ms = 123;
  auto m = Open(o);
  EXPECT_EQ(m->DescribeTopic("plain")->config.segment_bytes, 7000);
  EXPECT_EQ(m->DescribeTopic("custom")->config.segment_bytes, 5000);
  EXPECT_EQ(m->DescribeTopic("custom")->config.retention_ms, 123);
  EXPECT_EQ((*m->GetPartition("plain", PartitionId(0)))->config().segment_bytes, 7000);
}

TEST_F(LogManagerTest, DeleteTopic) {
  auto m = Open();
  ASSERT_TRUE(m->CreateTopic("gone", 2, {}).ok());
  ASSERT_TRUE(m->CreateTopic("kept", 1, {}).ok());
  AppendValues(*m, "gone", 0, 4);
  auto held = m->GetPartition("gone", PartitionId(0));
  ASSERT_TRUE(held.ok());
  auto read = (*held)->Read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok());

  EXPECT_EQ(m->DeleteTopic("nope").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(m->DeleteTopic("gone").ok());
  EXPECT_THAT(m->ListTopics(), ElementsAre("kept"));
  EXPECT_FALSE(fs_.Exists(TopicDir("gone")));
  EXPECT_EQ(m->GetPartition("gone", PartitionId(0)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m->DeleteTopic("gone").code(), absl::StatusCode::kNotFound);
  // A reader holding a slice from before the deletion can still read it.
  auto c = testing::DecodeSlice(read->slice);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->records.size(), 4u);
  // The held partition no longer takes appends.
  auto r = testing::AppendCopy(**held, testing::BuildBatch({Rec("k", "v", 1)}).view(), 1);
  EXPECT_FALSE(r.ok());

  // A new topic of the same name starts empty.
  ASSERT_TRUE(m->CreateTopic("gone", 1, {}).ok());
  EXPECT_EQ((*m->GetPartition("gone", PartitionId(0)))->high_watermark(), Offset(0));
  ASSERT_TRUE(m->DeleteTopic("gone").ok());
  m.reset();
  m = Open();
  EXPECT_THAT(m->ListTopics(), ElementsAre("kept"));
}

TEST_F(LogManagerTest, StartupFinishesInterruptedDeletionsAndIgnoresStrayDirectories) {
  {
    auto m = Open();
    ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  }
  std::string data = Options().data_dir;
  // A deletion that crashed after the rename into trash, and a creation that crashed
  // before topic.json was written.
  ASSERT_TRUE(fs_.CreateDirs(io::JoinPath(data, "trash/old-123/0")).ok());
  ASSERT_TRUE(fs_.CreateDirs(TopicDir("half")).ok());
  auto m = Open();
  EXPECT_THAT(m->ListTopics(), ElementsAre("t"));
  EXPECT_FALSE(fs_.Exists(io::JoinPath(data, "trash")));
}

TEST_F(LogManagerTest, CreatingATopicOverDebrisOfAnInterruptedCreationStartsEmpty) {
  {
    auto m = Open();
    ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  }
  // A creation of "half" that crashed after its partitions took data (or failed part-way)
  // but before topic.json was written.
  {
    auto p = Partition::Open(
        fs_, PartitionOptions{io::JoinPath(TopicDir("half"), "0"), "half", PartitionId(0), {}});
    ASSERT_TRUE(p.ok()) << p.status();
    auto r = testing::AppendCopy(**p, testing::BuildBatch({Rec("k", "stale", 1)}).view(), 1);
    ASSERT_TRUE(r.ok());
  }
  auto m = Open();
  EXPECT_THAT(m->ListTopics(), ElementsAre("t"));
  ASSERT_TRUE(m->CreateTopic("half", 1, {}).ok());
  auto p = m->GetPartition("half", PartitionId(0));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->high_watermark(), Offset(0));
  auto all = testing::ReadAll(**p);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_F(LogManagerTest, CorruptTopicDescriptionFailsOpenNamingTheFile) {
  {
    auto m = Open();
    ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  }
  testing::WriteFileOrDie(io::JoinPath(TopicDir("t"), "topic.json"), "{\"partitions\": \"x\"}");
  auto m = LogManager::Open(fs_, Options());
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(Msg(m.status()), HasSubstr("topic.json"));
}

TEST_F(LogManagerTest, AlterTopicConfig) {
  auto m = Open();
  ASSERT_TRUE(m->CreateTopic("t", 2, {{"retention.ms", "1000"}}).ok());
  ASSERT_TRUE(m->AlterTopicConfig("t", {{"segment.bytes", "4096"}, {"retention.ms", ""}}).ok());
  auto info = m->DescribeTopic("t");
  EXPECT_EQ(info->overrides, (ConfigMap{{"segment.bytes", "4096"}}));
  EXPECT_EQ(info->config.retention_ms, TopicConfig().retention_ms);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*m->GetPartition("t", PartitionId(i)))->config().segment_bytes, 4096);
  }
  // Invalid changes change nothing.
  Status s = m->AlterTopicConfig("t", {{"segment.bytes", "8192"}, {"flush.messages", "0"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("flush.messages"));
  s = m->AlterTopicConfig("t", {{"cleanup.policy", "none"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m->DescribeTopic("t")->overrides, (ConfigMap{{"segment.bytes", "4096"}}));
  EXPECT_EQ((*m->GetPartition("t", PartitionId(0)))->config().segment_bytes, 4096);
  EXPECT_EQ(m->AlterTopicConfig("nope", {}).code(), absl::StatusCode::kNotFound);
  m.reset();
  m = Open();
  EXPECT_EQ(m->DescribeTopic("t")->overrides, (ConfigMap{{"segment.bytes", "4096"}}));
  EXPECT_EQ((*m->GetPartition("t", PartitionId(1)))->config().segment_bytes, 4096);
}

TEST_F(LogManagerTest, CreatePartitions) {
  auto m = Open();
  ASSERT_TRUE(m->CreateTopic("t", 2, {}).ok());
  AppendValues(*m, "t", 1, 3);
  Status s = m->CreatePartitions("t", 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("has 2 partitions"));
  EXPECT_EQ(m->CreatePartitions("t", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m->CreatePartitions("t", 100001).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m->CreatePartitions("nope", 5).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(m->CreatePartitions("t", 5).ok());
  EXPECT_EQ(*m->PartitionCount("t"), 5);
  EXPECT_EQ((*m->GetPartition("t", PartitionId(1)))->high_watermark(), Offset(3));
  EXPECT_EQ((*m->GetPartition("t", PartitionId(4)))->high_watermark(), Offset(0));
  m.reset();
  m = Open();
  EXPECT_EQ(*m->PartitionCount("t"), 5);
  EXPECT_EQ((*m->GetPartition("t", PartitionId(1)))->high_watermark(), Offset(3));
}

TEST_F(LogManagerTest, DataDirectoryIsLocked) {
  auto first = Open();
  auto second = LogManager::Open(fs_, Options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  first.reset();
  auto third = LogManager::Open(fs_, Options());
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST_F(LogManagerTest, InvalidOptions) {
  LogOptions o = Options();
  o.default_partitions = 0;
  EXPECT_EQ(LogManager::Open(fs_, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Options();
  o.defaults.delete_policy = false;
  o.defaults.compact_policy = false;
  EXPECT_EQ(LogManager::Open(fs_, o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LogManagerTest, MaintenanceRollsAndAppliesRetention) {
  LogOptions o = Options();
  o.defaults.retention_ms = 1000;
  o.defaults.segment_ms = 500;
  auto m = Open(o);
  ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(m->CreateTopic("forever", 1, {{"retention.ms", "-1"}}).ok());
  AppendValues(*m, "t", 0, 5);        // timestamps 1000..1004
  AppendValues(*m, "forever", 0, 5);  // likewise
  auto p = *m->GetPartition("t", PartitionId(0));
  auto q = *m->GetPartition("forever", PartitionId(0));
  // Without cleanup: rolls by segment.ms, deletes nothing.
  m->RunMaintenance(TimestampMs(3000), /*cleanup=*/false);
  EXPECT_EQ(p->segment_count(), 2u);
  EXPECT_EQ(p->log_start_offset(), Offset(0));
  // With cleanup: retention removes the expired segment of "t" only.
  m->RunMaintenance(TimestampMs(3000), /*cleanup=*/true);
  EXPECT_EQ(p->log_start_offset(), Offset(5));
  EXPECT_EQ(p->high_watermark(), Offset(5));
  EXPECT_EQ(q->log_start_offset(), Offset(0));
  auto all = testing::ReadAll(*q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
}

TEST_F(LogManagerTest, BackgroundThreadStopsOnClose) {
  LogOptions o = Options();
  o.maintenance_interval_ms = 1;
  o.cleanup_interval_ms = 1;
  auto m = Open(o);
  ASSERT_TRUE(m->CreateTopic("t", 1, {}).ok());
  m->StartBackground();
  m->StartBackground();  // a second start is ignored
  AppendValues(*m, "t", 0, 3);
  ASSERT_TRUE(m->Close().ok());
  auto p = *m->GetPartition("t", PartitionId(0));
  EXPECT_EQ(p->high_watermark(), Offset(3));
}

// Topic deletion and creation are serialized: a topic created while another of the same
// name is being deleted never sees the deleted topic's data or loses its own files.
TEST_F(LogManagerTest, DeleteAndRecreateRace) {
  auto m = Open();
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::vector<std::string> failures;
  absl::Mutex mu;
  auto fail = [&](std::string f) {
    absl::MutexLock lock(&mu);
    if (failures.size() < 5) failures.push_back(std::move(f));
    stop = true;
  };
  std::thread deleter([&] {
    while (!stop) {
      Status s = m->DeleteTopic("t");
      if (!s.ok() && !absl::IsNotFound(s)) fail(fmt::format("delete: {}", s));
    }
  });
  for (int i = 0; created.load() < 40 && i < 100000 && !stop; ++i) {
    Status s = m->CreateTopic("t", 1, {});
    if (absl::IsAlreadyExists(s)) continue;
    if (!s.ok()) {
      fail(fmt::format("create: {}", s));
      break;
    }
    created++;
    auto p = m->GetPartition("t", PartitionId(0));
    if (!p.ok()) continue;  // deleted already
    if ((*p)->high_watermark() != Offset(0)) {
      fail(fmt::format("new topic has old data: high watermark {}", (*p)->high_watermark()));
      break;
    }
    // Leave data behind for the next incarnation to (wrongly) find.
    auto r = testing::AppendCopy(**p, testing::BuildBatch({Rec("k", "v", 1)}).view(), 1);
    (void)r;  // may fail: the topic may be deleted under us
  }
  stop = true;
  deleter.join();
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(created.load(), 10);
}

}  // namespace
}  // namespace oxbow::log
