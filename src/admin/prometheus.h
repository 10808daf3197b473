// Prometheus text exposition format 0.0.4 (what GET /metrics answers): a family's
// `# HELP` and `# TYPE` lines, then its samples `name{label="value",...} value`, one per
// line. Label values escape '\\', '"' and newline; HELP text escapes '\\' and newline.
// Values print in the shortest form that reads back exactly; NaN and infinities as "NaN",
// "+Inf", "-Inf".
//
// Names follow Prometheus's conventions: a unit suffix in base units (_seconds, _bytes),
// counters end in _total. A metric or label name outside [a-zA-Z_:][a-zA-Z0-9_:]* is a bug
// (OXBOW_CHECK), since names come from code, never from input; label values may be any
// UTF-8 text (topic and view names).
//
// Threads: a writer is a plain value, used by one thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace oxbow::admin {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge };

using Label = std::pair<std::string_view, std::string_view>;

class MetricsWriter {
 public:
  // Starts a family: its HELP and TYPE lines. The caller writes each family once, with all
  // its samples together, as the format requires.
  void Family(std::string_view name, MetricType type, std::string_view help);
  // A sample of the family started last.
  void Sample(std::initializer_list<Label> labels, double value);
  void Sample(std::initializer_list<Label> labels, int64_t value);
  void Sample(std::initializer_list<Label> labels, uint64_t value);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Labels(std::initializer_list<Label> labels);

  std::string out_;
  std::string family_;
};

// Whether `name` is a valid metric or label name.
bool IsValidMetricName(std::string_view name);
// `value` escaped for a label value (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view value);
// `value` formatted as the exposition format writes sample values.
std::string FormatSampleValue(double value);

}  // namespace oxbow::admin
