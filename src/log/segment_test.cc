#include "log/segment.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

using ::testing::HasSubstr;
using testing::Rec;
using testing::TestRecord;

constexpr int64_t kIndexInterval = 256;

class SegmentTest : public ::testing::Test {
 protected:
  io::FileSystem& fs_ = io::FileSystem::Default();
  testing::TempDir dir_;

  std::string Path(Offset base, std::string_view ext) {
    return io::JoinPath(dir_.path(), Segment::FileName(base, ext));
  }

  std::shared_ptr<Segment> Create(Offset base) {
    auto seg = Segment::Create(fs_, dir_.path(), base, kIndexInterval);
    EXPECT_TRUE(seg.ok()) << seg.status();
    return *seg;
  }

  std::shared_ptr<Segment> Reopen(Offset base) {
    auto seg = Segment::Open(fs_, dir_.path(), base, kIndexInterval);
    EXPECT_TRUE(seg.ok()) << seg.status();
    return *seg;
  }

  // Appends one batch of `n` records at `base` with timestamp `ts` and commits it.
  BatchHeader AppendBatch(Segment& seg, Offset base, int n, int64_t ts) {
    ByteBuffer b = testing::ValuesBatch(n, ts, fmt::format("value-{}-", base.value()));
    SetBaseOffset(MutableByteView(b.mutable_data(), b.size()), base);
    BatchHeader h = *ParseBatchHeader(b.view());
    Status s = seg.Append(b.view(), std::span<const BatchHeader>(&h, 1));
    EXPECT_TRUE(s.ok()) << s;
    seg.Commit();
    return h;
  }

  // Fills a segment with `batches` batches of 3 records each; timestamps 1000 + 10 * i.
  std::vector<BatchHeader> Fill(Segment& seg, int batches) {
    std::vector<BatchHeader> out;
    Offset next = seg.base_offset();
    for (int i = 0; i < batches; ++i) {
      out.push_back(AppendBatch(seg, next, 3, 1000 + 10 * i));
      next = out.back().last_offset() + 1;
    }
    return out;
  }

  // Checks that FindBatch finds every offset of every batch, and nothing past the end.
  void ExpectFindsAll(const Segment& seg, const std::vector<BatchHeader>& batches) {
    uint64_t pos = 0;
    for (const BatchHeader& h : batches) {
      for (Offset o = h.base_offset; o <= h.last_offset(); ++o) {
        auto loc = seg.FindBatch(o, seg.committed_size());
        ASSERT_TRUE(loc.ok()) << loc.status();
        ASSERT_TRUE(loc->has_value()) << o;
        EXPECT_EQ((*loc)->position, pos) << o;
        EXPECT_EQ((*loc)->header.base_offset, h.base_offset) << o;
      }
      pos += h.size_bytes();
    }
    auto past = seg.FindBatch(batches.back().last_offset() + 1, seg.committed_size());
    ASSERT_TRUE(past.ok());
    EXPECT_FALSE(past->has_value());
  }
};

TEST_F(SegmentTest, FileNames) {
  EXPECT_EQ(Segment::FileName(Offset(0), ".log"), "00000000000000000000.log");
  EXPECT_EQ(Segment::FileName(Offset(1234567), ".index"), "00000000000001234567.index");
  EXPECT_EQ(Segment::ParseFileName("00000000000001234567.log", ".log"), Offset(1234567));
  EXPECT_EQ(Segment::ParseFileName("00000000000000000000.timeindex", ".timeindex"), Offset(0));
  EXPECT_EQ(Segment::ParseFileName("09223372036854775807.log", ".log"), Offset::Max());
  for (std::string_view bad :
       {"0000000000000000000.log", "000000000000000000000.log", "00000000000000000000.index",
        "00000000000000000000.log.cleaned", "00000000000000000000.log.corrupt-5",
        "0000000000000000000a.log", "-0000000000000000001.log", "99999999999999999999.log",
        "recovery-point", ""}) {
    EXPECT_EQ(Segment::ParseFileName(bad, ".log"), std::nullopt) << bad;
  }
}

TEST_F(SegmentTest, AppendIsInvisibleUntilCommit) {
  auto seg = Create(Offset(100));
  EXPECT_TRUE(seg->empty());
  EXPECT_EQ(seg->next_offset(), Offset(100));
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(-1));
  ByteBuffer b = testing::ValuesBatch(2, 5000);
  SetBaseOffset(MutableByteView(b.mutable_data(), b.size()), Offset(100));
  BatchHeader h = *ParseBatchHeader(b.view());
  ASSERT_TRUE(seg->Append(b.view(), std::span<const BatchHeader>(&h, 1)).ok());
  EXPECT_EQ(seg->committed_size(), 0u);
  EXPECT_EQ(seg->written_size(), b.size());
  auto none = seg->FindBatch(Offset(100), seg->committed_size());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  seg->Commit();
  EXPECT_EQ(seg->committed_size(), b.size());
  EXPECT_EQ(seg->next_offset(), Offset(102));
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(5000));
  EXPECT_EQ(seg->first_batch_timestamp(), TimestampMs(5000));
  auto loc = seg->FindBatch(Offset(101), seg->committed_size());
  ASSERT_TRUE(loc.ok() && loc->has_value());
  ByteBuffer read;
  ASSERT_TRUE(seg->ReadBatch(**loc, &read).ok());
  EXPECT_TRUE(std::equal(read.view().begin(), read.view().end(), b.view().begin(), b.view().end()));
}

TEST_F(SegmentTest, FindBatchByOffsetUsesSparseIndex) {
  auto seg = Create(Offset(1000));
  auto batches = Fill(*seg, 40);
  EXPECT_GT(seg->offset_index().size(), 5u);
  ExpectFindsAll(*seg, batches);
  // An offset before the base finds the first batch.
  auto first = seg->FindBatch(Offset(0), seg->committed_size());
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->header.base_offset, Offset(1000));
  // A limit below the end hides the batches past it.
  uint64_t limit = batches[0].size_bytes() + batches[1].size_bytes();
  auto hidden = seg->FindBatch(batches[2].base_offset, limit);
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(hidden->has_value());
  auto partial = seg->FindBatch(batches[2].base_offset, limit + 70);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->has_value());
}

TEST_F(SegmentTest, FindBatchByTime) {
  auto seg = Create(Offset(0));
  // Timestamps that go up and down: 100, 50, 300, 200, 400, 10, ...
  const int64_t ts[] = {100, 50, 300, 200, 400, 10, 10, 500, 20, 450, 30, 600, 40, 40, 40};
  std::vector<BatchHeader> batches;
  Offset next(0);
  for (int i = 0; i < 6; ++i) {
    for (int64_t t : ts) {
      batches.push_back(AppendBatch(*seg, next, 2, t + i * 1000));
      next = batches.back().last_offset() + 1;
    }
  }
  EXPECT_GT(seg->time_index().size(), 2u);
  for (int64_t target = -5; target <= 5700; target += 7) {
    std::optional<Offset> want;
    for (const BatchHeader& h : batches) {
      if (h.max_timestamp.value() >= target) {
        want = h.base_offset;
        break;
      }
    }
    auto got = seg->FindBatchByTime(TimestampMs(target), seg->committed_size());
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->has_value(), want.has_value()) << target;
    if (want) {
      EXPECT_EQ((*got)->header.base_offset, *want) << target;
    }
  }
  // The same answers after sealing and after reopening (index loaded from disk).
  ASSERT_TRUE(seg->Seal().ok());
  seg.reset();
  seg = Reopen(Offset(0));
  ASSERT_TRUE(seg->Recover(std::nullopt, true).ok());
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(5600));
  for (int64_t target : {-1, 0, 55, 301, 1450, 3599, 4600, 5600, 5601}) {
    std::optional<Offset> want;
    for (const BatchHeader& h : batches) {
      if (h.max_timestamp.value() >= target) {
        want = h.base_offset;
        break;
      }
    }
    auto got = seg->FindBatchByTime(TimestampMs(target), seg->committed_size());
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->has_value(), want.has_value()) << target;
    if (want) {
      EXPECT_EQ((*got)->header.base_offset, *want) << target;
    }
  }
}

TEST_F(SegmentTest, ReopenRecoversCleanSegment) {
  auto seg = Create(Offset(50));
  auto batches = Fill(*seg, 30);
  uint64_t size = seg->committed_size();
  ASSERT_TRUE(seg->Sync().ok());
  size_t index_entries = seg->offset_index().size();
  seg.reset();

  seg = Reopen(Offset(50));
  auto report = seg->Recover(Offset(50), true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->truncated_at.has_value());
  EXPECT_EQ(report->batches, 30u);
  EXPECT_EQ(seg->committed_size(), size);
  EXPECT_EQ(seg->next_offset(), batches.back().last_offset() + 1);
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(1290));
  EXPECT_EQ(seg->first_batch_timestamp(), TimestampMs(1000));
  EXPECT_EQ(seg->offset_index().size(), index_entries);
  ExpectFindsAll(*seg, batches);
}

TEST_F(SegmentTest, RecoveryFromLastCheckpointKeepsTimestamps) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 30);
  ASSERT_TRUE(seg->Sync().ok());
  seg.reset();
  // Without a verify point the scan starts at the last index checkpoint; what lies before
  // it is known from the indexes.
  seg = Reopen(Offset(0));
  auto report = seg->Recover(std::nullopt, false);
  ASSERT_TRUE(report.ok());
  EXPECT_LT(report->batches, 30u);
  EXPECT_EQ(seg->next_offset(), Offset(90));
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(1290));
  EXPECT_EQ(seg->first_batch_timestamp(), TimestampMs(1000));
  ExpectFindsAll(*seg, batches);
}

TEST_F(SegmentTest, RecoveryTruncatesTornTail) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 10);
  uint64_t good = seg->committed_size();
  // A torn write: the first 40 bytes of another batch.
  ByteBuffer extra = testing::ValuesBatch(3, 2000);
  SetBaseOffset(MutableByteView(extra.mutable_data(), extra.size()), Offset(30));
  ASSERT_TRUE(seg->file()->Append(extra.view().first(40)).ok());
  ASSERT_TRUE(seg->Sync().ok());
  seg.reset();

  seg = Reopen(Offset(0));
  auto report = seg->Recover(Offset(0), true);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(report->truncated_at.has_value());
  EXPECT_EQ(*report->truncated_at, good);
  EXPECT_EQ(report->truncated_bytes, 40u);
  EXPECT_THAT(report->reason, HasSubstr("incomplete"));
  EXPECT_EQ(seg->committed_size(), good);
  EXPECT_EQ(*fs_.FileSize(Path(Offset(0), ".log")), good);
  EXPECT_EQ(seg->next_offset(), Offset(30));
  // A torn tail is expected after a crash: nothing is kept aside for it.
  for (const std::string& name : testing::ListFiles(dir_.path())) {
    EXPECT_EQ(name.find(".corrupt"), std::string::npos) << name;
  }
  ExpectFindsAll(*seg, batches);

  // Torn inside the batch body (header complete).
  ASSERT_TRUE(seg->file()->Append(extra.view().first(extra.size() - 1)).ok());
  seg.reset();
  seg = Reopen(Offset(0));
  report = seg->Recover(Offset(0), true);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->truncated_at.has_value());
  EXPECT_EQ(*report->truncated_at, good);
  EXPECT_THAT(report->reason, HasSubstr("incomplete"));
  EXPECT_EQ(seg->committed_size(), good);

  // Appending after recovery continues at the recovered end.
  BatchHeader h = AppendBatch(*seg, seg->next_offset(), 1, 3000);
  EXPECT_EQ(h.base_offset, Offset(30));
  batches.push_back(h);
  ExpectFindsAll(*seg, batches);
}

TEST_F(SegmentTest, RecoveryCutsCorruptBytesAndKeepsThemAside) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 12);
  ASSERT_TRUE(seg->Sync().ok());
  uint64_t size = seg->committed_size();
  seg.reset();

  // Flip a byte in the records of batch 7: its CRC no longer matches.
  uint64_t pos7 = 0;
  for (int i = 0; i < 7; ++i) pos7 += batches[i].size_bytes();
  std::string log_path = Path(Offset(0), ".log");
  std::string bytes = testing::ReadFileOrDie(log_path);
  bytes[pos7 + kBatchHeaderSize + 3] ^= 0x40;
  testing::WriteFileOrDie(log_path, bytes);

  seg = Reopen(Offset(0));
  auto report = seg->Recover(Offset(0), true);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(report->truncated_at.has_value());
  EXPECT_EQ(*report->truncated_at, pos7);
  EXPECT_EQ(report->truncated_bytes, size - pos7);
  EXPECT_THAT(report->reason, HasSubstr("CRC"));
  EXPECT_EQ(seg->committed_size(), pos7);
  EXPECT_EQ(seg->next_offset(), batches[7].base_offset);
  EXPECT_EQ(testing::ReadFileOrDie(log_path), bytes.substr(0, pos7));
  // The removed bytes are kept, exactly, beside the log.
  std::string kept = log_path + ".corrupt-" + std::to_string(pos7);
  ASSERT_TRUE(fs_.Exists(kept));
  EXPECT_EQ(testing::ReadFileOrDie(kept), bytes.substr(pos7));
  ExpectFindsAll(*seg, std::vector<BatchHeader>(batches.begin(), batches.begin() + 7));
}

TEST_F(SegmentTest, RecoveryWithoutCrcCheckStillCatchesBadFraming) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 5);
  seg.reset();
  uint64_t pos3 = batches[0].size_bytes() + batches[1].size_bytes() + batches[2].size_bytes();
  std::string log_path = Path(Offset(0), ".log");
  std::string bytes = testing::ReadFileOrDie(log_path);
  bytes[pos3 + batch_field::kMagic] = 7;
  testing::WriteFileOrDie(log_path, bytes);
  seg = Reopen(Offset(0));
  auto report = seg->Recover(Offset(0), false);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->truncated_at.has_value());
  EXPECT_EQ(*report->truncated_at, pos3);
  EXPECT_TRUE(fs_.Exists(log_path + ".corrupt-" + std::to_string(pos3)));
}

TEST_F(SegmentTest, RecoveryStopsAtOffsetsThatGoBackwards) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 4);
  // A valid batch whose offsets do not follow on.
  AppendBatch(*seg, Offset(2), 2, 5000);
  seg.reset();
  seg = Reopen(Offset(0));
  auto report = seg->Recover(Offset(0), true);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->truncated_at.has_value());
  EXPECT_THAT(report->reason, HasSubstr("does not follow"));
  EXPECT_EQ(seg->next_offset(), Offset(12));
}

TEST_F(SegmentTest, RebuildsMissingIndexes) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 40);
  ASSERT_TRUE(seg->Seal().ok());
  size_t entries = seg->offset_index().size();
  size_t tentries = seg->time_index().size();
  seg.reset();
  std::string index = testing::ReadFileOrDie(Path(Offset(0), ".index"));
  std::string tindex = testing::ReadFileOrDie(Path(Offset(0), ".timeindex"));
  ASSERT_TRUE(fs_.Remove(Path(Offset(0), ".index")).ok());
  ASSERT_TRUE(fs_.Remove(Path(Offset(0), ".timeindex")).ok());

  seg = Reopen(Offset(0));
  auto report = seg->Recover(std::nullopt, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->batches, 40u);  // rebuilt from the start of the log
  EXPECT_EQ(seg->offset_index().size(), entries);
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(1390));
  ExpectFindsAll(*seg, batches);
  ASSERT_TRUE(seg->Seal().ok());
  EXPECT_EQ(seg->time_index().size(), tentries);
  EXPECT_EQ(testing::ReadFileOrDie(Path(Offset(0), ".index")), index);
  EXPECT_EQ(testing::ReadFileOrDie(Path(Offset(0), ".timeindex")), tindex);
}

TEST_F(SegmentTest, RebuildsGarbageIndexes) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 40);
  ASSERT_TRUE(seg->Seal().ok());
  seg.reset();
  // Garbage that is not a well-formed index: entries that go backwards, a torn entry.
  std::string garbage;
  for (int i = 0; i < 13; ++i) garbage.push_back(static_cast<char>(0xA5 ^ (i * 37)));
  testing::WriteFileOrDie(Path(Offset(0), ".index"), garbage);
  testing::WriteFileOrDie(Path(Offset(0), ".timeindex"), garbage + garbage);

  seg = Reopen(Offset(0));
  auto report = seg->Recover(std::nullopt, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->batches, 40u);
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(1390));
  ExpectFindsAll(*seg, batches);
  auto t = seg->FindBatchByTime(TimestampMs(1205), seg->committed_size());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->header.max_timestamp, TimestampMs(1210));
}

TEST_F(SegmentTest, IndexEntryPointingAtWrongBatchIsNotTrusted) {
  auto seg = Create(Offset(0));
  auto batches = Fill(*seg, 40);
  ASSERT_TRUE(seg->Seal().ok());
  seg.reset();
  // A well-formed index whose positions are off by one batch: lookups must still be right.
  std::string index;
  uint64_t pos = 0;
  for (size_t i = 0; i + 1 < batches.size(); ++i) {
    pos += batches[i].size_bytes();
    if (i % 5 == 4) {
      ByteBuffer e;
      e.AppendBE32(static_cast<uint32_t>(batches[i].base_offset.value()));  // wrong batch
      e.AppendBE32(static_cast<uint32_t>(pos));
      index += std::string(AsString(e.view()));
    }
  }
  testing::WriteFileOrDie(Path(Offset(0), ".index"), index);
  // Recovery from the last (wrong) checkpoint keeps the other entries: FindBatch must
  // confirm each one against the header it names.
  seg = Reopen(Offset(0));
  ASSERT_TRUE(seg->Recover(std::nullopt, false).ok());
  EXPECT_EQ(seg->next_offset(), Offset(120));
  ExpectFindsAll(*seg, batches);
}

TEST_F(SegmentTest, LostTimeIndexDoesNotLowerMaxTimestamp) {
  // The newest record comes first; later batches are older (a producer's clock went back).
  auto seg = Create(Offset(0));
  std::vector<BatchHeader> batches;
  batches.push_back(AppendBatch(*seg, Offset(0), 3, 900000));
  for (int i = 1; i < 40; ++i) {
    batches.push_back(AppendBatch(*seg, batches.back().last_offset() + 1, 3, 1000 + i));
  }
  ASSERT_TRUE(seg->Sync().ok());
  seg.reset();
  // The time index's contents were lost (never fsynced), the offset index's were not.
  testing::WriteFileOrDie(Path(Offset(0), ".timeindex"), "");
  seg = Reopen(Offset(0));
  ASSERT_TRUE(seg->Recover(std::nullopt, false).ok());
  EXPECT_EQ(seg->max_timestamp(), TimestampMs(900000));
  auto t = seg->FindBatchByTime(TimestampMs(5000), seg->committed_size());
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->header.base_offset, Offset(0));
}

TEST_F(SegmentTest, DeleteRemovesFilesButOpenReadersKeepReading) {
  auto seg = Create(Offset(7));
  auto batches = Fill(*seg, 3);
  std::shared_ptr<io::File> file = seg->file();
  ASSERT_TRUE(seg->Delete().ok());
  for (std::string_view ext : {".log", ".index", ".timeindex"}) {
    EXPECT_FALSE(fs_.Exists(Path(Offset(7), ext))) << ext;
  }
  ByteBuffer read;
  ASSERT_TRUE(seg->ReadBatch(BatchLocation{0, batches[0]}, &read).ok());
  EXPECT_EQ(read.size(), batches[0].size_bytes());
  // Deleting again is fine (files already gone).
  EXPECT_TRUE(seg->Delete().ok());
}

TEST_F(SegmentTest, CreateRefusesExistingLog) {
  auto seg = Create(Offset(0));
  auto again = Segment::Create(fs_, dir_.path(), Offset(0), kIndexInterval);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  // A ".cleaned" segment of the same base is a different set of files.
  auto cleaned =
      Segment::Create(fs_, dir_.path(), Offset(0), kIndexInterval, Segment::kCleanedSuffix);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status();
  EXPECT_TRUE(fs_.Exists(Path(Offset(0), ".log") + ".cleaned"));
  EXPECT_TRUE(fs_.Exists(Path(Offset(0), ".index") + ".cleaned"));
  EXPECT_TRUE(fs_.Exists(Path(Offset(0), ".timeindex") + ".cleaned"));
}

}  // namespace
}  // namespace oxbow::log
