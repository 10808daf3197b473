// Errors are values. Every fallible function returns Status or Result<T>; protocol edges
// (Kafka error codes, SQLSTATE, HTTP) translate them, nothing in between throws.
//
// Codes used across Oxbow, so callers can branch on them:
//   InvalidArgument  the caller's input is malformed or out of range (never retry)
//   NotFound         a topic, partition, file or key does not exist
//   AlreadyExists    creating something that exists
//   OutOfRange       an offset or position outside what the log holds
//   DataLoss         bytes on disk or on the wire fail validation (CRC, length, framing)
//   ResourceExhausted  the input exceeds a configured limit (e.g. max.message.bytes)
//   FailedPrecondition  the object is in the wrong state (closed, offline after an I/O error)
//   Unavailable      the disk is full (ENOSPC/EDQUOT); may succeed later
//   Internal         an I/O or library error we cannot classify further
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"

namespace oxbow {

using Status = absl::Status;
template <typename T>
using Result = absl::StatusOr<T>;

// Builds an Internal error from errno, naming the operation and the path.
Status ErrnoError(int err, std::string_view op, std::string_view path);

// Debian's Abseil has its own string_view type (not std::string_view); converts it.
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace oxbow

// Lets fmt format Abseil's string_view (e.g. status.message()) and Status itself.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(absl::string_view s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};
template <>
struct fmt::formatter<absl::Status> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const absl::Status& s, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(s.ToString(), ctx);
  }
};

#define OXBOW_CONCAT_INNER_(a, b) a##b
#define OXBOW_CONCAT_(a, b) OXBOW_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)               \
  do {                                      \
    ::absl::Status _oxbow_status = (expr);  \
    if (!_oxbow_status.ok()) [[unlikely]] { \
      return _oxbow_status;                 \
    }                                       \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result, or returns its error.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(OXBOW_CONCAT_(_oxbow_result_, __LINE__), lhs, rexpr)

#define ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                           \
  if (!result.ok()) [[unlikely]] {                 \
    return std::move(result).status();             \
  }                                                \
  lhs = std::move(result).value()
