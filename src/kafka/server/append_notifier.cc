#include "kafka/server/append_notifier.h"

#include <algorithm>

namespace oxbow::kafka {

void AppendNotifier::Watch(Waiter* waiter,
                           const std::vector<std::pair<std::string, PartitionId>>& partitions) {
  absl::MutexLock lock(&mu_);
  if (stopped()) Wake(waiter);
  auto& keys = keys_[waiter];
  for (const auto& [topic, p] : partitions) {
    Key key{topic, p.value()};
    waiters_[key].push_back(waiter);
    keys.push_back(std::move(key));
  }
}

void AppendNotifier::Unwatch(Waiter* waiter) {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(waiter);
  if (it == keys_.end()) return;
  for (const Key& key : it->second) {
    auto w = waiters_.find(key);
    if (w == waiters_.end()) continue;
    std::erase(w->second, waiter);
    if (w->second.empty()) waiters_.erase(w);
  }
  keys_.erase(it);
}

void AppendNotifier::Notify(const std::string& topic, PartitionId partition) {
  absl::MutexLock lock(&mu_);
  auto it = waiters_.find(Key{topic, partition.value()});
  if (it == waiters_.end()) return;
  for (Waiter* w : it->second) Wake(w);
}

void AppendNotifier::Shutdown() {
  absl::MutexLock lock(&mu_);
  stopped_.store(true, std::memory_order_release);
  for (const auto& [w, keys] : keys_) Wake(w);
}

void AppendNotifier::Wake(Waiter* w) {
  w->notified_->store(true, std::memory_order_release);
  // The timer is shared so that the posted cancel stays valid even if the waiter has
  // finished by the time it runs; cancelling is done on the timer's own executor.
  auto timer = w->timer_;
  boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
}

}  // namespace oxbow::kafka
