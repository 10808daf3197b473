// DeadLetterErrorSink: the ErrorSink of a pipeline reading topics of the log. Each record a
// source cannot decode goes to its topic's dead-letter topic `<topic>.dlq` (src/dlq,
// docs/dead-letter.md): the original key, value, headers and timestamp, with the source
// topic, partition and offset, the error class ("decode" or "type") and the reason in the
// oxbow.dlq.* headers. The view carries on without the record.
//
// Report buffers; Flush (called by the source before its Poll returns, so before the
// checkpoint that moves its offsets past the records) appends everything buffered with one
// DeadLetterQueue::Append. If the append fails, Flush returns the error and the pipeline
// stops; the letters are not lost because the source's offsets were not committed past
// them: a restore reads and reports them again. Delivery is therefore at least once (a
// crash between a Flush and the next checkpoint writes those letters again).
//
// Thread safety: Report/Flush from the pipeline's thread; Count/Counts from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "dlq/dead_letter_queue.h"
#include "stream/error_sink.h"

namespace oxbow::stream {

class DeadLetterErrorSink final : public ErrorSink {
 public:
  // `queue` must outlive the sink (one queue per server, shared by every pipeline).
  // `view`: the materialized view whose sources report here (the letters' oxbow.dlq.view).
  explicit DeadLetterErrorSink(dlq::DeadLetterQueue& queue, std::string view = "")
      : queue_(queue), view_(std::move(view)) {}

  Status Report(RecordError error) override;
  // Errors: the queue's (InvalidArgument for a source topic too long to have a .dlq, the
  // log's when the topic cannot be created or the append fails). Nothing is buffered
  // afterwards either way: a failed Flush's letters come back through the replay.
  Status Flush() override;

  // Letters this sink wrote for `topic` (and for every topic), since it was made.
  uint64_t Count(std::string_view topic) const;
  std::map<std::string, uint64_t> Counts() const;

 private:
  dlq::DeadLetterQueue& queue_;
  std::string view_;
  std::vector<dlq::DeadLetter> pending_;  // pipeline thread only
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::stream
