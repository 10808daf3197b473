// The log of one data directory: its topics, their partitions, and the background work
// that keeps them healthy (interval fsync, time-based rolling, retention, compaction).
//
// Layout:  <data_dir>/topics/<topic>/topic.json      name, partition count, config overrides
//          <data_dir>/topics/<topic>/<partition>/    a Partition's directory (segments etc.)
//
// Threads: every method is thread-safe. Topic creation, deletion and config changes are
// serialized by an internal mutex; partitions are shared (std::shared_ptr) so a reader can
// keep using one while its topic is deleted (its files stay readable until released).
// Background work runs on one maintenance thread started by StartBackground().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "io/file.h"
#include "io/file_lock.h"
#include "log/partition.h"
#include "log/topic_config.h"

namespace oxbow::log {

struct LogOptions {
  std::string data_dir;
  // Server-wide topic defaults; a topic's overrides apply on top.
  TopicConfig defaults;
  int32_t default_partitions = 1;
  // How often the maintenance thread looks at every partition.
  int64_t maintenance_interval_ms = 1000;
  // How often it runs retention and compaction (they scan more than the flusher).
  int64_t cleanup_interval_ms = 30000;
};

struct PartitionInfo {
  PartitionId id;
  Offset log_start_offset;
  Offset high_watermark;
  uint64_t size_bytes;
  size_t segments;
};

struct TopicInfo {
  std::string name;
  ConfigMap overrides;
  TopicConfig config;  // effective
  std::vector<PartitionInfo> partitions;
};

class LogManager {
 public:
  // Opens the data directory (created if missing) and every topic in it, recovering each
  // partition (see Partition::Open). A partition that cannot be recovered fails the open
  // with an error naming it. The directory is locked for this process: a second open (by
  // another server or CLI command) fails with FailedPrecondition naming the holder.
  static Result<std::unique_ptr<LogManager>> Open(io::FileSystem& fs, LogOptions options);
  ~LogManager();

  // Creates a topic with `partitions` partitions (default_partitions when <= 0).
  // AlreadyExists, or InvalidArgument for a bad name, count or config.
  Status CreateTopic(const std::string& name, int32_t partitions, const ConfigMap& overrides);
  // Deletes a topic and its data. NotFound if it does not exist.
  Status DeleteTopic(const std::string& name);
  // Adds partitions to reach `total`; InvalidArgument if total is not larger.
  Status CreatePartitions(const std::string& name, int32_t total);
  // Applies config overrides (validated) and persists them. An empty value removes an
  // override.
  Status AlterTopicConfig(const std::string& name, const ConfigMap& changes);

  std::vector<std::string> ListTopics() const;
  bool HasTopic(const std::string& name) const;
  Result<TopicInfo> DescribeTopic(const std::string& name) const;
  // NotFound when the topic or partition does not exist.
  Result<std::shared_ptr<Partition>> GetPartition(const std::string& topic,
                                                  PartitionId partition) const;
  Result<int32_t> PartitionCount(const std::string& topic) const;

  const LogOptions& options() const { return options_; }
  io::FileSystem& file_system() const { return fs_; }

  // Adds `observer`, called after every append to any partition, present and future (see
  // Partition::set_append_observer: on the appending thread, without the log's locks held;
  // it must be quick). Several components watch appends (Fetch long polls, the SQL engine's
  // views); observers cannot be removed, so they must outlive the log's last append.
  void AddAppendObserver(Partition::AppendObserver observer);

  // Starts the maintenance thread.
  void StartBackground();
  // One maintenance pass over every partition (what the thread runs); public for tests
  // and for `oxbow` commands that run without a server.
  void RunMaintenance(TimestampMs now, bool cleanup);

  // Stops background work, flushes and closes every partition. Idempotent.
  Status Close();

 private:
  struct Topic {
    std::string name;
    std::string dir;
    ConfigMap overrides;
    TopicConfig config;
    std::vector<std::shared_ptr<Partition>> partitions;
  };

  LogManager(io::FileSystem& fs, LogOptions options);
  Status LoadTopics();
  Result<std::unique_ptr<Topic>> LoadTopic(const std::string& name);
  Status PersistTopic(const Topic& topic);
  Status OpenPartitions(Topic& topic, int32_t count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<std::shared_ptr<Partition>> AllPartitions() const;
  void BackgroundLoop();

  io::FileSystem& fs_;
  const LogOptions options_;
  std::unique_ptr<io::FileLock> lock_;
  const std::string topics_dir_;

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Topic>> topics_ ABSL_GUARDED_BY(mu_);
  // Every partition's observer calls each of these (under a reader lock: appends from many
  // threads, additions rare).
  void NotifyAppend(const Partition& partition);
  mutable absl::Mutex observers_mu_;
  std::vector<Partition::AppendObserver> observers_ ABSL_GUARDED_BY(observers_mu_);

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;
  std::thread background_;
  bool closed_ = false;
};

// The current wall-clock time in milliseconds.
TimestampMs NowMs();

}  // namespace oxbow::log
