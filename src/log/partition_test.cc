#include "log/partition.h"

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/fault_injection_file_system.h"
#include "io/file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadRecord;
using testing::Rec;
using testing::TestRecord;

constexpr int64_t kNow = 1'700'000'000'000;  // a fixed "wall clock" for the tests

std::string Msg(const Status& s) { return std::string(ToStd(s.message())); }

// The records a test appended, with the offsets they must have.
std::vector<ReadRecord> WithOffsets(const std::vector<TestRecord>& records, int64_t first) {
  std::vector<ReadRecord> out;
  for (const TestRecord& r : records) out.push_back({first++, r});
  return out;
}

class PartitionTest : public ::testing::Test {
 protected:
  io::FileSystem& fs_ = io::FileSystem::Default();
  testing::TempDir dir_;

  static TopicConfig SmallSegments(int64_t segment_bytes = 1024) {
    TopicConfig c;
    c.segment_bytes = segment_bytes;
    c.index_interval_bytes = 128;
    return c;
  }

  std::unique_ptr<Partition> Open(const TopicConfig& config = TopicConfig(),
                                  io::FileSystem* fs = nullptr) {
    PartitionOptions o{dir_.path(), "t", PartitionId(0), config};
    auto p = Partition::Open(fs != nullptr ? *fs : fs_, o);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  // Appends `records` as one batch and returns the base offset.
  static int64_t Append(Partition& p, const std::vector<TestRecord>& records, int64_t now = kNow,
                        Compression codec = Compression::kNone) {
    ByteBuffer b = testing::BuildBatch(records, codec);
    auto r = testing::AppendCopy(p, b.view(), now);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->base_offset.value() : -1;
  }

  static std::vector<ReadRecord> ReadAllOrDie(const Partition& p) {
    auto all = testing::ReadAll(p);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<ReadRecord>{};
  }

  // `n` keyless records "<prefix><i>" at timestamp ts.
  static std::vector<TestRecord> Values(int n, int64_t ts, const std::string& prefix = "v") {
    std::vector<TestRecord> out;
    for (int i = 0; i < n; ++i)
      out.push_back(Rec(std::nullopt, fmt::format("{}{}", prefix, i), ts));
    return out;
  }
};

TEST_F(PartitionTest, EmptyLog) {
  auto p = Open();
  EXPECT_EQ(p->high_watermark(), Offset(0));
  EXPECT_EQ(p->log_start_offset(), Offset(0));
  EXPECT_EQ(p->segment_count(), 1u);
  auto r = p->Read(Offset(0), 1000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->slice.size, 0u);
  EXPECT_EQ(r->high_watermark, Offset(0));
  EXPECT_EQ(p->Read(Offset(1), 1000).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(p->Read(Offset(-1), 1000).status().code(), absl::StatusCode::kOutOfRange);
  auto t = p->OffsetForTimestamp(TimestampMs(0));
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
}

TEST_F(PartitionTest, TrafficCountsAppendsAndCountedReads) {
  auto p = Open();
  ByteBuffer a = testing::BuildBatch(Values(3, kNow));
  ByteBuffer b = testing::BuildBatch(Values(2, kNow));
  ASSERT_TRUE(testing::AppendCopy(*p, a.view(), kNow).ok());
  ASSERT_TRUE(testing::AppendCopy(*p, b.view(), kNow).ok());
  EXPECT_EQ(p->traffic().records_in, 5u);
  EXPECT_EQ(p->traffic().bytes_in, a.size() + b.size());
  EXPECT_EQ(p->traffic().records_out, 0u);

  auto whole = p->Read(Offset(0), 1 << 20);
  ASSERT_TRUE(whole.ok()) << whole.status();
  auto n = CountRecords(whole->slice);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 5u);
  // A limit that cuts the second batch: only the first, whole, batch counts.
  auto cut = p->Read(Offset(0), a.size() + 10);
  ASSERT_TRUE(cut.ok()) << cut.status();
  n = CountRecords(cut->slice);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 3u);
  auto whole_batches = MeasureWholeBatches(cut->slice);
  ASSERT_TRUE(whole_batches.ok()) << whole_batches.status();
  EXPECT_EQ(whole_batches->bytes, a.size());
  EXPECT_EQ(whole_batches->records, 3u);

  p->CountRead(whole->slice.size, 5);
  EXPECT_EQ(p->traffic().bytes_out, whole->slice.size);
  EXPECT_EQ(p->traffic().records_out, 5u);
}

TEST_F(PartitionTest, OffsetsAreConsecutiveAcrossBatchesOfARecordSet) {
  auto p = Open();
  std::vector<TestRecord> a = {Rec("k1", "v1", 1000), Rec(std::nullopt, "v2", 1001)};
  std::vector<TestRecord> b = {Rec("k3", std::nullopt, 999)};
  std::vector<TestRecord> c = Values(4, 1005);
  c[1].headers = {{"h1", "x"}, {"h2", std::nullopt}};
  ByteBuffer set = testing::Concat(
      {testing::BuildBatch(a), testing::BuildBatch(b), testing::BuildBatch(c, Compression::kZstd)});
  auto r = testing::AppendCopy(*p, set.view(), kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->base_offset, Offset(0));
  EXPECT_EQ(r->last_offset, Offset(6));
  EXPECT_EQ(r->log_append_time, TimestampMs(-1));
  EXPECT_EQ(r->log_start_offset, Offset(0));
  EXPECT_EQ(p->high_watermark(), Offset(7));

  std::vector<TestRecord> d = Values(2, 2000, "d");
  EXPECT_EQ(Append(*p, d), 7);
  EXPECT_EQ(p->high_watermark(), Offset(9));

  std::vector<TestRecord> all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());
  all.insert(all.end(), d.begin(), d.end());
  EXPECT_EQ(ReadAllOrDie(*p), WithOffsets(all, 0));
  // Every batch of the set is stored with its own base offset.
  auto read = p->Read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok());
  auto contents = testing::DecodeSlice(read->slice);
  ASSERT_TRUE(contents.ok()) << contents.status();
  ASSERT_EQ(contents->batches.size(), 4u);
  EXPECT_EQ(contents->batches[0].base_offset, Offset(0));
  EXPECT_EQ(contents->batches[1].base_offset, Offset(2));
  EXPECT_EQ(contents->batches[2].base_offset, Offset(3));
  EXPECT_EQ(contents->batches[2].compression(), Compression::kZstd);
  EXPECT_EQ(contents->batches[3].base_offset, Offset(7));
}

TEST_F(PartitionTest, AppendEditsTheCallersBuffer) {
  auto p = Open();
  Append(*p, Values(3, 1));
  ByteBuffer b = testing::BuildBatch(Values(2, 5));
  auto r = p->Append(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ParseBatchHeader(b.view())->base_offset, Offset(3));
  EXPECT_TRUE(ValidateBatch(b.view()).ok());
}

TEST_F(PartitionTest, ReadReturnsAWholeBatchEvenWhenMaxBytesIsTiny) {
  auto p = Open();
  std::vector<TestRecord> big;
  for (int i = 0; i < 50; ++i) big.push_back(Rec(std::nullopt, std::string(100, 'a' + i % 26), 1));
  Append(*p, big);
  Append(*p, Values(3, 2));
  auto r = p->Read(Offset(0), 1);
  ASSERT_TRUE(r.ok());
  auto c = testing::DecodeSlice(r->slice);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->batches.size(), 1u);
  EXPECT_FALSE(c->partial_tail);
  EXPECT_EQ(c->records.size(), 50u);
  EXPECT_EQ(r->slice.size, c->batches[0].size_bytes());
  EXPECT_EQ(r->high_watermark, Offset(53));

  // max_bytes a little beyond the first batch: the second one is cut short.
  r = p->Read(Offset(0), c->batches[0].size_bytes() + 20);
  ASSERT_TRUE(r.ok());
  c = testing::DecodeSlice(r->slice);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->batches.size(), 1u);
  EXPECT_TRUE(c->partial_tail);
  // Reading all with tiny max_bytes still yields every record exactly once.
  auto all = testing::ReadAll(*p, 0, 1);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 53u);
  all = testing::ReadAll(*p, 0, 70);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 53u);
}

TEST_F(PartitionTest, ReadFromTheMiddleOfABatchReturnsThatBatch) {
  auto p = Open(SmallSegments());
  for (int i = 0; i < 20; ++i) Append(*p, Values(10, i, fmt::format("b{}-", i)));
  ASSERT_GT(p->segment_count(), 2u);
  for (int64_t offset : {0, 5, 9, 10, 37, 111, 199}) {
    auto r = p->Read(Offset(offset), 1);
    ASSERT_TRUE(r.ok()) << offset;
    auto c = testing::DecodeSlice(r->slice);
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->batches.size(), 1u) << offset;
    EXPECT_EQ(c->batches[0].base_offset, Offset(offset / 10 * 10)) << offset;
  }
  auto at_end = p->Read(Offset(200), 1000);
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->slice.size, 0u);
  EXPECT_EQ(p->Read(Offset(201), 1000).status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(PartitionTest, RollsBySegmentBytes) {
  auto p = Open(SmallSegments(1000));
  std::vector<TestRecord> all;
  for (int i = 0; i < 30; ++i) {
    auto recs = Values(5, 100 + i, fmt::format("r{}-", i));
    Append(*p, recs);
    all.insert(all.end(), recs.begin(), recs.end());
  }
  auto segs = p->segments();
  ASSERT_GT(segs.size(), 3u);
  Offset expected_base(0);
  for (size_t i = 0; i < segs.size(); ++i) {
    EXPECT_EQ(segs[i]->base_offset(), expected_base) << i;
    EXPECT_LE(segs[i]->committed_size(), 1000u) << i;
    if (i + 1 < segs.size()) {
      // Rolled because the next batch would not have fit.
      EXPECT_GT(segs[i]->committed_size() + segs[i + 1]->committed_size(), 1000u) << i;
    }
    expected_base = segs[i]->next_offset();
  }
  EXPECT_EQ(ReadAllOrDie(*p), WithOffsets(all, 0));
  // A batch larger than segment.bytes still goes in (alone).
  std::vector<TestRecord> big = {Rec(std::nullopt, std::string(3000, 'x'), 500)};
  int64_t base = Append(*p, big);
  EXPECT_EQ(p->segments().back()->base_offset(), Offset(base));
  all.insert(all.end(), big.begin(), big.end());
  EXPECT_EQ(ReadAllOrDie(*p), WithOffsets(all, 0));
}

TEST_F(PartitionTest, RollsBySegmentMsOfRecordTimestamps) {
  TopicConfig c;
  c.segment_ms = 1000;
  auto p = Open(c);
  Append(*p, Values(2, 10000));
  Append(*p, Values(2, 10500));
  Append(*p, Values(2, 11000));  // exactly segment.ms after the first batch: no roll
  EXPECT_EQ(p->segment_count(), 1u);
  Append(*p, Values(2, 9000));  // older records never roll
  EXPECT_EQ(p->segment_count(), 1u);
  Append(*p, Values(2, 11001));
  ASSERT_EQ(p->segment_count(), 2u);
  EXPECT_EQ(p->segments().back()->base_offset(), Offset(8));
  EXPECT_EQ(p->segments().back()->first_batch_timestamp(), TimestampMs(11001));

  // The maintenance roll uses the wall clock against the first batch's timestamp.
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(12001)).ok());
  EXPECT_EQ(p->segment_count(), 2u);
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(12002)).ok());
  ASSERT_EQ(p->segment_count(), 3u);
  EXPECT_EQ(p->segments().back()->base_offset(), Offset(10));
  // An empty active segment is not rolled.
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(99999999)).ok());
  EXPECT_EQ(p->segment_count(), 3u);
  EXPECT_EQ(ReadAllOrDie(*p).size(), 10u);
}

TEST_F(PartitionTest, RetentionByTimeDeletesOldSegments) {
  TopicConfig c = SmallSegments(600);
  c.retention_ms = 10000;
  auto p = Open(c);
  for (int i = 0; i < 10; ++i) Append(*p, Values(5, 1000 + i, "old"));
  std::vector<TestRecord> fresh;
  for (int i = 0; i < 10; ++i) {
    auto recs = Values(5, 50000 + i, "new");
    int64_t base = Append(*p, recs);
    if (i == 0) {
      ASSERT_EQ(base, 50);
    }
    fresh.insert(fresh.end(), recs.begin(), recs.end());
  }
  // Which segments hold only old records.
  size_t old_segments = 0;
  for (const auto& seg : p->segments()) {
    if (seg->max_timestamp() < TimestampMs(20000)) ++old_segments;
  }
  ASSERT_GE(old_segments, 2u);
  size_t before = p->segment_count();
  Offset first_kept;
  for (const auto& seg : p->segments()) {
    if (seg->max_timestamp() >= TimestampMs(20000)) {
      first_kept = seg->base_offset();
      break;
    }
  }

  // Nothing is old enough yet.
  auto r = p->ApplyRetention(TimestampMs(1000 + 10000));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->segments_deleted, 0u);

  r = p->ApplyRetention(TimestampMs(30000));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->segments_deleted, old_segments);
  EXPECT_EQ(p->segment_count(), before - old_segments);
  EXPECT_EQ(p->log_start_offset(), first_kept);
  EXPECT_EQ(p->Read(Offset(0), 100).status().code(), absl::StatusCode::kOutOfRange);
  auto all = ReadAllOrDie(*p);
  // Whole segments only: the kept part ends with the fresh records, all of them.
  ASSERT_GE(all.size(), fresh.size());
  EXPECT_EQ(std::vector<ReadRecord>(all.end() - fresh.size(), all.end()), WithOffsets(fresh, 50));
  EXPECT_EQ(all.front().offset, first_kept.value());

  // Everything expired: the active segment is rolled and goes too; offsets continue.
  r = p->ApplyRetention(TimestampMs(50009 + 10001));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(p->segment_count(), 1u);
  EXPECT_EQ(p->log_start_offset(), Offset(100));
  EXPECT_EQ(p->high_watermark(), Offset(100));
  EXPECT_TRUE(ReadAllOrDie(*p).empty());
  EXPECT_EQ(Append(*p, Values(1, 70000)), 100);

  // Reopening keeps the log start and the offsets.
  p.reset();
  p = Open(c);
  EXPECT_EQ(p->log_start_offset(), Offset(100));
  EXPECT_EQ(p->high_watermark(), Offset(101));
}

// When everything has expired retention rolls the active segment and deletes it; an append
// racing with that must not be deleted with it.
TEST_F(PartitionTest, RetentionNeverDeletesAFreshAppendRacingWithIt) {
  TopicConfig c;
  c.retention_ms = 1000;
  c.flush_messages = -1;
  c.max_message_bytes = 4 << 20;
  c.segment_ms = INT64_MAX / 4;  // the fresh batch must not roll by its own timestamp
  testing::NoSyncFileSystem fast(fs_);
  auto p = Open(c, &fast);
  std::vector<TestRecord> big;
  for (int i = 0; i < 64; ++i) big.push_back(Rec(std::nullopt, std::string(16 << 10, 'f'), kNow));
  for (int i = 0; i < 200; ++i) {
    Append(*p, Values(1, 1, "old"));  // expired
    std::atomic<int> ready{0};
    std::thread retention([&] {
      ready++;
      while (ready.load() < 2) {
      }
      auto r = p->ApplyRetention(TimestampMs(kNow));
      EXPECT_TRUE(r.ok()) << r.status();
    });
    ready++;
    while (ready.load() < 2) {
    }
    // A large batch keeps the append busy (CRC check, write) between taking the append
    // lock and recording the new timestamp: the window in which retention may look.
    int64_t fresh = Append(*p, big);
    retention.join();
    ASSERT_LE(p->log_start_offset().value(), fresh) << "iteration " << i;
    auto all = ReadAllOrDie(*p);
    ASSERT_FALSE(all.empty()) << "iteration " << i;
    ASSERT_EQ(all.back().offset, fresh + 63);
    // The next round starts with nothing unexpired: the fresh record is deleted and its
    // segment sealed, so retention sees only the expired record in the active segment.
    ASSERT_TRUE(p->DeleteRecordsBefore(p->high_watermark()).ok());
    ASSERT_TRUE(p->MaybeRoll(TimestampMs(INT64_MAX / 2)).ok());
  }
}

TEST_F(PartitionTest, RetentionByBytesKeepsAtLeastTheLimit) {
  TopicConfig c = SmallSegments(500);
  c.retention_ms = -1;
  auto p = Open(c);
  for (int i = 0; i < 40; ++i) Append(*p, Values(4, kNow));
  auto segs = p->segments();
  ASSERT_GT(segs.size(), 5u);
  uint64_t total = p->size_bytes();
  c.retention_bytes = static_cast<int64_t>(total / 2);
  p->set_config(c);
  // Predict: drop the oldest segments while what remains is still >= retention.bytes.
  size_t expect_deleted = 0;
  uint64_t remaining = total;
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    if (remaining - segs[i]->committed_size() < static_cast<uint64_t>(c.retention_bytes)) break;
    remaining -= segs[i]->committed_size();
    ++expect_deleted;
  }
  ASSERT_GT(expect_deleted, 0u);
  auto r = p->ApplyRetention(TimestampMs(kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, expect_deleted);
  EXPECT_EQ(p->size_bytes(), remaining);
  EXPECT_GE(p->size_bytes(), static_cast<uint64_t>(c.retention_bytes));
  EXPECT_EQ(p->log_start_offset(), segs[expect_deleted]->base_offset());
  // Deleted segments' files are gone.
  for (size_t i = 0; i < expect_deleted; ++i) {
    EXPECT_FALSE(fs_.Exists(segs[i]->log_path())) << i;
  }
  // A second pass deletes nothing more.
  r = p->ApplyRetention(TimestampMs(kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, 0u);
}

TEST_F(PartitionTest, RetentionMinusOneKeepsEverything) {
  TopicConfig c = SmallSegments(500);
  c.retention_ms = -1;
  c.retention_bytes = -1;
  auto p = Open(c);
  for (int i = 0; i < 20; ++i) Append(*p, Values(4, 1));
  size_t segs = p->segment_count();
  auto r = p->ApplyRetention(TimestampMs(INT64_MAX / 2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, 0u);
  EXPECT_EQ(p->segment_count(), segs);
  EXPECT_EQ(ReadAllOrDie(*p).size(), 80u);

  // Retention does not apply to compact-only topics.
  c.retention_ms = 1;
  c.retention_bytes = 1;
  c.delete_policy = false;
  c.compact_policy = true;
  p->set_config(c);
  r = p->ApplyRetention(TimestampMs(kNow));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, 0u);
}

TEST_F(PartitionTest, DeleteRecordsBeforeIsDurable) {
  auto p = Open(SmallSegments(600));
  std::vector<TestRecord> all;
  for (int i = 0; i < 20; ++i) {
    auto recs = Values(5, i, fmt::format("d{}-", i));
    Append(*p, recs);
    all.insert(all.end(), recs.begin(), recs.end());
  }
  size_t before = p->segment_count();
  auto r = p->DeleteRecordsBefore(Offset(101));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  r = p->DeleteRecordsBefore(Offset(42));  // mid-batch, mid-log
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Offset(42));
  EXPECT_EQ(p->log_start_offset(), Offset(42));
  EXPECT_LT(p->segment_count(), before);
  EXPECT_LE(p->segments().front()->base_offset(), Offset(42));
  EXPECT_EQ(p->Read(Offset(41), 100).status().code(), absl::StatusCode::kOutOfRange);
  auto expected = WithOffsets(std::vector<TestRecord>(all.begin() + 42, all.end()), 42);
  EXPECT_EQ(ReadAllOrDie(*p), expected);
  // Moving it back is a no-op.
  r = p->DeleteRecordsBefore(Offset(10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Offset(42));

  p.reset();
  p = Open(SmallSegments(600));
  EXPECT_EQ(p->log_start_offset(), Offset(42));
  EXPECT_EQ(p->high_watermark(), Offset(100));
  EXPECT_EQ(ReadAllOrDie(*p), expected);
  EXPECT_EQ(p->Read(Offset(41), 100).status().code(), absl::StatusCode::kOutOfRange);

  // Up to the high watermark: the log is empty but offsets continue.
  r = p->DeleteRecordsBefore(Offset(100));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(ReadAllOrDie(*p).empty());
  EXPECT_EQ(Append(*p, Values(1, 5)), 100);
  p.reset();
  p = Open(SmallSegments(600));
  EXPECT_EQ(p->log_start_offset(), Offset(100));
  EXPECT_EQ(ReadAllOrDie(*p), WithOffsets(Values(1, 5), 100));
}

TEST_F(PartitionTest, LogAppendTimeRewritesTimestamps) {
  TopicConfig c;
  c.timestamp_type = TimestampType::kLogAppendTime;
  auto p = Open(c);
  std::vector<TestRecord> recs = {Rec("a", "1", 5), Rec("b", "2", 7)};
  ByteBuffer set =
      testing::Concat({testing::BuildBatch(recs), testing::BuildBatch(recs, Compression::kLz4)});
  auto r = testing::AppendCopy(*p, set.view(), 777);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->log_append_time, TimestampMs(777));
  auto all = ReadAllOrDie(*p);
  ASSERT_EQ(all.size(), 4u);
  for (const ReadRecord& rr : all) EXPECT_EQ(rr.record.timestamp, 777) << rr.offset;
  EXPECT_EQ(all[1].record.key, "b");
  auto read = p->Read(Offset(0), 1 << 20);
  auto contents = testing::DecodeSlice(read->slice);
  ASSERT_TRUE(contents.ok());
  for (const BatchHeader& h : contents->batches) {
    EXPECT_EQ(h.timestamp_type(), TimestampType::kLogAppendTime);
    EXPECT_EQ(h.max_timestamp, TimestampMs(777));
  }
  auto t = p->OffsetForTimestamp(TimestampMs(700));
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->first, Offset(0));
  EXPECT_EQ((*t)->second, TimestampMs(777));

  // CreateTime topics keep the producer's timestamps.
  TopicConfig create;
  p.reset();
  testing::TempDir other;
  auto q = Partition::Open(fs_, PartitionOptions{other.path(), "t", PartitionId(0), create});
  ASSERT_TRUE(q.ok());
  r = testing::AppendCopy(**q, testing::BuildBatch(recs).view(), 777);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log_append_time, TimestampMs(-1));
  EXPECT_EQ(ReadAllOrDie(**q), WithOffsets(recs, 0));
}

TEST_F(PartitionTest, MaxMessageBytesRejectsTheWholeSet) {
  TopicConfig c;
  c.max_message_bytes = 300;
  auto p = Open(c);
  ByteBuffer small = testing::BuildBatch(Values(2, 1));
  ByteBuffer big = testing::BuildBatch({Rec(std::nullopt, std::string(400, 'x'), 1)});
  ASSERT_LE(small.size(), 300u);
  auto r = testing::AppendCopy(*p, big.view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(Msg(r.status()), HasSubstr("max.message.bytes"));
  r = testing::AppendCopy(*p, testing::Concat({small, big}).view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(p->high_watermark(), Offset(0));
  EXPECT_EQ(p->size_bytes(), 0u);
  // The partition is still usable.
  EXPECT_EQ(Append(*p, Values(2, 1)), 0);
  EXPECT_EQ(ReadAllOrDie(*p).size(), 2u);
}

TEST_F(PartitionTest, BatchWithValidCrcButBrokenRecordsIsRefused) {
  auto p = Open();
  Append(*p, Values(3, 1));
  uint64_t size = p->size_bytes();
  // Claim one record more than the batch holds, and give it a correct CRC: only parsing
  // the records can tell. Stored, it would fail every consumer and stall compaction.
  ByteBuffer good = testing::BuildBatch(Values(2, 1));
  ByteBuffer bad = testing::BuildBatch(Values(2, 1));
  StoreBE32(bad.mutable_data() + batch_field::kRecordsCount, 3);
  UpdateBatchCrc(MutableByteView(bad.mutable_data(), bad.size()));
  ASSERT_TRUE(ValidateBatch(bad.view()).ok());
  auto r = testing::AppendCopy(*p, testing::Concat({good, bad}).view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_THAT(Msg(r.status()), HasSubstr("invalid record batch"));
  EXPECT_EQ(p->high_watermark(), Offset(3));
  EXPECT_EQ(p->size_bytes(), size);
}

TEST_F(PartitionTest, CompactedTopicRefusesKeylessRecords) {
  TopicConfig c;
  c.compact_policy = true;
  c.delete_policy = false;
  auto p = Open(c);
  ByteBuffer keyed = testing::BuildBatch({Rec("k", "v", 1)});
  ByteBuffer keyless = testing::BuildBatch({Rec("k", "v", 1), Rec(std::nullopt, "v", 1)});
  auto r = testing::AppendCopy(*p, testing::Concat({keyed, keyless}).view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(Msg(r.status()), HasSubstr("every record needs a key"));
  EXPECT_EQ(p->high_watermark(), Offset(0));
  EXPECT_EQ(Append(*p, {Rec("k", "v", 1)}), 0);
}

TEST_F(PartitionTest, InvalidRecordSetsAppendNothing) {
  auto p = Open();
  Append(*p, Values(3, 1));
  uint64_t size = p->size_bytes();
  ByteBuffer a = testing::BuildBatch(Values(2, 1));
  ByteBuffer b = testing::BuildBatch(Values(2, 1));
  ByteBuffer set = testing::Concat({a, b});
  // A flipped byte in the second batch: CRC failure, and nothing of the set is appended.
  std::vector<uint8_t> corrupt(set.view().begin(), set.view().end());
  corrupt[a.size() + kBatchHeaderSize + 2] ^= 1;
  auto r = p->Append(MutableByteView(corrupt), TimestampMs(kNow));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(r.status()), HasSubstr("CRC"));
  // A truncated set.
  std::vector<uint8_t> cut(set.view().begin(), set.view().end() - 5);
  r = p->Append(MutableByteView(cut), TimestampMs(kNow));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  // An old-format batch (magic 1).
  std::vector<uint8_t> legacy(a.view().begin(), a.view().end());
  legacy[batch_field::kMagic] = 1;
  r = p->Append(MutableByteView(legacy), TimestampMs(kNow));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  // Empty.
  r = p->Append(MutableByteView(), TimestampMs(kNow));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(p->high_watermark(), Offset(3));
  EXPECT_EQ(p->size_bytes(), size);
  EXPECT_EQ(Append(*p, Values(1, 1)), 3);
  EXPECT_EQ(ReadAllOrDie(*p).size(), 4u);
}

TEST_F(PartitionTest, ReopenRecoversIdenticalContent) {
  TopicConfig c = SmallSegments(2000);
  auto p = Open(c);
  std::mt19937 rng(7);
  const Compression codecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                Compression::kLz4, Compression::kZstd};
  for (int i = 0; i < 60; ++i) {
    std::vector<TestRecord> recs;
    int n = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < n; ++j) {
      TestRecord r = Rec(fmt::format("k{}", rng() % 10), std::string(rng() % 80, 'a' + j), i);
      if (j % 3 == 0) r.headers.emplace_back("h", std::to_string(j));
      recs.push_back(r);
    }
    Append(*p, recs, kNow, codecs[i % 5]);
  }
  auto before = ReadAllOrDie(*p);
  Offset hw = p->high_watermark();
  size_t segments = p->segment_count();
  ASSERT_TRUE(p->Close().ok());
  EXPECT_EQ(testing::AppendCopy(*p, testing::BuildBatch(Values(1, 1)).view(), kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Reads still work after Close.
  EXPECT_EQ(ReadAllOrDie(*p), before);
  p.reset();

  p = Open(c);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(p->recovery_report().segments, segments);
  EXPECT_EQ(p->high_watermark(), hw);
  EXPECT_EQ(p->segment_count(), segments);
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_EQ(Append(*p, Values(1, 1)), hw.value());
  // And once more, after the appended batch.
  before = ReadAllOrDie(*p);
  p.reset();
  p = Open(c);
  EXPECT_EQ(ReadAllOrDie(*p), before);
}

TEST_F(PartitionTest, ReopenIgnoresStrayFiles) {
  auto p = Open(SmallSegments(500));
  for (int i = 0; i < 10; ++i) Append(*p, Values(4, i));
  auto before = ReadAllOrDie(*p);
  p.reset();
  // An orphaned index (its log deleted by a crash mid-deletion) and leftover temp files.
  testing::WriteFileOrDie(io::JoinPath(dir_.path(), Segment::FileName(Offset(999), ".index")),
                          "junk");
  testing::WriteFileOrDie(io::JoinPath(dir_.path(), "recovery-point.tmp"), "12");
  testing::WriteFileOrDie(io::JoinPath(dir_.path(), "recovery-point"), "garbage");
  p = Open(SmallSegments(500));
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_FALSE(fs_.Exists(io::JoinPath(dir_.path(), Segment::FileName(Offset(999), ".index"))));
  EXPECT_FALSE(fs_.Exists(io::JoinPath(dir_.path(), "recovery-point.tmp")));
}

TEST_F(PartitionTest, ReopenTruncatesTornTail) {
  auto p = Open(SmallSegments(100000));
  for (int i = 0; i < 10; ++i) Append(*p, Values(4, i));
  auto before = ReadAllOrDie(*p);
  std::string log_path = p->segments().back()->log_path();
  p.reset();
  // Half a batch at the end, as a crash mid-write leaves it.
  ByteBuffer extra = testing::BuildBatch(Values(4, 99));
  std::string bytes = testing::ReadFileOrDie(log_path);
  testing::WriteFileOrDie(log_path, bytes + std::string(AsString(extra.view().first(50))));
  // Without a recovery point every batch is validated.
  ASSERT_TRUE(fs_.Remove(io::JoinPath(dir_.path(), "recovery-point")).ok());
  p = Open(SmallSegments(100000));
  ASSERT_EQ(p->recovery_report().truncations.size(), 1u);
  EXPECT_THAT(p->recovery_report().truncations[0], HasSubstr("incomplete"));
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_EQ(Append(*p, Values(1, 1)), 40);
}

TEST_F(PartitionTest, OffsetForTimestampAndReadFromTimestamp) {
  auto p = Open(SmallSegments(400));
  // Per batch: (timestamps of its records). Not monotonic, spread over segments.
  const std::vector<std::vector<int64_t>> batches = {
      {100, 90, 110}, {50, 60}, {200}, {150, 250, 240}, {300}, {10, 20},
      {400, 390},     {380},    {500}, {450, 460},      {600}, {590, 595, 599}};
  std::vector<ReadRecord> records;
  std::vector<std::pair<int64_t, int64_t>> batch_max;  // (base offset, max timestamp)
  for (const auto& ts : batches) {
    std::vector<TestRecord> recs;
    for (int64_t t : ts) recs.push_back(Rec("k", fmt::format("v{}", t), t));
    int64_t base = Append(*p, recs);
    for (size_t i = 0; i < recs.size(); ++i)
      records.push_back({base + static_cast<int64_t>(i), recs[i]});
    batch_max.emplace_back(base, *std::max_element(ts.begin(), ts.end()));
  }
  ASSERT_GT(p->segment_count(), 2u);
  auto check = [&](int64_t lso) {
    for (int64_t target = -1; target <= 610; ++target) {
      std::optional<ReadRecord> want;
      for (const ReadRecord& r : records) {
        if (r.offset >= lso && r.record.timestamp >= target) {
          want = r;
          break;
        }
      }
      auto got = p->OffsetForTimestamp(TimestampMs(target));
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_EQ(got->has_value(), want.has_value()) << target;
      if (want.has_value()) {
        EXPECT_EQ((*got)->first.value(), want->offset) << target;
        EXPECT_EQ((*got)->second.value(), want->record.timestamp) << target;
      }
      // ReadFromTimestamp: the first batch (holding offsets >= the log start) whose max
      // timestamp reaches the target.
      std::optional<int64_t> want_batch;
      for (size_t i = 0; i < batch_max.size(); ++i) {
        int64_t last = i + 1 < batch_max.size() ? batch_max[i + 1].first - 1 : 1 << 30;
        if (last >= lso && batch_max[i].second >= target) {
          want_batch = batch_max[i].first;
          break;
        }
      }
      auto read = p->ReadFromTimestamp(TimestampMs(target), 1);
      ASSERT_TRUE(read.ok()) << read.status();
      if (!want_batch) {
        EXPECT_EQ(read->slice.size, 0u) << target;
        continue;
      }
      auto c = testing::DecodeSlice(read->slice);
      ASSERT_TRUE(c.ok());
      ASSERT_FALSE(c->batches.empty()) << target;
      EXPECT_EQ(c->batches[0].base_offset.value(), *want_batch) << target;
    }
  };
  check(0);
  // After DeleteRecords, records below the log start are never the answer.
  ASSERT_TRUE(p->DeleteRecordsBefore(Offset(7)).ok());
  check(7);
  p.reset();
  p = Open(SmallSegments(400));
  check(7);
}

// Readers on other threads never see a partial batch, a batch past the high watermark
// their read reported, or a gap, while a writer appends and rolls segments.
TEST_F(PartitionTest, ConcurrentReadsSeeOnlyWholeVisibleBatches) {
  TopicConfig c = SmallSegments(8 * 1024);
  c.flush_messages = -1;  // page cache only: more appends per second
  auto p = Open(c);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> appended{0};
  std::atomic<int64_t> reads{0};
  std::vector<std::string> failures;
  absl::Mutex failures_mu;
  auto fail = [&](std::string what) {
    absl::MutexLock lock(&failures_mu);
    if (failures.size() < 10) failures.push_back(std::move(what));
    stop = true;
  };

  // Record i has value "value-<i>", so readers can check what they get.
  std::thread writer([&] {
    std::mt19937 rng(1);
    int64_t next = 0;
    const Compression codecs[] = {Compression::kNone, Compression::kLz4};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    while (!stop && std::chrono::steady_clock::now() < deadline) {
      std::vector<ByteBuffer> set;
      int batches = 1 + static_cast<int>(rng() % 3);
      for (int b = 0; b < batches; ++b) {
        std::vector<TestRecord> recs;
        int n = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < n; ++i) {
          int64_t offset = next++;
          recs.push_back(Rec(std::nullopt, fmt::format("value-{}", offset), offset));
        }
        set.push_back(testing::BuildBatch(recs, codecs[rng() % 2]));
      }
      auto r = testing::AppendCopy(*p, testing::Concat(set).view(), kNow);
      if (!r.ok()) {
        fail(fmt::format("append: {}", r.status()));
        break;
      }
      appended = next;
    }
    stop = true;
  });

  auto reader = [&](int seed, bool tail) {
    std::mt19937 rng(seed);
    int64_t next = 0;
    while (!stop) {
      int64_t offset = tail ? next : static_cast<int64_t>(rng() % (appended.load() + 1));
      uint64_t max_bytes = 1 + rng() % 3000;
      auto r = p->Read(Offset(offset), max_bytes);
      if (!r.ok()) {
        fail(fmt::format("read at {}: {}", offset, r.status()));
        return;
      }
      reads++;
      auto contents = testing::DecodeSlice(r->slice);
      if (!contents.ok()) {
        fail(fmt::format("read at {}: {}", offset, contents.status()));
        return;
      }
      if (r->slice.size > 0 && contents->batches.empty()) {
        fail(fmt::format("read at {}: {} bytes and no whole batch", offset, r->slice.size));
        return;
      }
      int64_t expect = -1;
      for (const BatchHeader& h : contents->batches) {
        if (expect >= 0 && h.base_offset.value() != expect) {
          fail(fmt::format("read at {}: gap before batch {}", offset, h.base_offset));
          return;
        }
        if (h.last_offset() >= r->high_watermark) {
          fail(fmt::format("read at {}: batch {}..{} is past the high watermark {}", offset,
                           h.base_offset, h.last_offset(), r->high_watermark));
          return;
        }
        expect = h.last_offset().value() + 1;
      }
      if (!contents->batches.empty() && (contents->batches[0].base_offset.value() > offset ||
                                         contents->batches[0].last_offset().value() < offset)) {
        fail(fmt::format("read at {} returned batch {}", offset, contents->batches[0].base_offset));
        return;
      }
      for (const ReadRecord& rec : contents->records) {
        if (rec.record.value != fmt::format("value-{}", rec.offset)) {
          fail(fmt::format("offset {} holds {}", rec.offset, testing::DebugString(rec)));
          return;
        }
      }
      if (tail && expect >= 0) next = expect;
    }
  };
  std::thread tail_reader(reader, 2, true);
  std::thread random_reader(reader, 3, false);
  writer.join();
  tail_reader.join();
  random_reader.join();
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(appended.load(), 1000);
  EXPECT_GT(reads.load(), 1000);
  EXPECT_GT(p->segment_count(), 3u);
  auto all = ReadAllOrDie(*p);
  ASSERT_EQ(static_cast<int64_t>(all.size()), appended.load());
}

TEST_F(PartitionTest, TornWriteTakesPartitionOfflineAndReopenRecovers) {
  io::FaultInjectionFileSystem faulty(fs_);
  TopicConfig c = SmallSegments(100000);
  auto p = Open(c, &faulty);
  for (int i = 0; i < 10; ++i) Append(*p, Values(3, i));
  auto before = ReadAllOrDie(*p);
  Offset hw = p->high_watermark();

  faulty.FailAppendsAfter(40);
  auto r = testing::AppendCopy(*p, testing::BuildBatch(Values(5, 100)).view(), kNow);
  ASSERT_FALSE(r.ok());
  faulty.FailAppendsAfter(-1);
  // Offline for appends, even though the disk works again.
  r = testing::AppendCopy(*p, testing::BuildBatch(Values(1, 100)).view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(r.status()), HasSubstr("offline"));
  // What was visible stays visible, and nothing else.
  EXPECT_EQ(p->high_watermark(), hw);
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_GT(p->segments().back()->written_size(), p->segments().back()->committed_size());
  p.reset();

  p = Open(c);
  ASSERT_EQ(p->recovery_report().truncations.size(), 1u) << "torn tail not found";
  EXPECT_EQ(p->high_watermark(), hw);
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_EQ(Append(*p, Values(1, 1)), hw.value());
}

TEST_F(PartitionTest, FailedFsyncTakesPartitionOffline) {
  io::FaultInjectionFileSystem faulty(fs_);
  auto p = Open(TopicConfig(), &faulty);
  for (int i = 0; i < 5; ++i) Append(*p, Values(3, i));
  auto before = ReadAllOrDie(*p);
  Offset hw = p->high_watermark();
  faulty.FailSyncs(true);
  ByteBuffer failed = testing::BuildBatch(Values(2, 50, "lost"));
  auto r = testing::AppendCopy(*p, failed.view(), kNow);
  ASSERT_FALSE(r.ok());
  faulty.FailSyncs(false);
  r = testing::AppendCopy(*p, testing::BuildBatch(Values(1, 100)).view(), kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(p->high_watermark(), hw);
  EXPECT_EQ(ReadAllOrDie(*p), before);
  EXPECT_EQ(p->Flush().code(), absl::StatusCode::kInternal);
  p.reset();

  // The unacknowledged batch may or may not survive; everything acknowledged does.
  p = Open(TopicConfig());
  auto after = ReadAllOrDie(*p);
  ASSERT_GE(after.size(), before.size());
  EXPECT_EQ(std::vector<ReadRecord>(after.begin(), after.begin() + before.size()), before);
  if (after.size() > before.size()) {
    EXPECT_EQ(std::vector<ReadRecord>(after.begin() + before.size(), after.end()),
              WithOffsets(Values(2, 50, "lost"), hw.value()));
  }
  EXPECT_GE(Append(*p, Values(1, 1)), hw.value());
}

TEST_F(PartitionTest, FlushPolicyDecidesWhenAppendsFsync) {
  io::FaultInjectionFileSystem faulty(fs_);
  TopicConfig c;
  c.flush_messages = -1;
  c.flush_ms = 1000;
  auto p = Open(c, &faulty);
  // Without an fsync per append, a failing fsync is not noticed by appends...
  faulty.FailSyncs(true);
  EXPECT_EQ(Append(*p, Values(3, 1), 5000), 0);
  EXPECT_EQ(Append(*p, Values(3, 1), 5500), 3);
  // ...but by the background flush once the oldest unflushed data is flush.ms old.
  EXPECT_TRUE(p->RunPeriodicFlush(TimestampMs(5999)).ok());
  EXPECT_EQ(p->RunPeriodicFlush(TimestampMs(6000)).code(), absl::StatusCode::kInternal);
  auto r = testing::AppendCopy(*p, testing::BuildBatch(Values(1, 1)).view(), 6001);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  faulty.FailSyncs(false);

  // flush.messages=N fsyncs once N records are unflushed.
  testing::TempDir other;
  c.flush_messages = 5;
  c.flush_ms = -1;
  auto q = Partition::Open(faulty, PartitionOptions{other.path(), "t", PartitionId(0), c});
  ASSERT_TRUE(q.ok());
  faulty.FailSyncs(true);
  EXPECT_EQ(Append(**q, Values(4, 1)), 0);
  auto fails = testing::AppendCopy(**q, testing::BuildBatch(Values(1, 1)).view(), kNow);
  EXPECT_FALSE(fails.ok());
  faulty.FailSyncs(false);
}

// Write + AwaitDurable: the batches are invisible until their fsync.
TEST_F(PartitionTest, WrittenBatchesAreInvisibleUntilDurable) {
  io::FaultInjectionFileSystem faulty(fs_);
  auto p = Open(TopicConfig(), &faulty);
  ByteBuffer b = testing::BuildBatch(Values(3, 1));
  Result<AppendResult> w = p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->base_offset, Offset(0));
  EXPECT_EQ(p->high_watermark(), Offset(0));
  EXPECT_TRUE(ReadAllOrDie(*p).empty());
  int64_t syncs = faulty.file_syncs();
  ASSERT_TRUE(p->AwaitDurable(w->last_offset + 1).ok());
  EXPECT_EQ(faulty.file_syncs(), syncs + 1);
  EXPECT_EQ(p->high_watermark(), Offset(3));
  EXPECT_EQ(ReadAllOrDie(*p), WithOffsets(Values(3, 1), 0));
  // Already durable: no second fsync.
  ASSERT_TRUE(p->AwaitDurable(Offset(3)).ok());
  EXPECT_EQ(faulty.file_syncs(), syncs + 1);
}

// Group commit: one fsync covers every batch written before it started.
TEST_F(PartitionTest, OneFsyncCoversEveryBatchWrittenBeforeIt) {
  io::FaultInjectionFileSystem faulty(fs_);
  auto p = Open(TopicConfig(), &faulty);
  std::vector<Offset> ends;
  for (int i = 0; i < 10; ++i) {
    ByteBuffer b = testing::BuildBatch(Values(2, i));
    auto w = p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
    ASSERT_TRUE(w.ok()) << w.status();
    ends.push_back(w->last_offset + 1);
  }
  EXPECT_EQ(p->high_watermark(), Offset(0));
  int64_t syncs = faulty.file_syncs();
  std::vector<int> done(ends.size(), 0);
  for (size_t i = 0; i < ends.size(); ++i) {
    p->RequestDurable(ends[i], [&, i](Status s) {
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_GE(p->high_watermark(), ends[i]);  // visible when told
      ++done[i];
    });
  }
  EXPECT_EQ(done, std::vector<int>(ends.size(), 1));
  EXPECT_EQ(faulty.file_syncs(), syncs + 1);
  EXPECT_EQ(p->high_watermark(), Offset(20));
}

// The Kafka Produce path queues its wait on an I/O thread and hands only the fsyncs to
// another thread: the first waiter is told to lead, later ones ride on its rounds.
TEST_F(PartitionTest, QueuedWaitersAreCoveredByTheOneLeader) {
  io::FaultInjectionFileSystem faulty(fs_);
  auto p = Open(TopicConfig(), &faulty);
  std::vector<Offset> ends;
  for (int i = 0; i < 5; ++i) {
    ByteBuffer b = testing::BuildBatch(Values(1, i));
    auto w = p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
    ASSERT_TRUE(w.ok()) << w.status();
    ends.push_back(w->last_offset + 1);
  }
  int64_t syncs = faulty.file_syncs();
  int done = 0;
  std::vector<bool> lead;
  for (Offset end : ends) {
    lead.push_back(p->QueueDurable(end, [&, end](Status s) {
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_GE(p->high_watermark(), end);
      ++done;
    }));
  }
  EXPECT_EQ(lead, std::vector<bool>({true, false, false, false, false}));
  EXPECT_EQ(done, 0);  // nothing is durable until the leader runs
  EXPECT_EQ(p->high_watermark(), Offset(0));
  p->LeadDurable();
  EXPECT_EQ(done, 5);
  EXPECT_EQ(faulty.file_syncs(), syncs + 1);
  // Already durable: done at once, and no one needs to lead.
  bool called = false;
  EXPECT_FALSE(p->QueueDurable(ends.back(), [&](Status s) { called = s.ok(); }));
  EXPECT_TRUE(called);
}

TEST_F(PartitionTest, ConcurrentWritersAllGetDurableInOrder) {
  auto p = Open();
  constexpr int kThreads = 6;
  constexpr int kPerThread = 150;
  std::atomic<int> callbacks{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ByteBuffer b = testing::BuildBatch(Values(1, i, fmt::format("{}-{}-", t, i)));
        auto w = p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
        if (!w.ok()) {
          ++errors;
          continue;
        }
        Offset end = w->last_offset + 1;
        if (i % 2 == 0) {
          if (!p->AwaitDurable(end).ok() || p->high_watermark() < end) ++errors;
          ++callbacks;
        } else {
          p->RequestDurable(end, [&, end](Status s) {
            if (!s.ok() || p->high_watermark() < end) ++errors;
            ++callbacks;
          });
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(callbacks.load(), kThreads * kPerThread);
  EXPECT_EQ(p->high_watermark(), Offset(kThreads * kPerThread));
  // Every record, each thread's in its order.
  std::vector<ReadRecord> all = ReadAllOrDie(*p);
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const ReadRecord& r : all) {
    int t = r.record.value->at(0) - '0';
    ASSERT_EQ(*r.record.value, fmt::format("{}-{}-0", t, next[t])) << "at offset " << r.offset;
    ++next[t];
  }
  EXPECT_EQ(next, std::vector<int>(kThreads, kPerThread));
}

TEST_F(PartitionTest, FailedGroupFsyncFailsEveryWaiterAndNothingBecomesVisible) {
  io::FaultInjectionFileSystem faulty(fs_);
  auto p = Open(TopicConfig(), &faulty);
  Append(*p, Values(1, 1));
  faulty.FailSyncs(true);
  std::vector<Offset> ends;
  for (int i = 0; i < 3; ++i) {
    ByteBuffer b = testing::BuildBatch(Values(1, i));
    auto w = p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow));
    ASSERT_TRUE(w.ok());
    ends.push_back(w->last_offset + 1);
  }
  int failed = 0;
  for (Offset end : ends) {
    p->RequestDurable(end, [&](Status s) { failed += s.ok() ? 0 : 1; });
  }
  EXPECT_EQ(failed, 3);
  EXPECT_EQ(p->high_watermark(), Offset(1));
  faulty.FailSyncs(false);
  ByteBuffer b = testing::BuildBatch(Values(1, 9));
  EXPECT_EQ(
      p->Write(MutableByteView(b.mutable_data(), b.size()), TimestampMs(kNow)).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace oxbow::log
