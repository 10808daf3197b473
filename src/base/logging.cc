#include "base/logging.h"

#include <cstdlib>

#include "fmt/format.h"
#include "spdlog/sinks/stdout_color_sinks.h"

namespace oxbow {

Status SetLogLevel(std::string_view level) {
  spdlog::level::level_enum lvl = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for anything it does not know; only accept "off" when asked.
  if (lvl == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(fmt::format(
        "invalid log level '{}': expected trace, debug, info, warn, error or off", level));
  }
  spdlog::set_level(lvl);
  return absl::OkStatus();
}

void InitLogging() {
  static bool done = false;
  if (done) return;
  done = true;
  auto logger = spdlog::stderr_color_mt("oxbow");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
}

namespace internal {
void CheckFailed(const char* file, int line, const char* cond, const std::string& msg) {
  spdlog::critical("{}:{}: check failed: {}: {}", file, line, cond, msg);
  spdlog::shutdown();
  std::abort();
}
}  // namespace internal

}  // namespace oxbow
