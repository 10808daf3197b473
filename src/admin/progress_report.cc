#include "admin/progress_report.h"

#include <cstdio>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::admin {

std::string GroupThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string HumanRate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.3g}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.3g}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

std::string FormatProgressLine(const engine::ViewStatus& view) {
  uint64_t done = 0, end = 0;
  for (const engine::SourceProgress& s : view.sources) {
    done += static_cast<uint64_t>(std::max<int64_t>(s.offset, 0));
    end += static_cast<uint64_t>(std::max<int64_t>(s.end, 0));
  }
  int percent = end == 0 ? 100 : static_cast<int>(100.0 * static_cast<double>(done) / end);
  std::string eta =
      view.events_per_second > 0
          ? fmt::format("{:.0f} s", static_cast<double>(view.lag) / view.events_per_second)
          : std::string("unknown");
  return fmt::format("view {}: {}% ({} / {} offsets), {} events/s, ETA {}", view.name, percent,
                     GroupThousands(done), GroupThousands(end), HumanRate(view.events_per_second),
                     eta);
}

ProgressReporter::ProgressReporter(ProgressOptions options, ViewsFn views)
    : options_(options), views_(std::move(views)) {}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ProgressReporter::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> ProgressReporter::Report(const std::vector<engine::ViewStatus>& views) {
  std::vector<std::string> lines;
  std::set<std::string> lagging;
  for (const engine::ViewStatus& v : views) {
    if (v.state != engine::ViewStatus::State::kRunning) continue;
    if (v.lag > options_.min_lag) {
      lagging.insert(v.name);
      lines.push_back(FormatProgressLine(v));
    } else if (reporting_.contains(v.name)) {
      lines.push_back(
          fmt::format("view {}: caught up ({} records)", v.name, GroupThousands(v.records_in)));
    }
  }
  reporting_ = std::move(lagging);
  return lines;
}

void ProgressReporter::Run() {
  bool drawn = false;  // a redrawn line is on the terminal
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, options_.interval, [this] { return stop_; })) break;
    }
    std::vector<std::string> lines = Report(views_());
    if (!options_.redraw) {
      for (const std::string& line : lines) OXBOW_LOG_INFO("{}", line);
      continue;
    }
    // One line, rewritten in place ("\r", erase to the end of the line).
    std::string text;
    for (const std::string& line : lines) text += (text.empty() ? "" : " | ") + line;
    if (!text.empty()) {
      std::fprintf(stderr, "\r\033[K%s", text.c_str());
      drawn = !reporting_.empty();
      if (!drawn) std::fputc('\n', stderr);
    } else if (drawn) {
      std::fputc('\n', stderr);
      drawn = false;
    }
    std::fflush(stderr);
  }
  if (drawn) std::fputc('\n', stderr);
}

}  // namespace oxbow::admin
