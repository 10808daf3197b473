// The REST proxy's errors, in Confluent REST Proxy's shape and codes, so that clients
// written against Confluent's proxy understand them: {"error_code": N, "message": "..."}
// with an HTTP status that is N's first three digits.
#pragma once

#include <string>
#include <string_view>

#include "net/http_message.h"

namespace oxbow::http {

// Confluent's codes (io.confluent.kafkarest.Errors) and the plain HTTP ones it also uses.
inline constexpr int kTopicNotFound = 40401;
inline constexpr int kPartitionNotFound = 40402;
inline constexpr int kTooLarge = 413;
inline constexpr int kUnsupportedMediaType = 415;
inline constexpr int kInvalidBody = 422;  // the body does not parse or has the wrong shape
inline constexpr int kKeySchemaMissing = 42201;
inline constexpr int kValueSchemaMissing = 42202;
// A record's key or value does not match its schema (Confluent: JSON to Avro conversion
// failed), or not what the topic's schema validation requires. Per record.
inline constexpr int kRecordSchemaMismatch = 42203;
inline constexpr int kKafkaError = 50002;           // the log refused a record
inline constexpr int kKafkaRetriableError = 50003;  // ... for a reason that may pass

// An error to answer instead of a result.
struct RestError {
  int error_code = 500;
  std::string message;

  int http_status() const;  // 40401 -> 404, 422 -> 422
  net::Response ToResponse() const;
};

// Per-record errors of a produce: the code for an append that failed with `status`.
int ErrorCodeForAppend(const Status& status);

}  // namespace oxbow::http
