#include "log/compactor.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

using testing::ReadRecord;
using testing::Rec;
using testing::TestRecord;

constexpr int64_t kT0 = 1'000'000;  // record timestamps start here
// A "now" after every record Fill writes (compaction skips records from the future).
constexpr int64_t kLater = kT0 + 1'000'000;

TopicConfig Compacted(int64_t segment_bytes = 600) {
  TopicConfig c;
  c.delete_policy = false;
  c.compact_policy = true;
  c.segment_bytes = segment_bytes;
  c.index_interval_bytes = 128;
  c.delete_retention_ms = 10'000;
  c.min_cleanable_dirty_ratio = 0.5;
  return c;
}

// What compaction must leave: below `cleanable_end`, keyless records and the latest record
// of each key (a tombstone only while younger than delete.retention.ms); the rest untouched.
std::vector<ReadRecord> ExpectCompacted(const std::vector<ReadRecord>& log, int64_t cleanable_end,
                                        int64_t now, const TopicConfig& cfg) {
  std::map<std::string, int64_t> latest;
  for (const ReadRecord& r : log) {
    if (r.offset < cleanable_end && r.record.key) latest[*r.record.key] = r.offset;
  }
  std::vector<ReadRecord> out;
  for (const ReadRecord& r : log) {
    bool keep = r.offset >= cleanable_end || !r.record.key ||
                (latest[*r.record.key] == r.offset &&
                 (r.record.value || r.record.timestamp >= now - cfg.delete_retention_ms));
    if (keep) out.push_back(r);
  }
  return out;
}

class CompactorTest : public ::testing::Test {
 protected:
  io::FileSystem& fs_ = io::FileSystem::Default();
  testing::TempDir dir_;

  std::unique_ptr<Partition> Open(const TopicConfig& c, const std::string& dir = "") {
    auto p = Partition::Open(
        fs_, PartitionOptions{dir.empty() ? dir_.path() : dir, "t", PartitionId(0), c});
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  static int64_t Append(Partition& p, const std::vector<TestRecord>& records,
                        Compression codec = Compression::kNone) {
    ByteBuffer b = testing::BuildBatch(records, codec);
    auto r = testing::AppendCopy(p, b.view(), kT0);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->base_offset.value() : -1;
  }

  static std::vector<ReadRecord> ReadAll(const Partition& p) {
    auto all = testing::ReadAll(p);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<ReadRecord>{};
  }

  // Appends `n` batches of `per_batch` records with keys k0..k{keys-1}, values naming the
  // offset-to-be, timestamps kT0 + i.
  static void Fill(Partition& p, int n, int per_batch, int keys, std::mt19937& rng,
                   Compression codec = Compression::kNone) {
    for (int i = 0; i < n; ++i) {
      std::vector<TestRecord> recs;
      for (int j = 0; j < per_batch; ++j) {
        int64_t offset = p.high_watermark().value() + j;
        std::optional<std::string> key = fmt::format("k{}", rng() % keys);
        if (rng() % 10 == 0) key.reset();
        recs.push_back(Rec(key, fmt::format("value@{}", offset), kT0 + offset));
      }
      // A compacted topic refuses keyless records; the compactor must still keep those
      // written before the topic became compacted, so such batches go in under "delete".
      bool keyless =
          std::any_of(recs.begin(), recs.end(), [](const TestRecord& r) { return !r.key; });
      TopicConfig saved = p.config();
      if (keyless) {
        TopicConfig deleting = saved;
        deleting.delete_policy = true;
        deleting.compact_policy = false;
        p.set_config(deleting);
      }
      Append(p, recs, codec);
      p.set_config(saved);
    }
  }
};

TEST_F(CompactorTest, KeepsLatestValuePerKeyAtItsOffset) {
  TopicConfig c = Compacted();
  auto p = Open(c);
  std::mt19937 rng(42);
  Fill(*p, 40, 4, 6, rng);
  ASSERT_GT(p->segment_count(), 4u);
  auto before = ReadAll(*p);
  int64_t active_base = p->segments().back()->base_offset().value();
  std::string active_bytes = testing::ReadFileOrDie(p->segments().back()->log_path());

  auto r = Compact(*p, TimestampMs(kT0 + 1000));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ran);
  EXPECT_GT(r->records_removed, 0u);
  EXPECT_LT(r->bytes_out, r->bytes_in);
  auto expected = ExpectCompacted(before, active_base, kT0 + 1000, c);
  EXPECT_EQ(ReadAll(*p), expected);
  EXPECT_EQ(r->records_removed, before.size() - expected.size());
  // Offsets and the log's ends do not move; the active segment is untouched.
  EXPECT_EQ(p->high_watermark(), Offset(160));
  EXPECT_EQ(p->log_start_offset(), Offset(0));
  EXPECT_EQ(testing::ReadFileOrDie(p->segments().back()->log_path()), active_bytes);
  // Reading at any offset, including ones compacted away, gives the next surviving record.
  for (int64_t o = 0; o < 160; ++o) {
    auto from = testing::ReadAll(*p, o, 1);
    ASSERT_TRUE(from.ok()) << from.status();
    ASSERT_FALSE(from->empty());
    auto want = std::find_if(expected.begin(), expected.end(),
                             [&](const ReadRecord& e) { return e.offset >= o; });
    EXPECT_EQ(from->front(), *want) << o;
  }
  // The same after a restart.
  p.reset();
  p = Open(c);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(ReadAll(*p), expected);
  EXPECT_EQ(p->high_watermark(), Offset(160));
  EXPECT_EQ(p->log_start_offset(), Offset(0));
}

TEST_F(CompactorTest, SegmentWhoseFirstBatchIsCompactedAwayStaysReadable) {
  TopicConfig c = Compacted(100000);
  auto p = Open(c);
  Append(*p, {Rec("a", "a1", kT0)});
  Append(*p, {Rec("b", "b1", kT0)});
  Append(*p, {Rec("a", "a2", kT0)});
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(kT0 + c.segment_ms + 1)).ok());
  Append(*p, {Rec("c", "c1", kT0)});
  ASSERT_EQ(p->segment_count(), 2u);
  auto r = Compact(*p, TimestampMs(kT0));
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<ReadRecord> expected = {
      {1, Rec("b", "b1", kT0)}, {2, Rec("a", "a2", kT0)}, {3, Rec("c", "c1", kT0)}};
  EXPECT_EQ(ReadAll(*p), expected);
  p.reset();
  p = Open(c);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(ReadAll(*p), expected);
}

TEST_F(CompactorTest, TombstonesLiveForDeleteRetention) {
  TopicConfig c = Compacted(100000);
  auto p = Open(c);
  Append(*p, {Rec("a", "a1", kT0), Rec("b", "b1", kT0)});
  Append(*p, {Rec("a", std::nullopt, kT0 + 100)});  // tombstone for a
  // Keyless records are refused by a compacted topic, but ones written before the topic
  // became compacted stay: write one under cleanup.policy=delete.
  TopicConfig deleting = c;
  deleting.delete_policy = true;
  deleting.compact_policy = false;
  p->set_config(deleting);
  Append(*p, {Rec(std::nullopt, "keyless", kT0 + 100)});
  p->set_config(c);
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(kT0 + c.segment_ms + 1)).ok());
  Append(*p, {Rec("z", "z1", kT0 + 200)});

  // Within delete.retention.ms of the tombstone: the tombstone stays, a1 goes.
  auto r = Compact(*p, TimestampMs(kT0 + 100 + c.delete_retention_ms));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->tombstones_removed, 0u);
  std::vector<ReadRecord> expected = {{1, Rec("b", "b1", kT0)},
                                      {2, Rec("a", std::nullopt, kT0 + 100)},
                                      {3, Rec(std::nullopt, "keyless", kT0 + 100)},
                                      {4, Rec("z", "z1", kT0 + 200)}};
  EXPECT_EQ(ReadAll(*p), expected);

  // Past it, a forced compaction removes the tombstone (nothing new was written).
  r = Compact(*p, TimestampMs(kT0 + 101 + c.delete_retention_ms));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ran);
  EXPECT_EQ(r->tombstones_removed, 1u);
  expected.erase(expected.begin() + 1);
  EXPECT_EQ(ReadAll(*p), expected);
  p.reset();
  p = Open(c);
  EXPECT_EQ(ReadAll(*p), expected);
}

TEST_F(CompactorTest, MinCompactionLagProtectsYoungSegments) {
  TopicConfig c = Compacted(100000);
  c.min_compaction_lag_ms = 5000;
  auto p = Open(c);
  auto roll = [&] { ASSERT_TRUE(p->MaybeRoll(TimestampMs(INT64_MAX / 2)).ok()); };
  Append(*p, {Rec("a", "a1", kT0), Rec("a", "a2", kT0)});
  roll();
  Append(*p, {Rec("a", "a3", kT0 + 3000), Rec("b", "b1", kT0 + 3000)});
  roll();
  Append(*p, {Rec("a", "a4", kT0 + 9000), Rec("b", "b2", kT0 + 9000)});
  roll();
  Append(*p, {Rec("a", "a5", kT0 + 9000)});  // active
  ASSERT_EQ(p->segment_count(), 4u);
  auto before = ReadAll(*p);

  // At kT0 + 8000 only the first two segments are at least the lag old.
  auto r = Compact(*p, TimestampMs(kT0 + 8000));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->segments_in, 2u);
  EXPECT_EQ(ReadAll(*p), ExpectCompacted(before, 4, kT0 + 8000, c));

  // Nothing is old enough: nothing happens.
  testing::TempDir other;
  auto q = Open(c, other.path());
  Append(*q, {Rec("a", "a1", kT0), Rec("a", "a2", kT0)});
  ASSERT_TRUE(q->MaybeRoll(TimestampMs(INT64_MAX / 2)).ok());
  Append(*q, {Rec("a", "a3", kT0)});
  r = Compact(*q, TimestampMs(kT0 + 4999));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
  EXPECT_EQ(ReadAll(*q).size(), 3u);
}

TEST_F(CompactorTest, CompressedBatchesOfEveryCodec) {
  for (Compression codec : {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                            Compression::kLz4, Compression::kZstd}) {
    SCOPED_TRACE(CompressionName(codec));
    testing::TempDir dir;
    TopicConfig c = Compacted(2000);
    auto p = Open(c, dir.path());
    std::mt19937 rng(static_cast<unsigned>(codec) + 1);
    Fill(*p, 30, 6, 5, rng, codec);
    // Headers survive too.
    Append(*p, {TestRecord{"h", "with-headers", {{"x", "1"}, {"y", std::nullopt}}, kT0}}, codec);
    Fill(*p, 10, 6, 5, rng, codec);
    auto before = ReadAll(*p);
    int64_t active_base = p->segments().back()->base_offset().value();
    ASSERT_GT(active_base, 0);
    auto r = Compact(*p, TimestampMs(kLater));
    ASSERT_TRUE(r.ok()) << r.status();
    auto expected = ExpectCompacted(before, active_base, kLater, c);
    EXPECT_EQ(ReadAll(*p), expected);
    // Rewritten batches keep their codec.
    auto read = p->Read(p->log_start_offset(), 1 << 20);
    ASSERT_TRUE(read.ok());
    auto contents = testing::DecodeSlice(read->slice);
    ASSERT_TRUE(contents.ok()) << contents.status();
    for (const BatchHeader& h : contents->batches) EXPECT_EQ(h.compression(), codec);
  }
}

TEST_F(CompactorTest, BatchesThatLoseNothingAreCopiedByteForByte) {
  TopicConfig c = Compacted(100000);
  auto p = Open(c);
  Append(*p, {Rec("a", "1", kT0), Rec("b", "1", kT0)});
  Append(*p, {Rec("c", "1", kT0), Rec("d", "1", kT0)}, Compression::kGzip);
  Append(*p, {Rec("a", "2", kT0)});
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(INT64_MAX / 2)).ok());
  Append(*p, {Rec("e", "1", kT0)});
  auto read = p->Read(Offset(2), 1);
  auto original = testing::ReadSliceBytes(read->slice);
  ASSERT_TRUE(original.ok());
  ASSERT_TRUE(Compact(*p, TimestampMs(kT0)).ok());
  read = p->Read(Offset(2), 1);
  auto copied = testing::ReadSliceBytes(read->slice);
  ASSERT_TRUE(copied.ok());
  EXPECT_TRUE(std::equal(original->view().begin(), original->view().end(), copied->view().begin(),
                         copied->view().end()));
}

TEST_F(CompactorTest, CompactIfDirtyHonoursTheRatio) {
  TopicConfig c = Compacted(400);
  c.min_cleanable_dirty_ratio = 0.5;
  auto p = Open(c);
  std::mt19937 rng(3);
  Fill(*p, 20, 3, 4, rng);
  auto r = CompactIfDirty(*p, TimestampMs(kLater));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ran);  // everything is dirty at first
  // Nothing new: not dirty.
  r = CompactIfDirty(*p, TimestampMs(kLater));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
  // A little new data: below the ratio.
  uint64_t clean = p->size_bytes() - p->segments().back()->committed_size();
  Fill(*p, 3, 3, 4, rng);
  uint64_t dirty = 0;
  for (const auto& seg : p->segments()) {
    if (seg->next_offset() > p->cleaner_checkpoint() && seg != p->segments().back()) {
      dirty += seg->committed_size();
    }
  }
  r = CompactIfDirty(*p, TimestampMs(kLater));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ran, dirty * 2 >= clean + dirty) << dirty << " dirty of " << clean + dirty;
  // A delete-only topic is never compacted.
  TopicConfig d = c;
  d.compact_policy = false;
  d.delete_policy = true;
  p->set_config(d);
  r = Compact(*p, TimestampMs(kLater));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ran);
}

// Compacts a copy of the partition in `dir_` into `compacted_dir` and returns what the
// compacted log holds; the partition in dir_ is left as it was (closed).
class CompactionCrashTest : public CompactorTest {
 protected:
  void SetUp() override {
    c_ = Compacted(500);
    auto p = Open(c_);
    std::mt19937 rng(9);
    Fill(*p, 30, 4, 5, rng);
    original_ = ReadAll(*p);
    for (const auto& seg : p->segments()) old_bases_.push_back(seg->base_offset());
    old_bases_.pop_back();  // the active segment is not compacted
    p.reset();
    std::filesystem::copy(dir_.path(), compacted_dir_.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    auto q = Open(c_, compacted_dir_.path());
    auto r = Compact(*q, TimestampMs(kLater));
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->ran);
    compacted_ = ReadAll(*q);
    ASSERT_LT(compacted_.size(), original_.size());
    std::vector<std::shared_ptr<Segment>> segs = q->segments();
    segs.pop_back();
    for (const auto& seg : segs) new_bases_.push_back(seg->base_offset());
    q.reset();
  }

  // Copies the compacted segments into dir_ as "<base>.log.cleaned" etc., as the compactor
  // leaves them just before its commit point.
  void PlantCleanedFiles() {
    for (Offset base : new_bases_) {
      for (std::string_view ext : {".log", ".index", ".timeindex"}) {
        std::string name = Segment::FileName(base, ext);
        std::filesystem::copy_file(io::JoinPath(compacted_dir_.path(), name),
                                   io::JoinPath(dir_.path(), name) + ".cleaned");
      }
    }
  }

  void WriteManifest() {
    std::string m = "replace\n";
    for (Offset b : old_bases_) m += fmt::format("{}\n", b.value());
    m += "with\n";
    for (Offset b : new_bases_) m += fmt::format("{}\n", b.value());
    testing::WriteFileOrDie(io::JoinPath(dir_.path(), "compaction.manifest"), m);
  }

  void ExpectNoLeftovers() {
    for (const std::string& name : testing::ListFiles(dir_.path())) {
      EXPECT_EQ(name.find(".cleaned"), std::string::npos) << name;
      EXPECT_NE(name, "compaction.manifest");
    }
  }

  TopicConfig c_;
  testing::TempDir compacted_dir_;
  std::vector<ReadRecord> original_;
  std::vector<ReadRecord> compacted_;
  std::vector<Offset> old_bases_;
  std::vector<Offset> new_bases_;
};

TEST_F(CompactionCrashTest, CleanedFilesWithoutManifestAreDiscarded) {
  PlantCleanedFiles();
  auto p = Open(c_);
  EXPECT_EQ(ReadAll(*p), original_);
  ExpectNoLeftovers();
  p.reset();
  p = Open(c_);
  EXPECT_EQ(ReadAll(*p), original_);
}

TEST_F(CompactionCrashTest, ManifestCompletesTheSwap) {
  PlantCleanedFiles();
  WriteManifest();
  auto p = Open(c_);
  EXPECT_EQ(ReadAll(*p), compacted_);
  ExpectNoLeftovers();
  p.reset();
  p = Open(c_);
  EXPECT_EQ(ReadAll(*p), compacted_);
}

TEST_F(CompactionCrashTest, ManifestCompletesAHalfDoneSwap) {
  PlantCleanedFiles();
  WriteManifest();
  // The crash came after the old segments were deleted and the first new segment's log
  // (only) was renamed.
  for (Offset b : old_bases_) {
    if (std::find(new_bases_.begin(), new_bases_.end(), b) != new_bases_.end()) continue;
    for (std::string_view ext : {".log", ".index", ".timeindex"}) {
      ASSERT_TRUE(fs_.Remove(io::JoinPath(dir_.path(), Segment::FileName(b, ext))).ok());
    }
  }
  std::string log = io::JoinPath(dir_.path(), Segment::FileName(new_bases_[0], ".log"));
  ASSERT_TRUE(fs_.Rename(log + ".cleaned", log).ok());
  auto p = Open(c_);
  EXPECT_EQ(ReadAll(*p), compacted_);
  ExpectNoLeftovers();
}

TEST_F(CompactorTest, AppendsAndReadsDuringCompaction) {
  TopicConfig c = Compacted(1500);
  c.flush_messages = -1;
  auto p = Open(c);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> compactions{0};
  std::vector<std::string> failures;
  absl::Mutex mu;
  auto fail = [&](std::string f) {
    absl::MutexLock lock(&mu);
    if (failures.size() < 10) failures.push_back(std::move(f));
    stop = true;
  };
  // Keys k0..k19; the value names the offset, so any record read can be checked.
  std::map<std::string, int64_t> latest;
  std::set<int64_t> keyless;
  std::thread writer([&] {
    std::mt19937 rng(5);
    // At least 3000 appends, and on until the compactor has run a few times (it may be
    // slow to get the CPU on a loaded machine).
    for (int i = 0; (i < 3000 || compactions.load() <= 2) && i < 200000 && !stop; ++i) {
      std::vector<TestRecord> recs;
      int64_t next = p->high_watermark().value();
      for (int j = 0; j < 3; ++j) {
        std::optional<std::string> key = fmt::format("k{}", rng() % 20);
        if (key) {
          latest[*key] = next + j;
        } else {
          keyless.insert(next + j);
        }
        recs.push_back(Rec(key, fmt::format("value@{}", next + j), kT0));
      }
      auto r = testing::AppendCopy(*p, testing::BuildBatch(recs).view(), kT0);
      if (!r.ok() || r->base_offset.value() != next) {
        fail(fmt::format("append: {}", r.status()));
        return;
      }
    }
  });
  std::thread compactor([&] {
    while (!stop) {
      auto r = Compact(*p, TimestampMs(kT0));
      if (!r.ok()) {
        fail(fmt::format("compact: {}", r.status()));
        return;
      }
      if (r->ran) compactions++;
    }
  });
  std::thread reader([&] {
    while (!stop) {
      auto all = testing::ReadAll(*p, 0, 700);
      if (!all.ok()) {
        fail(fmt::format("read: {}", all.status()));
        return;
      }
      int64_t prev = -1;
      for (const ReadRecord& r : *all) {
        if (r.offset <= prev || r.record.value != fmt::format("value@{}", r.offset)) {
          fail(fmt::format("read {} after offset {}", testing::DebugString(r), prev));
          return;
        }
        prev = r.offset;
      }
    }
  });
  writer.join();
  stop = true;
  compactor.join();
  reader.join();
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(compactions.load(), 2);
  // Every key's latest record and every keyless record survived.
  ASSERT_TRUE(p->MaybeRoll(TimestampMs(INT64_MAX / 2)).ok());
  ASSERT_TRUE(Compact(*p, TimestampMs(kT0)).ok());
  std::set<int64_t> expected(keyless);
  for (const auto& [k, o] : latest) expected.insert(o);
  std::set<int64_t> got;
  for (const ReadRecord& r : ReadAll(*p)) got.insert(r.offset);
  EXPECT_EQ(got, expected);
}

TEST_F(CompactorTest, LogStartDoesNotMoveOnRestartWhenHeadIsCompactedAway) {
  // Segments too large to merge: the first one's only key is superseded in the second.
  TopicConfig c = Compacted(200);
  auto p = Open(c);
  Append(*p, {Rec("a", std::string(120, '1'), kT0)});
  Append(*p, {Rec("a", std::string(120, '2'), kT0)});
  Append(*p, {Rec("b", std::string(120, '3'), kT0)});
  ASSERT_EQ(p->segment_count(), 3u);
  auto r = Compact(*p, TimestampMs(kT0));
  ASSERT_TRUE(r.ok()) << r.status();
  auto after = ReadAll(*p);
  ASSERT_EQ(after.size(), 2u);
  // As in Kafka, the log start does not move: a consumer at offset 0 is not told its
  // offset is out of range, it reads on from the first surviving record (offset 1).
  EXPECT_EQ(p->log_start_offset(), Offset(0));
  auto read = p->Read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_GT(read->slice.size, 0u);
  EXPECT_EQ(after.front().offset, 1);
  p.reset();
  p = Open(c);
  EXPECT_EQ(p->log_start_offset(), Offset(0));
  EXPECT_EQ(ReadAll(*p), after);
}

}  // namespace
}  // namespace oxbow::log
