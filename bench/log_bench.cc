// Benchmarks of the log against the limits of this machine's disk and memory.
//
//   log_bench append  --dir DIR [--mib 2048] [--batch-kib 64]
//       Sequential append: batches of --batch-kib, fsync after every 1 MiB (flush.bytes),
//       to a fresh topic under DIR. Reports MB/s. Compare with dd on the same filesystem
//       (scripts/bench.sh runs both).
//   log_bench read    --dir DIR [--mib 1024] [--max-kib 1024]
//       Reads the whole partition by offset, following Read() slices and copying the bytes
//       into a buffer as a Fetch would, from the page cache (a warm-up pass runs first).
//   log_bench recover --dir DIR [--mib 1024] [--lose-hint 1]
//       Fills a partition, then (in a child that is kill -9'd after appending) leaves it
//       without a clean shutdown; times LogManager::Open, i.e. recovery. --lose-hint 1
//       also deletes the recovery point, the worst case: everything is validated.
//
// Output is one line of JSON per run so scripts can collect it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "log/record_batch_builder.h"

namespace oxbow::log {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Args {
  std::string mode;
  std::string dir;
  int64_t mib = 1024;
  int64_t batch_kib = 64;
  int64_t max_kib = 1024;
  bool lose_hint = false;
};

Args Parse(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: log_bench append|read|recover --dir DIR [--mib N] ...\n");
    std::exit(2);
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--dir") {
      a.dir = v;
    } else if (k == "--mib") {
      a.mib = std::stoll(v);
    } else if (k == "--batch-kib") {
      a.batch_kib = std::stoll(v);
    } else if (k == "--max-kib") {
      a.max_kib = std::stoll(v);
    } else if (k == "--lose-hint") {
      a.lose_hint = v == "1";
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.dir.empty()) {
    std::fprintf(stderr, "--dir is required\n");
    std::exit(2);
  }
  return a;
}

// One uncompressed batch of about `bytes`, 1 KiB values of pseudo-random bytes.
ByteBuffer MakeBatch(size_t bytes) {
  RecordBatchBuilder b(BatchOptions{});
  std::string value(1024, 'x');
  uint64_t x = 88172645463325252ULL;
  for (char& c : value) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  while (b.estimated_size() + value.size() < bytes) {
    b.Add(NowMs(), std::nullopt, AsBytes(value));
  }
  Result<ByteBuffer> batch = b.Build();
  OXBOW_CHECK(batch.ok(), "building the batch: {}", batch.status());
  return std::move(*batch);
}

std::unique_ptr<LogManager> OpenLog(const std::string& dir, TopicConfig defaults) {
  LogOptions o;
  o.data_dir = dir;
  o.defaults = defaults;
  auto m = LogManager::Open(io::FileSystem::Default(), o);
  OXBOW_CHECK(m.ok(), "opening {}: {}", dir, m.status());
  return std::move(*m);
}

// Appends `total` bytes of batches to topic "bench" partition 0.
void Fill(LogManager& m, int64_t total, size_t batch_bytes) {
  auto p = m.GetPartition("bench", PartitionId(0));
  OXBOW_CHECK(p.ok(), "{}", p.status());
  ByteBuffer batch = MakeBatch(batch_bytes);
  std::vector<uint8_t> scratch(batch.size());
  for (int64_t done = 0; done < total; done += static_cast<int64_t>(batch.size())) {
    std::memcpy(scratch.data(), batch.data(), batch.size());
    auto r = (*p)->Append(MutableByteView(scratch.data(), scratch.size()), NowMs());
    OXBOW_CHECK(r.ok(), "append: {}", r.status());
  }
}

TopicConfig FlushEveryMiB() {
  TopicConfig c;
  c.flush_messages = -1;
  c.flush_bytes = 1 << 20;
  c.retention_ms = -1;
  return c;
}

int Append(const Args& a) {
  auto m = OpenLog(a.dir, FlushEveryMiB());
  (void)m->DeleteTopic("bench");
  OXBOW_CHECK(m->CreateTopic("bench", 1, {}).ok(), "create");
  int64_t total = a.mib << 20;
  auto t0 = Clock::now();
  Fill(*m, total, static_cast<size_t>(a.batch_kib) << 10);
  auto p = m->GetPartition("bench", PartitionId(0));
  OXBOW_CHECK((*p)->Flush().ok(), "flush");
  auto t1 = Clock::now();
  std::printf(
      "{\"bench\":\"append\",\"bytes\":%lld,\"batch_kib\":%lld,\"seconds\":%.3f,"
      "\"mb_per_s\":%.1f}\n",
      static_cast<long long>(total), static_cast<long long>(a.batch_kib), Seconds(t0, t1),
      total / 1e6 / Seconds(t0, t1));
  return 0;
}

int64_t ReadAll(Partition& p, uint64_t max_bytes, std::vector<uint8_t>& buf) {
  int64_t bytes = 0;
  Offset offset = p.log_start_offset();
  while (offset < p.high_watermark()) {
    auto r = p.Read(offset, max_bytes);
    OXBOW_CHECK(r.ok(), "read: {}", r.status());
    const FileSlice& s = r->slice;
    if (buf.size() < s.size) buf.resize(s.size);
    auto n = s.file->ReadAt(s.position, MutableByteView(buf.data(), s.size));
    OXBOW_CHECK(n.ok() && *n == s.size, "short read");
    bytes += static_cast<int64_t>(s.size);
    // Continue after the last whole batch in the slice (a Fetch client does the same).
    uint64_t pos = 0;
    Offset next = offset;
    while (pos + kBatchHeaderSize <= s.size) {
      auto h = ParseBatchHeader(ByteView(buf.data() + pos, s.size - pos));
      OXBOW_CHECK(h.ok(), "header: {}", h.status());
      if (pos + h->size_bytes() > s.size) break;
      next = h->last_offset() + 1;
      pos += h->size_bytes();
    }
    offset = next;
  }
  return bytes;
}

int Read(const Args& a) {
  auto m = OpenLog(a.dir, FlushEveryMiB());
  (void)m->DeleteTopic("bench");
  OXBOW_CHECK(m->CreateTopic("bench", 1, {}).ok(), "create");
  Fill(*m, a.mib << 20, 64 << 10);
  auto p = m->GetPartition("bench", PartitionId(0));
  std::vector<uint8_t> buf;
  ReadAll(**p, static_cast<uint64_t>(a.max_kib) << 10, buf);  // warm the page cache
  auto t0 = Clock::now();
  int64_t bytes = ReadAll(**p, static_cast<uint64_t>(a.max_kib) << 10, buf);
  auto t1 = Clock::now();
  std::printf(
      "{\"bench\":\"read\",\"bytes\":%lld,\"max_kib\":%lld,\"seconds\":%.3f,"
      "\"mb_per_s\":%.1f}\n",
      static_cast<long long>(bytes), static_cast<long long>(a.max_kib), Seconds(t0, t1),
      bytes / 1e6 / Seconds(t0, t1));
  return 0;
}

int Recover(const Args& a) {
  {
    auto m = OpenLog(a.dir, FlushEveryMiB());
    (void)m->DeleteTopic("bench");
    OXBOW_CHECK(m->CreateTopic("bench", 1, {}).ok(), "create");
  }
  int fds[2];
  OXBOW_CHECK(pipe(fds) == 0, "pipe");
  pid_t child = fork();
  OXBOW_CHECK(child >= 0, "fork");
  if (child == 0) {
    // Fill, report, and wait to be killed: no clean shutdown, as after a crash.
    close(fds[0]);
    auto m = OpenLog(a.dir, FlushEveryMiB());
    Fill(*m, a.mib << 20, 64 << 10);
    OXBOW_CHECK(write(fds[1], "x", 1) == 1, "write");
    pause();
    _exit(0);
  }
  close(fds[1]);
  char c;
  OXBOW_CHECK(read(fds[0], &c, 1) == 1, "the filling child died");
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  if (a.lose_hint) {
    // The worst case: no recovery point survived, so every segment is validated.
    (void)io::FileSystem::Default().Remove(io::JoinPath(a.dir, "topics/bench/0/recovery-point"));
  }

  auto t0 = Clock::now();
  auto m = OpenLog(a.dir, FlushEveryMiB());
  auto t1 = Clock::now();
  auto p = m->GetPartition("bench", PartitionId(0));
  const RecoveryReport& r = (*p)->recovery_report();
  std::printf(
      "{\"bench\":\"recover\",\"partition_bytes\":%llu,\"segments\":%zu,"
      "\"scanned_bytes\":%llu,\"seconds\":%.4f}\n",
      static_cast<unsigned long long>((*p)->size_bytes()), r.segments,
      static_cast<unsigned long long>(r.scanned_bytes), Seconds(t0, t1));
  return 0;
}

}  // namespace
}  // namespace oxbow::log

int main(int argc, char** argv) {
  oxbow::InitLogging();
  (void)oxbow::SetLogLevel("warn");
  oxbow::log::Args a = oxbow::log::Parse(argc, argv);
  if (a.mode == "append") return oxbow::log::Append(a);
  if (a.mode == "read") return oxbow::log::Read(a);
  if (a.mode == "recover") return oxbow::log::Recover(a);
  std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
  return 2;
}
