// The disk's own fdatasync latency, without Oxbow in the way: so that a produce-latency tail
// can be told apart from the disk's (docs/benchmarks.md, Kafka section).
//
//   fsync_bench [--dir DIR] [--count N] [--size BYTES] [--mode append|overwrite]
//               [--interval-us US]
//
// Each round writes --size bytes (pwrite) and then calls fdatasync, as the log does for a
// produce request with the default fsync policy (flush.messages=1). --mode append grows the
// file, so each fdatasync must also persist the new size (on ext4 a journal commit, as for
// the log's active segment); overwrite rewrites a preallocated, already written region (data
// only). --interval-us waits that long between rounds (0: back to back). Output: one line
// of JSON with the latency percentiles of the fdatasync calls and of write + fdatasync.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string dir = "./bench-data/fsync";
  int count = 5000;
  size_t size = 1100;  // a 1 KiB record in a one-record batch, about
  bool append = true;
  int interval_us = 0;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir") {
      a.dir = v;
    } else if (k == "--count") {
      a.count = std::stoi(v);
    } else if (k == "--size") {
      a.size = std::stoul(v);
    } else if (k == "--mode" && (v == "append" || v == "overwrite")) {
      a.append = v == "append";
    } else if (k == "--interval-us") {
      a.interval_us = std::stoi(v);
    } else {
      std::fprintf(stderr, "unknown option or value: %s %s\n", k.c_str(), v.c_str());
      std::exit(2);
    }
  }
  return a;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s: %s\n", what, std::strerror(errno));
    std::exit(1);
  }
}

double Percentile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  std::filesystem::create_directories(a.dir);
  std::string path = a.dir + "/fsync_bench.data";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  Check(fd >= 0, "open");
  std::vector<char> block(a.size, 'x');
  if (!a.append) {
    // Written and synced once, so that the rounds change no metadata but the times.
    for (int i = 0; i < a.count; ++i) {
      Check(::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i * a.size)) ==
                static_cast<ssize_t>(a.size),
            "pwrite");
    }
    Check(::fsync(fd) == 0, "fsync");
  }
  std::vector<double> sync_ms, round_ms;
  sync_ms.reserve(a.count);
  round_ms.reserve(a.count);
  for (int i = 0; i < a.count; ++i) {
    auto t0 = Clock::now();
    Check(::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i * a.size)) ==
              static_cast<ssize_t>(a.size),
          "pwrite");
    auto t1 = Clock::now();
    Check(::fdatasync(fd) == 0, "fdatasync");
    auto t2 = Clock::now();
    sync_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    round_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
    if (a.interval_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(a.interval_us));
  }
  ::close(fd);
  std::filesystem::remove(path);
  std::printf(
      "{\"bench\":\"fdatasync\",\"mode\":\"%s\",\"size\":%zu,\"count\":%d,\"interval_us\":%d,"
      "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
      "\"round_p99_ms\":%.3f}\n",
      a.append ? "append" : "overwrite", a.size, a.count, a.interval_us, Percentile(sync_ms, 0.5),
      Percentile(sync_ms, 0.9), Percentile(sync_ms, 0.99), Percentile(sync_ms, 0.999),
      Percentile(sync_ms, 1.0), Percentile(round_ms, 0.99));
  return 0;
}
