// Producer ids for idempotent producers (Kafka's InitProducerId), never handed out twice
// for one data directory, across restarts and crashes.
//
// Ids are reserved in blocks: <data_dir>/producer-ids holds the first id of the next
// unreserved block, written and fsynced (atomically) before any id of a new block is handed
// out. After a restart allocation continues from that file, so a crash skips at most the
// rest of the current block and never reuses an id the broker may have answered.
//
// Threads: Next() is thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"

namespace oxbow::log {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kBlockSize = 1000;
  static constexpr std::string_view kFileName = "producer-ids";

  ProducerIdAllocator(io::FileSystem& fs, std::string data_dir);

  // The next unused id. Errors: DataLoss when the file is unreadable (ids could be reused,
  // so none are handed out until an operator looks), Internal/Unavailable on I/O errors.
  Result<ProducerId> Next();

 private:
  Status Reserve() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  io::FileSystem& fs_;
  const std::string path_;
  absl::Mutex mu_;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  // One past the last id reserved durably.
  int64_t reserved_until_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace oxbow::log
