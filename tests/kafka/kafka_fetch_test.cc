// Fetch's size limits over the wire, as a client sees them: raw Fetch v11 requests on a
// socket to an in-process server, the responses decoded. KIP-74: partitions are filled in
// request order, only the response's first batch may go over max_bytes or its partition's
// limit, and only whole batches are sent. The server's fetch_max_bytes (Kafka's broker
// fetch.max.bytes, KIP-541) caps every response whatever the request asks.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "kafka/protocol/messages.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "kafka/server/request_header.h"
#include "log/log_manager.h"
#include "raw_kafka_client.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka {
namespace {

using protocol::FetchRequest;
using protocol::FetchResponse;

constexpr char kTopic[] = "t";
constexpr int kPartitions = 3;
constexpr int kRecordsPerBatch = 100;
constexpr size_t kValueSize = 200;  // a batch is ~21 KB

using oxbow::testing::RawKafkaClient;

// Sends `req` as Fetch v11 and returns the response's frame (after the correlation id).
std::optional<std::string> SendFetch(RawKafkaClient& c, const FetchRequest& req) {
  ByteBuffer body;
  req.Encode(body, 11);
  return c.Call(FetchRequest::kApiKey, 11, body);
}

// What one partition of a response held.
struct Got {
  size_t bytes = 0;      // records bytes
  int batches = 0;       // whole batches
  int64_t next = -1;     // the offset after the last batch (-1: no batch)
  bool partial = false;  // bytes after the last whole batch
};

// Walks the record batches: base offset (8), length (4), ..., last offset delta at 23.
Got Measure(ByteView records) {
  Got g;
  g.bytes = records.size();
  size_t pos = 0;
  while (pos + 27 <= records.size()) {
    int64_t base = static_cast<int64_t>(LoadBE64(records.data() + pos));
    size_t size = 12 + LoadBE32(records.data() + pos + 8);
    if (pos + size > records.size()) break;
    int32_t last_delta = static_cast<int32_t>(LoadBE32(records.data() + pos + 23));
    g.next = base + last_delta + 1;
    ++g.batches;
    pos += size;
  }
  g.partial = pos != records.size();
  return g;
}

class KafkaFetchTest : public ::testing::Test {
 protected:
  void Start(int32_t fetch_max_bytes) {
    log::LogOptions lo;
    lo.data_dir = dir_.path();
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    ASSERT_TRUE(m.ok()) << m.status();
    log_ = std::move(*m);
    ASSERT_TRUE(log_->CreateTopic(kTopic, kPartitions, {}).ok());
    KafkaServerOptions so;
    so.listen_host = "127.0.0.1";
    so.listen_port = 0;
    so.fetch_max_bytes = fetch_max_bytes;
    server_ = std::make_unique<KafkaServer>(so, *log_, HandlerRegistry());
    AddAllHandlers(server_->registry(), HandlerDeps{log_.get(), &server_->options()});
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // One batch of kRecordsPerBatch records of kValueSize bytes.
  static ByteBuffer Batch() {
    std::vector<testing::TestRecord> recs;
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      recs.push_back(testing::Rec(std::nullopt, std::string(kValueSize, 'a' + i % 26), 1000));
    }
    return testing::BuildBatch(recs);
  }

  // Appends `n` batches to `partition`; returns a batch's size.
  size_t AppendBatches(int partition, int n) {
    auto p = log_->GetPartition(kTopic, PartitionId(partition));
    EXPECT_TRUE(p.ok());
    ByteBuffer batch = Batch();
    for (int i = 0; i < n; ++i) EXPECT_TRUE(testing::AppendCopy(**p, batch.view(), 1000).ok());
    return batch.size();
  }

  // Fetches the partitions in `order` from `offsets`; returns what each partition got and
  // the response's total records bytes.
  std::map<int, Got> Fetch(RawKafkaClient& c, const std::vector<int>& order,
                           const std::map<int, int64_t>& offsets, int32_t max_bytes,
                           int32_t partition_max_bytes, size_t* total = nullptr) {
    FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = 0;
    req.min_bytes = 1;
    req.max_bytes = max_bytes;
    FetchRequest::FetchTopic t;
    t.topic = kTopic;
    for (int p : order) {
      FetchRequest::FetchTopic::FetchPartition fp;
      fp.partition = p;
      fp.fetch_offset = offsets.at(p);
      fp.partition_max_bytes = partition_max_bytes;
      t.partitions.push_back(fp);
    }
    req.topics.push_back(t);
    std::map<int, Got> out;
    frame_ = SendFetch(c, req);
    EXPECT_TRUE(frame_.has_value());
    if (!frame_) return out;
    FetchResponse resp;
    ByteReader in(AsBytes(*frame_));
    Status s = resp.Decode(in, 11);
    EXPECT_TRUE(s.ok()) << s;
    if (total != nullptr) *total = 0;
    for (const auto& tr : resp.responses) {
      for (const auto& pd : tr.partitions) {
        EXPECT_EQ(pd.error_code, 0);
        Got g = pd.records ? Measure(pd.records->bytes) : Got{};
        if (total != nullptr) *total += g.bytes;
        out[pd.partition_index] = g;
      }
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<KafkaServer> server_;
  std::optional<std::string> frame_;  // the last response (the records point into it)
};

TEST_F(KafkaFetchTest, OnlyTheFirstBatchMayGoOverMaxBytes) {
  Start(/*fetch_max_bytes=*/64 << 20);
  size_t batch = 0;
  for (int p = 0; p < kPartitions; ++p) batch = AppendBatches(p, 2);
  RawKafkaClient c(server_->bound_port(), "fetch-test");
  ASSERT_TRUE(c.connected());
  std::map<int, int64_t> zero{{0, 0}, {1, 0}, {2, 0}};

  // Room for one and a half batches: partition 0's first batch; its second and partition
  // 1's first do not fit and are left out, not sent whole and not cut.
  size_t total = 0;
  auto got = Fetch(c, {0, 1, 2}, zero, static_cast<int32_t>(batch * 3 / 2), 1 << 20, &total);
  EXPECT_EQ(got[0].batches, 1);
  EXPECT_EQ(got[1].batches, 0);
  EXPECT_EQ(got[2].batches, 0);
  EXPECT_EQ(total, batch);

  // Smaller than one batch: the first batch still comes whole (the consumer progresses),
  // nothing more.
  got = Fetch(c, {1, 2, 0}, zero, 100, 1 << 20, &total);
  EXPECT_EQ(got[1].batches, 1);
  EXPECT_EQ(got[1].next, kRecordsPerBatch);
  EXPECT_FALSE(got[1].partial);
  EXPECT_EQ(total, batch);

  // A per-partition limit below a batch: the first partition's first batch whole, the
  // others' nothing.
  got = Fetch(c, {2, 0, 1}, zero, 64 << 20, 100, &total);
  EXPECT_EQ(got[2].batches, 1);
  EXPECT_EQ(got[0].batches, 0);
  EXPECT_EQ(got[1].batches, 0);

  // Room for everything: every batch of every partition.
  got = Fetch(c, {0, 1, 2}, zero, 64 << 20, 1 << 20, &total);
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(got[p].batches, 2) << p;
    EXPECT_FALSE(got[p].partial) << p;
  }
  EXPECT_EQ(total, batch * 2 * kPartitions);
}

TEST_F(KafkaFetchTest, FetchMaxBytesCapsEveryResponseAndRotationReadsAll) {
  // The server's cap holds 2.5 batches; the request asks for Kafka's consumer defaults
  // (50 MiB in all, 1 MiB per partition).
  const size_t batch = Batch().size();
  const auto cap = static_cast<int32_t>(batch * 5 / 2);
  Start(cap);
  for (int p = 0; p < kPartitions; ++p) AppendBatches(p, 3);

  RawKafkaClient c(server_->bound_port(), "fetch-test");
  ASSERT_TRUE(c.connected());
  std::map<int, int64_t> next{{0, 0}, {1, 0}, {2, 0}};
  std::vector<int> order{0, 1, 2};
  int fetches = 0;
  int64_t records = 0;
  // A client that rotates the partitions it asks for (KIP-74; librdkafka and the Java
  // client do) reads everything, each response within the cap.
  while (records < 3 * 3 * kRecordsPerBatch && fetches < 20) {
    size_t total = 0;
    auto got = Fetch(c, order, next, 50 << 20, 1 << 20, &total);
    ++fetches;
    EXPECT_LE(total, static_cast<size_t>(cap)) << "fetch " << fetches;
    EXPECT_GT(total, 0u);
    for (const auto& [p, g] : got) {
      EXPECT_FALSE(g.partial);
      if (g.batches == 0) continue;
      EXPECT_EQ(g.next - next[p], g.batches * kRecordsPerBatch);
      records += g.next - next[p];
      next[p] = g.next;
    }
    std::rotate(order.begin(), order.begin() + 1, order.end());
  }
  EXPECT_EQ(records, 3 * 3 * kRecordsPerBatch);
  // 9 batches, 2 per response: 5 responses.
  EXPECT_EQ(fetches, 5);
  for (int p = 0; p < kPartitions; ++p) EXPECT_EQ(next[p], 3 * kRecordsPerBatch) << p;
}

TEST_F(KafkaFetchTest, ABatchLargerThanTheCapStillComesWhole) {
  Start(/*fetch_max_bytes=*/4096);
  size_t batch = AppendBatches(1, 2);
  ASSERT_GT(batch, 4096u);
  RawKafkaClient c(server_->bound_port(), "fetch-test");
  ASSERT_TRUE(c.connected());
  size_t total = 0;
  auto got = Fetch(c, {0, 1, 2}, {{0, 0}, {1, 0}, {2, 0}}, 50 << 20, 1 << 20, &total);
  EXPECT_EQ(got[0].batches, 0);  // empty: no first batch yet, so partition 1's may be large
  EXPECT_EQ(got[1].batches, 1);
  EXPECT_FALSE(got[1].partial);
  EXPECT_EQ(total, batch);
}

}  // namespace
}  // namespace oxbow::kafka
