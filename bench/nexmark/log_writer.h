// Writes generated Nexmark events into an embedded log (log::LogManager), the way the
// benchmark loads its input: the three topics of event_json.h, one partition each, records
// in batches of 1000 stamped with their event time, in event order within each topic.
//
// Threads: call from one thread; the LogManager may be used by others meanwhile (appends are
// serialized per partition by the log).
#pragma once

#include <cstdint>

#include "base/status.h"
#include "log/log_manager.h"
#include "nexmark/generator.h"

namespace oxbow::nexmark {

struct LoadCounts {
  int64_t people = 0;
  int64_t auctions = 0;
  int64_t bids = 0;
  int64_t bytes = 0;  // JSON value bytes
};

// Creates the three topics when missing (fsync in the background only: loading is not what
// the benchmark measures) and appends events [begin, end). Errors: the log's.
Result<LoadCounts> AppendEvents(log::LogManager& log, const Generator& gen, int64_t begin,
                                int64_t end);

}  // namespace oxbow::nexmark
