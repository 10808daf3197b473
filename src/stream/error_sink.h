// ErrorSink: where a source sends records it cannot turn into rows (malformed JSON, a value
// that does not fit its column), with the reason, so that the view carries on without them.
// DeadLetterErrorSink (dead_letter_error_sink.h) writes them to the topic's DLQ; tests
// collect them in memory.
//
// Delivery: at least once. A source calls Flush before its Poll returns, so every record
// reported is delivered before the checkpoint that moves the source past it; a record
// reported after the last checkpoint is reported again when the pipeline replays from that
// checkpoint after a crash.
// Thread safety: called from the pipeline's thread.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/status.h"

namespace oxbow::stream {

struct RecordError {
  std::string topic;
  PartitionId partition;
  Offset offset;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp_ms = -1;
  // What kind of failure: "decode" (not JSON, not an object, a missing key) or "type" (a
  // value does not fit its column), as dlq/dead_letter.h's error classes.
  std::string error_class = "decode";
  std::string reason;
};

class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  // Takes a record that failed. A sink may buffer it until Flush. An error returned stops
  // the pipeline (the record was not dealt with).
  virtual Status Report(RecordError error) = 0;
  // Delivers what Report buffered. An error stops the pipeline (before the source's offsets
  // move past the records, so they are reported again after a restore).
  virtual Status Flush() { return Status(); }
};

// Keeps every error (tests, and pipelines without a DLQ configured).
class CollectingErrorSink final : public ErrorSink {
 public:
  Status Report(RecordError error) override {
    errors_.push_back(std::move(error));
    return Status();
  }
  const std::vector<RecordError>& errors() const { return errors_; }

 private:
  std::vector<RecordError> errors_;
};

}  // namespace oxbow::stream
