// The writer that log_crash_test kills. Usage: log_crash_child <data-dir> <fsync|interval>
//
// Opens a LogManager on <data-dir>, creates topic "crash" (2 partitions, 64 KiB segments) if
// it is missing, and appends the workload's batches (crash_workload.h) to both partitions
// from one thread each, forever. Each partition continues from the sequence number after the
// last batch in its log, so a partition always holds batches 0, 1, 2, ... in order, whatever
// earlier crashes left behind.
//
// After each Append returns OK it writes one line to stdout (a pipe) with write(2):
//   ack <partition> <base_offset> <last_offset> <seq> <crc32c of the batch bytes>
// That line is the acknowledgement: the parent holds the log to it after killing us. Lines
// are shorter than PIPE_BUF, so the two threads' lines never interleave.
//
// Modes: "fsync" is the default policy (flush.messages=1: fsync before every ack);
// "interval" sets flush.messages=-1 and flush.ms=50 (the background flusher fsyncs), which
// survives kill -9 but not power loss.
//
// Exits non-zero (with a message on stderr) only on an error; the parent treats any exit
// other than death by SIGKILL as a failure.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/crc32c.h"
#include "base/logging.h"
#include "crash_workload.h"
#include "fmt/format.h"
#include "io/file.h"
#include "log/log_manager.h"

namespace oxbow::crash {
namespace {

constexpr char kTopic[] = "crash";
constexpr int32_t kPartitions = 2;

[[noreturn]] void Die(std::string_view what, const Status& s) {
  std::string msg = fmt::format("log_crash_child: {}: {}\n", what, s);
  (void)!::write(STDERR_FILENO, msg.data(), msg.size());
  ::_exit(3);
}

void WriteLine(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die("writing an ack", absl::InternalError(fmt::format("errno {}", errno)));
    done += static_cast<size_t>(n);
  }
}

// The sequence number after the last batch in the partition (0 when it is empty).
Result<int64_t> NextSeq(const log::Partition& p) {
  Offset hw = p.high_watermark();
  if (hw == p.log_start_offset()) return 0;
  ASSIGN_OR_RETURN(log::ReadResult r, p.Read(hw - 1, 0));
  uint8_t buf[log::kBatchHeaderSize];
  ASSIGN_OR_RETURN(size_t n, r.slice.file->ReadAt(r.slice.position, MutableByteView(buf)));
  ASSIGN_OR_RETURN(log::BatchHeader h, log::ParseBatchHeader(ByteView(buf, n)));
  int64_t seq = SeqOf(h, p.id().value());
  if (seq < 0 || h.last_offset() != hw - 1) {
    return absl::DataLossError(
        fmt::format("partition {}: the last batch (offset {}) is not ours", p.id(), h.base_offset));
  }
  return seq + 1;
}

void AppendForever(log::Partition& p) {
  const int32_t id = p.id().value();
  Result<int64_t> start = NextSeq(p);
  if (!start.ok()) Die("finding the next sequence number", start.status());
  for (int64_t seq = *start;; ++seq) {
    Result<ByteBuffer> batch = BuildBatch(id, seq, kCrashShape);
    if (!batch.ok()) Die("building a batch", batch.status());
    MutableByteView bytes(batch->mutable_data(), batch->size());
    Result<log::AppendResult> r = p.Append(bytes, log::NowMs());
    if (!r.ok()) Die(fmt::format("appending seq {} to partition {}", seq, id), r.status());
    // Append set the base offset in place: the CRC covers the bytes exactly as stored.
    WriteLine(fmt::format("ack {} {} {} {} {}\n", id, r->base_offset, r->last_offset, seq,
                          crc32c::Value(batch->view())));
  }
}

int Main(int argc, char** argv) {
  if (argc != 3 ||
      (std::string_view(argv[2]) != "fsync" && std::string_view(argv[2]) != "interval")) {
    std::fprintf(stderr, "usage: log_crash_child <data-dir> <fsync|interval>\n");
    return 2;
  }
  InitLogging();
  (void)SetLogLevel("error");  // recovery warnings are the parent's to report

  log::LogOptions options;
  options.data_dir = argv[1];
  options.maintenance_interval_ms = 10;
  Result<std::unique_ptr<log::LogManager>> logs =
      log::LogManager::Open(io::FileSystem::Default(), options);
  if (!logs.ok()) Die("opening the log", logs.status());

  if (!(*logs)->HasTopic(kTopic)) {
    log::ConfigMap overrides = {
        {"segment.bytes", "65536"},
        {"retention.ms", "-1"},
        // The workload's timestamps are in 2020: only size may roll segments.
        {"segment.ms", std::to_string(std::numeric_limits<int64_t>::max())},
    };
    if (std::string_view(argv[2]) == "interval") {
      overrides["flush.messages"] = "-1";
      overrides["flush.ms"] = "50";
    }
    Status s = (*logs)->CreateTopic(kTopic, kPartitions, overrides);
    if (!s.ok()) Die("creating the topic", s);
  }
  (*logs)->StartBackground();

  std::vector<std::shared_ptr<log::Partition>> partitions;
  for (int32_t i = 0; i < kPartitions; ++i) {
    Result<std::shared_ptr<log::Partition>> p = (*logs)->GetPartition(kTopic, PartitionId(i));
    if (!p.ok()) Die("opening a partition", p.status());
    partitions.push_back(*p);
  }
  std::vector<std::thread> writers;
  for (auto& p : partitions) writers.emplace_back([&p] { AppendForever(*p); });
  for (auto& t : writers) t.join();
  return 0;
}

}  // namespace
}  // namespace oxbow::crash

int main(int argc, char** argv) { return oxbow::crash::Main(argc, argv); }
