#include "net/blocking_pool.h"

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace oxbow::net {
namespace {

namespace asio = boost::asio;

// Runs `coro` on a one-thread io_context until it finishes; returns its result.
template <typename T>
T RunOnIo(asio::io_context& io, asio::awaitable<T> coro) {
  io.restart();  // run() returned before when it ran out of work
  std::promise<T> done;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          done.set_value(co_await std::move(coro));
        } catch (...) {
          done.set_exception(std::current_exception());
        }
      },
      asio::detached);
  io.run();
  return done.get_future().get();
}

TEST(BlockingPoolTest, RunsOnAPoolThreadAndResumesOnTheIoThread) {
  BlockingPool pool(2);
  asio::io_context io;
  std::thread::id io_thread = std::this_thread::get_id();
  auto coro = [&]() -> asio::awaitable<std::string> {
    std::thread::id fn_thread;
    int v = co_await pool.Run([&] {
      fn_thread = std::this_thread::get_id();
      return 41;
    });
    EXPECT_NE(fn_thread, io_thread);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
    co_await pool.Run([] {});  // void results work too
    co_return std::to_string(v + 1);
  };
  EXPECT_EQ(RunOnIo(io, coro()), "42");
}

TEST(BlockingPoolTest, AwaitDoneRunsHereAndResumesWhenAnotherThreadIsDone) {
  BlockingPool pool(1);
  asio::io_context io;
  std::thread::id io_thread = std::this_thread::get_id();
  auto coro = [&]() -> asio::awaitable<std::string> {
    std::thread::id fn_thread;
    std::thread::id done_thread;
    Status s = co_await pool.AwaitDone([&](BlockingPool::Done done) {
      fn_thread = std::this_thread::get_id();
      pool.Post([&, done = std::move(done)] {
        done_thread = std::this_thread::get_id();
        done(absl::NotFoundError("from the pool"));
      });
    });
    EXPECT_EQ(fn_thread, io_thread);
    EXPECT_NE(done_thread, io_thread);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
    // `done` called before fn returns: the coroutine still resumes (later, on its executor).
    Status now = co_await pool.AwaitDone([](BlockingPool::Done done) { done(absl::OkStatus()); });
    EXPECT_TRUE(now.ok());
    co_return std::string(s.message());
  };
  EXPECT_EQ(RunOnIo(io, coro()), "from the pool");
}

TEST(BlockingPoolTest, MoveOnlyResultsAndExceptionsReachTheCoroutine) {
  BlockingPool pool(1);
  asio::io_context io;
  auto coro = [&]() -> asio::awaitable<int> {
    std::unique_ptr<int> p = co_await pool.Run([] { return std::make_unique<int>(7); });
    try {
      co_await pool.Run([]() -> int { throw std::runtime_error("boom"); });
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "boom");
      co_return *p;
    }
    co_return -1;
  };
  EXPECT_EQ(RunOnIo(io, coro()), 7);
}

TEST(BlockingPoolTest, ThreadsRunInParallel) {
  // Each of 4 tasks waits until all 4 started: only 4 concurrent threads get through.
  BlockingPool pool(4);
  asio::io_context io;
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  auto wait_for_all = [&] {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 4; });
  };
  int all_met = 0;
  for (int i = 0; i < 4; ++i) {
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { all_met += co_await pool.Run(wait_for_all) ? 1 : 0; },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(all_met, 4);
}

TEST(BlockingPoolTest, StopRunsQueuedWorkThenRunsInline) {
  BlockingPool pool(1);
  std::atomic<int> ran{0};
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await pool.Run([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ++ran;
          });
        },
        asio::detached);
  }
  io.poll();  // starts the coroutines: three tasks queued
  pool.Stop();
  // The coroutines keep the io_context's work count up while their task is in the pool:
  // poll() did not stop it.
  EXPECT_FALSE(io.stopped());
  EXPECT_EQ(ran.load(), 3);
  io.run();  // the completions were posted; they resume now
  EXPECT_EQ(RunOnIo(io, pool.Run([] { return 5; })), 5);
}

}  // namespace
}  // namespace oxbow::net
