// Logging (spdlog) and invariant checks.
//
// Log with spdlog's functions through the OXBOW_LOG_* macros, e.g.
//   OXBOW_LOG_WARN("truncating {} at position {}", path, pos);
// OXBOW_CHECK is for invariants that, if broken, mean a bug in Oxbow, never for bad input:
// it logs the message with file and line and aborts.
#pragma once

#include <string_view>

#include "base/status.h"
#include "spdlog/spdlog.h"

#define OXBOW_LOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define OXBOW_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define OXBOW_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define OXBOW_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define OXBOW_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)

#define OXBOW_CHECK(cond, ...)                                                               \
  do {                                                                                       \
    if (!(cond)) [[unlikely]] {                                                              \
      ::oxbow::internal::CheckFailed(__FILE__, __LINE__, #cond, ::fmt::format(__VA_ARGS__)); \
    }                                                                                        \
  } while (false)

namespace oxbow {

// Sets the global log level: one of trace, debug, info, warn, error, off.
Status SetLogLevel(std::string_view level);

// Logs to stderr with a compact pattern. Safe to call more than once.
void InitLogging();

namespace internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* cond, const std::string& msg);
}  // namespace internal

}  // namespace oxbow
