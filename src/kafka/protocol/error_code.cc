#include "kafka/protocol/error_code.h"

#include "log/producer_error.h"

namespace oxbow::kafka {

ErrorCode ErrorCodeFor(const Status& status) {
  if (std::optional<log::ProducerError> e = log::ProducerErrorOf(status)) {
    switch (*e) {
      case log::ProducerError::kOutOfOrderSequence:
        return ErrorCode::kOutOfOrderSequenceNumber;
      case log::ProducerError::kInvalidProducerEpoch:
        return ErrorCode::kInvalidProducerEpoch;
      case log::ProducerError::kUnknownProducerId:
        return ErrorCode::kUnknownProducerId;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ErrorCode::kNone;
    case absl::StatusCode::kDataLoss:
      return ErrorCode::kCorruptMessage;
    case absl::StatusCode::kResourceExhausted:
      return ErrorCode::kMessageTooLarge;
    case absl::StatusCode::kInvalidArgument:
      return ErrorCode::kInvalidRecord;
    case absl::StatusCode::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case absl::StatusCode::kOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case absl::StatusCode::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
      return ErrorCode::kKafkaStorageError;
    default:
      return ErrorCode::kUnknownServerError;
  }
}

}  // namespace oxbow::kafka
