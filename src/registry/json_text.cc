#include "registry/json_text.h"

#include <algorithm>

#include "fmt/format.h"

namespace oxbow::registry {
namespace {

// The deepest nesting of [ and { outside string literals. Runs before nlohmann parses the
// text, so that no later recursive walk can exhaust the stack.
int NestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<nlohmann::json> ParseJsonText(std::string_view text, int max_depth) {
  if (NestingDepth(text) > max_depth) {
    return absl::InvalidArgumentError(
        fmt::format("invalid JSON: nested deeper than {} levels", max_depth));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's messages start with "[json.exception.parse_error.101] ": keep what follows.
    std::string_view what = e.what();
    size_t end = what.find("] ");
    if (what.starts_with("[json.exception.") && end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return absl::InvalidArgumentError(fmt::format("invalid JSON: {}", what));
  }
}

std::string JsonForMessage(const nlohmann::json& value) {
  // Parsed text is valid UTF-8, but values built in code may not be: replace, never throw.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace oxbow::registry
