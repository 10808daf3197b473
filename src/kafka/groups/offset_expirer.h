// Offset retention, run in the background: GroupCoordinator::ExpireOffsets with the server's
// clocks, at start and then every check interval (Kafka's offsets.retention.minutes and
// offsets.retention.check.interval.ms). Each group expired, and each group whose offsets of
// topics it no longer subscribes to expired, is logged at info level.
//
// Threads: a thread of its own, which does the blocking expiry (tombstones and their fsync).
// Stop (or the destructor) ends it: an expiry in progress finishes first, so that after
// Stop returns nothing here touches the log. Start and Stop from one owner thread.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "kafka/groups/group_coordinator.h"

namespace oxbow::kafka::groups {

class OffsetExpirer {
 public:
  // retention_ms <= 0: Start does nothing (offsets are kept forever).
  OffsetExpirer(std::shared_ptr<GroupCoordinator> groups, int64_t retention_ms,
                int64_t check_interval_ms);
  ~OffsetExpirer();
  OffsetExpirer(const OffsetExpirer&) = delete;
  OffsetExpirer& operator=(const OffsetExpirer&) = delete;

  void Start();
  // Idempotent.
  void Stop();

 private:
  void Run();

  const std::shared_ptr<GroupCoordinator> groups_;
  const int64_t retention_ms_;
  const int64_t check_interval_ms_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace oxbow::kafka::groups
