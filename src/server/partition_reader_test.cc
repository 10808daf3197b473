#include "server/partition_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "log/record_batch_builder.h"
#include "testing/temp_dir.h"

namespace oxbow::server {
namespace {

class PartitionReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::PartitionOptions options{dir_.path() + "/p0", "t", PartitionId(0), log::TopicConfig()};
    Result<std::unique_ptr<log::Partition>> p =
        log::Partition::Open(io::FileSystem::Default(), options);
    ASSERT_TRUE(p.ok()) << p.status();
    partition_ = std::move(*p);
    // 10 batches of 10 records: values "0".."99".
    for (int b = 0; b < 10; ++b) {
      log::RecordBatchBuilder builder(log::BatchOptions{});
      for (int i = 0; i < 10; ++i) {
        std::string v = std::to_string(b * 10 + i);
        builder.Add(TimestampMs(1000 + b), std::nullopt, AsBytes(v));
      }
      Result<ByteBuffer> batch = builder.Build();
      ASSERT_TRUE(batch.ok());
      ASSERT_TRUE(
          partition_
              ->Append(MutableByteView(batch->mutable_data(), batch->size()), TimestampMs(2000))
              .ok());
    }
  }

  // Reads everything from `start` with reads of at most max_bytes; returns the values.
  std::vector<std::string> ReadAll(Offset start, uint64_t max_bytes, int limit = 1000) {
    PartitionReader reader(partition_, start, max_bytes);
    std::vector<std::string> out;
    while (!reader.AtEnd() && static_cast<int>(out.size()) < limit) {
      Result<size_t> n = reader.Poll([&](const log::DecodedBatch& batch, const log::Record& r) {
        EXPECT_EQ(batch.offset_of(r).value(), std::stoi(std::string(AsString(*r.value))));
        out.emplace_back(AsString(*r.value));
        return static_cast<int>(out.size()) < limit;
      });
      EXPECT_TRUE(n.ok()) << n.status();
      if (!n.ok()) break;
    }
    return out;
  }

  testing::TempDir dir_;
  std::shared_ptr<log::Partition> partition_;
};

std::vector<std::string> Range(int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back(std::to_string(i));
  return v;
}

TEST_F(PartitionReaderTest, ReadsEveryRecordOnceAcrossPartialBatches) {
  EXPECT_EQ(ReadAll(Offset(0), 1 << 20), Range(0, 100));
  // A byte limit that cuts batches in the middle: the partial batch is read again whole.
  EXPECT_EQ(ReadAll(Offset(0), 150), Range(0, 100));
  EXPECT_EQ(ReadAll(Offset(0), 1), Range(0, 100));
}

TEST_F(PartitionReaderTest, StartsMidBatchAndStopsWhereTold) {
  EXPECT_EQ(ReadAll(Offset(37), 1 << 20), Range(37, 100));
  EXPECT_EQ(ReadAll(Offset(99), 1 << 20), Range(99, 100));
  EXPECT_TRUE(ReadAll(Offset(100), 1 << 20).empty());
  PartitionReader reader(partition_, Offset(5));
  int seen = 0;
  ASSERT_TRUE(
      reader.Poll([&](const log::DecodedBatch&, const log::Record&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(reader.position(), Offset(8));
}

}  // namespace
}  // namespace oxbow::server
