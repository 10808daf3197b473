// Which way the topic commands go (OpenTopicBackend, OpenDataDirOnly), what they say when a
// server cannot be reached, and how Kafka error codes become statuses. The Kafka path
// against a real server is tested end to end (tests/e2e/cli_remote_test.sh).
#include "server/topic_backend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "server/kafka_client.h"
#include "testing/temp_dir.h"

namespace oxbow::server {
namespace {

using ::testing::HasSubstr;

// A port on 127.0.0.1 that refuses connections: bound (so nobody else takes it) but not
// listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  uint16_t port() const { return port_; }
  std::string address() const { return fmt::format("127.0.0.1:{}", port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

std::string Message(const Status& s) { return std::string(ToStd(s.message())); }

class TopicBackendTest : public ::testing::Test {
 protected:
  TopicBackendTest() {
    config_.log.data_dir = dir_.path() + "/data";
    config_.kafka.listen_host = "127.0.0.1";
  }

  // Holds the data directory as a running server would.
  std::unique_ptr<log::LogManager> Lock() {
    Result<std::unique_ptr<log::LogManager>> log =
        log::LogManager::Open(io::FileSystem::Default(), config_.log);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  testing::TempDir dir_;
  ServerConfig config_;
};

TEST_F(TopicBackendTest, WithoutAServerTheDataDirectoryIsUsed) {
  config_.topic_defaults["retention.ms"] = "1000";
  config_.log.defaults.retention_ms = 1000;
  Result<std::unique_ptr<TopicBackend>> topics = OpenTopicBackend(config_);
  ASSERT_TRUE(topics.ok()) << topics.status();
  Result<int32_t> created = (*topics)->CreateTopic("t", 2, {{"segment.ms", "5000"}});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*created, 2);
  Result<TopicDescription> info = (*topics)->DescribeTopic("t", /*with_config=*/true);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(info->partitions.size(), 2u);
  EXPECT_TRUE(info->partitions[0].size_bytes.has_value());  // known from the files
  EXPECT_EQ(info->config["segment.ms"].origin, ConfigOrigin::kTopic);
  EXPECT_EQ(info->config["retention.ms"].origin, ConfigOrigin::kServer);
  EXPECT_EQ(info->config["segment.bytes"].origin, ConfigOrigin::kDefault);
  EXPECT_TRUE(absl::IsNotFound((*topics)->DescribeTopic("nope", false).status()));
  EXPECT_TRUE((*topics)->Close().ok());
}

TEST_F(TopicBackendTest, AnUnreachableBootstrapServerIsAClearErrorAtOnce) {
  RefusingPort port;
  config_.bootstrap_server = port.address();
  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<TopicBackend>> topics = OpenTopicBackend(config_);
  ASSERT_FALSE(topics.ok());
  EXPECT_TRUE(absl::IsUnavailable(topics.status())) << topics.status();
  EXPECT_THAT(Message(topics.status()),
              HasSubstr(fmt::format("cannot reach the Kafka API at {}: ", port.address())));
  EXPECT_THAT(Message(topics.status()), HasSubstr("Connection refused"));
  // Refused connections end the wait; the timeout is for silent hosts.
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(kKafkaConnectTimeoutMs / 2));
  // The data directory was not touched.
  EXPECT_FALSE(io::FileSystem::Default().Exists(config_.log.data_dir));
}

TEST_F(TopicBackendTest, ALockedDirectoryIsReachedAtTheConfiguredListener) {
  auto server = Lock();
  RefusingPort port;
  config_.kafka.listen_port = port.port();
  Result<std::unique_ptr<TopicBackend>> topics = OpenTopicBackend(config_);
  ASSERT_FALSE(topics.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(topics.status())) << topics.status();
  // Both facts: the lock (with this process as the holder) and the address that failed.
  EXPECT_THAT(Message(topics.status()),
              HasSubstr(fmt::format("in use by another oxbow process (pid {}", ::getpid())));
  EXPECT_THAT(Message(topics.status()),
              HasSubstr(fmt::format("reached through its Kafka API instead, but cannot reach "
                                    "the Kafka API at {}",
                                    port.address())));
}

TEST_F(TopicBackendTest, AWildcardListenerIsReachedOnLoopbackAndPortZeroCannotBe) {
  auto server = Lock();
  RefusingPort port;
  config_.kafka.listen_host = "0.0.0.0";
  config_.kafka.listen_port = port.port();
  EXPECT_THAT(Message(OpenTopicBackend(config_).status()),
              HasSubstr(fmt::format("cannot reach the Kafka API at {}", port.address())));
  config_.kafka.listen_port = 0;
  Status s = OpenTopicBackend(config_).status();
  EXPECT_THAT(Message(s), HasSubstr("its --kafka-listener 0.0.0.0:0 takes any free port"));
  EXPECT_THAT(Message(s), HasSubstr("pass --bootstrap-server HOST:PORT"));
}

TEST_F(TopicBackendTest, CommandsOnTheFilesRefuseToGoThroughAServer) {
  config_.bootstrap_server = "127.0.0.1:9";
  Status s = OpenDataDirOnly(config_, "verify", "because").status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(Message(s), HasSubstr("oxbow topic verify works on a data directory, not through "
                                    "the Kafka API (--bootstrap-server): because"));

  config_.bootstrap_server.clear();
  auto server = Lock();
  s = OpenDataDirOnly(config_, "compact", "the server compacts").status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(Message(s), HasSubstr("in use by another oxbow process"));
  EXPECT_THAT(Message(s), HasSubstr("oxbow topic compact works on the data directory itself, "
                                    "not through a server: the server compacts"));
  server.reset();
  EXPECT_TRUE(OpenDataDirOnly(config_, "compact", "").ok());
}

TEST(KafkaStatusTest, KafkaErrorCodesBecomeTheLogsStatusCodes) {
  EXPECT_TRUE(KafkaStatus(RD_KAFKA_RESP_ERR_NO_ERROR).ok());
  Status s = KafkaStatus(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic 'x' does not exist");
  EXPECT_TRUE(absl::IsNotFound(s));
  EXPECT_EQ(Message(s), "topic 'x' does not exist");  // the broker's message, as is
  EXPECT_TRUE(absl::IsAlreadyExists(KafkaStatus(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)));
  for (rd_kafka_resp_err_t e :
       {RD_KAFKA_RESP_ERR_INVALID_CONFIG, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS,
        RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION, RD_KAFKA_RESP_ERR_POLICY_VIOLATION,
        RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR}) {
    EXPECT_TRUE(absl::IsInvalidArgument(KafkaStatus(e))) << rd_kafka_err2name(e);
  }
  EXPECT_TRUE(absl::IsUnavailable(KafkaStatus(RD_KAFKA_RESP_ERR__TRANSPORT)));
  EXPECT_TRUE(absl::IsUnavailable(KafkaStatus(RD_KAFKA_RESP_ERR__TIMED_OUT)));
  EXPECT_TRUE(absl::IsPermissionDenied(KafkaStatus(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)));
  // Without a message: librdkafka's description; unmapped codes name themselves.
  EXPECT_THAT(Message(KafkaStatus(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)),
              HasSubstr("already exists"));
  s = KafkaStatus(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS);
  EXPECT_TRUE(absl::IsUnknown(s));
  EXPECT_THAT(Message(s), HasSubstr("REBALANCE_IN_PROGRESS"));
}

}  // namespace
}  // namespace oxbow::server
