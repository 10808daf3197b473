// The server log's progress lines for materialized views catching up on history:
//   view v: 45% (450,000 / 1,000,000 offsets), 310k events/s, ETA 2 s
// ProgressReporter writes one per lagging view every interval while any view lags by more
// than a threshold, and one "caught up" line when it no longer does. When stderr is a
// terminal (and the log goes there) it redraws a single line instead, so a log file stays
// one line per report and a terminal shows a progress bar.
//
// Threads: the reporter runs its own thread between Start and Stop (or destruction); the
// view statuses come from a callback that must be callable from that thread until Stop
// returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"

namespace oxbow::admin {

// "view v: 45% (450,000 / 1,000,000 offsets), 310k events/s, ETA 2 s" for one view:
// offsets read (summed over its source partitions) of their ends.
std::string FormatProgressLine(const engine::ViewStatus& view);
// 1234567 -> "1,234,567".
std::string GroupThousands(uint64_t n);
// 310000 -> "310k", 2500000 -> "2.5M", 950 -> "950".
std::string HumanRate(double per_second);

struct ProgressOptions {
  std::chrono::milliseconds interval{2000};
  // A view is reported while it lags by more than this many offsets.
  uint64_t min_lag = 10000;
  // Redraw one line on stderr (a terminal) rather than logging lines.
  bool redraw = false;
};

class ProgressReporter {
 public:
  using ViewsFn = std::function<std::vector<engine::ViewStatus>()>;
  ProgressReporter(ProgressOptions options, ViewsFn views);
  ~ProgressReporter();  // Stop()

  void Start();
  void Stop();

  // One report: the lines it logs (or draws) for these statuses; updates which views are
  // being reported. Public for tests.
  std::vector<std::string> Report(const std::vector<engine::ViewStatus>& views);

 private:
  void Run();

  const ProgressOptions options_;
  const ViewsFn views_;
  std::set<std::string> reporting_;  // views reported last time (the reporter thread's)
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace oxbow::admin
