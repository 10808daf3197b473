// ViewRunner: the thread that drives one materialized view's pipeline.
//
// The thread polls the pipeline's sources until none has anything new, then sleeps until an
// append to a topic the view reads wakes it (Wake, called from the log's append observer) or
// the checkpoint interval passes — so a view is idle when its inputs are, and an event is
// processed as soon as it is appended, not on the next timer tick. The pipeline checkpoints
// on its interval while it has input (stream/pipeline.h); Stop makes a last checkpoint so a
// clean shutdown loses no progress.
//
// A pipeline error stops the runner: the view keeps the content it had (readable), its status
// says why, and nothing more is processed until the engine restarts it from its last
// checkpoint.
//
// Thread safety: every method may be called from any thread; the pipeline belongs to the
// runner's thread once Start has been called.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/dataflow_builder.h"
#include "engine/engine.h"
#include "stream/error_sink.h"
#include "stream/materialized_view.h"
#include "stream/pipeline.h"

namespace oxbow::engine {

class ViewRunner {
 public:
  // `pipeline` restored and ready; `dataflow` its sources; `sink` the view's content.
  // `errors` is the sources' error sink (owned here: it outlives the pipeline).
  ViewRunner(std::string name, uint32_t oid, std::unique_ptr<stream::ErrorSink> errors,
             std::unique_ptr<stream::Pipeline> pipeline, Dataflow dataflow,
             stream::MaterializedView* sink, std::chrono::milliseconds checkpoint_interval);
  ~ViewRunner();  // Stop(true)

  void Start();
  // Stops the thread; with `checkpoint`, after a last checkpoint (a DROP does not need one).
  void Stop(bool checkpoint);
  // An append happened to `topic`: wakes the thread if the view reads it.
  void OnAppend(const std::string& topic);
  // Wakes the thread (e.g. a background checkpoint sync finished: its epoch completes).
  void Wake();

  // Every source partition's high watermark now, for WaitUntil.
  using Ends = std::vector<std::vector<int64_t>>;
  Ends CurrentEnds() const;
  // Waits until every source partition has been read up to `ends`, the runner failed or
  // stopped, or `deadline`. Returns whether it caught up; a failure is an error.
  Result<bool> WaitUntil(const Ends& ends, std::chrono::steady_clock::time_point deadline);
  Result<bool> WaitCaughtUp(std::chrono::steady_clock::time_point deadline) {
    return WaitUntil(CurrentEnds(), deadline);
  }

  const std::string& name() const { return name_; }
  // The catalog oid of the view this runs (a view dropped and created again has a new one).
  uint32_t oid() const { return oid_; }
  stream::MaterializedView& sink() { return *sink_; }
  ViewStatus status() const;
  // The view's failure, or OK.
  Status error() const;

 private:
  void Run();
  // Publishes the sources' next offsets and the checkpoint figures (after a Step).
  void PublishProgress();
  // Counts records consumed, for records_in and the rate.
  void CountRecords(size_t n);

  const std::string name_;
  const uint32_t oid_;
  std::unique_ptr<stream::ErrorSink> errors_;
  std::unique_ptr<stream::Pipeline> pipeline_;
  Dataflow dataflow_;
  stream::MaterializedView* sink_;
  const std::chrono::milliseconds checkpoint_interval_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable wake_cv_;      // the runner waits here for input or stop
  std::condition_variable progress_cv_;  // WaitCaughtUp waits here
  bool woken_ = false;
  bool stop_ = false;
  bool checkpoint_on_stop_ = true;
  bool running_ = false;
  Status error_;
  // progress_[s][p]: the next offset source s reads from its partition p.
  std::vector<std::vector<int64_t>> progress_;
  uint64_t records_in_ = 0;
  uint64_t epoch_ = 0;
  int64_t watermark_unix_ms_ = -1;  // the sources' lowest watermark (-1: none yet)
  uint64_t late_records_ = 0;
  // Events per second: records counted over the window that started at rate_window_start_;
  // rate_ is the last full window's (about a second) rate.
  std::chrono::steady_clock::time_point rate_window_start_ = std::chrono::steady_clock::now();
  uint64_t rate_window_records_ = 0;
  double rate_ = 0;
  bool rate_measured_ = false;  // a window has closed
  std::chrono::nanoseconds checkpoint_duration_{0};
  int64_t last_checkpoint_unix_ms_ = -1;
  bool checkpoint_syncing_ = false;
};

}  // namespace oxbow::engine
