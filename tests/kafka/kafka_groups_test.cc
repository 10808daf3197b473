// Consumer groups driven by librdkafka's KafkaConsumer (Debian's 2.0.2) against an
// in-process server: a group splits a topic's partitions, rebalances when members leave
// and join, loses and duplicates nothing with synchronous commits, and resumes from its
// committed offsets after a consumer restart and after a server restart.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "log/log_manager.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kTopic[] = "grouped";
constexpr char kGroup[] = "workers";
constexpr int kPartitions = 6;

struct Consumer {
  rd_kafka_t* rk = nullptr;
  std::string name;
};

class KafkaGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override {
    for (Consumer& c : consumers_) Close(c);
    StopServer();
  }

  void StartServer() {
    log::LogOptions lo;
    lo.data_dir = dir_.path();
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    ASSERT_TRUE(m.ok()) << m.status();
    log_ = std::move(*m);
    KafkaServerOptions so;
    so.listen_host = "127.0.0.1";
    so.listen_port = 0;
    so.group_initial_rebalance_delay_ms = 300;
    server_ = std::make_unique<KafkaServer>(so, *log_, HandlerRegistry());
    AddAllHandlers(server_->registry(), HandlerDeps{log_.get(), &server_->options()});
    ASSERT_TRUE(server_->Start().ok());
    broker_ = "127.0.0.1:" + std::to_string(server_->bound_port());
  }

  void StopServer() {
    if (server_) server_->Stop();
    server_.reset();
    if (log_) {
      ASSERT_TRUE(log_->Close().ok());
    }
    log_.reset();
  }

  rd_kafka_t* NewClient(rd_kafka_type_t type,
                        std::vector<std::pair<std::string, std::string>> conf) {
    rd_kafka_conf_t* c = rd_kafka_conf_new();
    char err[512];
    conf.emplace_back("bootstrap.servers", broker_);
    for (const auto& [k, v] : conf) {
      EXPECT_EQ(rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof(err)), RD_KAFKA_CONF_OK)
          << k << ": " << err;
    }
    rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof(err));
    EXPECT_NE(rk, nullptr) << err;
    return rk;
  }

  // Produces `count` messages round-robin over the partitions, each value unique.
  void Produce(int count) {
    rd_kafka_t* p = NewClient(RD_KAFKA_PRODUCER, {{"linger.ms", "5"}});
    for (int i = 0; i < count; ++i) {
      std::string v = fmt::format("m{}", produced_++);
      ASSERT_EQ(
          rd_kafka_producev(p, RD_KAFKA_V_TOPIC(kTopic), RD_KAFKA_V_PARTITION(i % kPartitions),
                            RD_KAFKA_V_VALUE(v.data(), v.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
          RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(p, 20000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(p);
  }

  Consumer& Start(const std::string& name) {
    Consumer c;
    c.name = name;
    c.rk = NewClient(RD_KAFKA_CONSUMER, {{"group.id", kGroup},
                                         {"client.id", name},
                                         {"enable.auto.commit", "false"},
                                         {"auto.offset.reset", "earliest"},
                                         {"session.timeout.ms", "6000"},
                                         {"heartbeat.interval.ms", "100"},
                                         {"fetch.wait.max.ms", "100"}});
    rd_kafka_poll_set_consumer(c.rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, kTopic, RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(c.rk, topics), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(topics);
    consumers_.push_back(c);
    return consumers_.back();
  }

  void Close(Consumer& c) {
    if (c.rk == nullptr) return;
    rd_kafka_consumer_close(c.rk);  // LeaveGroup
    rd_kafka_destroy(c.rk);
    c.rk = nullptr;
  }

  void CloseAll() {
    for (Consumer& c : consumers_) Close(c);
    consumers_.clear();
  }

  std::set<int32_t> Assignment(const Consumer& c) {
    std::set<int32_t> out;
    rd_kafka_topic_partition_list_t* parts = nullptr;
    if (rd_kafka_assignment(c.rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < parts->cnt; ++i) out.insert(parts->elems[i].partition);
    rd_kafka_topic_partition_list_destroy(parts);
    return out;
  }

  // Polls every live consumer, processing messages (process, then commit synchronously;
  // a message counts as processed only once its commit succeeded), until `done` or the
  // timeout. Returns whether `done` became true.
  bool PollUntil(const std::function<bool()>& done, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (done()) return true;
      for (Consumer& c : consumers_) {
        if (c.rk == nullptr) continue;
        rd_kafka_message_t* m = rd_kafka_consumer_poll(c.rk, 10);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          std::string v(static_cast<const char*>(m->payload), m->len);
          rd_kafka_resp_err_t e = rd_kafka_commit_message(c.rk, m, 0);
          if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++processed_[v];
            by_consumer_[c.name].insert(m->partition);
          } else {
            ++failed_commits_;
          }
        }
        rd_kafka_message_destroy(m);
      }
    }
    return done();
  }

  // True when the live consumers' assignments are disjoint, cover every partition, and
  // each has `per_consumer` partitions.
  bool Balanced(size_t per_consumer) {
    std::set<int32_t> all;
    size_t total = 0;
    for (Consumer& c : consumers_) {
      if (c.rk == nullptr) continue;
      std::set<int32_t> a = Assignment(c);
      if (a.size() != per_consumer) return false;
      total += a.size();
      all.insert(a.begin(), a.end());
    }
    return total == kPartitions && all.size() == kPartitions;
  }

  bool AllProcessed() { return processed_.size() == static_cast<size_t>(produced_); }

  void ExpectEachProcessedOnce() {
    EXPECT_EQ(processed_.size(), static_cast<size_t>(produced_));
    for (int i = 0; i < produced_; ++i) {
      auto it = processed_.find(fmt::format("m{}", i));
      ASSERT_NE(it, processed_.end()) << "lost m" << i;
      EXPECT_EQ(it->second, 1) << "m" << i << " processed twice";
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<KafkaServer> server_;
  std::string broker_;
  std::vector<Consumer> consumers_;  // reserved: Start() keeps references stable
  int produced_ = 0;
  std::map<std::string, int> processed_;
  std::map<std::string, std::set<int32_t>> by_consumer_;
  int failed_commits_ = 0;
};

TEST_F(KafkaGroupsTest, GroupSplitsRebalancesAndResumesFromCommittedOffsets) {
  consumers_.reserve(16);
  ASSERT_TRUE(log_->CreateTopic(kTopic, kPartitions, {}).ok());
  Produce(300);

  // Three members split six partitions, two each.
  Start("c1");
  Start("c2");
  Start("c3");
  ASSERT_TRUE(PollUntil([&] { return Balanced(2); }, std::chrono::seconds(20)))
      << "three consumers never got two partitions each";
  ASSERT_TRUE(PollUntil([&] { return processed_.size() >= 100; }, std::chrono::seconds(20)));

  // One leaves: the other two take over its partitions.
  Close(consumers_[2]);
  ASSERT_TRUE(PollUntil([&] { return Balanced(3); }, std::chrono::seconds(20)))
      << "the remaining two never took over the third's partitions";
  Produce(150);
  ASSERT_TRUE(PollUntil([&] { return processed_.size() >= 350; }, std::chrono::seconds(20)));

  // One joins: the partitions are spread over three again.
  Start("c4");
  ASSERT_TRUE(PollUntil([&] { return Balanced(2); }, std::chrono::seconds(20)))
      << "the newcomer never got its share";
  EXPECT_TRUE(PollUntil([&] { return !by_consumer_["c4"].empty() && AllProcessed(); },
                        std::chrono::seconds(20)));
  ExpectEachProcessedOnce();
  EXPECT_EQ(by_consumer_["c1"].size() + by_consumer_["c2"].size() > 0, true);

  // A consumer restart resumes after the committed offsets: only new messages arrive.
  CloseAll();
  Produce(12);
  Start("c5");
  EXPECT_TRUE(PollUntil([&] { return AllProcessed(); }, std::chrono::seconds(20)));
  ExpectEachProcessedOnce();

  // So does a server restart: the committed offsets were durable.
  CloseAll();
  StopServer();
  StartServer();
  Produce(12);
  Start("c6");
  EXPECT_TRUE(PollUntil([&] { return AllProcessed(); }, std::chrono::seconds(20)));
  ExpectEachProcessedOnce();
  CloseAll();
}

}  // namespace
}  // namespace oxbow::kafka
