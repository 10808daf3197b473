#include "admin/admin_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admin/admin_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A whole HTTP/1.0 exchange over loopback: the raw response (status line, headers, body).
std::string HttpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!::write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) response.append(buf, n);
  ::close(fd);
  return response;
}

std::string Body(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions o;
    o.data_dir = dir_.path();
    auto log = log::LogManager::Open(io::FileSystem::Default(), o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    ASSERT_TRUE(log_->CreateTopic("t", 2, {}).ok());
    auto p = log_->GetPartition("t", PartitionId(0));
    ASSERT_TRUE(p.ok());
    ByteBuffer batch = testing::BuildBatch(
        {testing::Rec("k", "a", 1), testing::Rec("k", "b", 2), testing::Rec(std::nullopt, "c", 3)});
    batch_bytes_ = batch.size();
    ASSERT_TRUE(testing::AppendCopy(**p, batch.view(), 10).ok());
    groups_ =
        std::make_shared<kafka::groups::GroupCoordinator>(*log_, kafka::groups::GroupOptions{});
    ASSERT_TRUE(groups_->Load().ok());
    service_ = std::make_unique<AdminService>("9.9.9", *log_);
  }
  void TearDown() override {
    service_.reset();
    groups_.reset();
    ASSERT_TRUE(log_->Close().ok());
  }

  void Commit(int64_t offset) {
    kafka::groups::OffsetCommit c;
    c.tp = {"t", 0};
    c.value.offset = offset;
    ASSERT_TRUE(groups_->StoreOffsets("g", {c}).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::shared_ptr<kafka::groups::GroupCoordinator> groups_;
  std::unique_ptr<AdminService> service_;
  size_t batch_bytes_ = 0;
};

TEST_F(AdminServiceTest, MetricsCountTopicTrafficAndPartitionOffsets) {
  std::string m = service_->Metrics();
  EXPECT_THAT(m, HasSubstr("# TYPE oxbow_topic_records_in_total counter\n"));
  EXPECT_THAT(m, HasSubstr("oxbow_topic_records_in_total{topic=\"t\"} 3\n"));
  EXPECT_THAT(
      m, HasSubstr(fmt::format("oxbow_topic_bytes_in_total{{topic=\"t\"}} {}\n", batch_bytes_)));
  EXPECT_THAT(m, HasSubstr("oxbow_topic_records_out_total{topic=\"t\"} 0\n"));
  EXPECT_THAT(m, HasSubstr("oxbow_partition_high_watermark{topic=\"t\",partition=\"0\"} 3\n"));
  EXPECT_THAT(m, HasSubstr("oxbow_partition_high_watermark{topic=\"t\",partition=\"1\"} 0\n"));
  EXPECT_THAT(m, HasSubstr("oxbow_build_info{version=\"9.9.9\"} 1\n"));
  EXPECT_THAT(m, Not(HasSubstr("oxbow_process_resident_memory_bytes 0\n")));
  // No groups or engine attached: their families are there, without samples.
  EXPECT_THAT(m, HasSubstr("# TYPE oxbow_group_lag gauge\n# HELP"));
  EXPECT_THAT(m, HasSubstr("# TYPE oxbow_view_state gauge\n# HELP"));
}

TEST_F(AdminServiceTest, GroupLagFollowsCommitsAndAppends) {
  service_->AttachGroups(groups_);
  Commit(1);
  std::string m = service_->Metrics();
  EXPECT_THAT(
      m, HasSubstr("oxbow_group_committed_offset{group=\"g\",topic=\"t\",partition=\"0\"} 1\n"));
  EXPECT_THAT(m, HasSubstr("oxbow_group_lag{group=\"g\",topic=\"t\",partition=\"0\"} 2\n"));
  Commit(3);
  EXPECT_THAT(service_->Metrics(),
              HasSubstr("oxbow_group_lag{group=\"g\",topic=\"t\",partition=\"0\"} 0\n"));
  auto status = nlohmann::json::parse(service_->StatusJson());
  ASSERT_EQ(status["groups"].size(), 1u);
  EXPECT_EQ(status["groups"][0]["group"], "g");
  EXPECT_EQ(status["groups"][0]["lag"], 0);
  EXPECT_EQ(status["groups"][0]["partitions"][0]["committed_offset"], 3);
}

TEST_F(AdminServiceTest, StatusListsServicesAndTopics) {
  service_->AddService({"kafka", "0.0.0.0:9092"});
  auto status = nlohmann::json::parse(service_->StatusJson());
  EXPECT_EQ(status["version"], "9.9.9");
  EXPECT_EQ(status["ready"], false);
  EXPECT_EQ(status["services"][0]["name"], "kafka");
  EXPECT_EQ(status["services"][0]["listener"], "0.0.0.0:9092");
  // The fixture's topic and the consumer groups' one, by name.
  ASSERT_EQ(status["topics"].size(), 2u);
  EXPECT_EQ(status["topics"][0]["name"], "__consumer_offsets");
  const auto& t = status["topics"][1];
  EXPECT_EQ(t["name"], "t");
  ASSERT_EQ(t["partitions"].size(), 2u);
  EXPECT_EQ(t["partitions"][0]["high_watermark"], 3);
  EXPECT_GT(t["partitions"][0]["size_bytes"].get<int64_t>(), 0);
  EXPECT_TRUE(status["views"].empty());
}

TEST_F(AdminServiceTest, ReadinessStartsFalseAndEndsStopping) {
  EXPECT_EQ(service_->Ready().status, 503);
  EXPECT_THAT(service_->Ready().body, HasSubstr("starting"));
  service_->SetReady(true);
  EXPECT_EQ(service_->Ready().status, 200);
  service_->SetReady(false);
  EXPECT_EQ(service_->Ready().status, 503);
  EXPECT_THAT(service_->Ready().body, HasSubstr("stopping"));
}

TEST_F(AdminServiceTest, Routes) {
  AdminOptions options;
  options.listen_host = "127.0.0.1";
  options.listen_port = 0;
  auto server = AdminServer::Start(options, *service_);
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = (*server)->bound_port();

  std::string live = HttpGet(port, "/v1/health/live");
  EXPECT_THAT(live, HasSubstr("HTTP/1.1 200"));
  std::string ready = HttpGet(port, "/v1/health/ready");
  EXPECT_THAT(ready, HasSubstr("HTTP/1.1 503"));
  service_->SetReady(true);
  EXPECT_THAT(HttpGet(port, "/v1/health/ready"), HasSubstr("HTTP/1.1 200"));

  std::string metrics = HttpGet(port, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(metrics, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(Body(metrics), HasSubstr("oxbow_ready 1\n"));

  std::string status = HttpGet(port, "/v1/status");
  EXPECT_THAT(status, HasSubstr("application/json"));
  EXPECT_EQ(nlohmann::json::parse(Body(status))["version"], "9.9.9");

  EXPECT_THAT(HttpGet(port, "/v1/nothing"), HasSubstr("HTTP/1.1 404"));
  (*server)->Stop();
}

}  // namespace
}  // namespace oxbow::admin
