// The REST proxy's endpoints over a real log in a temporary directory; the last tests go
// through the HTTP server with a Beast client.
#include "http/rest_proxy.h"

#include <sys/socket.h>
#include <sys/time.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/rest_proxy_server.h"
#include "kafka/partitioner.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

// clang-format off
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace oxbow::http {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr std::string_view kJsonV2 = "application/vnd.kafka.json.v2+json";

class RestProxyTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(true); }

  void Open(bool auto_create) {
    proxy_.reset();
    if (log_) {
      ASSERT_TRUE(log_->Close().ok());
      log_.reset();  // releases the directory lock
    }
    log::LogOptions o;
    o.data_dir = dir_.path();
    auto log = log::LogManager::Open(fs_, o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    RestProxyOptions p;
    p.auto_create_topics = auto_create;
    p.auto_create_partitions = 2;
    p.node_id = 5;
    proxy_ = std::make_unique<RestProxy>(p, *log_);
  }
  void TearDown() override {
    proxy_.reset();
    if (log_) {
      EXPECT_TRUE(log_->Close().ok());
    }
  }

  // The answer's JSON; fails the test unless the status is `status`.
  Json Call(const net::Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body);
  }
  Json Produce(std::string_view topic, std::string_view body, int status = 200,
               std::string_view type = kJsonV2) {
    return Call(proxy_->Produce(topic, type, body), status);
  }

  std::vector<testing::ReadRecord> Records(const std::string& topic, int32_t partition) {
    auto p = log_->GetPartition(topic, PartitionId(partition));
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return {};
    auto records = testing::ReadAll(**p);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<testing::ReadRecord>{};
  }

  testing::TempDir dir_;
  testing::NoSyncFileSystem fs_{io::FileSystem::Default()};
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<RestProxy> proxy_;
};

Json Ok(int32_t partition, int64_t offset) {
  return {
      {"partition", partition}, {"offset", offset}, {"error_code", nullptr}, {"error", nullptr}};
}

// Validation as the registry's encoder answers it: values must start with a 0 byte.
class ZeroByteValidator : public SchemaEncoder {
 public:
  std::variant<Encoded, RestError> Encode(std::string_view, bool, std::string_view,
                                          std::optional<int32_t>,
                                          const nlohmann::ordered_json&) override {
    return RestError{500, "not used"};
  }
  std::optional<std::string> Validate(std::string_view topic, bool is_key,
                                      const std::optional<std::string>& bytes) override {
    EXPECT_EQ(topic, "validated");
    EXPECT_FALSE(is_key);
    if (!bytes || (!bytes->empty() && (*bytes)[0] == '\0')) return std::nullopt;
    return "not Confluent framing";
  }
};

TEST_F(RestProxyTest, ValidatedTopicRefusesRecordsThatFailOneByOne) {
  ASSERT_TRUE(
      log_->CreateTopic("validated", 1, {{"confluent.value.schema.validation", "true"}}).ok());
  // Without the registry, nothing gets into a validated topic.
  Json e = Produce("validated", R"({"records":[{"value":1}]})", 500);
  EXPECT_THAT(e["message"].get<std::string>(), HasSubstr("schema registry is not running"));

  ZeroByteValidator validator;
  RestProxyOptions p;
  proxy_ = std::make_unique<RestProxy>(p, *log_, &validator);
  // "AAE=" is the bytes 00 01; "e30=" is "{}".
  Json answer = Produce("validated", R"({"records":[{"value":"AAE="},{"value":"e30="},
                                                   {"value":null}]})",
                        200, "application/vnd.kafka.binary.v2+json");
  ASSERT_EQ(answer["offsets"].size(), 3u);
  EXPECT_EQ(answer["offsets"][0], Ok(0, 0));
  EXPECT_EQ(answer["offsets"][1]["error_code"], 42203);
  EXPECT_EQ(answer["offsets"][1]["error"],
            "records[1].value: topic validated validates values against the schema registry: "
            "not Confluent framing");
  EXPECT_EQ(answer["offsets"][2], Ok(0, 1));  // a null value (tombstone) passes
  std::vector<testing::ReadRecord> written = Records("validated", 0);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].record.value, std::string("\0\1", 2));
  EXPECT_EQ(written[1].record.value, std::nullopt);
  proxy_.reset();  // before the validator goes
}

TEST_F(RestProxyTest, KeyedRecordsLandWhereTheJavaPartitionerPutsTheirKeyBytes) {
  ASSERT_TRUE(log_->CreateTopic("events", 7, {}).ok());
  // A JSON key is stored as its JSON text: the number 21 is the bytes "21", whose murmur2
  // is one of Kafka's own test vectors (-973932308): toPositive -> 1173551340 % 7 = 3.
  Json answer = Produce("events", R"({"records":[
      {"key": 21, "value": {"n": 1}},
      {"key": "user-1", "value": {"n": 2}},
      {"key": 21, "value": {"n": 3}}]})");
  int32_t user1 = kafka::PartitionForKey(AsBytes("\"user-1\""), 7).value();
  EXPECT_EQ(
      answer,
      (Json{{"key_schema_id", nullptr},
            {"value_schema_id", nullptr},
            {"offsets", {Ok(3, 0), Ok(user1, user1 == 3 ? 1 : 0), Ok(3, user1 == 3 ? 2 : 1)}}}));
  std::vector<testing::ReadRecord> p3 = Records("events", 3);
  ASSERT_GE(p3.size(), 2u);
  EXPECT_EQ(p3[0].record.key, "21");
  EXPECT_EQ(p3[0].record.value, R"({"n":1})");
  EXPECT_EQ(p3.back().record.value, R"({"n":3})");
  std::vector<testing::ReadRecord> pu = Records("events", user1);
  ASSERT_FALSE(pu.empty());
  EXPECT_EQ(pu[user1 == 3 ? 1 : 0].record.key, "\"user-1\"");
  // Stamped with the time of the request.
  EXPECT_GT(p3[0].record.timestamp, log::NowMs().value() - 60000);
}

TEST_F(RestProxyTest, KeylessRecordsOfARequestStayTogetherAndRequestsRotate) {
  ASSERT_TRUE(log_->CreateTopic("t", 3, {}).ok());
  std::set<int64_t> seen;
  for (int request = 0; request < 3; ++request) {
    Json offsets = Produce("t", R"({"records":[{"value":1},{"value":2},{"value":3}]})")["offsets"];
    ASSERT_EQ(offsets.size(), 3u);
    int64_t p = offsets[0]["partition"];
    for (int i = 0; i < 3; ++i) EXPECT_EQ(offsets[i], Ok(p, i)) << offsets;
    seen.insert(p);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1, 2}));
}

TEST_F(RestProxyTest, PlainJsonBodiesAreRecordValues) {
  ASSERT_TRUE(log_->CreateTopic("plain", 1, {}).ok());
  net::Response one = proxy_->Produce("plain", "application/json", R"({"event": "click", "x": 1})");
  EXPECT_EQ(one.content_type, "application/json");
  EXPECT_EQ(Call(one)["offsets"], Json::array({Ok(0, 0)}));
  EXPECT_EQ(Produce("plain", R"([{"a":1},{"b":2}])", 200, "application/json")["offsets"],
            Json::array({Ok(0, 1), Ok(0, 2)}));
  std::vector<testing::ReadRecord> r = Records("plain", 0);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].record.key, std::nullopt);
  EXPECT_EQ(r[0].record.value, R"({"event":"click","x":1})");
  EXPECT_EQ(r[2].record.value, R"({"b":2})");
}

TEST_F(RestProxyTest, ExplicitPartitionsAreHonouredAndUnknownOnesFailPerRecord) {
  ASSERT_TRUE(log_->CreateTopic("t", 2, {}).ok());
  Json offsets = Produce("t", R"({"records":[
      {"value": "a", "partition": 1},
      {"value": "b", "partition": 2},
      {"key": "k", "value": "c", "partition": 0}]})")["offsets"];
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_EQ(offsets[0], Ok(1, 0));
  EXPECT_EQ(offsets[1]["error_code"], 40402);
  EXPECT_EQ(offsets[1]["error"], "Partition 2 of topic t not found (it has 2 partitions)");
  EXPECT_EQ(offsets[1]["offset"], nullptr);
  EXPECT_EQ(offsets[2], Ok(0, 0));
  EXPECT_EQ(Records("t", 1).size(), 1u);
}

TEST_F(RestProxyTest, UnknownTopicsAreCreatedOnlyWhenAutoCreationIsOn) {
  EXPECT_EQ(Produce("fresh", R"({"records":[{"value":1}]})")["offsets"].size(), 1u);
  EXPECT_EQ(*log_->PartitionCount("fresh"), 2);  // auto_create_partitions
  Open(false);
  Json e = Produce("other", R"({"records":[{"value":1}]})", 404);
  EXPECT_EQ(e["error_code"], 40401);
  EXPECT_THAT(e["message"].get<std::string>(), HasSubstr("Topic other not found"));
  EXPECT_FALSE(log_->HasTopic("other"));
  EXPECT_EQ(Produce("bad/name", R"({"records":[{"value":1}]})", 404)["error_code"], 40401);
}

TEST_F(RestProxyTest, BodyErrorsComeBeforeAnyTopicIsCreated) {
  EXPECT_EQ(Produce("t", "{", 422)["error_code"], 422);
  EXPECT_EQ(Produce("t", "{}", 415, "text/plain")["error_code"], 415);
  EXPECT_FALSE(log_->HasTopic("t"));
}

TEST_F(RestProxyTest, BatchesSplitAtMaxMessageBytesAndOversizeRecordsFailAlone) {
  ASSERT_TRUE(log_->CreateTopic("small", 1, {{"max.message.bytes", "2000"}}).ok());
  std::string value(100, 'x');
  Json records = Json::array();
  for (int i = 0; i < 50; ++i) records.push_back({{"value", value}});
  records.push_back({{"value", std::string(3000, 'y')}});
  records.push_back({{"value", "last"}});
  Json offsets = Produce("small", Json{{"records", records}}.dump())["offsets"];
  ASSERT_EQ(offsets.size(), 52u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(offsets[i], Ok(0, i));
  EXPECT_EQ(offsets[50]["error_code"], 50002);
  EXPECT_THAT(offsets[50]["error"].get<std::string>(), HasSubstr("max.message.bytes (2000)"));
  EXPECT_EQ(offsets[51], Ok(0, 50));
  std::vector<testing::ReadRecord> r = Records("small", 0);
  ASSERT_EQ(r.size(), 51u);
  EXPECT_EQ(r[50].record.value, "\"last\"");
}

TEST_F(RestProxyTest, KeylessRecordsOnACompactedTopicFailWithTheLogsReason) {
  ASSERT_TRUE(log_->CreateTopic("c", 1, {{"cleanup.policy", "compact"}}).ok());
  Json offsets = Produce("c", R"({"records":[{"value":1}]})")["offsets"];
  EXPECT_EQ(offsets[0]["error_code"], 50002);
  EXPECT_THAT(offsets[0]["error"].get<std::string>(), HasSubstr("key"));
}

TEST_F(RestProxyTest, TopicsAreListedAndDescribedInConfluentsShape) {
  ASSERT_TRUE(log_->CreateTopic("a", 2, {{"retention.ms", "1000"}}).ok());
  ASSERT_TRUE(log_->CreateTopic("b", 1, {}).ok());
  ASSERT_TRUE(log_->CreateTopic("__consumer_offsets", 1, {}).ok());
  EXPECT_EQ(Call(proxy_->ListTopics()), Json::array({"a", "b"}));
  EXPECT_EQ(Produce("__consumer_offsets", R"({"records":[{"value":1}]})", 403)["error_code"], 403);
  Json replicas = Json::array({{{"broker", 5}, {"leader", true}, {"in_sync", true}}});
  EXPECT_EQ(Call(proxy_->DescribeTopic("a")),
            (Json{{"name", "a"},
                  {"configs", {{"retention.ms", "1000"}}},
                  {"partitions",
                   {{{"partition", 0}, {"leader", 5}, {"replicas", replicas}},
                    {{"partition", 1}, {"leader", 5}, {"replicas", replicas}}}}}));
  Json e = Call(proxy_->DescribeTopic("zzz"), 404);
  EXPECT_EQ(e, (Json{{"error_code", 40401}, {"message", "Topic zzz not found"}}));
}

// --- over HTTP ---

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

bhttp::response<bhttp::string_body> Send(uint16_t port, bhttp::verb verb, std::string target,
                                         std::string body = "", std::string type = "") {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{10, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  bhttp::request<bhttp::string_body> req(verb, target, 11);
  req.set(bhttp::field::host, "localhost");
  if (!type.empty()) req.set(bhttp::field::content_type, type);
  req.body() = std::move(body);
  req.prepare_payload();
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  return res;
}

TEST_F(RestProxyTest, ServesTheEndpointsOverHttp) {
  RestProxyOptions o;
  o.listen_host = "127.0.0.1";
  o.listen_port = 0;
  o.max_body_bytes = 4096;
  auto server = RestProxyServer::Start(o, *log_);
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = (*server)->bound_port();

  auto res = Send(port, bhttp::verb::post, "/topics/web",
                  R"({"records":[{"key":"k","value":[1]}]})", "application/vnd.kafka.json.v2+json");
  EXPECT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(res[bhttp::field::content_type], "application/vnd.kafka.v2+json");
  EXPECT_EQ(Json::parse(res.body())["offsets"][0]["offset"], 0);

  res =
      Send(port, bhttp::verb::post, "/topics/web", "{\"x\":1}", "application/json; charset=utf-8");
  EXPECT_EQ(res.result_int(), 200) << res.body();

  res = Send(port, bhttp::verb::get, "/topics");
  EXPECT_EQ(Json::parse(res.body()), Json::array({"web"}));
  res = Send(port, bhttp::verb::get, "/topics/nope");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(Json::parse(res.body())["error_code"], 40401);
  res = Send(port, bhttp::verb::post, "/topics/web", "x", "text/plain");
  EXPECT_EQ(res.result_int(), 415);
  res = Send(port, bhttp::verb::post, "/topics/web", std::string(5000, ' '), "application/json");
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(Json::parse(res.body())["error_code"], 413);
  res = Send(port, bhttp::verb::delete_, "/topics/web");
  EXPECT_EQ(res.result_int(), 405);
  (*server)->Stop();
}

}  // namespace
}  // namespace oxbow::http
