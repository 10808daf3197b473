// How the group handlers wait for a delayed JoinGroup/SyncGroup answer without polling.
//
// The coordinator fills the answer's Slot and calls the wake-up made here, which cancels
// this wait's timer on the request's strand (as AppendNotifier does for Fetch). The timer
// otherwise fires at the group's next deadline (a session expiry, the end of a rebalance's
// join phase), when the handler runs the coordinator's Tick itself: the coordinator has no
// thread of its own, time moves it through the requests that wait on it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/asio.h"
#include "kafka/groups/group_coordinator.h"

namespace oxbow::kafka {

class GroupWait {
 public:
  explicit GroupWait(boost::asio::any_io_executor strand)
      : strand_(strand), timer_(std::make_shared<boost::asio::steady_timer>(strand)) {}

  // The slot's wake-up. It keeps only a weak reference to the timer: the coordinator (and
  // the slots it holds) may outlive this request's frame and the io_context.
  std::function<void()> Waker() {
    std::weak_ptr<boost::asio::steady_timer> weak = timer_;
    std::shared_ptr<std::atomic<bool>> notified = notified_;
    return [weak, notified] {
      notified->store(true, std::memory_order_release);
      if (auto timer = weak.lock()) {
        boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
      }
    };
  }

  // Returns the slot's answer once it is there.
  template <typename T>
  boost::asio::awaitable<T> Wait(groups::GroupCoordinator& coordinator, const std::string& group,
                                 groups::Slot<T>& slot) {
    while (true) {
      notified_->store(false, std::memory_order_release);
      if (std::optional<T> v = slot.Take()) co_return std::move(*v);
      int64_t now = groups::SteadyNowMs();
      int64_t wait_ms = std::clamp<int64_t>(coordinator.NextDeadline(group) - now, 1, kMaxWaitMs);
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
      co_await boost::asio::co_spawn(strand_, WaitOnStrand(until), boost::asio::use_awaitable);
      coordinator.Tick(groups::SteadyNowMs());
    }
  }

 private:
  // An upper bound on one wait, so that a deadline missed by a bug costs seconds, not a
  // hung consumer.
  static constexpr int64_t kMaxWaitMs = 5000;

  // On the strand, the notified() check and the start of the wait cannot be split by the
  // wake-up's cancel, which is posted to the same strand.
  boost::asio::awaitable<void> WaitOnStrand(std::chrono::steady_clock::time_point until) {
    if (notified_->load(std::memory_order_acquire)) co_return;
    timer_->expires_at(until);
    boost::system::error_code ec;
    co_await timer_->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  boost::asio::any_io_executor strand_;
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::shared_ptr<std::atomic<bool>> notified_ = std::make_shared<std::atomic<bool>>(false);
};

// Kafka shows a member's host as "/ip".
inline std::string ClientHost(const std::string& peer) {
  size_t colon = peer.rfind(':');
  return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

}  // namespace oxbow::kafka
