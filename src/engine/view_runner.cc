#include "engine/view_runner.h"

#include <utility>

#include "base/logging.h"
#include "fmt/format.h"
#include "sql/types/datetime.h"

namespace oxbow::engine {

ViewRunner::ViewRunner(std::string name, uint32_t oid, std::unique_ptr<stream::ErrorSink> errors,
                       std::unique_ptr<stream::Pipeline> pipeline, Dataflow dataflow,
                       stream::MaterializedView* sink,
                       std::chrono::milliseconds checkpoint_interval)
    : name_(std::move(name)),
      oid_(oid),
      errors_(std::move(errors)),
      pipeline_(std::move(pipeline)),
      dataflow_(std::move(dataflow)),
      sink_(sink),
      checkpoint_interval_(checkpoint_interval) {
  progress_.resize(dataflow_.sources.size());
  epoch_ = pipeline_->epoch();
  PublishProgress();
}

ViewRunner::~ViewRunner() { Stop(true); }

void ViewRunner::Start() {
  std::lock_guard lock(mu_);
  if (running_ || stop_) return;
  running_ = true;
  thread_ = std::thread([this] { Run(); });
}

void ViewRunner::Stop(bool checkpoint) {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    checkpoint_on_stop_ = checkpoint;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ViewRunner::OnAppend(const std::string& topic) {
  bool reads = false;
  for (const std::string& t : dataflow_.topics) reads |= t == topic;
  if (reads) Wake();
}

void ViewRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_cv_.notify_one();
}

void ViewRunner::PublishProgress() {
  std::lock_guard lock(mu_);
  int64_t watermark = stream::kFinalWatermark;
  late_records_ = 0;
  for (size_t s = 0; s < dataflow_.sources.size(); ++s) {
    const stream::Source* source = dataflow_.sources[s];
    std::vector<int64_t>& p = progress_[s];
    p.resize(source->num_partitions());
    for (size_t i = 0; i < p.size(); ++i) p[i] = source->next_offset(i).value();
    watermark = std::min(watermark, source->event_watermark());
    late_records_ += source->late_rows();
  }
  watermark_unix_ms_ = watermark == stream::kNoWatermark || watermark == stream::kFinalWatermark
                           ? -1
                           : (watermark + sql::kUnixEpochOffsetMicros) / 1000;
  epoch_ = pipeline_->epoch();
  checkpoint_duration_ = pipeline_->last_checkpoint_duration();
  last_checkpoint_unix_ms_ = pipeline_->last_checkpoint_unix_ms();
  checkpoint_syncing_ = pipeline_->checkpoint_syncing();
}

void ViewRunner::CountRecords(size_t n) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  records_in_ += n;
  rate_window_records_ += n;
  std::chrono::duration<double> window = now - rate_window_start_;
  if (window.count() >= 1.0) {
    rate_ = static_cast<double>(rate_window_records_) / window.count();
    rate_measured_ = true;
    rate_window_records_ = 0;
    rate_window_start_ = now;
  }
}

void ViewRunner::Run() {
  Status failure;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
      woken_ = false;
    }
    Result<size_t> n = pipeline_->Step();
    if (!n.ok()) {
      failure = n.status();
      break;
    }
    PublishProgress();
    CountRecords(*n);
    progress_cv_.notify_all();
    if (*n > 0) continue;
    std::unique_lock lock(mu_);
    wake_cv_.wait_for(lock, checkpoint_interval_, [this] { return woken_ || stop_; });
  }
  if (failure.ok()) {
    bool checkpoint;
    {
      std::lock_guard lock(mu_);
      checkpoint = checkpoint_on_stop_;
    }
    if (checkpoint) failure = pipeline_->Checkpoint();
  }
  // A background sync still running calls Wake when it ends: wait for it here, while this
  // runner is alive (without a last checkpoint, or after a failure, its error is moot).
  if (Status synced = pipeline_->WaitForSync(); failure.ok()) failure = synced;
  if (!failure.ok()) {
    OXBOW_LOG_ERROR("materialized view \"{}\" stopped: {}", name_, failure.ToString());
  }
  {
    std::lock_guard lock(mu_);
    error_ = failure;
    running_ = false;
    epoch_ = pipeline_->epoch();
  }
  progress_cv_.notify_all();
}

ViewRunner::Ends ViewRunner::CurrentEnds() const {
  Ends ends(dataflow_.sources.size());
  for (size_t s = 0; s < dataflow_.sources.size(); ++s) {
    const stream::Source* source = dataflow_.sources[s];
    for (size_t i = 0; i < source->num_partitions(); ++i) {
      ends[s].push_back(source->partition(i).high_watermark().value());
    }
  }
  return ends;
}

Result<bool> ViewRunner::WaitUntil(const Ends& targets,
                                   std::chrono::steady_clock::time_point deadline) {
  auto caught_up = [&] {
    for (size_t s = 0; s < targets.size(); ++s) {
      for (size_t i = 0; i < targets[s].size(); ++i) {
        if (progress_[s][i] < targets[s][i]) return false;
      }
    }
    return true;
  };
  std::unique_lock lock(mu_);
  progress_cv_.wait_until(lock, deadline, [&] { return !error_.ok() || caught_up() || !running_; });
  if (!error_.ok()) {
    return absl::FailedPreconditionError(
        fmt::format("materialized view \"{}\" failed: {}", name_, error_.message()));
  }
  return caught_up();
}

ViewStatus ViewRunner::status() const {
  ViewStatus s;
  s.name = name_;
  std::lock_guard lock(mu_);
  s.state = !error_.ok() ? ViewStatus::State::kFailed
            : running_   ? ViewStatus::State::kRunning
                         : ViewStatus::State::kStopped;
  s.error = error_.ok() ? "" : std::string(error_.message());
  s.epoch = epoch_;
  s.records_in = records_in_;
  // An idle runner counts nothing, so a window older than two seconds has ended without
  // being closed: its rate so far (decaying) is the truth, not the last closed window's.
  // Before the first window closes, the open one's rate so far is all there is.
  std::chrono::duration<double> window = std::chrono::steady_clock::now() - rate_window_start_;
  s.events_per_second =
      window.count() >= 2.0 || !running_ || !rate_measured_
          ? static_cast<double>(rate_window_records_) / std::max(window.count(), 1e-3)
          : rate_;
  s.checkpoint_duration_seconds = std::chrono::duration<double>(checkpoint_duration_).count();
  s.last_checkpoint_unix_ms = last_checkpoint_unix_ms_;
  s.checkpoint_syncing = checkpoint_syncing_ && running_;
  s.watermark_unix_ms = watermark_unix_ms_;
  s.late_records = late_records_;
  for (size_t src = 0; src < dataflow_.sources.size(); ++src) {
    const stream::Source* source = dataflow_.sources[src];
    for (size_t i = 0; i < progress_[src].size(); ++i) {
      const log::Partition& partition = source->partition(i);
      int64_t end = partition.high_watermark().value();
      if (end > progress_[src][i]) s.lag += static_cast<uint64_t>(end - progress_[src][i]);
      s.sources.push_back(
          SourceProgress{partition.topic(), partition.id().value(), progress_[src][i], end});
    }
  }
  return s;
}

Status ViewRunner::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace oxbow::engine
