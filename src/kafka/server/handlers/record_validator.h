// Checks a Produce request's records before they are written: where topic-level rules
// that need more than the log (schema validation against the registry,
// confluent.*.schema.validation) plug into the Kafka API. The server provides one over the
// schema registry; without one, nothing is checked beyond what the log checks.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "log/topic_config.h"

namespace oxbow::kafka {

class RecordValidator {
 public:
  virtual ~RecordValidator() = default;
  // Whether `records` (one partition's record set from a Produce request) may be written to
  // `topic`, whose effective config is `config`. OK, or InvalidArgument whose message names
  // the record and the reason (answered INVALID_RECORD), or the batch's decode error
  // (DataLoss → CORRUPT_MESSAGE). Called on blocking threads, concurrently.
  virtual Status Validate(const std::string& topic, const log::TopicConfig& config,
                          ByteView records) = 0;
};

}  // namespace oxbow::kafka
