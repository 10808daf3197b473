// ErrorSink: where a source sends records it cannot turn into rows (malformed JSON, a value
// that does not fit its column), with the reason, so that the view carries on without them.
// The dead-letter-queue library implements this for DLQ topics; tests collect in memory.
//
// Delivery: at least once. A record reported after the last checkpoint is reported again
// when the pipeline replays from that checkpoint after a crash.
// Thread safety: called from the pipeline's thread.
#pragma once

#include <optional>
#include <string>
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
  std::string reason;
};

class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  // An error returned stops the pipeline (the record was not dealt with).
  virtual Status Report(RecordError error) = 0;
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
