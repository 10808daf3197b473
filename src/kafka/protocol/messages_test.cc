#include "kafka/protocol/messages.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace oxbow::kafka::protocol {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> b) {
  std::vector<uint8_t> v;
  for (int x : b) v.push_back(static_cast<uint8_t>(x));
  return v;
}

void AppendString(std::vector<uint8_t>& v, std::string_view s) {
  v.push_back(0);
  v.push_back(static_cast<uint8_t>(s.size()));
  v.insert(v.end(), s.begin(), s.end());
}

template <typename T>
std::vector<uint8_t> Encoded(const T& m, int16_t version) {
  ByteBuffer out;
  m.Encode(out, version);
  return std::vector<uint8_t>(out.data(), out.data() + out.size());
}

template <typename T>
T DecodeOrDie(const std::vector<uint8_t>& bytes, int16_t version) {
  T m;
  ByteReader in(ByteView(bytes.data(), bytes.size()));
  Status s = m.Decode(in, version);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(in.AtEnd()) << in.remaining() << " bytes left";
  return m;
}

// Byte layouts as the protocol guide gives them.
TEST(MessagesTest, ApiVersionsResponseV0AndV3) {
  ApiVersionsResponse r;
  r.api_keys.push_back({18, 0, 3});
  EXPECT_EQ(Encoded(r, 0), Bytes({0, 0, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3}));
  // v3 is flexible: compact array (count + 1), tagged fields after each struct.
  EXPECT_EQ(Encoded(r, 3), Bytes({0, 0, 2, 0, 18, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(DecodeOrDie<ApiVersionsResponse>(Encoded(r, 3), 3), r);
}

TEST(MessagesTest, ApiVersionsRequestV3AsLibrdkafkaSendsIt) {
  std::vector<uint8_t> b = {11};
  for (char c : std::string("librdkafka")) b.push_back(static_cast<uint8_t>(c));
  b.push_back(6);
  for (char c : std::string("2.0.2")) b.push_back(static_cast<uint8_t>(c));
  b.push_back(0);  // no tagged fields
  auto r = DecodeOrDie<ApiVersionsRequest>(b, 3);
  EXPECT_EQ(r.client_software_name, "librdkafka");
  EXPECT_EQ(r.client_software_version, "2.0.2");
  EXPECT_TRUE(DecodeOrDie<ApiVersionsRequest>({}, 0).client_software_name.empty());
}

TEST(MessagesTest, MetadataRequestNullTopicsMeansAll) {
  auto all = DecodeOrDie<MetadataRequest>(Bytes({0xff, 0xff, 0xff, 0xff}), 1);
  EXPECT_FALSE(all.topics.has_value());
  std::vector<uint8_t> b = Bytes({0, 0, 0, 1});
  AppendString(b, "a");
  b.push_back(0);  // allow_auto_topic_creation = false (v4+)
  auto one = DecodeOrDie<MetadataRequest>(b, 4);
  ASSERT_TRUE(one.topics.has_value());
  ASSERT_EQ(one.topics->size(), 1u);
  EXPECT_EQ((*one.topics)[0].name, "a");
  EXPECT_FALSE(one.allow_auto_topic_creation);
  // Before v4 the field does not exist and keeps its default.
  EXPECT_TRUE(
      DecodeOrDie<MetadataRequest>(Bytes({0xff, 0xff, 0xff, 0xff}), 3).allow_auto_topic_creation);
}

TEST(MessagesTest, ProduceRequestRecordsAreAViewIntoTheRequest) {
  std::vector<uint8_t> b = Bytes({0xff, 0xff, 0xff, 0xff, 0, 0, 0x75, 0x30, 0, 0, 0, 1});
  AppendString(b, "clicks");
  for (int x : {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, int{'x'}, int{'y'}, int{'z'}}) {
    b.push_back(static_cast<uint8_t>(x));
  }
  auto r = DecodeOrDie<ProduceRequest>(b, 3);
  EXPECT_FALSE(r.transactional_id.has_value());
  EXPECT_EQ(r.acks, -1);
  EXPECT_EQ(r.timeout_ms, 30000);
  ASSERT_EQ(r.topic_data.size(), 1u);
  EXPECT_EQ(r.topic_data[0].name, "clicks");
  const auto& p = r.topic_data[0].partition_data.at(0);
  EXPECT_EQ(p.index, 2);
  ASSERT_TRUE(p.records.has_value());
  EXPECT_EQ(AsString(p.records->bytes), "xyz");
  EXPECT_EQ(p.records->data(), b.data() + b.size() - 3);
  EXPECT_EQ(Encoded(r, 3), b);
}

// A Fetch response's records may be a file range: the encoding holds the length prefix
// and a splice where the bytes go, not the bytes.
TEST(MessagesTest, FetchRecordsInAFileAreSplicedNotCopied) {
  FetchResponse resp;
  auto& topic = resp.responses.emplace_back();
  topic.topic = "t";
  auto& in_file = topic.partitions.emplace_back();
  in_file.partition_index = 0;
  in_file.records = Records(FileRange{7, 4096, 1000, nullptr});
  auto& in_memory = topic.partitions.emplace_back();
  in_memory.partition_index = 1;
  std::string bytes = "abc";
  in_memory.records = Records(AsBytes(bytes));
  ByteBuffer out;
  resp.Encode(out, 11);
  ASSERT_EQ(out.splices().size(), 1u);
  const ByteBuffer::Splice& splice = out.splices()[0];
  EXPECT_EQ(splice.range.fd, 7);
  EXPECT_EQ(splice.range.position, 4096u);
  EXPECT_EQ(out.total_size(), out.size() + 1000);
  // The int32 length right before the splice point says 1000.
  ASSERT_GE(splice.at, 4u);
  EXPECT_EQ(LoadBE32(out.data() + splice.at - 4), 1000u);
  // The in-memory records are in the bytes.
  EXPECT_NE(AsString(out.view()).find("abc"), std::string_view::npos);
}

TEST(MessagesTest, HostileAndTruncatedInputIsAnError) {
  MetadataRequest m;
  // A count of 2^31-1 topics in four bytes: refused before anything is allocated.
  auto huge = Bytes({0x7f, 0xff, 0xff, 0xff});
  ByteReader in(ByteView(huge.data(), huge.size()));
  Status s = m.Decode(in, 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("exceeds"), absl::string_view::npos);
  // Null where the version does not allow it (v0 topics is not nullable).
  auto null0 = Bytes({0xff, 0xff, 0xff, 0xff});
  ByteReader in0(ByteView(null0.data(), null0.size()));
  EXPECT_EQ(m.Decode(in0, 0).code(), absl::StatusCode::kDataLoss);
  // Truncated in the middle of a field.
  FetchRequest f;
  auto cut = Bytes({0xff, 0xff, 0xff, 0xff, 0, 0});
  ByteReader in1(ByteView(cut.data(), cut.size()));
  s = f.Decode(in1, 4);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("max_wait_ms"), absl::string_view::npos);
}

// Every field that exists in a version survives encode → decode in that version.
TEST(MessagesTest, RoundTripsInEveryVersion) {
  for (int16_t v = MetadataResponse::kMinVersion; v <= MetadataResponse::kMaxVersion; ++v) {
    MetadataResponse r;
    r.throttle_time_ms = v >= 3 ? 7 : 0;
    r.brokers.push_back({0, "localhost", 9092,
                         v >= 1 ? std::optional<std::string>("r1") : std::optional<std::string>()});
    if (v >= 2) r.cluster_id = "oxbow";
    if (v >= 1) r.controller_id = 0;
    MetadataResponse::MetadataResponseTopic t;
    t.name = "clicks";
    t.partitions.push_back({0, 0, 0, {0}, {0}, {}});
    r.topics.push_back(t);
    EXPECT_EQ(DecodeOrDie<MetadataResponse>(Encoded(r, v), v), r) << "version " << v;
  }
  for (int16_t v = CreateTopicsRequest::kMinVersion; v <= CreateTopicsRequest::kMaxVersion; ++v) {
    CreateTopicsRequest r;
    CreateTopicsRequest::CreatableTopic t;
    t.name = "t";
    t.num_partitions = 3;
    t.replication_factor = 1;
    t.configs.push_back({"retention.ms", "1000"});
    t.configs.push_back({"x", std::nullopt});
    r.topics.push_back(t);
    r.timeout_ms = 5000;
    r.validate_only = v >= 1;
    EXPECT_EQ(DecodeOrDie<CreateTopicsRequest>(Encoded(r, v), v), r) << "version " << v;
  }
  for (int16_t v = FetchRequest::kMinVersion; v <= FetchRequest::kMaxVersion; ++v) {
    FetchRequest r;
    r.replica_id = -1;
    r.max_wait_ms = 500;
    r.min_bytes = 1;
    r.isolation_level = 1;
    r.topics.push_back({"clicks", {{0, -1, 42, -1, 1 << 20}}});
    if (v >= 7) r.forgotten_topics_data.push_back({"old", {1, 2}});
    if (v >= 11) r.rack_id = "rack";
    EXPECT_EQ(DecodeOrDie<FetchRequest>(Encoded(r, v), v), r) << "version " << v;
  }
  DeleteTopicsRequest d;
  d.topic_names = {"a", "b"};
  d.timeout_ms = 1;
  EXPECT_EQ(DecodeOrDie<DeleteTopicsRequest>(Encoded(d, 1), 1), d);
  ListOffsetsRequest l;
  l.replica_id = -1;
  l.topics.push_back({"t", {{0, -2}}});
  EXPECT_EQ(DecodeOrDie<ListOffsetsRequest>(Encoded(l, 2), 2), l);
}

}  // namespace
}  // namespace oxbow::kafka::protocol
