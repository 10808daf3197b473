// CPU accounting for the benchmarks (engine_bench, nexmark_bench): per thread of this
// process, and for the whole process. Linux only (/proc/self/task/*/schedstat).
#pragma once

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace oxbow::bench {

// CPU seconds per thread of this process, by thread id (schedstat's first field, ns).
inline std::map<int, double> ThreadCpu() {
  std::map<int, double> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream f(e.path() / "schedstat");
    double ns = 0;
    if (f >> ns) out[std::stoi(e.path().filename().string())] = ns / 1e9;
  }
  return out;
}

// User + system CPU seconds of the whole process.
inline double ProcessCpu() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

}  // namespace oxbow::bench
