#include "kafka/groups/offset_expirer.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "base/logging.h"
#include "fmt/ranges.h"

namespace oxbow::kafka::groups {

OffsetExpirer::OffsetExpirer(std::shared_ptr<GroupCoordinator> groups, int64_t retention_ms,
                             int64_t check_interval_ms)
    : groups_(std::move(groups)),
      retention_ms_(retention_ms),
      check_interval_ms_(std::max<int64_t>(check_interval_ms, 1)) {}

OffsetExpirer::~OffsetExpirer() { Stop(); }

void OffsetExpirer::Start() {
  if (retention_ms_ <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void OffsetExpirer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OffsetExpirer::Run() {
  for (;;) {
    int64_t wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    ExpiredOffsets expired = groups_->ExpireOffsets(SteadyNowMs(), wall_ms, retention_ms_);
    for (const std::string& group : expired.groups) {
      OXBOW_LOG_INFO(
          "consumer group {}: committed offsets expired (no member and no commit for {} ms, "
          "offsets.retention.minutes)",
          group, retention_ms_);
    }
    for (const auto& [group, partitions] : expired.unsubscribed) {
      std::set<std::string> topics;
      for (const TopicPartition& tp : partitions) topics.insert(tp.first);
      OXBOW_LOG_INFO(
          "consumer group {}: committed offsets of {} partitions of topics it no longer "
          "subscribes to ({}) expired (no commit for {} ms, offsets.retention.minutes)",
          group, partitions.size(), fmt::join(topics, ", "), retention_ms_);
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Milliseconds(check_interval_ms_))) {
      return;
    }
  }
}

}  // namespace oxbow::kafka::groups
