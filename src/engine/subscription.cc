#include "engine/subscription.h"

#include <chrono>
#include <utility>

#include "engine/view_runner.h"
#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::engine {

Subscription::Subscription(std::string view, std::shared_ptr<ViewRunner> runner,
                           std::shared_ptr<Queue> queue, std::vector<std::string> column_names,
                           std::vector<sql::Type> column_types)
    : view_(std::move(view)),
      runner_(std::move(runner)),
      queue_(std::move(queue)),
      column_names_(std::move(column_names)),
      column_types_(std::move(column_types)) {}

Subscription::~Subscription() {
  std::lock_guard lock(queue_->mu);
  queue_->closed = true;  // the view's listener sees it and removes itself
  queue_->rows.clear();
}

bool Subscription::Ready() const {
  std::lock_guard lock(queue_->mu);
  return !queue_->rows.empty() || queue_->overflow;
}

Result<std::vector<sql::Value>> Subscription::Next(const std::atomic<bool>* cancel) {
  std::unique_lock lock(queue_->mu);
  while (true) {
    if (queue_->overflow) {
      return sql::WithHint(
          sql::SqlError(sql::sqlstate::kProgramLimitExceeded,
                        fmt::format("the subscription to \"{}\" fell more than {} changes behind",
                                    view_, queue_->max_queued)),
          "Read changes faster, or subscribe again (the new subscription starts with the view's "
          "content).");
    }
    if (!queue_->rows.empty()) {
      std::vector<sql::Value> row = std::move(queue_->rows.front());
      queue_->rows.pop_front();
      return row;
    }
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return sql::SqlError("57014", "canceling statement due to user request");
    }
    lock.unlock();
    ViewStatus status = runner_->status();
    lock.lock();
    if (status.state != ViewStatus::State::kRunning && queue_->rows.empty()) {
      return sql::SqlError(sql::sqlstate::kObjectNotInPrerequisiteState,
                           fmt::format("materialized view \"{}\" stopped{}", view_,
                                       status.error.empty() ? "" : ": " + status.error));
    }
    // Woken by the view's listener; the timeout bounds how late a cancel or a stop is seen.
    queue_->cv.wait_for(lock, std::chrono::milliseconds(100));
  }
}

}  // namespace oxbow::engine
