// Subscription: SUBSCRIBE to a materialized view — its content when the subscription
// starts, as inserts, then every change the view applies, in order, until the subscriber
// stops. Each row is (time, op, the view's columns…): `time` (timestamptz) is when the view
// applied the change (the subscription's start for the initial rows), `op` is 'insert' or
// 'delete'; an update is a delete and an insert with the same time.
//
// The view's pipeline never waits for a subscriber: changes are queued, and a subscriber
// more than `max_queued` rows behind is dropped with 54000 (reconnect and subscribe again).
//
// Thread safety: one consumer thread calls Next/Ready; the view's thread feeds the queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/types/value.h"

namespace oxbow::engine {

class ViewRunner;

class Subscription {
 public:
  struct Queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::vector<sql::Value>> rows;
    size_t max_queued = 0;
    bool closed = false;    // the subscriber is gone
    bool overflow = false;  // dropped for falling behind
  };

  Subscription(std::string view, std::shared_ptr<ViewRunner> runner, std::shared_ptr<Queue> queue,
               std::vector<std::string> column_names, std::vector<sql::Type> column_types);
  ~Subscription();  // unsubscribes

  const std::vector<std::string>& column_names() const { return column_names_; }
  const std::vector<sql::Type>& column_types() const { return column_types_; }

  // The next row; waits for one. Errors: 57014 when `cancel` is set meanwhile, 55000 when
  // the view stops (dropped, failed, server shutting down), 54000 after an overflow.
  Result<std::vector<sql::Value>> Next(const std::atomic<bool>* cancel);
  // Whether Next would return without waiting.
  bool Ready() const;

 private:
  std::string view_;
  std::shared_ptr<ViewRunner> runner_;
  std::shared_ptr<Queue> queue_;
  std::vector<std::string> column_names_;
  std::vector<sql::Type> column_types_;
};

}  // namespace oxbow::engine
