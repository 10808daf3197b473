// A dead letter: a record that was accepted into a topic and then failed later (a decode
// error downstream, a type error in the SQL engine, an event past its watermark), with why
// and where it came from. It goes to the source topic's dead-letter topic `<topic>.dlq`
// (dead_letter_queue.h) instead of being dropped.
//
// On the dead-letter topic a letter is a Kafka record whose key and value are the original
// bytes, unchanged, and whose headers say where it came from and what went wrong:
//   oxbow.dlq.source.topic      the source topic
//   oxbow.dlq.source.partition  its partition, decimal ("-1": not from a partition)
//   oxbow.dlq.source.offset     its offset, decimal ("-1": not known)
//   oxbow.dlq.error.class       a short machine-readable class ("decode", "type", "late", ...)
//   oxbow.dlq.error.message     the error, for people (at most kMaxDeadLetterMessageBytes)
//   oxbow.dlq.view              the materialized view that could not use the record, when one
//                               did (each view reading a topic reports its own: a record late
//                               for two windowed views is two letters)
// followed by the original record's own headers. The record's timestamp is the original's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace oxbow::dlq {

inline constexpr std::string_view kHeaderSourceTopic = "oxbow.dlq.source.topic";
inline constexpr std::string_view kHeaderSourcePartition = "oxbow.dlq.source.partition";
inline constexpr std::string_view kHeaderSourceOffset = "oxbow.dlq.source.offset";
inline constexpr std::string_view kHeaderErrorClass = "oxbow.dlq.error.class";
inline constexpr std::string_view kHeaderErrorMessage = "oxbow.dlq.error.message";
inline constexpr std::string_view kHeaderView = "oxbow.dlq.view";

// Longer messages are cut there (at a UTF-8 character boundary) and end in "...".
inline constexpr size_t kMaxDeadLetterMessageBytes = 4096;

// Suggested error classes; any short string is allowed.
inline constexpr std::string_view kErrorClassSchema = "schema";  // bytes do not fit the schema
inline constexpr std::string_view kErrorClassDecode = "decode";  // bytes do not decode
inline constexpr std::string_view kErrorClassType = "type";      // a value does not fit a type
inline constexpr std::string_view kErrorClassLate = "late";      // behind the watermark

struct DeadLetter {
  std::string source_topic;
  int32_t source_partition = -1;
  int64_t source_offset = -1;
  std::string error_class;
  std::string error_message;
  std::string view;                  // empty: not reported by a view
  std::optional<std::string> key;    // the original bytes; nullopt: a null key
  std::optional<std::string> value;  // nullopt: a null value
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;  // the original's
  int64_t timestamp_ms = -1;  // the original's; -1: the time of the append
};

// "<topic>.dlq". InvalidArgument when that is not a valid topic name (longer than 249).
Result<std::string> DeadLetterTopicFor(std::string_view source_topic);

}  // namespace oxbow::dlq
