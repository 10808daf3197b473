#include "stream/pipeline.h"

#include <thread>

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {
constexpr std::string_view kEpochKey = "epoch";
}

Pipeline::Pipeline(PipelineOptions options, StateStore& store)
    : options_(options), store_(store), last_checkpoint_(std::chrono::steady_clock::now()) {}

Status Pipeline::Restore() {
  ASSIGN_OR_RETURN(std::optional<std::string> epoch, store_.Get(options_.id, kEpochKey));
  epoch_ = 0;
  if (epoch) {
    std::string_view in = *epoch;
    if (!GetVarint(&in, &epoch_)) return absl::DataLossError("pipeline: malformed epoch");
  }
  for (auto& op : operators_) RETURN_IF_ERROR(op->Restore(store_));
  for (auto& op : operators_) RETURN_IF_ERROR(op->Start());
  last_checkpoint_ = std::chrono::steady_clock::now();
  return Status();
}

Status Pipeline::Checkpoint() {
  std::unique_ptr<StateWriteBatch> batch = store_.NewBatch();
  for (auto& op : operators_) RETURN_IF_ERROR(op->Checkpoint(*batch));
  std::string value;
  PutVarint(epoch_ + 1, &value);
  batch->Put(options_.id, kEpochKey, value);
  RETURN_IF_ERROR(store_.Commit(*batch));
  ++epoch_;
  for (auto& op : operators_) RETURN_IF_ERROR(op->AfterCommit());
  consumed_since_checkpoint_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
  return Status();
}

Result<size_t> Pipeline::Step() {
  size_t consumed = 0;
  for (SourceOperator* s : sources_) {
    ASSIGN_OR_RETURN(size_t n, s->Poll());
    consumed += n;
  }
  consumed_since_checkpoint_ += consumed;
  if (consumed_since_checkpoint_ > 0 &&
      std::chrono::steady_clock::now() - last_checkpoint_ >= options_.checkpoint_interval) {
    RETURN_IF_ERROR(Checkpoint());
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
