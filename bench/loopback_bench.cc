// The machine's ceiling for Fetch: bytes moved over loopback TCP from the page cache to a
// reading process, with nothing Kafka about it (docs/benchmarks.md, Kafka section).
//
//   loopback_bench [--dir DIR] [--mb N] [--chunk BYTES] [--sendfile 1|0]
//
// A writer process sends an N MB file (written first, so it is in the page cache) to a
// reader process over one loopback TCP connection, --chunk bytes per sendfile(2) call (or
// pread + write with --sendfile 0); the reader reads into a --chunk buffer, as a Kafka
// client reads a Fetch response. Output: one line of JSON, MB/s and the CPU seconds both
// processes used.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

struct Args {
  std::string dir = "./bench-data/loopback";
  size_t mb = 512;
  size_t chunk = 1 << 20;
  bool use_sendfile = true;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir") {
      a.dir = v;
    } else if (k == "--mb") {
      a.mb = std::stoul(v);
    } else if (k == "--chunk") {
      a.chunk = std::stoul(v);
    } else if (k == "--sendfile") {
      a.use_sendfile = v != "0";
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::perror(what);
    std::exit(1);
  }
}

// Sends the file to the connection accepted on `listener`; runs in the child process.
void Send(int listener, const std::string& path, const Args& a) {
  int c = ::accept(listener, nullptr, nullptr);
  int f = ::open(path.c_str(), O_RDONLY);
  Check(c >= 0 && f >= 0, "accept/open");
  std::vector<char> buf(a.use_sendfile ? 0 : a.chunk);
  off_t off = 0;
  const off_t size = static_cast<off_t>(a.mb << 20);
  while (off < size) {
    if (a.use_sendfile) {
      ssize_t n = ::sendfile(c, f, &off, a.chunk);
      Check(n > 0, "sendfile");
    } else {
      ssize_t n = ::pread(f, buf.data(), buf.size(), off);
      Check(n > 0, "pread");
      for (ssize_t w = 0; w < n;) {
        ssize_t m = ::write(c, buf.data() + w, static_cast<size_t>(n - w));
        Check(m > 0, "write");
        w += m;
      }
      off += n;
    }
  }
  ::close(c);
}

double CpuSeconds(int who) {
  rusage u;
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  std::filesystem::create_directories(a.dir);
  std::string path = a.dir + "/loopback_bench.data";
  {
    int f = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    Check(f >= 0, "create");
    std::vector<char> block(1 << 20, 'x');
    for (size_t i = 0; i < a.mb; ++i) Check(::write(f, block.data(), block.size()) > 0, "write");
    ::close(f);
  }
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  Check(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            ::listen(listener, 1) == 0 &&
            ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0,
        "listen");
  pid_t child = ::fork();
  Check(child >= 0, "fork");
  if (child == 0) {
    Send(listener, path, a);
    std::_Exit(0);
  }
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  Check(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0, "connect");
  std::vector<char> buf(a.chunk);
  double cpu0 = CpuSeconds(RUSAGE_SELF);
  auto t0 = std::chrono::steady_clock::now();
  size_t got = 0;
  for (ssize_t n; (n = ::read(s, buf.data(), buf.size())) > 0;) got += static_cast<size_t>(n);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double reader_cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
  ::waitpid(child, nullptr, 0);
  double writer_cpu = CpuSeconds(RUSAGE_CHILDREN);
  std::filesystem::remove(path);
  std::printf(
      "{\"bench\":\"loopback\",\"sendfile\":%s,\"chunk\":%zu,\"mb\":%zu,\"seconds\":%.3f,"
      "\"mb_per_s\":%.0f,\"writer_cpu_s\":%.2f,\"reader_cpu_s\":%.2f}\n",
      a.use_sendfile ? "true" : "false", a.chunk, a.mb, secs, static_cast<double>(got) / 1e6 / secs,
      writer_cpu, reader_cpu);
  return got == (a.mb << 20) ? 0 : 1;
}
