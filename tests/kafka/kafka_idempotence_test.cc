// Idempotent producers with librdkafka (Debian's 2.0.2) against an in-process server:
// librdkafka enables idempotence only when the broker offers InitProducerId 0, then every
// batch carries a producer id and sequence numbers that the log checks. A million small
// messages to four partitions come back exactly once and in order; a transactional
// producer is refused rather than left retrying.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
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

class KafkaIdempotenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions lo;
    lo.data_dir = dir_.path();
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    ASSERT_TRUE(m.ok()) << m.status();
    log_ = std::move(*m);
    KafkaServerOptions so;
    so.listen_host = "127.0.0.1";
    so.listen_port = 0;
    so.auto_create_partitions = 4;
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
          << k << ": " << err;
    }
    if (type == RD_KAFKA_PRODUCER) {
      rd_kafka_conf_set_dr_msg_cb(c, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
        auto* self = static_cast<KafkaIdempotenceTest*>(opaque);
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          self->acked_++;
        } else if (self->failed_++ == 0) {
          self->first_error_ = rd_kafka_err2str(m->err);
        }
      });
      rd_kafka_conf_set_opaque(c, this);
    }
    rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof(err));
    EXPECT_NE(rk, nullptr) << err;
    return RdKafka(rk);
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<KafkaServer> server_;
  std::string broker_;
  std::atomic<int64_t> acked_{0};
  std::atomic<int64_t> failed_{0};
  std::string first_error_;
};

TEST_F(KafkaIdempotenceTest, MillionMessagesToFourPartitionsExactlyOnceInOrder) {
  constexpr int kPartitions = 4;
  constexpr int kMessages = 1'000'000;
  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"enable.idempotence", "true"},
                                                {"acks", "all"},
                                                {"linger.ms", "5"},
                                                {"queue.buffering.max.messages", "200000"}});
  rd_kafka_topic_t* pt = rd_kafka_topic_new(producer.get(), "idem", nullptr);
  for (int i = 0; i < kMessages; ++i) {
    // Partition i % 4 gets the numbers in order: message n of a partition is "<i>".
    std::string v = std::to_string(i);
    while (rd_kafka_produce(pt, i % kPartitions, RD_KAFKA_MSG_F_COPY, v.data(), v.size(), nullptr,
                            0, nullptr) != 0) {
      ASSERT_EQ(rd_kafka_last_error(), RD_KAFKA_RESP_ERR__QUEUE_FULL)
          << rd_kafka_err2str(rd_kafka_last_error());
      rd_kafka_poll(producer.get(), 10);
    }
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 120000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_destroy(pt);
  EXPECT_EQ(failed_.load(), 0) << first_error_;
  EXPECT_EQ(acked_.load(), kMessages);
  for (int p = 0; p < kPartitions; ++p) {
    auto part = log_->GetPartition("idem", PartitionId(p));
    ASSERT_TRUE(part.ok());
    EXPECT_EQ((*part)->high_watermark(), Offset(kMessages / kPartitions));
    // The batches carried a producer id: the log tracked exactly one producer.
    EXPECT_EQ((*part)->producer_count(), 1u) << "partition " << p;
  }

  RdKafka consumer = Client(RD_KAFKA_CONSUMER, {});
  rd_kafka_topic_t* t = rd_kafka_topic_new(consumer.get(), "idem", nullptr);
  std::vector<rd_kafka_message_t*> batch(10000);
  for (int p = 0; p < kPartitions; ++p) {
    ASSERT_EQ(rd_kafka_consume_start(t, p, RD_KAFKA_OFFSET_BEGINNING), 0);
    int64_t next = p;  // the next number this partition must hold
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (next < kMessages && Clock::now() < deadline) {
      ssize_t n = rd_kafka_consume_batch(t, p, 1000, batch.data(), batch.size());
      ASSERT_GE(n, 0) << rd_kafka_err2str(rd_kafka_last_error());
      for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = batch[i];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          std::string got(static_cast<const char*>(m->payload), m->len);
          ASSERT_EQ(got, std::to_string(next)) << "partition " << p << " offset " << m->offset;
          ASSERT_EQ(m->offset, next / kPartitions);
          next += kPartitions;
        } else {
          ASSERT_EQ(m->err, RD_KAFKA_RESP_ERR__PARTITION_EOF) << rd_kafka_err2str(m->err);
        }
        rd_kafka_message_destroy(m);
      }
    }
    rd_kafka_consume_stop(t, p);
    EXPECT_EQ(next, kMessages + p) << "partition " << p << " ended early";
  }
  rd_kafka_topic_destroy(t);
}

TEST_F(KafkaIdempotenceTest, TransactionalProducerIsRefused) {
  RdKafka producer = Client(RD_KAFKA_PRODUCER, {{"transactional.id", "tx-1"}});
  rd_kafka_error_t* error = rd_kafka_init_transactions(producer.get(), 10000);
  ASSERT_NE(error, nullptr) << "transactions are not supported";
  std::string what = rd_kafka_error_string(error);
  rd_kafka_error_destroy(error);
  EXPECT_FALSE(what.empty());
}

}  // namespace
}  // namespace oxbow::kafka
