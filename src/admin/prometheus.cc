#include "admin/prometheus.h"

#include <cmath>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::admin {
namespace {

std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void MetricsWriter::Family(std::string_view name, MetricType type, std::string_view help) {
  OXBOW_CHECK(IsValidMetricName(name), "invalid metric name");
  family_ = std::string(name);
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help),
                 name, type == MetricType::kCounter ? "counter" : "gauge");
}

void MetricsWriter::Labels(std::initializer_list<Label> labels) {
  OXBOW_CHECK(!family_.empty(), "a sample before its family");
  out_ += family_;
  if (labels.size() == 0) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    OXBOW_CHECK(IsValidMetricName(name), "invalid label name");
    if (!first) out_ += ',';
    first = false;
    fmt::format_to(std::back_inserter(out_), "{}=\"{}\"", name, EscapeLabelValue(value));
  }
  out_ += "} ";
}

void MetricsWriter::Sample(std::initializer_list<Label> labels, double value) {
  Labels(labels);
  out_ += FormatSampleValue(value);
  out_ += '\n';
}

void MetricsWriter::Sample(std::initializer_list<Label> labels, int64_t value) {
  Labels(labels);
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

void MetricsWriter::Sample(std::initializer_list<Label> labels, uint64_t value) {
  Labels(labels);
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

}  // namespace oxbow::admin
