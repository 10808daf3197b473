#include "stream/pipeline.h"

#include <thread>

#include "fmt/format.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {
constexpr std::string_view kEpochKey = "epoch";
}

Pipeline::Pipeline(PipelineOptions options, StateStore& store)
    : options_(std::move(options)),
      store_(store),
      last_checkpoint_(std::chrono::steady_clock::now()) {}

Pipeline::~Pipeline() {
  if (sync_thread_.joinable()) sync_thread_.join();
}

std::vector<std::string> Pipeline::Describe() const {
  std::vector<std::string> lines;
  auto index = [&](const Operator* op) {
    for (size_t i = 0; i < operators_.size(); ++i) {
      if (operators_[i].get() == op) return i + 1;
    }
    return size_t{0};
  };
  for (size_t i = 0; i < operators_.size(); ++i) {
    std::string line = fmt::format("#{} {}", i + 1, operators_[i]->name());
    std::vector<std::string> to;
    for (const auto& [op, port] : operators_[i]->outputs()) {
      to.push_back(fmt::format("#{}{}", index(op), port == 1 ? " (right)" : ""));
    }
    if (!to.empty()) line += fmt::format(" -> {}", fmt::join(to, ", "));
    lines.push_back(std::move(line));
  }
  return lines;
}

Status Pipeline::Restore() {
  ASSIGN_OR_RETURN(std::optional<std::string> epoch, store_.Get(options_.id, kEpochKey));
  epoch_ = 0;
  if (epoch) {
    std::string_view in = *epoch;
    if (!GetVarint(&in, &epoch_)) return absl::DataLossError("pipeline: malformed epoch");
  }
  int caches = 0;
  for (auto& op : operators_) caches += op->num_state_caches();
  const size_t per_cache = options_.state_memory_bytes == kUnlimitedStateMemory || caches == 0
                               ? options_.state_memory_bytes
                               : options_.state_memory_bytes / static_cast<size_t>(caches);
  for (auto& op : operators_) {
    if (op->num_state_caches() > 0) op->SetStateMemory(per_cache);
  }
  for (auto& op : operators_) RETURN_IF_ERROR(op->Restore(store_));
  for (auto& op : operators_) RETURN_IF_ERROR(op->Start());
  last_checkpoint_ = std::chrono::steady_clock::now();
  return Status();
}

namespace {

int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Pipeline::Checkpoint() {
  RETURN_IF_ERROR(FinishSync(/*wait=*/true));
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<StateWriteBatch> batch = store_.NewBatch();
  for (auto& op : operators_) RETURN_IF_ERROR(op->Checkpoint(*batch));
  std::string value;
  PutVarint(epoch_ + 1, &value);
  batch->Put(options_.id, kEpochKey, value);
  RETURN_IF_ERROR(store_.Commit(*batch));
  ++epoch_;
  last_checkpoint_duration_ = std::chrono::steady_clock::now() - started;
  last_checkpoint_unix_ms_ = UnixNowMs();
  for (auto& op : operators_) RETURN_IF_ERROR(op->AfterCommit());
  consumed_since_checkpoint_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
  return Status();
}

Operator* Pipeline::InputOf(const Operator* op) const {
  Operator* input = nullptr;
  for (const auto& candidate : operators_) {
    for (const auto& [to, port] : candidate->outputs()) {
      if (to != op) continue;
      if (input != nullptr) return nullptr;
      input = candidate.get();
    }
  }
  return input;
}

Status Pipeline::CheckpointInBackground() {
  RETURN_IF_ERROR(FinishSync(/*wait=*/true));
  background_started_ = std::chrono::steady_clock::now();
  std::unique_ptr<StateWriteBatch> batch = store_.NewBatch();
  for (auto& op : operators_) RETURN_IF_ERROR(op->Checkpoint(*batch));
  std::string value;
  PutVarint(epoch_ + 1, &value);
  batch->Put(options_.id, kEpochKey, value);
  RETURN_IF_ERROR(store_.Apply(*batch));
  std::promise<Status> done;
  sync_done_ = done.get_future();
  sync_thread_ = std::thread([this, done = std::move(done)]() mutable {
    Status synced = store_.Sync();
    background_synced_ = std::chrono::steady_clock::now();
    done.set_value(std::move(synced));
    if (options_.on_synced) options_.on_synced();
  });
  consumed_since_checkpoint_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
  return Status();
}

Status Pipeline::FinishSync(bool wait) {
  if (!sync_done_.valid()) return Status();
  if (!wait && sync_done_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return Status();
  }
  Status synced = sync_done_.get();
  sync_thread_.join();
  RETURN_IF_ERROR(synced);
  ++epoch_;
  last_checkpoint_duration_ = background_synced_ - background_started_;
  last_checkpoint_unix_ms_ = UnixNowMs();
  for (auto& op : operators_) RETURN_IF_ERROR(op->AfterCommit());
  return Status();
}

bool Pipeline::CheckpointDue() const {
  // The previous checkpoint's sync is still running (a slow disk): its successor would wait
  // for it on this thread, so the epoch goes on until it is done.
  if (sync_done_.valid()) return false;
  auto since = std::chrono::steady_clock::now() - last_checkpoint_;
  auto caught_up = [&] {
    for (SourceOperator* s : sources_) {
      if (!s->CaughtUp()) return false;
    }
    return true;
  };
  if (options_.catch_up_checkpoint_records > 0 && !caught_up()) {
    return consumed_since_checkpoint_ >= options_.catch_up_checkpoint_records ||
           since >= options_.catch_up_max_interval;
  }
  if (since >= options_.checkpoint_interval) return true;
  if (options_.live_checkpoint_interval.count() == 0 || since < options_.live_checkpoint_interval) {
    return false;
  }
  return caught_up();
}

Result<size_t> Pipeline::Step() {
  RETURN_IF_ERROR(FinishSync(/*wait=*/false));
  size_t consumed = 0;
  for (SourceOperator* s : sources_) {
    ASSIGN_OR_RETURN(size_t n, s->Poll());
    consumed += n;
  }
  consumed_since_checkpoint_ += consumed;
  if (consumed_since_checkpoint_ == 0) return consumed;
  auto checkpoint = [&] {
    return options_.sync_in_background ? CheckpointInBackground() : Checkpoint();
  };
  if (CheckpointDue()) {
    RETURN_IF_ERROR(checkpoint());
    return consumed;
  }
  // Dirty state over the memory budget: only a checkpoint makes it evictable. (While a
  // background sync is in flight its state is not evictable either; this checkpoint then
  // waits for that sync — backpressure.)
  for (auto& op : operators_) {
    if (!op->StateOverBudget()) continue;
    ++memory_checkpoints_;
    RETURN_IF_ERROR(checkpoint());
    break;
  }
  return consumed;
}

Status Pipeline::RunUntilCaughtUp() {
  while (true) {
    bool caught_up = true;
    for (SourceOperator* s : sources_) caught_up &= s->CaughtUp();
    if (caught_up) break;
    RETURN_IF_ERROR(Step().status());
  }
  return Checkpoint();
}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    ASSIGN_OR_RETURN(size_t n, Step());
    // Nothing to read: wait a little rather than spin (a wake-up from the log's append
    // observer is the planned improvement).
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Checkpoint();
}

}  // namespace oxbow::stream
