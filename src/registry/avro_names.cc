#include "registry/avro_names.h"

#include "fmt/format.h"

namespace oxbow::registry {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Whether every dot-separated part of `dotted` is a valid name.
bool AllPartsValid(std::string_view dotted) {
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string_view part = dotted.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!IsValidAvroName(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

bool IsValidAvroName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string AvroFullName(std::string_view name, std::string_view space) {
  if (name.find('.') != std::string_view::npos || space.empty()) return std::string(name);
  return fmt::format("{}.{}", space, name);
}

std::string_view AvroNamespaceOf(std::string_view full_name) {
  size_t dot = full_name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : full_name.substr(0, dot);
}

Status ValidateAvroFullName(std::string_view full_name, std::string_view what) {
  if (AllPartsValid(full_name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("invalid {} \"{}\": a name is [A-Za-z_][A-Za-z0-9_]*, a namespace is names "
                  "separated by dots",
                  what, full_name));
}

Status ValidateAvroNamespace(std::string_view space) {
  if (space.empty() || AllPartsValid(space)) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format(
      "invalid namespace \"{}\": a namespace is names ([A-Za-z_][A-Za-z0-9_]*) separated by dots",
      space));
}

}  // namespace oxbow::registry
