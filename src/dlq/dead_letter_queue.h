// Writes dead letters (dead_letter.h) to the log: each to `<source topic>.dlq`, created on
// demand, and counts them per source topic.
//
// The dead-letter topic is created with as many partitions as the source topic has (1 when
// the source topic does not exist), the source topic's max.message.bytes plus room for the
// headers, and otherwise the server's defaults; a letter goes to the partition with its
// source partition's number (modulo the count), so a source partition's letters stay in
// order. An existing dead-letter topic is used as it is (a user may create it first with
// other settings).
//
// Append is batched: one call's letters for one dead-letter partition are appended as one
// record set (one write, one fsync, all or nothing). Callers that see failures one at a time
// (the SQL engine) should collect a chunk's letters and append them together.
//
// Threads: every method is thread-safe; Append blocks (disk, fsync) and must not run on an
// I/O thread. Counts are read without blocking Appends for long (one mutex, held to copy).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "dlq/dead_letter.h"
#include "log/log_manager.h"

namespace oxbow::dlq {

class DeadLetterQueue {
 public:
  // `log` must outlive the queue.
  explicit DeadLetterQueue(log::LogManager& log) : log_(log) {}

  // Appends `letters` (in order per dead-letter partition) and returns once they are
  // durable per the dead-letter topic's flush policy. On error nothing of the failed
  // partition's letters was appended (letters for other partitions may have been) and the
  // error says which topic; counts include only what was appended.
  // Errors: InvalidArgument (a source topic whose .dlq name is too long, an empty source
  // topic name), the log's (CreateTopic, Append: e.g. FailedPrecondition when offline).
  Status Append(std::span<const DeadLetter> letters);
  Status Append(const DeadLetter& letter) {
    return Append(std::span<const DeadLetter>(&letter, 1));
  }

  // How many letters from `source_topic` were appended since this queue was made.
  uint64_t Count(std::string_view source_topic) const;
  // Every source topic's count, by name (for the metrics endpoint).
  std::map<std::string, uint64_t> Counts() const;

 private:
  // The dead-letter topic's partition count, creating the topic if needed.
  Result<int32_t> EnsureTopic(const std::string& source, const std::string& dlq);

  log::LogManager& log_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::dlq
