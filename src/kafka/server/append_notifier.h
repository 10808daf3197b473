// Wakes Fetch requests that wait for data (long polling) when a partition they watch gets
// an append. No polling: the log calls Notify from its append observer.
//
// Threads: Notify runs on the appending thread; Watch/Unwatch on a Fetch's coroutine. The
// wake-up is posted to the waiter's executor, which must be the one the waiting coroutine
// runs on, and the waiter checks `notified()` before it starts waiting in the same handler
// invocation, so a notification can never fall between the check and the wait.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/asio.h"
#include "base/ids.h"

namespace oxbow::kafka {

class AppendNotifier {
 public:
  class Waiter {
   public:
    explicit Waiter(boost::asio::any_io_executor executor)
        : timer_(std::make_shared<boost::asio::steady_timer>(executor)) {}
    bool notified() const { return notified_->load(std::memory_order_acquire); }
    // Forgets past notifications; call on the waiter's strand.
    void Rearm() { notified_->store(false, std::memory_order_release); }
    boost::asio::steady_timer& timer() { return *timer_; }

   private:
    friend class AppendNotifier;
    std::shared_ptr<boost::asio::steady_timer> timer_;
    std::shared_ptr<std::atomic<bool>> notified_ = std::make_shared<std::atomic<bool>>(false);
  };

  // Registers `waiter` for appends to these partitions until Unwatch.
  void Watch(Waiter* waiter, const std::vector<std::pair<std::string, PartitionId>>& partitions);
  void Unwatch(Waiter* waiter);
  void Notify(const std::string& topic, PartitionId partition);
  // The server is stopping: wakes every waiter, and a waiter that watches from now on is
  // notified at once. Waiters check stopped() after waking and stop waiting.
  void Shutdown();
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }

 private:
  using Key = std::pair<std::string, int32_t>;
  static void Wake(Waiter* w);
  std::atomic<bool> stopped_{false};
  absl::Mutex mu_;
  absl::flat_hash_map<Key, std::vector<Waiter*>> waiters_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<Waiter*, std::vector<Key>> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::kafka
