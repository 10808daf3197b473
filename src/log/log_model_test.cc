// A randomized model test of the partitioned log (redpanda's storage opfuzz in spirit).
//
// Random sequences of operations — appends of random record sets (batch counts, sizes, keys,
// headers, timestamps, codecs), reads at random offsets with random max_bytes, time jumps
// that roll segments, restarts (close and reopen, or a simulated crash), compaction,
// retention, DeleteRecords and invalid appends — run against a real Partition and against a
// simple model: the records the log must hold (offset -> record) plus the log start offset
// and high watermark. After every operation the whole log is read back and compared with
// the model.
//
// What the model predicts exactly, and what it asks the partition:
//   - appends, reads, DeleteRecordsBefore, restarts (clean, and crashes that keep what was
//     written but skip Close): fully predicted.
//   - which records compaction removes: predicted from the segments that existed before it
//     (asked of the partition: the cleanable ones are the sealed segments up to the first
//     younger than min.compaction.lag.ms); the log start may rise to the first segment left
//     if the oldest segments were emptied, which the model checks is consistent and adopts.
//   - which segments retention deletes: predicted from the segments that existed before it
//     (their base offsets, sizes and max timestamps, asked of the partition), by the rules:
//     leading sealed segments whose records are all older than retention.ms, the active one
//     too when everything expired; then leading segments while the rest still holds at least
//     retention.bytes.
//
// OXBOW_MODEL_SEED=<n> runs that seed only (every failure prints the seed it ran with);
// OXBOW_MODEL_OPS=<n> sets the operations per seed; OXBOW_QUICK=1 runs fewer.
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "log/compactor.h"
#include "log/partition.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::log {
namespace {

using testing::ReadRecord;
using testing::TestRecord;

constexpr int64_t kStartTime = 1'700'000'000'000;
constexpr int kDefaultOps = 2500;
constexpr uint64_t kDefaultSeeds[] = {0, 1, 2, 3};

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoll(v, nullptr, 10);
}

// A segment as the model sees it: what retention and compaction decide on.
struct SegmentInfo {
  int64_t base;
  int64_t next;
  uint64_t size;
  int64_t max_timestamp;
};

class LogModel {
 public:
  LogModel(uint64_t seed, int ops) : seed_(seed), ops_(ops), rng_(seed * 7919 + 17) {
    ChooseConfig();
    // One seed in four runs on the real filesystem with an fsync per append; the others
    // skip fsyncs, which would otherwise take most of the time (rolls, restarts and
    // compactions fsync) while the test is about content.
    if (seed_ % 4 != 2) fs_ = &no_sync_fs_;
  }

  void Run() {
    Open();
    if (::testing::Test::HasFailure()) return;
    for (int i = 0; i < ops_; ++i) {
      op_index_ = i;
      Step();
      if (::testing::Test::HasFailure()) {
        ReportFailure();
        return;
      }
      Check();
      if (::testing::Test::HasFailure()) {
        ReportFailure();
        return;
      }
    }
    stats_ += fmt::format(
        " | {} appends, {} restarts, {} compactions, {} retention passes deleting {} times; "
        "end: {} records, log start {}, high watermark {}, {} segments",
        appends_, restarts_, compactions_, retentions_, retention_deletes_, records_.size(), lso_,
        hw_, p_->segment_count());
    std::printf("seed %llu: %s\n", static_cast<unsigned long long>(seed_), stats_.c_str());
  }

 private:
  // --- setup ---

  void ChooseConfig() {
    config_.segment_bytes = Uniform(600, 6000);
    config_.index_interval_bytes = Uniform(64, 1024);
    config_.segment_ms = Uniform(20'000, 120'000);
    switch (seed_ % 4) {
      case 0:
      case 3:
        config_.delete_policy = true;
        config_.compact_policy = false;
        break;
      case 1:
        config_.delete_policy = false;
        config_.compact_policy = true;
        break;
      case 2:
        config_.delete_policy = true;
        config_.compact_policy = true;
        break;
    }
    if (seed_ % 4 == 3) config_.timestamp_type = TimestampType::kLogAppendTime;
    config_.retention_ms = Chance(4) ? -1 : Uniform(60'000, 600'000);
    // Size retention keeps delete-policy logs (and so the per-operation full comparison)
    // bounded.
    config_.retention_bytes = Uniform(8'000, 60'000);
    config_.delete_retention_ms = Uniform(0, 100'000);
    config_.min_compaction_lag_ms = Chance(2) ? 0 : Uniform(1, 60'000);
    config_.max_message_bytes = 20'000;
    // An fsync per append for one seed in four (see the constructor).
    config_.flush_messages = seed_ % 4 == 2 ? 1 : -1;
    keys_ = static_cast<int>(Uniform(3, 40));
    stats_ = fmt::format(
        "policy={} ts={} segment.bytes={} retention.ms={} retention.bytes={} "
        "lag={} keys={}",
        config_.Get("cleanup.policy"), config_.Get("message.timestamp.type"), config_.segment_bytes,
        config_.retention_ms, config_.retention_bytes, config_.min_compaction_lag_ms, keys_);
  }

  void Open() {
    auto p =
        Partition::Open(*fs_, PartitionOptions{dir_->path(), "model", PartitionId(0), config_});
    ASSERT_TRUE(p.ok()) << p.status();
    p_ = std::move(*p);
  }

  // --- randomness ---

  int64_t Uniform(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int one_in) { return rng_() % static_cast<uint64_t>(one_in) == 0; }

  std::string RandomBytes(size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>('a' + rng_() % 26);
    return s;
  }

  TestRecord RandomRecord() {
    TestRecord r;
    // A compacted topic refuses keyless records (InvalidAppend covers that).
    if (config_.compact_policy || !Chance(4)) r.key = fmt::format("key-{}", Uniform(0, keys_ - 1));
    if (config_.compact_policy && r.key && Chance(8)) {
      r.value.reset();  // a tombstone
    } else {
      size_t len = Chance(30) ? Uniform(500, 3000) : Uniform(0, 120);
      r.value = RandomBytes(len);
    }
    if (Chance(5)) {
      int n = static_cast<int>(Uniform(1, 2));
      for (int i = 0; i < n; ++i) {
        r.headers.emplace_back(
            fmt::format("h{}", i),
            Chance(3) ? std::nullopt : std::optional<std::string>(RandomBytes(Uniform(0, 8))));
      }
    }
    // Producer clocks: mostly close to now, sometimes behind, rarely far behind.
    int64_t skew = Chance(20) ? Uniform(0, 2 * std::max<int64_t>(config_.retention_ms, 60'000))
                              : Uniform(-100, 3000);
    r.timestamp = now_ - skew;
    return r;
  }

  // --- operations ---

  void Step() {
    now_ += Uniform(0, 200);
    int op = static_cast<int>(Uniform(0, 99));
    if (op < 45) return Append();
    if (op < 60) return Read();
    if (op < 64) return BadAppend();
    if (op < 69) return TimeJump();
    if (op < 71) return Restart();
    if (op < 73) return Crash();
    if (op < 81) return config_.compact_policy ? Compact() : Append();
    if (op < 89) return Retention();
    if (op < 93) return DeleteRecords();
    if (op < 97) return OffsetForTimestamp();
    return Flush();
  }

  void Note(std::string what) {
    history_.push_back(fmt::format("#{} now={} {}", op_index_, now_, what));
    if (history_.size() > 25) history_.pop_front();
  }

  void Append() {
    int batches = static_cast<int>(Chance(3) ? Uniform(2, 4) : 1);
    std::vector<ByteBuffer> set;
    std::vector<TestRecord> all;
    const Compression codecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                  Compression::kLz4, Compression::kZstd};
    std::string codec_names;
    for (int b = 0; b < batches; ++b) {
      int n = static_cast<int>(Chance(10) ? Uniform(10, 40) : Uniform(1, 6));
      std::vector<TestRecord> recs;
      for (int i = 0; i < n; ++i) recs.push_back(RandomRecord());
      Compression codec = Chance(2) ? Compression::kNone : codecs[Uniform(1, 4)];
      ByteBuffer batch = testing::BuildBatch(recs, codec);
      if (batch.size() > static_cast<size_t>(config_.max_message_bytes)) continue;
      codec_names += fmt::format("{}x{} ", n, CompressionName(codec));
      set.push_back(std::move(batch));
      all.insert(all.end(), recs.begin(), recs.end());
    }
    if (set.empty()) return;
    Note(fmt::format("append {} batches [{}] of {} records", set.size(), codec_names, all.size()));
    auto r = testing::AppendCopy(*p_, testing::Concat(set).view(), now_);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->base_offset.value(), hw_);
    EXPECT_EQ(r->last_offset.value(), hw_ + static_cast<int64_t>(all.size()) - 1);
    for (TestRecord& rec : all) {
      if (config_.timestamp_type == TimestampType::kLogAppendTime) rec.timestamp = now_;
      records_[hw_++] = std::move(rec);
    }
    ++appends_;
  }

  void BadAppend() {
    std::vector<TestRecord> recs = {RandomRecord(), RandomRecord()};
    ByteBuffer good = testing::BuildBatch(recs);
    std::vector<uint8_t> bytes(good.view().begin(), good.view().end());
    absl::StatusCode want;
    if (Chance(2)) {
      bytes[Uniform(kBatchHeaderSize, bytes.size() - 1)] ^= static_cast<uint8_t>(Uniform(1, 255));
      want = absl::StatusCode::kDataLoss;
      Note("append a batch with a flipped byte");
    } else {
      TestRecord big{std::nullopt, RandomBytes(config_.max_message_bytes + 10), {}, now_};
      ByteBuffer b = testing::BuildBatch({big});
      bytes.insert(bytes.end(), b.view().begin(), b.view().end());
      want = absl::StatusCode::kResourceExhausted;
      Note("append a record set with a batch above max.message.bytes");
    }
    auto r = p_->Append(MutableByteView(bytes), TimestampMs(now_));
    EXPECT_EQ(r.status().code(), want) << r.status();
  }

  void Read() {
    int64_t offset = Uniform(lso_, hw_);
    uint64_t max_bytes = static_cast<uint64_t>(Chance(3) ? Uniform(1, 100) : Uniform(1, 8000));
    Note(fmt::format("read at {} max_bytes {}", offset, max_bytes));
    auto r = p_->Read(Offset(offset), max_bytes);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->high_watermark.value(), hw_);
    EXPECT_EQ(r->log_start_offset.value(), lso_);
    if (offset == hw_) {
      EXPECT_EQ(r->slice.size, 0u);
      return;
    }
    auto c = testing::DecodeSlice(r->slice);
    ASSERT_TRUE(c.ok()) << c.status();
    auto first = records_.lower_bound(offset);
    if (c->batches.empty()) {
      // Only possible when compaction removed every record from `offset` on.
      EXPECT_EQ(r->slice.size, 0u);
      EXPECT_TRUE(first == records_.end())
          << "empty read at " << offset << " but the model has " << first->first;
      return;
    }
    EXPECT_GE(c->batches.front().last_offset().value(), offset);
    int64_t last = c->batches.back().last_offset().value();
    EXPECT_LT(last, hw_);
    std::vector<ReadRecord> got, want;
    for (const ReadRecord& rr : c->records) {
      if (rr.offset >= offset) got.push_back(rr);
    }
    for (auto it = first; it != records_.end() && it->first <= last; ++it) {
      want.push_back({it->first, it->second});
    }
    EXPECT_EQ(got, want) << "read at " << offset << " max_bytes " << max_bytes;
    // Also the bytes beyond the whole batches: a prefix of the next batch, nothing else.
    if (c->partial_tail) {
      EXPECT_GE(max_bytes, c->batches.front().size_bytes());
    }
  }

  void TimeJump() {
    int64_t jump = Chance(2) ? Uniform(1'000, config_.segment_ms * 2)
                             : Uniform(1'000, std::max<int64_t>(config_.retention_ms, 60'000));
    now_ += jump;
    Note(fmt::format("time jump +{} and MaybeRoll", jump));
    size_t before = p_->segment_count();
    auto active = p_->segments().back();
    bool expect_roll = !active->empty() && active->first_batch_timestamp().value() >= 0 &&
                       now_ - active->first_batch_timestamp().value() > config_.segment_ms;
    ASSERT_TRUE(p_->MaybeRoll(TimestampMs(now_)).ok());
    EXPECT_EQ(p_->segment_count(), before + (expect_roll ? 1 : 0));
  }

  void Restart() {
    Note("restart");
    ASSERT_TRUE(p_->Close().ok());
    p_.reset();
    Open();
    ASSERT_NE(p_, nullptr);
    EXPECT_TRUE(p_->recovery_report().truncations.empty())
        << p_->recovery_report().truncations.front();
    ++restarts_;
  }

  // A crash of the process: the files as they are now (everything written is in the page
  // cache, so it all survives), without the flush, index writes and recovery point of a
  // clean Close. Simulated by opening a copy of the directory; the old partition is closed
  // afterwards, into its own directory.
  void Crash() {
    Note("crash (reopen a copy of the files as they are)");
    auto copy = std::make_unique<testing::TempDir>();
    std::error_code ec;
    std::filesystem::copy(dir_->path(), copy->path(), std::filesystem::copy_options::recursive, ec);
    ASSERT_FALSE(ec) << ec.message();
    p_.reset();
    dir_ = std::move(copy);
    Open();
    ASSERT_NE(p_, nullptr);
    EXPECT_TRUE(p_->recovery_report().truncations.empty())
        << p_->recovery_report().truncations.front();
    ++restarts_;
  }

  std::vector<SegmentInfo> Segments() {
    std::vector<SegmentInfo> out;
    for (const auto& seg : p_->segments()) {
      out.push_back({seg->base_offset().value(), seg->next_offset().value(), seg->committed_size(),
                     seg->max_timestamp().value()});
    }
    return out;
  }

  void Compact() {
    // The cleanable range: sealed segments up to the first younger than the lag.
    std::vector<SegmentInfo> segs = Segments();
    int64_t cleanable_end = segs.front().base;
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      if (segs[i].max_timestamp > now_ - config_.min_compaction_lag_ms) break;
      cleanable_end = segs[i + 1].base;
    }
    Note(fmt::format("compact (cleanable below {})", cleanable_end));
    std::map<std::string, int64_t> latest;
    for (auto it = records_.begin(); it != records_.end() && it->first < cleanable_end; ++it) {
      if (it->second.key) latest[*it->second.key] = it->first;
    }
    size_t removed = 0;
    for (auto it = records_.begin(); it != records_.end() && it->first < cleanable_end;) {
      const TestRecord& r = it->second;
      bool keep = !r.key || (latest[*r.key] == it->first &&
                             (r.value || r.timestamp >= now_ - config_.delete_retention_ms));
      if (keep) {
        ++it;
      } else {
        it = records_.erase(it);
        ++removed;
      }
    }
    auto r = log::Compact(*p_, TimestampMs(now_));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->ran, cleanable_end > segs.front().base);
    // The compactor also counts records below the log start (still in the first segment).
    if (r->ran && lso_ == segs.front().base) {
      EXPECT_EQ(r->records_removed, removed);
    }
    // The log start never moves with compaction, even when it emptied the oldest segments
    // (Kafka semantics): a reader there continues at the first surviving record.
    EXPECT_EQ(p_->log_start_offset().value(), lso_);
    ++compactions_;
  }

  void Retention() {
    std::vector<SegmentInfo> segs = Segments();
    const size_t segments_before = segs.size();
    auto drop_below = [&](int64_t offset) {
      // Whole segments whose successor starts at or below `offset` go; the active one stays.
      while (segs.size() > 1 && segs[1].base <= offset) segs.erase(segs.begin());
    };
    drop_below(lso_);
    bool rolled_all = false;
    if (config_.delete_policy && config_.retention_ms >= 0) {
      int64_t cutoff = now_ - config_.retention_ms;
      size_t expired = 0;
      while (expired + 1 < segs.size() && segs[expired].max_timestamp >= 0 &&
             segs[expired].max_timestamp < cutoff) {
        ++expired;
      }
      const SegmentInfo& active = segs.back();
      if (expired + 1 == segs.size() && active.next > active.base && active.max_timestamp >= 0 &&
          active.max_timestamp < cutoff) {
        rolled_all = true;
        segs = {SegmentInfo{hw_, hw_, 0, -1}};
      } else {
        segs.erase(segs.begin(), segs.begin() + static_cast<std::ptrdiff_t>(expired));
      }
    }
    if (config_.delete_policy && config_.retention_bytes >= 0) {
      uint64_t total = 0;
      for (const SegmentInfo& s : segs) total += s.size;
      while (segs.size() > 1 &&
             total - segs[0].size >= static_cast<uint64_t>(config_.retention_bytes)) {
        total -= segs[0].size;
        segs.erase(segs.begin());
      }
    }
    // The log start moves only when retention deletes segments: to the first one left.
    bool deleted = rolled_all || segs.size() < segments_before;
    int64_t want_lso = deleted ? std::max(lso_, segs.front().base) : lso_;
    Note(fmt::format("retention: log start {} -> {}{}", lso_, want_lso,
                     rolled_all ? " (everything expired)" : ""));
    auto r = p_->ApplyRetention(TimestampMs(now_));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(p_->log_start_offset().value(), want_lso);
    if (r->segments_deleted > 0) ++retention_deletes_;
    EXPECT_EQ(p_->segments().front()->base_offset().value(), segs.front().base);
    SetLogStart(want_lso);
    ++retentions_;
  }

  void DeleteRecords() {
    // Mostly a little of the log; sometimes all of it, or past its end.
    int64_t offset = Chance(5) ? Uniform(std::max<int64_t>(0, lso_ - 5), hw_ + 2)
                               : Uniform(std::max<int64_t>(0, lso_ - 5), lso_ + (hw_ - lso_) / 8);
    Note(fmt::format("DeleteRecordsBefore({})", offset));
    auto r = p_->DeleteRecordsBefore(Offset(offset));
    if (offset > hw_) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    SetLogStart(std::max(lso_, offset));
    EXPECT_EQ(r->value(), lso_);
  }

  void SetLogStart(int64_t lso) {
    lso_ = lso;
    records_.erase(records_.begin(), records_.lower_bound(lso_));
  }

  void OffsetForTimestamp() {
    int64_t target =
        records_.empty() || Chance(4)
            ? now_ - Uniform(-1000, 200'000)
            : std::next(records_.begin(), Uniform(0, records_.size() - 1))->second.timestamp +
                  Uniform(-1, 1);
    Note(fmt::format("OffsetForTimestamp({})", target));
    auto got = p_->OffsetForTimestamp(TimestampMs(target));
    ASSERT_TRUE(got.ok()) << got.status();
    std::optional<std::pair<int64_t, int64_t>> want;
    for (const auto& [offset, rec] : records_) {
      if (rec.timestamp >= target) {
        want = std::make_pair(offset, rec.timestamp);
        break;
      }
    }
    std::optional<std::pair<int64_t, int64_t>> have;
    if (got->has_value()) have = std::make_pair((*got)->first.value(), (*got)->second.value());
    EXPECT_EQ(have, want) << "target " << target;
  }

  void Flush() {
    Note("flush");
    ASSERT_TRUE(p_->Flush().ok());
  }

  // --- invariants ---

  void Check() {
    ASSERT_EQ(p_->high_watermark().value(), hw_);
    ASSERT_EQ(p_->log_start_offset().value(), lso_);
    // Segments are ordered and do not overlap; the first holds the log start.
    std::vector<SegmentInfo> segs = Segments();
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      ASSERT_LE(segs[i].next, segs[i + 1].base) << "segment " << segs[i].base;
      ASSERT_LT(segs[i].base, segs[i + 1].base);
    }
    // The first segment holds the log start, or, after compaction emptied the head, no
    // record lies between the log start and the first segment.
    if (segs.front().base > lso_) {
      ASSERT_TRUE(records_.empty() || records_.begin()->first >= segs.front().base);
    }
    ASSERT_EQ(segs.back().next, hw_);
    // Every record is readable at its offset with identical key, value, headers and
    // timestamp, and nothing else is there.
    uint64_t max_bytes = Chance(10) ? static_cast<uint64_t>(Uniform(1, 300)) : (1u << 20);
    auto all = testing::ReadAll(*p_, lso_, max_bytes);
    ASSERT_TRUE(all.ok()) << all.status();
    std::vector<ReadRecord> want;
    for (const auto& [offset, rec] : records_) want.push_back({offset, rec});
    if (*all != want) {
      ASSERT_EQ(all->size(), want.size()) << "max_bytes " << max_bytes;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ((*all)[i], want[i]) << "record " << i << ", max_bytes " << max_bytes;
      }
    }
    if (lso_ > 0) {
      EXPECT_EQ(p_->Read(Offset(lso_ - 1), 100).status().code(), absl::StatusCode::kOutOfRange);
    }
    EXPECT_EQ(p_->Read(Offset(hw_ + 1), 100).status().code(), absl::StatusCode::kOutOfRange);
  }

  void ReportFailure() {
    std::string h;
    for (const std::string& line : history_) h += "  " + line + "\n";
    ADD_FAILURE() << "model test failed: seed " << seed_
                  << " (rerun with OXBOW_MODEL_SEED=" << seed_ << "), operation " << op_index_
                  << " of " << ops_ << "; config " << stats_ << "\nlast operations:\n"
                  << h;
  }

  const uint64_t seed_;
  const int ops_;
  std::mt19937_64 rng_;
  std::unique_ptr<testing::TempDir> dir_ = std::make_unique<testing::TempDir>();
  testing::NoSyncFileSystem no_sync_fs_{io::FileSystem::Default()};
  io::FileSystem* fs_ = &io::FileSystem::Default();
  TopicConfig config_;
  int keys_ = 10;
  std::unique_ptr<Partition> p_;

  std::map<int64_t, TestRecord> records_;  // what the log holds at offsets >= lso_
  int64_t lso_ = 0;
  int64_t hw_ = 0;
  int64_t now_ = kStartTime;

  int op_index_ = -1;
  std::deque<std::string> history_;
  std::string stats_;
  int appends_ = 0, restarts_ = 0, compactions_ = 0, retentions_ = 0, retention_deletes_ = 0;
};

TEST(LogModelTest, RandomOperationsMatchTheModel) {
  int64_t ops = EnvInt("OXBOW_MODEL_OPS", kDefaultOps);
  if (std::getenv("OXBOW_QUICK") != nullptr && std::string(std::getenv("OXBOW_QUICK")) == "1" &&
      std::getenv("OXBOW_MODEL_OPS") == nullptr) {
    ops /= 5;
  }
  std::vector<uint64_t> seeds(std::begin(kDefaultSeeds), std::end(kDefaultSeeds));
  if (const char* s = std::getenv("OXBOW_MODEL_SEED"); s != nullptr && *s != '\0') {
    seeds = {std::strtoull(s, nullptr, 10)};
  }
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    LogModel model(seed, static_cast<int>(ops));
    model.Run();
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace oxbow::log
