// A fixed pool of threads for blocking work, so that the I/O threads never wait on a disk.
//
// Handlers call Run for anything that may block: log appends (which fsync), reads of segment
// files, topic creation. The awaiting coroutine is suspended; `fn` runs on a pool thread;
// the coroutine resumes on its own executor (its connection's strand) with fn's result.
//
// Threads: Run may be called from any coroutine on any executor, concurrently. Stop() is
// called once, by the owner, after the I/O threads stopped submitting work.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/asio.h"
#include "base/status.h"

namespace oxbow::net {

class BlockingPool {
 public:
  explicit BlockingPool(size_t threads);
  // Stops the pool (see Stop).
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs fn on a pool thread and resumes the awaiting coroutine on its own executor with
  // fn's result. fn and what it references stay alive until then (the coroutine frame is
  // suspended, not destroyed). An exception thrown by fn is rethrown in the coroutine (fn
  // should return a Status/Result instead). After Stop(), fn runs on the calling thread.
  template <typename Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn>> Run(Fn fn);

  // For work that finishes later, possibly on another thread: fn runs on a pool thread
  // with a `done` callback that it, or whoever it hands it to, calls exactly once; the
  // coroutine resumes on its own executor with done's Status. A pool thread can so start
  // work that waits for someone else (a group commit's fsync) without staying blocked.
  // After Stop(), fn runs on the calling thread.
  using Done = std::function<void(Status)>;
  boost::asio::awaitable<Status> RunAsync(std::function<void(Done)> fn);

  // RunAsync without the trip to a pool thread: fn runs at once on the calling thread and
  // must not block; for work that only queues itself and is finished by another thread (a
  // group commit's waiter). The coroutine resumes on its own executor once `done` is called.
  boost::asio::awaitable<Status> AwaitDone(std::function<void(Done)> fn);

  // Runs fn on a pool thread, without waiting for it. After Stop(), on the calling thread.
  void Post(std::function<void()> fn);

  // Runs the work already queued to completion, then joins the threads. Idempotent.
  void Stop();

  size_t threads() const { return threads_; }

 private:
  const size_t threads_;
  boost::asio::thread_pool pool_;
  std::atomic<bool> stopped_{false};
};

template <typename Fn>
boost::asio::awaitable<std::invoke_result_t<Fn>> BlockingPool::Run(Fn fn) {
  using R = std::invoke_result_t<Fn>;
  if (stopped_.load(std::memory_order_acquire)) co_return fn();
  // The frame of this coroutine holds fn, the result and the exception while fn runs: it
  // stays alive because the suspended coroutine's handler is owned by the queued task.
  std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
  std::exception_ptr error;
  auto initiate = [this, &fn, &result, &error](auto handler) {
    // Counts as work of the coroutine's io_context while fn runs, as Asio's own operations
    // do: its run() must not return while a coroutine waits here.
    auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                    boost::asio::execution::outstanding_work.tracked);
    boost::asio::post(pool_, [&fn, &result, &error, handler = std::move(handler),
                              work = std::move(work)]() mutable {
      try {
        if constexpr (std::is_void_v<R>) {
          fn();
        } else {
          result.emplace(fn());
        }
      } catch (...) {
        error = std::current_exception();
      }
      boost::asio::post(work, std::move(handler));
    });
  };
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      std::move(initiate), boost::asio::use_awaitable);
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<R>) co_return std::move(*result);
}

}  // namespace oxbow::net
