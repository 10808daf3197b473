// Kills a writer (log_crash_child) with SIGKILL at random moments and checks, after each
// kill, what recovery makes of the data directory:
//   1. every acknowledged batch is present at its offsets, byte-identical (CRC of the bytes
//      as acknowledged, and the records regenerated from (partition, seq));
//   2. reading each partition from the log start to the high watermark yields only whole,
//      CRC-valid batches with contiguous offsets: no partial batch is visible;
//   3. batches appended but not acknowledged before the kill may be present, and if they
//      are they are whole and exactly what was written (checked as in 2).
// The child restarts on the same directory, so the log grows across crashes, segments roll
// under the kills and recovery runs again and again; every kFreshDirEvery iterations it
// starts over in a new directory to bound the verification work.
//
// OXBOW_CRASH_SEED=<n> replays a run's kill delays (the seed is printed); OXBOW_QUICK=1
// runs 10 iterations per variant instead of 50; OXBOW_CRASH_ITERATIONS=<n> sets the count.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "crash_workload.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace oxbow::crash {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTopic[] = "crash";
constexpr int32_t kPartitions = 2;
constexpr int kFreshDirEvery = 5;
constexpr int kMaxKillDelayMs = 200;
// How long the child may take to open (and recover) the log and acknowledge its first
// append before the test gives up on it.
constexpr auto kFirstAckTimeout = std::chrono::seconds(60);

struct Ack {
  int32_t partition;
  int64_t base;
  int64_t last;
  int64_t seq;
  uint32_t crc;
};

Result<Ack> ParseAck(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  Ack a{};
  if (!(in >> word >> a.partition >> a.base >> a.last >> a.seq >> a.crc) || word != "ack" ||
      a.partition < 0 || a.partition >= kPartitions) {
    return absl::InvalidArgumentError(fmt::format("child wrote an unexpected line: '{}'", line));
  }
  return a;
}

// A running log_crash_child and the read end of its stdout pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
    read_fd_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears FD_CLOEXEC on the copy: the child keeps stdout, nothing else of ours.
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    spawn_error_ = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (spawn_error_ != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0) {
      Kill();
      Wait();
    }
    ::close(read_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int spawn_error() const { return spawn_error_; }

  // Reads whole lines into `lines` until `deadline`, or until `want_lines` lines have been
  // read in total. Returns false once the pipe is at EOF (the child exited or died).
  bool ReadUntil(Clock::time_point deadline, std::vector<std::string>& lines,
                 size_t want_lines = SIZE_MAX) {
    while (lines.size() < want_lines) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 && deadline != Clock::time_point::max()) return true;
      pollfd pfd{read_fd_, POLLIN, 0};
      int timeout = deadline == Clock::time_point::max() ? -1 : static_cast<int>(left.count());
      int rc = ::poll(&pfd, 1, timeout);
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) return true;
      char buf[65536];
      ssize_t n = ::read(read_fd_, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      pending_.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
        lines.push_back(pending_.substr(0, nl));
        pending_.erase(0, nl + 1);
      }
    }
    return true;
  }

  void Kill() { ::kill(pid_, SIGKILL); }
  // Reaps the child; returns its wait status.
  int Wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }
  // A line cut short by the kill (never acknowledged: acks end with '\n').
  const std::string& partial_line() const { return pending_; }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  int spawn_error_ = 0;
  std::string pending_;
};

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("died of signal {}", WTERMSIG(status));
  return fmt::format("wait status {}", status);
}

struct RunStats {
  int iterations = 0;
  uint64_t acks = 0;
  uint64_t unacked_present = 0;  // batches recovered beyond the last ack
  uint64_t torn_tails = 0;       // truncations recovery reported
  uint64_t max_segments = 0;
  uint64_t max_bytes = 0;
};

// What the log holds at one base offset.
struct Seen {
  int64_t last;
  int64_t seq;
  uint32_t crc;
};

// Batches already compared with their regenerated bytes, by (partition, seq): base offset
// and CRC of the whole batch. Later iterations on the same directory re-read every batch
// but only re-encode (and recompress) the ones whose offsets or CRC changed.
using Verified = std::map<std::pair<int32_t, int64_t>, std::pair<int64_t, uint32_t>>;

// Reads `p` from its log start to its high watermark, checking every batch (contiguous
// offsets, consecutive sequence numbers from 0, bytes and records as generated).
Status ScanPartition(const log::Partition& p, std::map<int64_t, Seen>& seen, Verified& verified) {
  const int32_t id = p.id().value();
  const Offset hw = p.high_watermark();
  Offset next = p.log_start_offset();
  if (next != Offset(0)) {
    return absl::DataLossError(fmt::format("partition {}: log start offset {}", id, next));
  }
  int64_t seq = 0;
  ByteBuffer buf;
  while (next < hw) {
    ASSIGN_OR_RETURN(log::ReadResult r, p.Read(next, 1 << 20));
    buf.resize(r.slice.size);
    ASSIGN_OR_RETURN(
        size_t n,
        r.slice.file->ReadAt(r.slice.position, MutableByteView(buf.mutable_data(), buf.size())));
    if (n != r.slice.size || n == 0) {
      return absl::DataLossError(
          fmt::format("partition {}: read at offset {} returned {} of {} "
                      "bytes below the high watermark {}",
                      id, next, n, r.slice.size, hw));
    }
    size_t pos = 0;
    while (pos + log::kBatchHeaderSize <= n) {
      ASSIGN_OR_RETURN(log::BatchHeader h, log::ParseBatchHeader(buf.view().subspan(pos)));
      if (pos + h.size_bytes() > n) break;  // cut by max_bytes; the next Read starts there
      ByteView batch = buf.view().subspan(pos, h.size_bytes());
      if (h.base_offset != next || SeqOf(h, id) != seq) {
        return absl::DataLossError(fmt::format(
            "partition {}: expected batch seq {} at offset {}, found seq {} at offset {}", id, seq,
            next, SeqOf(h, id), h.base_offset));
      }
      const uint32_t crc = crc32c::Value(batch);
      auto known = verified.find({id, seq});
      if (known == verified.end() || known->second != std::make_pair(next.value(), crc)) {
        RETURN_IF_ERROR(CheckBatch(batch, id, seq, next, kCrashShape));
        verified[{id, seq}] = {next.value(), crc};
      }
      seen[next.value()] = Seen{h.last_offset().value(), seq, crc};
      next = h.last_offset() + 1;
      ++seq;
      pos += h.size_bytes();
    }
    if (pos == 0) {
      return absl::DataLossError(fmt::format(
          "partition {}: read at offset {} returned no whole batch ({} bytes)", id, next, n));
    }
  }
  if (next != hw) {
    return absl::DataLossError(
        fmt::format("partition {}: batches end at {}, high watermark {}", id, next, hw));
  }
  return absl::OkStatus();
}

// Checks one acknowledged batch with a direct read at its base offset.
Status CheckAck(const log::Partition& p, const Ack& ack, const std::map<int64_t, Seen>& seen) {
  auto it = seen.find(ack.base);
  if (it == seen.end() || it->second.last != ack.last || it->second.seq != ack.seq ||
      it->second.crc != ack.crc) {
    return absl::DataLossError(fmt::format(
        "partition {}: acknowledged batch seq {} at offsets {}..{} (crc {}) is missing or "
        "different after recovery (high watermark {})",
        ack.partition, ack.seq, ack.base, ack.last, ack.crc, p.high_watermark()));
  }
  ASSIGN_OR_RETURN(log::ReadResult r, p.Read(Offset(ack.base), 0));
  uint64_t size = r.slice.size;
  std::vector<uint8_t> bytes(size);
  ASSIGN_OR_RETURN(size_t n, r.slice.file->ReadAt(r.slice.position, MutableByteView(bytes)));
  ASSIGN_OR_RETURN(log::BatchHeader h, log::ParseBatchHeader(ByteView(bytes.data(), n)));
  if (h.base_offset != Offset(ack.base) || h.last_offset() != Offset(ack.last) ||
      h.size_bytes() != n || crc32c::Value(ByteView(bytes.data(), n)) != ack.crc) {
    return absl::DataLossError(
        fmt::format("partition {}: read at acknowledged offset {} "
                    "returned a different batch",
                    ack.partition, ack.base));
  }
  return absl::OkStatus();
}

// Opens (recovers) the data directory and checks it against every ack given for it.
void VerifyDataDir(const std::string& dir, const std::vector<Ack>& acks, Verified& verified,
                   RunStats& stats) {
  log::LogOptions options;
  options.data_dir = dir;
  auto logs = log::LogManager::Open(io::FileSystem::Default(), options);
  ASSERT_TRUE(logs.ok()) << "recovery failed: " << logs.status();
  ASSERT_TRUE((*logs)->HasTopic(kTopic));
  for (int32_t id = 0; id < kPartitions; ++id) {
    auto p = (*logs)->GetPartition(kTopic, PartitionId(id));
    ASSERT_TRUE(p.ok()) << p.status();
    const log::RecoveryReport& report = (*p)->recovery_report();
    for (const std::string& t : report.truncations) {
      // SIGKILL can tear a write (the kernel stops a write on a fatal signal) but never
      // corrupts bytes already written: every truncation must be of an incomplete tail.
      EXPECT_NE(t.find("incomplete"), std::string::npos) << "unexpected truncation: " << t;
    }
    stats.torn_tails += report.truncations.size();
    for (const auto& entry : std::filesystem::directory_iterator((*p)->dir())) {
      EXPECT_EQ(entry.path().filename().string().find(".corrupt-"), std::string::npos)
          << "kill -9 left corrupt bytes: " << entry.path();
    }

    std::map<int64_t, Seen> seen;
    Status s = ScanPartition(**p, seen, verified);
    ASSERT_TRUE(s.ok()) << s;
    int64_t max_acked_seq = -1;
    for (const Ack& ack : acks) {
      if (ack.partition != id) continue;
      s = CheckAck(**p, ack, seen);
      ASSERT_TRUE(s.ok()) << s;
      max_acked_seq = std::max(max_acked_seq, ack.seq);
    }
    stats.unacked_present += seen.size() - static_cast<size_t>(max_acked_seq + 1);
    stats.max_segments = std::max<uint64_t>(stats.max_segments, (*p)->segment_count());
    stats.max_bytes = std::max<uint64_t>(stats.max_bytes, (*p)->size_bytes());
  }
  Status s = (*logs)->Close();
  ASSERT_TRUE(s.ok()) << s;
}

uint64_t SeedFromEnv() {
  if (const char* s = std::getenv("OXBOW_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device()();
}

int IterationsFromEnv() {
  if (const char* s = std::getenv("OXBOW_CRASH_ITERATIONS")) return std::atoi(s);
  const char* quick = std::getenv("OXBOW_QUICK");
  return quick != nullptr && std::string_view(quick) == "1" ? 10 : 50;
}

// One child run: spawn, wait for the first ack, kill after `delay`, collect every ack.
void RunChildOnce(const std::string& dir, const std::string& mode, std::chrono::milliseconds delay,
                  std::vector<Ack>& acks) {
  Child child({OXBOW_CRASH_CHILD, dir, mode});
  ASSERT_EQ(child.spawn_error(), 0) << "posix_spawn " << OXBOW_CRASH_CHILD;
  std::vector<std::string> lines;
  // Event-driven: block on the pipe until the first ack (or EOF if the child fails).
  bool open = child.ReadUntil(Clock::now() + kFirstAckTimeout, lines, 1);
  if (!open || lines.empty()) {
    child.Kill();
    int status = child.Wait();
    FAIL() << "the child acknowledged nothing: it " << DescribeExit(status);
  }
  open = child.ReadUntil(Clock::now() + delay, lines);
  if (!open) FAIL() << "the child stopped before it was killed: " << DescribeExit(child.Wait());
  child.Kill();
  child.ReadUntil(Clock::time_point::max(), lines);  // what it wrote before dying, to EOF
  int status = child.Wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child " << DescribeExit(status);
  for (const std::string& line : lines) {
    Result<Ack> ack = ParseAck(line);
    ASSERT_TRUE(ack.ok()) << ack.status();
    acks.push_back(*ack);
  }
}

void RunCrashLoop(const std::string& mode) {
  const uint64_t seed = SeedFromEnv();
  const int iterations = IterationsFromEnv();
  std::cout << "log_crash_test " << mode << ": seed " << seed << " (OXBOW_CRASH_SEED=" << seed
            << " replays the kill delays), " << iterations << " iterations\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  RunStats stats;
  std::unique_ptr<testing::TempDir> dir;
  std::vector<Ack> acks;  // every ack given for the current directory
  Verified verified;
  auto started = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    if (i % kFreshDirEvery == 0) {
      dir = std::make_unique<testing::TempDir>();
      acks.clear();
      verified.clear();
    }
    auto delay = std::chrono::milliseconds(rng() % (kMaxKillDelayMs + 1));
    SCOPED_TRACE(fmt::format("seed {} iteration {} kill delay {} ms dir {}", seed, i, delay.count(),
                             dir->path()));
    size_t before = acks.size();
    RunChildOnce(dir->path(), mode, delay, acks);
    if (::testing::Test::HasFatalFailure()) return;
    stats.acks += acks.size() - before;
    VerifyDataDir(dir->path(), acks, verified, stats);
    if (::testing::Test::HasFailure()) return;
    ++stats.iterations;
  }
  auto secs = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << fmt::format(
      "log_crash_test {}: {} kills in {:.1f} s; {} acks checked; {} unacknowledged batches "
      "recovered whole; {} torn tails truncated; up to {} segments / {} bytes per partition\n",
      mode, stats.iterations, secs, stats.acks, stats.unacked_present, stats.torn_tails,
      stats.max_segments, stats.max_bytes);
}

TEST(LogCrashTest, KillDuringFsyncPerAppend) { RunCrashLoop("fsync"); }

// flush.messages=-1, flush.ms=50: acknowledged data may be only in the page cache, which a
// killed process does not take with it, so the guarantee is the same for kill -9.
TEST(LogCrashTest, KillDuringIntervalFlush) { RunCrashLoop("interval"); }

}  // namespace
}  // namespace oxbow::crash
