// Why the log refused an idempotent producer's batch (producer_state.h), carried as a
// payload on a FailedPrecondition Status so that the protocol edge can answer Kafka's
// exact error code while errors stay values. Header-only: the Kafka codec library maps it
// without linking the log.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/cord.h"
#include "base/status.h"

namespace oxbow::log {

enum class ProducerError : uint8_t {
  kOutOfOrderSequence,    // a sequence gap, or a retry older than the batches kept
  kInvalidProducerEpoch,  // an epoch older than the producer's current one (fenced)
  kUnknownProducerId,     // no record of the producer, and it did not start at sequence 0
};

// The payload key carrying a ProducerError's name.
inline constexpr std::string_view kProducerErrorPayload = "oxbow.log.ProducerError";

inline std::string_view ProducerErrorName(ProducerError e) {
  switch (e) {
    case ProducerError::kOutOfOrderSequence:
      return "OUT_OF_ORDER_SEQUENCE";
    case ProducerError::kInvalidProducerEpoch:
      return "INVALID_PRODUCER_EPOCH";
    case ProducerError::kUnknownProducerId:
      return "UNKNOWN_PRODUCER_ID";
  }
  return "";
}

// A FailedPrecondition Status with `message`, marked with `e`.
inline Status ProducerErrorStatus(ProducerError e, std::string_view message) {
  Status s = absl::FailedPreconditionError(absl::string_view(message.data(), message.size()));
  std::string_view name = ProducerErrorName(e);
  s.SetPayload(absl::string_view(kProducerErrorPayload.data(), kProducerErrorPayload.size()),
               absl::Cord(absl::string_view(name.data(), name.size())));
  return s;
}

// The ProducerError a Status carries, if any.
inline std::optional<ProducerError> ProducerErrorOf(const Status& status) {
  auto p = status.GetPayload(
      absl::string_view(kProducerErrorPayload.data(), kProducerErrorPayload.size()));
  if (!p) return std::nullopt;
  for (ProducerError e : {ProducerError::kOutOfOrderSequence, ProducerError::kInvalidProducerEpoch,
                          ProducerError::kUnknownProducerId}) {
    std::string_view name = ProducerErrorName(e);
    if (*p == absl::string_view(name.data(), name.size())) return e;
  }
  return std::nullopt;
}

}  // namespace oxbow::log
