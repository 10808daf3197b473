#include "net/blocking_pool.h"

#include <future>

#include "base/logging.h"

namespace oxbow::net {

BlockingPool::BlockingPool(size_t threads) : threads_(threads), pool_(threads == 0 ? 1 : threads) {
  OXBOW_CHECK(threads > 0, "a BlockingPool needs at least one thread");
}

BlockingPool::~BlockingPool() { Stop(); }

void BlockingPool::Stop() {
  if (stopped_.exchange(true, std::memory_order_acq_rel)) return;
  // join() without stop(): the threads exit once every queued task has run.
  pool_.join();
}

void BlockingPool::Post(std::function<void()> fn) {
  if (stopped_.load(std::memory_order_acquire)) {
    fn();
    return;
  }
  boost::asio::post(pool_, std::move(fn));
}

boost::asio::awaitable<Status> BlockingPool::AwaitDone(std::function<void(Done)> fn) {
  Status result;
  auto initiate = [&fn, &result](auto handler) {
    auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                    boost::asio::execution::outstanding_work.tracked);
    using Handler = decltype(handler);
    using Work = decltype(work);
    struct State {
      Handler resume;
      Work work;
    };
    // `done` must be copyable (std::function); the handler is move-only, so both live in
    // a shared state that the one call of `done` consumes.
    auto state = std::make_shared<State>(State{std::move(handler), std::move(work)});
    // `done` may be called before fn returns; post (never dispatch) keeps the resumption
    // after this initiation in any case. The coroutine reads `result` after it resumes,
    // which the post orders after the write.
    fn([&result, state](Status s) {
      result = std::move(s);
      boost::asio::post(state->work, std::move(state->resume));
    });
  };
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      std::move(initiate), boost::asio::use_awaitable);
  co_return result;
}

boost::asio::awaitable<Status> BlockingPool::RunAsync(std::function<void(Done)> fn) {
  if (stopped_.load(std::memory_order_acquire)) {
    std::promise<Status> promise;
    std::future<Status> future = promise.get_future();
    fn([&promise](Status s) { promise.set_value(std::move(s)); });
    co_return future.get();
  }
  // AwaitDone, with fn run on a pool thread (fn lives in this frame until done is called).
  co_return co_await AwaitDone(
      [this, &fn](Done done) { boost::asio::post(pool_, [&fn, done] { fn(done); }); });
}

}  // namespace oxbow::net
