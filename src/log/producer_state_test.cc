// Idempotent producers: the sequence rules of producer_state.h, checked through a
// Partition (what the Produce path calls), and their survival across restarts.
#include "log/producer_state.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "log/partition.h"
#include "log/record_batch_builder.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// A batch of `n` records from producer `pid` at `epoch`, sequences seq..seq+n-1.
ByteBuffer IdempotentBatch(int64_t pid, int16_t epoch, int32_t seq, int n) {
  BatchOptions o;
  o.producer_id = ProducerId(pid);
  o.producer_epoch = ProducerEpoch(epoch);
  o.base_sequence = seq;
  RecordBatchBuilder b(o);
  for (int i = 0; i < n; ++i) {
    std::string v = fmt::format("p{}-e{}-s{}", pid, epoch, seq + i);
    b.Add(TimestampMs(kNow), std::nullopt, AsBytes(v));
  }
  Result<ByteBuffer> out = b.Build();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? std::move(*out) : ByteBuffer();
}

class ProducerStateTest : public ::testing::Test {
 protected:
  io::FileSystem& fs_ = io::FileSystem::Default();
  testing::TempDir dir_;

  std::unique_ptr<Partition> Open(int64_t segment_bytes = 1 << 30) {
    TopicConfig c;
    c.segment_bytes = segment_bytes;
    auto p = Partition::Open(fs_, PartitionOptions{dir_.path(), "t", PartitionId(0), c});
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  static Result<AppendResult> Send(Partition& p, int64_t pid, int16_t epoch, int32_t seq, int n) {
    ByteBuffer b = IdempotentBatch(pid, epoch, seq, n);
    return testing::AppendCopy(p, b.view(), kNow);
  }

  static std::optional<ProducerError> ErrorOf(const Result<AppendResult>& r) {
    return r.ok() ? std::nullopt : ProducerErrorOf(r.status());
  }
};

TEST_F(ProducerStateTest, InSequenceBatchesAreWrittenAndRetriesAnswerTheOriginalOffsets) {
  auto p = Open();
  auto a = Send(*p, 7, 0, 0, 3);
  auto b = Send(*p, 7, 0, 3, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->base_offset, Offset(3));
  // Each of the last 5 batches, retried, is recognized and not written again.
  auto retry = Send(*p, 7, 0, 0, 3);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, Offset(0));
  EXPECT_EQ(retry->last_offset, Offset(2));
  EXPECT_EQ(p->high_watermark(), Offset(5));
  auto next = Send(*p, 7, 0, 5, 1);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->duplicate);
  EXPECT_EQ(next->base_offset, Offset(5));
}

TEST_F(ProducerStateTest, OnlyTheLastFiveBatchesAreRemembered) {
  auto p = Open();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
  // Batch 1 is among the last five (1..5); batch 0 is not: Kafka answers a retry that old
  // with OUT_OF_ORDER_SEQUENCE_NUMBER (a well-behaved client never sends one).
  auto recent = Send(*p, 1, 0, 1, 1);
  ASSERT_TRUE(recent.ok());
  EXPECT_TRUE(recent->duplicate);
  EXPECT_EQ(recent->base_offset, Offset(1));
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 0, 1)), ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(p->high_watermark(), Offset(6));
}

TEST_F(ProducerStateTest, AGapIsOutOfOrderAndWritesNothing) {
  auto p = Open();
  ASSERT_TRUE(Send(*p, 1, 0, 0, 2).ok());
  auto gap = Send(*p, 1, 0, 3, 1);
  EXPECT_EQ(ErrorOf(gap), ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  // A retry that overlaps without matching a written batch is out of order too.
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 1, 1)), ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(p->high_watermark(), Offset(2));
  EXPECT_TRUE(Send(*p, 1, 0, 2, 1).ok());
}

TEST_F(ProducerStateTest, UnknownProducerMustStartAtZero) {
  auto p = Open();
  EXPECT_EQ(ErrorOf(Send(*p, 9, 0, 5, 1)), ProducerError::kUnknownProducerId);
  EXPECT_TRUE(Send(*p, 9, 0, 0, 1).ok());
}

TEST_F(ProducerStateTest, EpochsFenceOlderOnesAndStartOverAtZero) {
  auto p = Open();
  ASSERT_TRUE(Send(*p, 1, 0, 0, 4).ok());
  // A bumped epoch must start at sequence 0.
  EXPECT_EQ(ErrorOf(Send(*p, 1, 1, 4, 1)), ProducerError::kOutOfOrderSequence);
  ASSERT_TRUE(Send(*p, 1, 1, 0, 1).ok());
  // The old epoch is fenced, even for what would have been its next batch.
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 4, 1)), ProducerError::kInvalidProducerEpoch);
  EXPECT_TRUE(Send(*p, 1, 1, 1, 1).ok());
  EXPECT_EQ(p->high_watermark(), Offset(6));
}

TEST_F(ProducerStateTest, ProducersAreIndependentAndOrdinaryBatchesUnchecked) {
  auto p = Open();
  ASSERT_TRUE(Send(*p, 1, 0, 0, 1).ok());
  ASSERT_TRUE(Send(*p, 2, 0, 0, 1).ok());
  ByteBuffer plain = testing::ValuesBatch(2, kNow);
  ASSERT_TRUE(testing::AppendCopy(*p, plain.view(), kNow).ok());
  ASSERT_TRUE(testing::AppendCopy(*p, plain.view(), kNow).ok());
  EXPECT_TRUE(Send(*p, 1, 0, 1, 1).ok());
  EXPECT_TRUE(Send(*p, 2, 0, 1, 1).ok());
  EXPECT_EQ(p->producer_count(), 2u);
}

TEST(ProducerSequenceTest, SequencesWrapAfterIntMax) {
  BatchHeader h;
  h.base_sequence = INT32_MAX - 1;
  h.last_offset_delta = 3;
  EXPECT_EQ(LastSequence(h), 1);
  ProducerEntry e;
  e.epoch = ProducerEpoch(0);
  e.Add(ProducerBatch{INT32_MAX - 2, INT32_MAX, Offset(0), Offset(2)});
  BatchHeader next;
  next.producer_id = ProducerId(1);
  next.producer_epoch = ProducerEpoch(0);
  next.base_sequence = 0;
  EXPECT_TRUE(ProducerStateTable::Check(&e, next).ok());
}

TEST_F(ProducerStateTest, RetryInTheSameRecordSetAsANewBatchAnswersTheDuplicate) {
  auto p = Open();
  ASSERT_TRUE(Send(*p, 1, 0, 0, 1).ok());
  ByteBuffer set = IdempotentBatch(1, 0, 1, 1);
  ByteBuffer second = IdempotentBatch(1, 0, 2, 1);
  set.Append(second.view());
  auto r = testing::AppendCopy(*p, set.view(), kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->last_offset, Offset(2));
  EXPECT_TRUE(Send(*p, 1, 0, 3, 1).ok());
}

TEST_F(ProducerStateTest, StateSurvivesARestart) {
  {
    auto p = Open();
    ASSERT_TRUE(Send(*p, 1, 0, 0, 2).ok());
    ASSERT_TRUE(Send(*p, 1, 0, 2, 2).ok());
    ASSERT_TRUE(Send(*p, 2, 3, 0, 1).ok());
  }
  auto p = Open();
  EXPECT_EQ(p->producer_count(), 2u);
  auto dup = Send(*p, 1, 0, 2, 2);
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->base_offset, Offset(2));
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 5, 1)), ProducerError::kOutOfOrderSequence);
  EXPECT_EQ(ErrorOf(Send(*p, 2, 2, 1, 1)), ProducerError::kInvalidProducerEpoch);
  EXPECT_TRUE(Send(*p, 1, 0, 4, 1).ok());
}

TEST_F(ProducerStateTest, RecoveryScansOnlyTheBatchesAfterTheSnapshot) {
  {
    // Small segments: batches roll often, and each roll writes a snapshot.
    auto p = Open(/*segment_bytes=*/300);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
    ASSERT_GT(p->segment_count(), 3u);
  }
  auto p = Open(300);
  ASSERT_TRUE(p->recovery_report().producer_snapshot.has_value());
  // Close wrote a snapshot at the log end: nothing left to scan.
  EXPECT_EQ(*p->recovery_report().producer_snapshot, Offset(30));
  EXPECT_EQ(p->recovery_report().producer_batches_scanned, 0u);
  auto dup = Send(*p, 1, 0, 29, 1);
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->base_offset, Offset(29));
}

TEST_F(ProducerStateTest, WithoutTheCloseSnapshotRecoveryScansTheTailAfterTheRollSnapshot) {
  {
    auto p = Open(300);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
  }
  // As after a crash: the snapshot Close wrote is missing; the roll snapshots remain.
  std::string at_end = io::JoinPath(dir_.path(), Segment::FileName(Offset(30), ".snapshot"));
  ASSERT_TRUE(fs_.Remove(at_end).ok());
  auto p = Open(300);
  ASSERT_TRUE(p->recovery_report().producer_snapshot.has_value());
  Offset snap = *p->recovery_report().producer_snapshot;
  EXPECT_GT(snap, Offset(0));
  EXPECT_EQ(p->recovery_report().producer_batches_scanned,
            static_cast<uint64_t>(30 - snap.value()));
  EXPECT_TRUE(Send(*p, 1, 0, 28, 1)->duplicate);
  EXPECT_TRUE(Send(*p, 1, 0, 30, 1).ok());
}

TEST_F(ProducerStateTest, ACorruptSnapshotIsIgnoredAndTheStateRebuiltFromTheLog) {
  {
    auto p = Open();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
  }
  std::string path = io::JoinPath(dir_.path(), Segment::FileName(Offset(10), ".snapshot"));
  Result<std::string> bytes = fs_.ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  std::string damaged = *bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  ASSERT_TRUE(fs_.WriteFileAtomically(path, AsBytes(damaged)).ok());
  auto p = Open();
  EXPECT_FALSE(p->recovery_report().producer_snapshot.has_value());
  EXPECT_EQ(p->recovery_report().producer_batches_scanned, 10u);
  EXPECT_TRUE(Send(*p, 1, 0, 9, 1)->duplicate);
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 11, 1)), ProducerError::kOutOfOrderSequence);
  EXPECT_TRUE(Send(*p, 1, 0, 10, 1).ok());
}

TEST_F(ProducerStateTest, ASnapshotPastTheLogEndIsStale) {
  {
    auto p = Open();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
  }
  // A snapshot that claims batches the log does not have (its tail was lost).
  ProducerStateTable t;
  BatchHeader h;
  h.producer_id = ProducerId(1);
  h.producer_epoch = ProducerEpoch(0);
  h.base_sequence = 50;
  h.base_offset = Offset(50);
  t.Replay(h);
  std::string path = io::JoinPath(dir_.path(), Segment::FileName(Offset(51), ".snapshot"));
  ASSERT_TRUE(fs_.WriteFileAtomically(path, AsBytes(t.EncodeSnapshot(Offset(51)))).ok());
  auto p = Open();
  EXPECT_EQ(p->recovery_report().producer_snapshot, Offset(3));
  EXPECT_FALSE(fs_.Exists(path));
  EXPECT_TRUE(Send(*p, 1, 0, 3, 1).ok());
}

TEST_F(ProducerStateTest, DeletedRecordsForgetProducersWhoseBatchesAreAllGone) {
  auto p = Open(300);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Send(*p, 1, 0, i, 1).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Send(*p, 2, 0, i, 1).ok());
  ASSERT_TRUE(p->DeleteRecordsBefore(Offset(15)).ok());
  // Producer 1's batches are all below the log start; producer 2 still has some.
  EXPECT_EQ(p->producer_count(), 1u);
  EXPECT_EQ(ErrorOf(Send(*p, 1, 0, 10, 1)), ProducerError::kUnknownProducerId);
  EXPECT_TRUE(Send(*p, 2, 0, 10, 1).ok());
  p.reset();
  p = Open(300);
  EXPECT_TRUE(Send(*p, 2, 0, 10, 1)->duplicate);
}

TEST(ProducerSnapshotTest, EncodeDecodeRoundTripsAndRejectsDamage) {
  ProducerStateTable t;
  for (int i = 0; i < 7; ++i) {
    BatchHeader h;
    h.producer_id = ProducerId(100 + i % 2);
    h.producer_epoch = ProducerEpoch(3);
    h.base_sequence = i * 10;
    h.last_offset_delta = 9;
    h.base_offset = Offset(i * 10);
    t.Replay(h);
  }
  std::string bytes = t.EncodeSnapshot(Offset(70));
  ProducerStateTable u;
  auto at = u.DecodeSnapshot(AsBytes(bytes));
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(*at, Offset(70));
  ASSERT_EQ(u.size(), 2u);
  const ProducerEntry* e = u.Find(ProducerId(100));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->count, 4);
  EXPECT_EQ(e->last()->last_seq, 69);  // batch i = 6: sequences 60..69
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() - 1}) {
    EXPECT_EQ(u.DecodeSnapshot(AsBytes(std::string_view(bytes).substr(0, cut))).status().code(),
              absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace oxbow::log
