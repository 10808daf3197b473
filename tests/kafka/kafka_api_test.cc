// The Kafka API driven by librdkafka (Debian's 2.0.2), against an in-process server on an
// ephemeral port: admin CreateTopics/DeleteTopics with their error codes, acks=all
// produce and consume round trips, MESSAGE_TOO_LARGE, and Fetch long polling being woken
// by an append instead of waiting out fetch.wait.max.ms.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "log/log_manager.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka {
namespace {

using Clock = std::chrono::steady_clock;

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdKafka = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

class KafkaApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions lo;
    lo.data_dir = dir_.path();
    lo.default_partitions = 2;
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    ASSERT_TRUE(m.ok()) << m.status();
    log_ = std::move(*m);
    KafkaServerOptions so;
    so.listen_host = "127.0.0.1";
    so.listen_port = 0;
    so.auto_create_partitions = 2;
    server_ = std::make_unique<KafkaServer>(so, *log_, HandlerRegistry());
    AddAllHandlers(server_->registry(), HandlerDeps{log_.get(), &server_->options()});
    ASSERT_TRUE(server_->Start().ok());
    broker_ = "127.0.0.1:" + std::to_string(server_->bound_port());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  RdKafka Client(rd_kafka_type_t type, std::vector<std::pair<std::string, std::string>> conf) {
    rd_kafka_conf_t* c = rd_kafka_conf_new();
    char err[512];
    conf.emplace_back("bootstrap.servers", broker_);
    for (const auto& [k, v] : conf) {
      EXPECT_EQ(rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof(err)), RD_KAFKA_CONF_OK)
          << err;
    }
    if (type == RD_KAFKA_PRODUCER) {
      rd_kafka_conf_set_dr_msg_cb(c, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
        static_cast<KafkaApiTest*>(opaque)->delivered_.push_back(m->err);
      });
      rd_kafka_conf_set_opaque(c, this);
    }
    rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof(err));
    EXPECT_NE(rk, nullptr) << err;
    return RdKafka(rk);
  }

  // Creates topics through the Admin API; returns each topic's error code and message.
  std::vector<std::pair<rd_kafka_resp_err_t, std::string>> CreateTopics(
      rd_kafka_t* rk,
      const std::vector<std::tuple<std::string, int, std::string, std::string>>& t) {
    std::vector<rd_kafka_NewTopic_t*> topics;
    char err[512];
    for (const auto& [name, parts, key, value] : t) {
      rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(name.c_str(), parts, 1, err, sizeof(err));
      if (!key.empty()) rd_kafka_NewTopic_set_config(nt, key.c_str(), value.c_str());
      topics.push_back(nt);
    }
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, topics.data(), topics.size(), nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 10000);
    std::vector<std::pair<rd_kafka_resp_err_t, std::string>> out;
    EXPECT_NE(ev, nullptr);
    if (ev != nullptr) {
      const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
      size_t n = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
      for (size_t i = 0; i < n; ++i) {
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        out.emplace_back(rd_kafka_topic_result_error(results[i]), msg ? msg : "");
      }
      rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    for (auto* nt : topics) rd_kafka_NewTopic_destroy(nt);
    return out;
  }

  // Produces `values` to topic/partition and waits for every delivery report.
  void Produce(rd_kafka_t* rk, const std::string& topic, int32_t partition,
               const std::vector<std::string>& values) {
    for (const std::string& v : values) {
      rd_kafka_resp_err_t e =
          rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    }
    ASSERT_EQ(rd_kafka_flush(rk, 20000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<KafkaServer> server_;
  std::string broker_;
  std::vector<rd_kafka_resp_err_t> delivered_;
};

TEST_F(KafkaApiTest, AdminCreateTopicsAnswersEachTopicWithItsError) {
  RdKafka admin = Client(RD_KAFKA_PRODUCER, {});
  auto r = CreateTopics(admin.get(), {{"orders", 4, "retention.ms", "86400000"},
                                      {"bad-config", 1, "retention.ms", "soon"},
                                      {"bad name!", 1, "", ""}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].first, RD_KAFKA_RESP_ERR_NO_ERROR) << r[0].second;
  EXPECT_EQ(r[1].first, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
  EXPECT_NE(r[1].second.find("retention.ms"), std::string::npos) << r[1].second;
  EXPECT_EQ(r[2].first, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION);
  auto info = log_->DescribeTopic("orders");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->partitions.size(), 4u);
  EXPECT_EQ(info->config.retention_ms, 86400000);
  EXPECT_FALSE(log_->HasTopic("bad-config"));
  auto again = CreateTopics(admin.get(), {{"orders", 1, "", ""}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].first, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
}

// Runs one admin request on a fresh queue and returns its result event (owned by caller).
template <typename Fn>
rd_kafka_event_t* AdminCall(rd_kafka_t* rk, Fn call) {
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  call(q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 10000);
  rd_kafka_queue_destroy(q);
  return ev;
}

TEST_F(KafkaApiTest, DescribeAndAlterTopicConfigs) {
  RdKafka admin = Client(RD_KAFKA_PRODUCER, {});
  ASSERT_EQ(CreateTopics(admin.get(), {{"cfg", 1, "retention.ms", "1000"}}).at(0).first,
            RD_KAFKA_RESP_ERR_NO_ERROR);
  // AlterConfigs replaces the overrides: retention.ms goes back to its default.
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, "cfg");
  rd_kafka_ConfigResource_set_config(res, "cleanup.policy", "compact");
  rd_kafka_event_t* ev = AdminCall(admin.get(), [&](rd_kafka_queue_t* q) {
    rd_kafka_AlterConfigs(admin.get(), &res, 1, nullptr, q);
  });
  ASSERT_NE(ev, nullptr);
  size_t n = 0;
  const rd_kafka_ConfigResource_t** out =
      rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(rd_kafka_ConfigResource_error(out[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_ConfigResource_error_string(out[0]);
  rd_kafka_event_destroy(ev);
  rd_kafka_ConfigResource_destroy(res);
  auto info = log_->DescribeTopic("cfg");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->config.compact_policy);
  EXPECT_EQ(info->overrides, (log::ConfigMap{{"cleanup.policy", "compact"}}));

  // DescribeConfigs shows the override as a topic config and the rest as defaults.
  res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, "cfg");
  ev = AdminCall(admin.get(), [&](rd_kafka_queue_t* q) {
    rd_kafka_DescribeConfigs(admin.get(), &res, 1, nullptr, q);
  });
  ASSERT_NE(ev, nullptr);
  out = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
  ASSERT_EQ(n, 1u);
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(out[0], &count);
  std::map<std::string, std::pair<std::string, rd_kafka_ConfigSource_t>> seen;
  for (size_t i = 0; i < count; ++i) {
    const char* v = rd_kafka_ConfigEntry_value(entries[i]);
    seen[rd_kafka_ConfigEntry_name(entries[i])] = {v ? v : "",
                                                   rd_kafka_ConfigEntry_source(entries[i])};
  }
  rd_kafka_event_destroy(ev);
  rd_kafka_ConfigResource_destroy(res);
  EXPECT_EQ(seen["cleanup.policy"].first, "compact");
  EXPECT_EQ(seen["cleanup.policy"].second, RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
  EXPECT_EQ(seen["retention.ms"].first, "604800000");
  EXPECT_EQ(seen["retention.ms"].second, RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG);

  // An invalid value is INVALID_CONFIG and changes nothing.
  res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, "cfg");
  rd_kafka_ConfigResource_set_config(res, "segment.bytes", "tiny");
  ev = AdminCall(admin.get(), [&](rd_kafka_queue_t* q) {
    rd_kafka_AlterConfigs(admin.get(), &res, 1, nullptr, q);
  });
  out = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(rd_kafka_ConfigResource_error(out[0]), RD_KAFKA_RESP_ERR_INVALID_CONFIG);
  rd_kafka_event_destroy(ev);
  rd_kafka_ConfigResource_destroy(res);
  EXPECT_TRUE(log_->DescribeTopic("cfg")->config.compact_policy);
}

TEST_F(KafkaApiTest, CreatePartitionsAndDeleteRecords) {
  RdKafka admin = Client(RD_KAFKA_PRODUCER, {});
  ASSERT_EQ(CreateTopics(admin.get(), {{"grow", 1, "", ""}}).at(0).first,
            RD_KAFKA_RESP_ERR_NO_ERROR);
  char err[256];
  rd_kafka_NewPartitions_t* np = rd_kafka_NewPartitions_new("grow", 3, err, sizeof(err));
  rd_kafka_event_t* ev = AdminCall(admin.get(), [&](rd_kafka_queue_t* q) {
    rd_kafka_CreatePartitions(admin.get(), &np, 1, nullptr, q);
  });
  size_t n = 0;
  const rd_kafka_topic_result_t** tr =
      rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &n);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(rd_kafka_topic_result_error(tr[0]), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(ev);
  rd_kafka_NewPartitions_destroy(np);
  EXPECT_EQ(*log_->PartitionCount("grow"), 3);

  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"acks", "all"}});
  Produce(producer.get(), "grow", 2, {"a", "b", "c", "d"});
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(offsets, "grow", 2)->offset = 3;
  rd_kafka_DeleteRecords_t* dr = rd_kafka_DeleteRecords_new(offsets);
  ev = AdminCall(admin.get(), [&](rd_kafka_queue_t* q) {
    rd_kafka_DeleteRecords(admin.get(), &dr, 1, nullptr, q);
  });
  const rd_kafka_topic_partition_list_t* result =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
  ASSERT_EQ(result->cnt, 1);
  EXPECT_EQ(result->elems[0].err, RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(result->elems[0].offset, 3) << "the new low watermark";
  rd_kafka_event_destroy(ev);
  rd_kafka_DeleteRecords_destroy(dr);
  rd_kafka_topic_partition_list_destroy(offsets);
  EXPECT_EQ((*log_->GetPartition("grow", PartitionId(2)))->log_start_offset(), Offset(3));
}

TEST_F(KafkaApiTest, AcksAllProduceThenConsumeEveryMessage) {
  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"acks", "all"}, {"compression.type", "lz4"}});
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) values.push_back("message-" + std::to_string(i));
  Produce(producer.get(), "events", 1, values);
  ASSERT_EQ(delivered_.size(), values.size());
  for (auto e : delivered_) ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  auto p = log_->GetPartition("events", PartitionId(1));
  ASSERT_TRUE(p.ok()) << "auto-created on the producer's metadata request";
  EXPECT_EQ((*p)->high_watermark(), Offset(5000));

  RdKafka consumer = Client(RD_KAFKA_CONSUMER, {});
  rd_kafka_topic_t* t = rd_kafka_topic_new(consumer.get(), "events", nullptr);
  ASSERT_EQ(rd_kafka_consume_start(t, 1, RD_KAFKA_OFFSET_BEGINNING), 0);
  std::vector<std::string> got;
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (got.size() < values.size() && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consume(t, 1, 1000);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      EXPECT_EQ(m->offset, static_cast<int64_t>(got.size()));
      got.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consume_stop(t, 1);
  rd_kafka_topic_destroy(t);
  EXPECT_EQ(got, values);
}

TEST_F(KafkaApiTest, OversizedBatchIsMessageTooLarge) {
  RdKafka admin = Client(RD_KAFKA_PRODUCER, {});
  auto r = CreateTopics(admin.get(), {{"small", 1, "max.message.bytes", "1000"}});
  ASSERT_EQ(r.at(0).first, RD_KAFKA_RESP_ERR_NO_ERROR) << r[0].second;
  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"acks", "all"}, {"retries", "0"}});
  Produce(producer.get(), "small", 0, {std::string(5000, 'x')});
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0], RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) << rd_kafka_err2str(delivered_[0]);
  EXPECT_EQ((*log_->GetPartition("small", PartitionId(0)))->high_watermark(), Offset(0));
}

TEST_F(KafkaApiTest, LongPollIsWokenByAnAppend) {
  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"linger.ms", "0"}});
  Produce(producer.get(), "poll", 0, {"first"});
  // The consumer waits up to 5 s per Fetch; an append must wake it at once.
  RdKafka consumer = Client(RD_KAFKA_CONSUMER, {{"fetch.wait.max.ms", "5000"}});
  rd_kafka_topic_t* t = rd_kafka_topic_new(consumer.get(), "poll", nullptr);
  ASSERT_EQ(rd_kafka_consume_start(t, 0, RD_KAFKA_OFFSET_BEGINNING), 0);
  rd_kafka_message_t* m = rd_kafka_consume(t, 0, 10000);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->err, RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_message_destroy(m);
  // Let the consumer's next Fetch start waiting at the log end, then append.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto sent = Clock::now();
  Produce(producer.get(), "poll", 0, {"second"});
  m = rd_kafka_consume(t, 0, 10000);
  auto latency = Clock::now() - sent;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(std::string(static_cast<const char*>(m->payload), m->len), "second");
  rd_kafka_message_destroy(m);
  EXPECT_LT(latency, std::chrono::milliseconds(1000)) << "the append did not wake the Fetch";
  rd_kafka_consume_stop(t, 0);
  rd_kafka_topic_destroy(t);
}

TEST_F(KafkaApiTest, StopEndsLongPollsAtOnce) {
  // A grace far longer than the test allows: Stop must not wait for the Fetch's 30 s.
  server_->Stop();
  KafkaServerOptions so = server_->options();
  so.listen_port = 0;
  so.advertised_port = 0;  // the new listener's
  so.stop_grace_ms = 20000;
  server_ = std::make_unique<KafkaServer>(so, *log_, HandlerRegistry());
  AddAllHandlers(server_->registry(), HandlerDeps{log_.get(), &server_->options()});
  ASSERT_TRUE(server_->Start().ok());
  broker_ = "127.0.0.1:" + std::to_string(server_->bound_port());

  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"linger.ms", "0"}});
  Produce(producer.get(), "stop", 0, {"only"});
  RdKafka consumer = Client(RD_KAFKA_CONSUMER, {{"fetch.wait.max.ms", "30000"}});
  rd_kafka_topic_t* t = rd_kafka_topic_new(consumer.get(), "stop", nullptr);
  ASSERT_EQ(rd_kafka_consume_start(t, 0, RD_KAFKA_OFFSET_BEGINNING), 0);
  rd_kafka_message_t* m = rd_kafka_consume(t, 0, 10000);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->err, RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_message_destroy(m);
  // Let the consumer's next Fetch start waiting at the log end (as above).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3)) << "Stop waited for a long poll";
  rd_kafka_consume_stop(t, 0);
  rd_kafka_topic_destroy(t);
}

}  // namespace
}  // namespace oxbow::kafka
