#include "registry/compatibility.h"

#include <array>

#include "fmt/format.h"

namespace oxbow::registry {
namespace {

constexpr std::array<std::string_view, 7> kNames = {
    "NONE", "BACKWARD",       "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE"};

bool Transitive(CompatibilityLevel level) {
  return level == CompatibilityLevel::kBackwardTransitive ||
         level == CompatibilityLevel::kForwardTransitive ||
         level == CompatibilityLevel::kFullTransitive;
}

bool ChecksBackward(CompatibilityLevel level) {
  return level == CompatibilityLevel::kBackward ||
         level == CompatibilityLevel::kBackwardTransitive || level == CompatibilityLevel::kFull ||
         level == CompatibilityLevel::kFullTransitive;
}

bool ChecksForward(CompatibilityLevel level) {
  return level == CompatibilityLevel::kForward || level == CompatibilityLevel::kForwardTransitive ||
         level == CompatibilityLevel::kFull || level == CompatibilityLevel::kFullTransitive;
}

}  // namespace

std::string_view CompatibilityLevelName(CompatibilityLevel level) {
  return kNames[static_cast<size_t>(level)];
}

Result<CompatibilityLevel> ParseCompatibilityLevel(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<CompatibilityLevel>(i);
  }
  return absl::InvalidArgumentError(fmt::format(
      "invalid compatibility level \"{}\": expected one of {}", name, fmt::join(kNames, ", ")));
}

std::string Incompatibility::ToString() const {
  return fmt::format("{} at {}: {}", kind, path, message);
}

std::vector<std::string> CompatibilityReport::Messages(
    CompatibilityLevel level, const std::vector<std::string>& version_names) const {
  std::vector<std::string> out;
  for (const LevelViolation& v : violations) {
    std::string version = v.previous_index < version_names.size()
                              ? version_names[v.previous_index]
                              : fmt::format("#{}", v.previous_index);
    std::string_view what = v.direction == CheckDirection::kNewReadsOld
                                ? "the new schema cannot read data written with earlier {}"
                                : "earlier {} cannot read data written with the new schema";
    out.push_back(fmt::format("{}: {}: {}", CompatibilityLevelName(level),
                              fmt::format(fmt::runtime(what), version),
                              v.incompatibility.ToString()));
  }
  return out;
}

CompatibilityReport CheckCompatibilityLevel(CompatibilityLevel level, size_t num_previous,
                                            ReadCheck read_check) {
  CompatibilityReport report;
  if (level == CompatibilityLevel::kNone || num_previous == 0) return report;
  size_t oldest = Transitive(level) ? 0 : num_previous - 1;
  for (size_t i = num_previous; i-- > oldest;) {
    for (CheckDirection d : {CheckDirection::kNewReadsOld, CheckDirection::kOldReadsNew}) {
      if (d == CheckDirection::kNewReadsOld ? !ChecksBackward(level) : !ChecksForward(level)) {
        continue;
      }
      for (Incompatibility& inc : read_check(i, d)) {
        report.violations.push_back(LevelViolation{i, d, std::move(inc)});
      }
    }
  }
  return report;
}

}  // namespace oxbow::registry
