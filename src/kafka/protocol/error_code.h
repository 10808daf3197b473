// Kafka error codes (the protocol guide's table) and the translation of Oxbow's Status
// values into them. This is the protocol edge: nothing below it knows Kafka's codes.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace oxbow::kafka {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kInvalidFetchSize = 4,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kOffsetMetadataTooLarge = 12,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,
  kRecordListTooLarge = 18,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kInvalidTimestamp = 32,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kInvalidRequest = 42,
  kUnsupportedForMessageFormat = 43,
  kPolicyViolation = 44,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kKafkaStorageError = 56,
  kUnknownProducerId = 59,
  kNonEmptyGroup = 68,
  kGroupIdNotFound = 69,
  kMemberIdRequired = 79,
  kFencedInstanceId = 82,
  kInvalidRecord = 87,
};

inline int16_t Code(ErrorCode e) { return static_cast<int16_t>(e); }

// Translates a log error on a produce path: a refused idempotent batch (a Status carrying
// a log::ProducerError) → OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or
// UNKNOWN_PRODUCER_ID; otherwise by code: DataLoss → CORRUPT_MESSAGE, ResourceExhausted →
// MESSAGE_TOO_LARGE, InvalidArgument → INVALID_RECORD, NotFound → UNKNOWN_TOPIC_OR_PARTITION,
// OutOfRange → OFFSET_OUT_OF_RANGE, FailedPrecondition/Unavailable/Internal →
// KAFKA_STORAGE_ERROR.
ErrorCode ErrorCodeFor(const Status& status);

}  // namespace oxbow::kafka
