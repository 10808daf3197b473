// Damages the files of a closed partition the ways disks, crashes and people damage them,
// then reopens it and checks what a user would see: the open succeeds (or, for a broken
// topic description, fails with an error naming the file), nothing before the damage is
// lost, the damage is reported with its file and position, and the partition takes appends
// again.
//
// The partition is built from crash_workload.h's small batches (about 150 of them over 5+
// segments of 8 KiB, an index entry every 512 bytes), so every batch can be regenerated and
// compared byte for byte after recovery.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "crash_workload.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "testing/temp_dir.h"

namespace oxbow::crash {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int32_t kPartition = 0;
constexpr int64_t kBatches = 150;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteAll(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

void FlipByte(const std::string& path, uint64_t position) {
  std::string bytes = ReadAll(path);
  ASSERT_LT(position, bytes.size()) << path;
  bytes[position] = static_cast<char>(bytes[position] ^ 0x5a);
  WriteAll(path, bytes);
}

std::vector<std::string> CorruptFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".corrupt-") != std::string::npos) {
      out.push_back(e.path().string());
    }
  }
  return out;
}

// Captures what the log warns about while it is alive.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::find(sinks.begin(), sinks.end(), sink_));
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::sink> sink_;
};

// Where one appended batch lives.
struct BatchAt {
  Offset base;
  Offset last;
  size_t segment;     // index into segments_
  uint64_t position;  // in the segment's .log
  uint64_t size;
};

struct SegmentAt {
  Offset base;
  size_t first_batch;
  size_t end_batch;  // one past the last
  uint64_t size;
};

class LogCorruptionTest : public ::testing::Test {
 protected:
  static log::TopicConfig Config() {
    log::TopicConfig c;
    c.segment_bytes = 8192;
    c.index_interval_bytes = 512;
    c.retention_ms = -1;
    c.segment_ms = INT64_MAX;
    c.flush_messages = -1;  // Close() fsyncs; per-append fsyncs would only slow the build
    return c;
  }

  void SetUp() override {
    pristine_ = io::JoinPath(tmp_.path(), "pristine");
    auto p = OpenPartition(pristine_);
    ASSERT_NE(p, nullptr);
    for (int64_t seq = 0; seq < kBatches; ++seq) {
      Result<ByteBuffer> b = BuildBatch(kPartition, seq, kSmallShape);
      ASSERT_TRUE(b.ok()) << b.status();
      auto r = p->Append(MutableByteView(b->mutable_data(), b->size()), log::NowMs());
      ASSERT_TRUE(r.ok()) << r.status();
    }
    for (const auto& seg : p->segments()) {
      SegmentAt s{seg->base_offset(), batches_.size(), 0, seg->committed_size()};
      for (uint64_t pos = 0; pos < seg->committed_size();) {
        auto h = seg->ReadHeaderAt(pos);
        ASSERT_TRUE(h.ok()) << h.status();
        batches_.push_back(
            {h->base_offset, h->last_offset(), segments_.size(), pos, h->size_bytes()});
        pos += h->size_bytes();
      }
      s.end_batch = batches_.size();
      segments_.push_back(s);
    }
    ASSERT_EQ(batches_.size(), static_cast<size_t>(kBatches));
    ASSERT_GE(segments_.size(), 5u) << "the test needs several segments";
    end_ = p->high_watermark();
    ASSERT_TRUE(p->Close().ok());
  }

  std::unique_ptr<log::Partition> OpenPartition(const std::string& dir) {
    log::PartitionOptions o{dir, "t", PartitionId(kPartition), Config()};
    auto p = log::Partition::Open(io::FileSystem::Default(), o);
    EXPECT_TRUE(p.ok()) << "opening " << dir << ": " << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  // A fresh copy of the pristine partition, to damage.
  std::string Copy(const std::string& name) {
    std::string dir = io::JoinPath(tmp_.path(), name);
    fs::copy(pristine_, dir, fs::copy_options::recursive);
    return dir;
  }

  std::string LogPath(const std::string& dir, size_t segment) const {
    return io::JoinPath(dir, log::Segment::FileName(segments_[segment].base, ".log"));
  }
  std::string IndexPath(const std::string& dir, size_t segment, std::string_view ext) const {
    return io::JoinPath(dir, log::Segment::FileName(segments_[segment].base, ext));
  }
  size_t active() const { return segments_.size() - 1; }

  // Reads batch i through the partition and checks it is exactly what was appended.
  void ExpectBatch(const log::Partition& p, size_t i) {
    SCOPED_TRACE(fmt::format("batch {} at offset {}", i, batches_[i].base));
    auto r = p.Read(batches_[i].base, 0);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_GE(r->slice.size, batches_[i].size);
    std::vector<uint8_t> bytes(batches_[i].size);
    auto n = r->slice.file->ReadAt(r->slice.position, MutableByteView(bytes));
    ASSERT_TRUE(n.ok()) << n.status();
    Status s = CheckBatch(ByteView(bytes.data(), *n), kPartition, static_cast<int64_t>(i),
                          batches_[i].base, kSmallShape);
    EXPECT_TRUE(s.ok()) << s;
  }

  // Batches [0, count) read back intact.
  void ExpectIntact(const log::Partition& p, size_t count) {
    for (size_t i = 0; i < count && !HasFatalFailure(); ++i) ExpectBatch(p, i);
  }

  // The partition takes the next batch at its high watermark and serves it back.
  void ExpectAppendable(log::Partition& p, size_t next_batch) {
    Offset hw = p.high_watermark();
    Result<ByteBuffer> b = BuildBatch(kPartition, static_cast<int64_t>(next_batch), kSmallShape);
    ASSERT_TRUE(b.ok());
    auto r = p.Append(MutableByteView(b->mutable_data(), b->size()), log::NowMs());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->base_offset, hw);
    if (next_batch < batches_.size() && hw == batches_[next_batch].base) {
      ExpectBatch(p, next_batch);
    }
  }

  // The first batch whose bytes include [position, position + 1) of `segment`.
  size_t BatchAtPosition(size_t segment, uint64_t position) const {
    for (size_t i = segments_[segment].first_batch; i < segments_[segment].end_batch; ++i) {
      if (position < batches_[i].position + batches_[i].size) return i;
    }
    return segments_[segment].end_batch;
  }

  testing::TempDir tmp_;
  std::string pristine_;
  std::vector<BatchAt> batches_;
  std::vector<SegmentAt> segments_;
  Offset end_;
};

TEST_F(LogCorruptionTest, PristineCopyReopensUntouched) {
  auto p = OpenPartition(Copy("copy"));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(p->high_watermark(), end_);
  EXPECT_EQ(p->segment_count(), segments_.size());
  ExpectIntact(*p, batches_.size());
}

// A torn write: the active segment ends inside a batch header or a batch body.
TEST_F(LogCorruptionTest, TruncatedActiveSegmentRecoversToLastWholeBatch) {
  const SegmentAt& seg = segments_[active()];
  std::mt19937_64 rng(42);
  std::vector<uint64_t> cuts;
  for (size_t i = seg.first_batch; i < seg.end_batch; ++i) {
    const BatchAt& b = batches_[i];
    cuts.push_back(b.position + 1 + rng() % (log::kBatchHeaderSize - 1));  // mid header
    cuts.push_back(b.position + log::kBatchHeaderSize +
                   rng() % (b.size - log::kBatchHeaderSize));  // mid batch
  }
  cuts.push_back(batches_[seg.first_batch + 1].position);  // exactly at a boundary
  cuts.push_back(0);                                       // the whole segment lost
  for (size_t c = 0; c < cuts.size(); ++c) {
    const uint64_t cut = cuts[c];
    const size_t k = BatchAtPosition(active(), cut);  // first batch damaged
    const bool boundary = cut == batches_[k].position;
    SCOPED_TRACE(fmt::format("cut at {} (batch {} at position {})", cut, k, batches_[k].position));
    std::string dir = Copy(fmt::format("cut-{}", c));
    fs::resize_file(LogPath(dir, active()), cut);

    auto p = OpenPartition(dir);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->high_watermark(), batches_[k].base);
    const auto& truncations = p->recovery_report().truncations;
    if (boundary) {
      EXPECT_TRUE(truncations.empty());
    } else {
      ASSERT_EQ(truncations.size(), 1u);
      EXPECT_THAT(truncations[0], HasSubstr(LogPath(dir, active())));
      EXPECT_THAT(truncations[0], HasSubstr(fmt::format("position {}:", batches_[k].position)));
    }
    EXPECT_EQ(fs::file_size(LogPath(dir, active())), batches_[k].position);
    EXPECT_TRUE(CorruptFiles(dir).empty()) << "a torn tail is not corruption";
    ExpectIntact(*p, k);
    ExpectAppendable(*p, k);
    if (HasFailure()) return;
  }
}

// Bytes flipped in batches the recovery point does not cover (an unclean shutdown):
// recovery validates them, truncates at the damaged batch and keeps the bytes aside.
struct TailFlip {
  const char* name;
  size_t field;  // byte within the batch to flip
  bool delete_recovery_point;
};

void PrintTo(const TailFlip& f, std::ostream* os) { *os << f.name; }

class TailFlipTest : public LogCorruptionTest, public ::testing::WithParamInterface<TailFlip> {};

TEST_P(TailFlipTest, TruncatesAtDamagedBatchAndKeepsTheBytes) {
  const SegmentAt& seg = segments_[active()];
  ASSERT_GE(seg.end_batch - seg.first_batch, 4u);
  const size_t k = seg.first_batch + (seg.end_batch - seg.first_batch) / 2;
  const BatchAt& b = batches_[k];
  const size_t field = std::min<size_t>(GetParam().field, b.size - 1);
  std::string dir = Copy("flip");
  std::string log_path = LogPath(dir, active());
  std::string damaged_tail;
  if (GetParam().delete_recovery_point) {
    fs::remove(io::JoinPath(dir, "recovery-point"));
  } else {
    // As if the last recovery-point write happened before batch k - 2 was appended.
    WriteAll(io::JoinPath(dir, "recovery-point"), fmt::format("{}\n", batches_[k - 2].base));
  }
  FlipByte(log_path, b.position + field);
  damaged_tail = ReadAll(log_path).substr(b.position);

  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->high_watermark(), b.base);
  const auto& truncations = p->recovery_report().truncations;
  ASSERT_EQ(truncations.size(), 1u);
  EXPECT_THAT(truncations[0], HasSubstr(log_path));
  EXPECT_THAT(truncations[0], HasSubstr(fmt::format("position {}:", b.position)));
  EXPECT_THAT(truncations[0], HasSubstr("kept in the .corrupt file"));
  std::string kept = fmt::format("{}.corrupt-{}", log_path, b.position);
  ASSERT_TRUE(fs::exists(kept)) << kept;
  EXPECT_TRUE(ReadAll(kept) == damaged_tail) << "the .corrupt file holds the removed bytes";
  EXPECT_EQ(fs::file_size(log_path), b.position);
  ExpectIntact(*p, k);
  ExpectAppendable(*p, k);
}

INSTANTIATE_TEST_SUITE_P(Fields, TailFlipTest,
                         ::testing::Values(TailFlip{"BaseOffsetNoRecoveryPoint", 7, true},
                                           TailFlip{"BaseOffsetHighByteNoRecoveryPoint", 4, true},
                                           TailFlip{"MagicNoRecoveryPoint", 16, true},
                                           TailFlip{"CrcNoRecoveryPoint", 18, true},
                                           TailFlip{"AttributesNoRecoveryPoint", 22, true},
                                           TailFlip{"RecordsNoRecoveryPoint", 100, true},
                                           TailFlip{"LastByteNoRecoveryPoint", SIZE_MAX, true},
                                           TailFlip{"RecordsStaleRecoveryPoint", 100, false},
                                           TailFlip{"MaxTimestampStaleRecoveryPoint", 40, false}),
                         [](const auto& info) { return std::string(info.param.name); });

// A flipped byte inside a sealed segment, below the recovery point: recovery does not read
// it (recovery time must not grow with the log), so the partition opens; a validating read
// of the damaged batch reports DataLoss naming the file and the position.
TEST_F(LogCorruptionTest, FlippedRecordsInSealedSegmentAreDataLossOnRead) {
  const size_t s = 1;
  const SegmentAt& seg = segments_[s];
  const size_t k = seg.first_batch + (seg.end_batch - seg.first_batch) / 3;
  const BatchAt& b = batches_[k];
  std::string dir = Copy("sealed");
  // Recovery of a sealed segment starts at its last index entry; the damage must lie before.
  std::string index = ReadAll(IndexPath(dir, s, ".index"));
  ASSERT_GE(index.size(), 8u);
  ASSERT_LT(b.position + b.size,
            LoadBE32(reinterpret_cast<const uint8_t*>(index.data()) + index.size() - 4));
  FlipByte(LogPath(dir, s), b.position + b.size - 3);  // inside the records

  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(p->high_watermark(), end_);
  ExpectIntact(*p, k);

  auto segment = p->segments()[s];
  auto loc = segment->FindBatch(b.base, segment->committed_size());
  ASSERT_TRUE(loc.ok() && loc->has_value()) << loc.status();
  EXPECT_EQ((*loc)->position, b.position);
  ByteBuffer buf;
  Status read = segment->ReadBatch(**loc, &buf);
  EXPECT_TRUE(absl::IsDataLoss(read)) << read;
  EXPECT_THAT(ToStd(read.message()), HasSubstr(LogPath(dir, s)));
  EXPECT_THAT(ToStd(read.message()), HasSubstr(fmt::format("position {}", b.position)));
  // A reader that decodes batches (ListOffsets by timestamp) gets the same error.
  auto by_time = p->OffsetForTimestamp(
      Expected(kPartition, static_cast<int64_t>(k), kSmallShape).records.back().timestamp);
  EXPECT_TRUE(absl::IsDataLoss(by_time.status())) << by_time.status();
  EXPECT_THAT(ToStd(by_time.status().message()), HasSubstr(LogPath(dir, s)));
  // The raw read (what Fetch serves; Kafka consumers check the CRC) still returns the batch.
  auto raw = p->Read(b.base, 0);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->slice.position, b.position);

  for (size_t i = k + 1; i < batches_.size() && !HasFailure(); ++i) ExpectBatch(*p, i);
  ExpectAppendable(*p, batches_.size());
}

// A flipped magic byte in a sealed segment breaks the framing: reads that have to step
// over the batch fail with DataLoss naming the file and position; other segments and the
// data before it stay readable.
TEST_F(LogCorruptionTest, BrokenHeaderInSealedSegmentIsDataLossOnRead) {
  const size_t s = 2;
  const SegmentAt& seg = segments_[s];
  const size_t k = seg.first_batch + (seg.end_batch - seg.first_batch) / 3;
  const BatchAt& b = batches_[k];
  std::string dir = Copy("sealed-header");
  FlipByte(LogPath(dir, s), b.position + 16);

  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->recovery_report().truncations.empty());
  EXPECT_EQ(p->high_watermark(), end_);
  ExpectIntact(*p, k);

  auto header = p->segments()[s]->ReadHeaderAt(b.position);
  EXPECT_TRUE(absl::IsDataLoss(header.status())) << header.status();
  EXPECT_THAT(ToStd(header.status().message()), HasSubstr(LogPath(dir, s)));
  EXPECT_THAT(ToStd(header.status().message()), HasSubstr(fmt::format("position {}", b.position)));
  auto read = p->Read(b.base, 0);
  if (!read.ok()) {
    EXPECT_TRUE(absl::IsDataLoss(read.status())) << read.status();
    EXPECT_THAT(ToStd(read.status().message()), HasSubstr(LogPath(dir, s)));
    EXPECT_THAT(ToStd(read.status().message()), HasSubstr(fmt::format("position {}", b.position)));
  } else {
    // An index entry may let the lookup land on the damaged batch without parsing it;
    // then the raw bytes are served and the consumer's CRC check rejects them.
    EXPECT_EQ(read->slice.position, b.position);
  }
  for (size_t i = seg.end_batch; i < batches_.size() && !HasFailure(); ++i) ExpectBatch(*p, i);
  ExpectAppendable(*p, batches_.size());
}

// Missing, truncated or garbled index files are rebuilt from the log; reads by offset and
// by timestamp give the same answers as before. Offset-index entries are confirmed against
// the batch header they point at, so even plausible (ordered, in range) wrong entries are
// caught. Time-index timestamps cannot be confirmed that cheaply: an entry whose timestamp
// is lowered but still ordered goes unnoticed and misdirects timestamp lookups, so that
// case is not claimed here (see tests/crash/README.md).
struct IndexDamage {
  const char* name;
  std::function<void(const std::string& index_path, uint64_t log_size)> apply;
  std::string_view ext;
  bool active_segment;
};

void PrintTo(const IndexDamage& d, std::ostream* os) { *os << d.name; }

class IndexDamageTest : public LogCorruptionTest,
                        public ::testing::WithParamInterface<IndexDamage> {
 protected:
  void ExpectLookupsCorrect(const log::Partition& p) {
    for (size_t i = 0; i < batches_.size() && !HasFailure(); ++i) {
      ExpectBatch(p, i);
      const BatchAt& b = batches_[i];
      // An offset inside the batch finds the batch.
      auto mid = p.Read(b.base + (b.last - b.base) / 2, 0);
      ASSERT_TRUE(mid.ok()) << mid.status();
      ASSERT_EQ(mid->slice.position, b.position) << "offset " << b.base;
      ExpectedBatch e = Expected(kPartition, static_cast<int64_t>(i), kSmallShape);
      for (size_t j = 0; j < e.records.size(); ++j) {
        auto found = p.OffsetForTimestamp(e.records[j].timestamp);
        ASSERT_TRUE(found.ok()) << found.status();
        ASSERT_TRUE(found->has_value()) << "timestamp " << e.records[j].timestamp;
        EXPECT_EQ((*found)->first, b.base + static_cast<int64_t>(j))
            << "timestamp " << e.records[j].timestamp;
        EXPECT_EQ((*found)->second, e.records[j].timestamp);
      }
      auto from_time = p.ReadFromTimestamp(e.records.front().timestamp, 0);
      ASSERT_TRUE(from_time.ok()) << from_time.status();
      EXPECT_EQ(from_time->slice.position, b.position) << "timestamp of batch " << i;
      EXPECT_EQ(from_time->slice.file->path(), p.segments()[b.segment]->log_path());
    }
  }
};

TEST_P(IndexDamageTest, RebuiltAndLookupsStillCorrect) {
  const IndexDamage& d = GetParam();
  std::string dir = Copy("index");
  // Damage the index of every segment (or of the active one only).
  for (size_t s = d.active_segment ? active() : 0; s < segments_.size(); ++s) {
    d.apply(IndexPath(dir, s, d.ext), segments_[s].size);
  }
  {
    auto p = OpenPartition(dir);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(p->recovery_report().truncations.empty())
        << p->recovery_report().truncations.front();
    EXPECT_TRUE(CorruptFiles(dir).empty());
    EXPECT_EQ(p->high_watermark(), end_);
    EXPECT_EQ(p->segment_count(), segments_.size());
    ExpectLookupsCorrect(*p);
    if (HasFailure()) return;
    for (size_t s = 0; s + 1 < segments_.size(); ++s) {
      EXPECT_GT(fs::file_size(IndexPath(dir, s, ".index")), 0u) << "index " << s << " rebuilt";
      EXPECT_GT(fs::file_size(IndexPath(dir, s, ".timeindex")), 0u);
    }
  }
  // The rebuilt indexes serve a second open as well.
  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  ExpectLookupsCorrect(*p);
  ExpectAppendable(*p, batches_.size());
}

void Remove(const std::string& path, uint64_t) { fs::remove(path); }
void Empty(const std::string& path, uint64_t) { fs::resize_file(path, 0); }
void CutMidEntry(const std::string& path, uint64_t) {
  uintmax_t size = fs::file_size(path);
  if (size > 5) fs::resize_file(path, size - 5);
}
void RandomGarbage(const std::string& path, uint64_t) {
  std::mt19937_64 rng(std::hash<std::string>()(path));
  std::string bytes(std::max<uintmax_t>(fs::file_size(path), 48), '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  WriteAll(path, bytes);
}
void Zeros(const std::string& path, uint64_t) {
  WriteAll(path, std::string(std::max<uintmax_t>(fs::file_size(path), 48), '\0'));
}
// Plausible but wrong: the low byte of the last offset-index entry's position changes, so
// the entry still looks ordered and in range but points into the middle of a batch.
void ShiftLastPosition(const std::string& path, uint64_t) {
  std::string bytes = ReadAll(path);
  if (bytes.size() < 8) return;
  bytes[bytes.size() - 1] = static_cast<char>(bytes[bytes.size() - 1] ^ 0x01);
  WriteAll(path, bytes);
}
// The same for an entry in the middle of the index.
void ShiftMiddlePosition(const std::string& path, uint64_t) {
  std::string bytes = ReadAll(path);
  size_t entries = bytes.size() / 8;
  if (entries < 3) return;
  size_t low_byte = (entries / 2) * 8 + 7;
  bytes[low_byte] = static_cast<char>(bytes[low_byte] ^ 0x01);
  WriteAll(path, bytes);
}
// Plausible but wrong: the last offset-index entry names the next offset at its position.
void ShiftLastOffset(const std::string& path, uint64_t) {
  std::string bytes = ReadAll(path);
  if (bytes.size() < 8) return;
  bytes[bytes.size() - 5] = static_cast<char>(bytes[bytes.size() - 5] + 1);
  WriteAll(path, bytes);
}
// Plausible but wrong: the last time-index entry claims a larger timestamp.
void RaiseLastTimestamp(const std::string& path, uint64_t) {
  std::string bytes = ReadAll(path);
  if (bytes.size() < 12) return;
  bytes[bytes.size() - 12 + 5] = static_cast<char>(bytes[bytes.size() - 12 + 5] + 1);
  WriteAll(path, bytes);
}
INSTANTIATE_TEST_SUITE_P(
    Damage, IndexDamageTest,
    ::testing::Values(
        IndexDamage{"OffsetIndexDeleted", Remove, ".index", false},
        IndexDamage{"TimeIndexDeleted", Remove, ".timeindex", false},
        IndexDamage{"OffsetIndexEmptied", Empty, ".index", false},
        IndexDamage{"OffsetIndexCutMidEntry", CutMidEntry, ".index", false},
        IndexDamage{"TimeIndexCutMidEntry", CutMidEntry, ".timeindex", false},
        IndexDamage{"OffsetIndexGarbage", RandomGarbage, ".index", false},
        IndexDamage{"TimeIndexGarbage", RandomGarbage, ".timeindex", false},
        IndexDamage{"OffsetIndexZeros", Zeros, ".index", false},
        IndexDamage{"TimeIndexZeros", Zeros, ".timeindex", false},
        IndexDamage{"OffsetIndexWrongPosition", ShiftLastPosition, ".index", false},
        IndexDamage{"OffsetIndexWrongMiddlePosition", ShiftMiddlePosition, ".index", false},
        IndexDamage{"OffsetIndexWrongOffset", ShiftLastOffset, ".index", false},
        IndexDamage{"TimeIndexHigherTimestamp", RaiseLastTimestamp, ".timeindex", false},
        IndexDamage{"ActiveOffsetIndexGarbage", RandomGarbage, ".index", true},
        IndexDamage{"ActiveTimeIndexGarbage", RandomGarbage, ".timeindex", true}),
    [](const auto& info) { return std::string(info.param.name); });

// Power loss on a filesystem that extended the file but never wrote the data: the active
// segment ends in zeros.
TEST_F(LogCorruptionTest, ZeroFilledTailIsTruncated) {
  std::string dir = Copy("zeros");
  std::string log_path = LogPath(dir, active());
  const uint64_t size = fs::file_size(log_path);
  WriteAll(log_path, ReadAll(log_path) + std::string(4096, '\0'));

  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->high_watermark(), end_);
  EXPECT_EQ(fs::file_size(log_path), size);
  const auto& truncations = p->recovery_report().truncations;
  ASSERT_EQ(truncations.size(), 1u);
  EXPECT_THAT(truncations[0], HasSubstr(log_path));
  EXPECT_THAT(truncations[0], HasSubstr(fmt::format("position {}:", size)));
  ExpectIntact(*p, batches_.size());
  ExpectAppendable(*p, batches_.size());
}

// The same, with the recovery point gone too (the power loss also lost its rename).
TEST_F(LogCorruptionTest, ZeroFilledTailWithoutRecoveryPointIsTruncated) {
  std::string dir = Copy("zeros-no-rp");
  std::string log_path = LogPath(dir, active());
  const uint64_t size = fs::file_size(log_path);
  WriteAll(log_path, ReadAll(log_path) + std::string(4096, '\0'));
  fs::remove(io::JoinPath(dir, "recovery-point"));

  auto p = OpenPartition(dir);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->high_watermark(), end_);
  EXPECT_EQ(fs::file_size(log_path), size);
  ASSERT_EQ(p->recovery_report().truncations.size(), 1u);
  ExpectIntact(*p, batches_.size());
}

// Garbage in the small metadata files: ignored with a warning naming the file.
TEST_F(LogCorruptionTest, GarbageOffsetFilesAreIgnoredWithAWarning) {
  for (std::string_view file : {"recovery-point", "log-start-offset"}) {
    for (std::string_view garbage :
         {std::string_view("not a number\n"), std::string_view("\xff\x00\x13garbage", 10),
          std::string_view("-5\n"), std::string_view("")}) {
      SCOPED_TRACE(fmt::format("{} = '{}'", file, garbage));
      std::string dir = Copy("meta");
      std::string path = io::JoinPath(dir, std::string(file));
      WriteAll(path, garbage);
      LogCapture capture;
      auto p = OpenPartition(dir);
      ASSERT_NE(p, nullptr);
      EXPECT_THAT(capture.text(), HasSubstr(path));
      EXPECT_TRUE(p->recovery_report().truncations.empty());
      EXPECT_EQ(p->log_start_offset(), Offset(0));
      EXPECT_EQ(p->high_watermark(), end_);
      ExpectIntact(*p, batches_.size());
      p.reset();
      fs::remove_all(dir);
      if (HasFailure()) return;
    }
  }
}

// Not damage: a segment whose batches all start within the first index.interval.bytes has
// no offset-index entries (entries mark later batches), e.g. a segment holding one batch
// larger than the interval. Reopening must not call its index damaged every time.
TEST(SegmentIndexTest, SegmentOfOneLargeBatchIsNotReportedDamaged) {
  testing::TempDir tmp;
  log::TopicConfig c;
  c.segment_bytes = 1024;  // every batch rolls a new segment
  c.index_interval_bytes = 512;
  log::PartitionOptions o{tmp.path(), "t", PartitionId(kPartition), c};
  constexpr WorkloadShape kLarge{50, 1000, 1000};
  for (int round = 0; round < 3; ++round) {
    LogCapture capture;
    auto p = log::Partition::Open(io::FileSystem::Default(), o);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_THAT(capture.text(), Not(HasSubstr("index damaged"))) << "round " << round;
    for (int64_t seq = round * 3; seq < round * 3 + 3; ++seq) {
      Result<ByteBuffer> b = BuildBatch(kPartition, seq, kLarge);
      ASSERT_TRUE(b.ok());
      ASSERT_GT(b->size(), 2u * 512);
      ASSERT_TRUE((*p)->Append(MutableByteView(b->mutable_data(), b->size()), log::NowMs()).ok());
    }
  }
}

// A broken topic description fails the open with an error naming the file; it does not
// crash, and the topic's data is untouched for an operator to repair.
TEST(TopicDescriptionTest, GarbageTopicJsonFailsOpenNamingTheFile) {
  testing::TempDir tmp;
  log::LogOptions options;
  options.data_dir = tmp.path();
  {
    auto logs = log::LogManager::Open(io::FileSystem::Default(), options);
    ASSERT_TRUE(logs.ok()) << logs.status();
    ASSERT_TRUE((*logs)->CreateTopic("events", 2, {{"segment.bytes", "4096"}}).ok());
    auto p = (*logs)->GetPartition("events", PartitionId(1));
    ASSERT_TRUE(p.ok());
    Result<ByteBuffer> b = BuildBatch(1, 0, kSmallShape);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE((*p)->Append(MutableByteView(b->mutable_data(), b->size()), log::NowMs()).ok());
  }
  const std::string path = tmp.path() + "/topics/events/topic.json";
  const std::string good = ReadAll(path);
  for (std::string_view garbage :
       {std::string_view("{\"partitions\": 2, \"config\": {"), std::string_view(""),
        std::string_view("\x00\x01\x02\xff", 4), std::string_view("[1, 2, 3]"),
        std::string_view("{\"partitions\": \"two\"}"), std::string_view("{\"partitions\": 0}"),
        std::string_view("{\"partitions\": -3}"), std::string_view("{\"partitions\": 1e10}"),
        std::string_view("{\"partitions\": 99999999999}"),
        // 2^32 + 2: narrowed to int32 it would read as 2 and open "fine".
        std::string_view("{\"partitions\": 4294967298}"),
        std::string_view("{\"partitions\": 2, \"config\": {\"segment.bytes\": \"big\"}}"),
        std::string_view("{\"partitions\": 2, \"config\": {\"no.such.key\": \"1\"}}")}) {
    SCOPED_TRACE(fmt::format("topic.json = '{}'", garbage));
    WriteAll(path, garbage);
    auto logs = log::LogManager::Open(io::FileSystem::Default(), options);
    ASSERT_FALSE(logs.ok());
    EXPECT_THAT(ToStd(logs.status().message()), HasSubstr(path));
  }
  WriteAll(path, good);
  auto logs = log::LogManager::Open(io::FileSystem::Default(), options);
  ASSERT_TRUE(logs.ok()) << logs.status();
  auto p = (*logs)->GetPartition("events", PartitionId(1));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->high_watermark(),
            Offset(static_cast<int64_t>(Expected(1, 0, kSmallShape).records.size())));
}

}  // namespace
}  // namespace oxbow::crash
