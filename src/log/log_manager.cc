#include "log/log_manager.h"

#include <chrono>

#include "base/logging.h"
#include "fmt/format.h"
#include "log/compactor.h"
#include "nlohmann/json.hpp"

namespace oxbow::log {
namespace {

constexpr std::string_view kTopicFile = "topic.json";
constexpr int32_t kMaxPartitions = 100000;

Status ValidatePartitionCount(int32_t n) {
  if (n < 1 || n > kMaxPartitions) {
    return absl::InvalidArgumentError(
        fmt::format("invalid partition count {}: must be between 1 and {}", n, kMaxPartitions));
  }
  return absl::OkStatus();
}

}  // namespace

TimestampMs NowMs() {
  return TimestampMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
}

LogManager::LogManager(io::FileSystem& fs, LogOptions options)
    : fs_(fs),
      options_(std::move(options)),
      topics_dir_(io::JoinPath(options_.data_dir, "topics")) {}

LogManager::~LogManager() {
  Status s = Close();
  if (!s.ok()) OXBOW_LOG_ERROR("closing the log: {}", s.message());
}

Result<std::unique_ptr<LogManager>> LogManager::Open(io::FileSystem& fs, LogOptions options) {
  RETURN_IF_ERROR(options.defaults.Validate());
  RETURN_IF_ERROR(ValidatePartitionCount(options.default_partitions));
  std::unique_ptr<LogManager> m(new LogManager(fs, std::move(options)));
  RETURN_IF_ERROR(fs.CreateDirs(m->options_.data_dir));
  ASSIGN_OR_RETURN(m->lock_, io::FileLock::Acquire(io::JoinPath(m->options_.data_dir, "LOCK")));
  RETURN_IF_ERROR(m->LoadTopics());
  return m;
}

Status LogManager::LoadTopics() {
  RETURN_IF_ERROR(fs_.CreateDirs(topics_dir_));
  // Deletions that were interrupted finish now.
  std::string trash = io::JoinPath(options_.data_dir, "trash");
  if (fs_.Exists(trash)) RETURN_IF_ERROR(fs_.RemoveAll(trash));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(topics_dir_));
  absl::MutexLock lock(&mu_);
  for (const std::string& name : names) {
    if (!fs_.Exists(io::JoinPath(io::JoinPath(topics_dir_, name), kTopicFile))) {
      OXBOW_LOG_WARN("{}: no {}; not a topic, ignored", io::JoinPath(topics_dir_, name),
                     kTopicFile);
      continue;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Topic> topic, LoadTopic(name));
    topics_.emplace(name, std::move(topic));
  }
  return absl::OkStatus();
}

Result<std::unique_ptr<LogManager::Topic>> LogManager::LoadTopic(const std::string& name) {
  auto topic = std::make_unique<Topic>();
  topic->name = name;
  topic->dir = io::JoinPath(topics_dir_, name);
  std::string path = io::JoinPath(topic->dir, kTopicFile);
  ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("partitions") ||
      !j["partitions"].is_number_integer()) {
    return absl::DataLossError(fmt::format("{}: not a valid topic description", path));
  }
  // Read wide and name the file: get<int32_t> would silently narrow 4294967298 to 2, and a
  // bare "invalid partition count" at start-up would not say which topic.json to repair.
  int64_t wide = j["partitions"].get<int64_t>();
  if (wide < 1 || wide > kMaxPartitions) {
    return absl::DataLossError(fmt::format("{}: invalid partition count {}", path, wide));
  }
  auto partitions = static_cast<int32_t>(wide);
  if (j.contains("config") && j["config"].is_object()) {
    for (const auto& [k, v] : j["config"].items()) {
      if (v.is_string()) topic->overrides[k] = v.get<std::string>();
    }
  }
  topic->config = options_.defaults;
  Status s = topic->config.Apply(topic->overrides);
  if (!s.ok()) return absl::DataLossError(fmt::format("{}: {}", path, s.message()));
  RETURN_IF_ERROR(OpenPartitions(*topic, partitions));
  return topic;
}

Status LogManager::OpenPartitions(Topic& topic, int32_t count) {
  for (int32_t i = static_cast<int32_t>(topic.partitions.size()); i < count; ++i) {
    PartitionOptions po{io::JoinPath(topic.dir, std::to_string(i)), topic.name, PartitionId(i),
                        topic.config};
    Result<std::unique_ptr<Partition>> p = Partition::Open(fs_, po);
    if (!p.ok()) {
      return Status(p.status().code(), fmt::format("opening partition {}-{}: {}", topic.name, i,
                                                   p.status().message()));
    }
    (*p)->set_append_observer([this](const Partition& p) { NotifyAppend(p); });
    topic.partitions.push_back(std::move(*p));
  }
  return absl::OkStatus();
}

Status LogManager::PersistTopic(const Topic& topic) {
  nlohmann::json j;
  j["name"] = topic.name;
  j["partitions"] = topic.partitions.size();
  j["config"] = nlohmann::json::object();
  for (const auto& [k, v] : topic.overrides) j["config"][k] = v;
  return fs_.WriteFileAtomically(io::JoinPath(topic.dir, kTopicFile), AsBytes(j.dump(2) + "\n"));
}

Status LogManager::CreateTopic(const std::string& name, int32_t partitions,
                               const ConfigMap& overrides) {
  RETURN_IF_ERROR(ValidateTopicName(name));
  if (partitions <= 0) partitions = options_.default_partitions;
  RETURN_IF_ERROR(ValidatePartitionCount(partitions));
  auto topic = std::make_unique<Topic>();
  topic->name = name;
  topic->dir = io::JoinPath(topics_dir_, name);
  topic->overrides = overrides;
  topic->config = options_.defaults;
  RETURN_IF_ERROR(topic->config.Apply(overrides));

  absl::MutexLock lock(&mu_);
  if (topics_.contains(name)) {
    return absl::AlreadyExistsError(fmt::format("topic '{}' already exists", name));
  }
  // A directory without a known topic is debris of a creation that crashed or failed before
  // its topic.json was written (start-up ignores it). Its partitions must not become this
  // topic's: start from nothing.
  if (fs_.Exists(topic->dir)) RETURN_IF_ERROR(fs_.RemoveAll(topic->dir));
  RETURN_IF_ERROR(fs_.CreateDirs(topic->dir));
  RETURN_IF_ERROR(OpenPartitions(*topic, partitions));
  // topic.json last: a crash before it leaves a directory that is ignored at start-up.
  RETURN_IF_ERROR(PersistTopic(*topic));
  RETURN_IF_ERROR(fs_.SyncDir(topics_dir_));
  OXBOW_LOG_INFO("created topic {} with {} partitions", name, partitions);
  topics_.emplace(name, std::move(topic));
  return absl::OkStatus();
}

Status LogManager::DeleteTopic(const std::string& name) {
  std::unique_ptr<Topic> topic;
  std::string target;
  {
    // Held until the directory has moved to trash: a CreateTopic of the same name must not
    // open partitions in the directory being deleted (it would see the old data, then lose
    // its files to the rename).
    absl::MutexLock lock(&mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
      return absl::NotFoundError(fmt::format("topic '{}' does not exist", name));
    }
    topic = std::move(it->second);
    topics_.erase(it);
    for (auto& p : topic->partitions) RETURN_IF_ERROR(p->Close());
    // Renaming into trash is atomic: after a crash the topic is either whole or gone.
    std::string trash = io::JoinPath(options_.data_dir, "trash");
    RETURN_IF_ERROR(fs_.CreateDirs(trash));
    // Unique even when the same name is deleted twice in a millisecond while the first
    // deletion's files are still being removed below.
    static std::atomic<uint64_t> deletions{0};
    target = io::JoinPath(trash, fmt::format("{}-{}-{}", name, NowMs().value(), ++deletions));
    RETURN_IF_ERROR(fs_.Rename(topic->dir, target));
    RETURN_IF_ERROR(fs_.SyncDir(topics_dir_));
  }
  // Outside the lock: removing a large topic's files takes a while.
  RETURN_IF_ERROR(fs_.RemoveAll(target));
  OXBOW_LOG_INFO("deleted topic {}", name);
  return absl::OkStatus();
}

Status LogManager::CreatePartitions(const std::string& name, int32_t total) {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end())
    return absl::NotFoundError(fmt::format("topic '{}' does not exist", name));
  Topic& topic = *it->second;
  int32_t current = static_cast<int32_t>(topic.partitions.size());
  if (total <= current) {
    return absl::InvalidArgumentError(
        fmt::format("topic '{}' has {} partitions; the new count must be larger, got {}", name,
                    current, total));
  }
  RETURN_IF_ERROR(ValidatePartitionCount(total));
  RETURN_IF_ERROR(OpenPartitions(topic, total));
  return PersistTopic(topic);
}

Status LogManager::AlterTopicConfig(const std::string& name, const ConfigMap& changes) {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end())
    return absl::NotFoundError(fmt::format("topic '{}' does not exist", name));
  Topic& topic = *it->second;
  ConfigMap overrides = topic.overrides;
  for (const auto& [k, v] : changes) {
    if (v.empty()) {
      overrides.erase(k);
    } else {
      overrides[k] = v;
    }
  }
  TopicConfig config = options_.defaults;
  RETURN_IF_ERROR(config.Apply(overrides));
  topic.overrides = std::move(overrides);
  topic.config = config;
  RETURN_IF_ERROR(PersistTopic(topic));
  for (auto& p : topic.partitions) p->set_config(config);
  return absl::OkStatus();
}

void LogManager::AddAppendObserver(Partition::AppendObserver observer) {
  absl::MutexLock lock(&observers_mu_);
  observers_.push_back(std::move(observer));
}

void LogManager::NotifyAppend(const Partition& partition) {
  absl::ReaderMutexLock lock(&observers_mu_);
  for (const Partition::AppendObserver& observer : observers_) observer(partition);
}

std::vector<std::string> LogManager::ListTopics() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, topic] : topics_) names.push_back(name);
  return names;
}

bool LogManager::HasTopic(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  return topics_.contains(name);
}

Result<TopicInfo> LogManager::DescribeTopic(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end())
    return absl::NotFoundError(fmt::format("topic '{}' does not exist", name));
  const Topic& topic = *it->second;
  TopicInfo info{topic.name, topic.overrides, topic.config, {}};
  for (const auto& p : topic.partitions) {
    info.partitions.push_back(
        {p->id(), p->log_start_offset(), p->high_watermark(), p->size_bytes(), p->segment_count()});
  }
  return info;
}

Result<std::shared_ptr<Partition>> LogManager::GetPartition(const std::string& topic,
                                                            PartitionId partition) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end())
    return absl::NotFoundError(fmt::format("topic '{}' does not exist", topic));
  const auto& parts = it->second->partitions;
  if (partition.value() < 0 || partition.value() >= static_cast<int32_t>(parts.size())) {
    return absl::NotFoundError(
        fmt::format("topic '{}' has no partition {} (it has {})", topic, partition, parts.size()));
  }
  return parts[partition.value()];
}

Result<int32_t> LogManager::PartitionCount(const std::string& topic) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end())
    return absl::NotFoundError(fmt::format("topic '{}' does not exist", topic));
  return static_cast<int32_t>(it->second->partitions.size());
}

std::vector<std::shared_ptr<Partition>> LogManager::AllPartitions() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<Partition>> out;
  for (const auto& [name, topic] : topics_) {
    out.insert(out.end(), topic->partitions.begin(), topic->partitions.end());
  }
  return out;
}

void LogManager::RunMaintenance(TimestampMs now, bool cleanup) {
  for (const std::shared_ptr<Partition>& p : AllPartitions()) {
    Status s = p->RunPeriodicFlush(now);
    if (s.ok()) s = p->MaybeRoll(now);
    if (s.ok() && cleanup) s = p->ApplyRetention(now).status();
    if (s.ok() && cleanup) s = CompactIfDirty(*p, now).status();
    if (!s.ok()) {
      OXBOW_LOG_ERROR("maintenance of {}-{}: {}", p->topic(), p->id(), s.message());
    }
  }
}

void LogManager::StartBackground() {
  std::lock_guard<std::mutex> lock(bg_mu_);
  if (background_.joinable() || stop_) return;
  background_ = std::thread([this] { BackgroundLoop(); });
}

void LogManager::BackgroundLoop() {
  int64_t last_cleanup = NowMs().value();
  std::unique_lock<std::mutex> lock(bg_mu_);
  while (!stop_) {
    bg_cv_.wait_for(lock, std::chrono::milliseconds(options_.maintenance_interval_ms));
    if (stop_) break;
    lock.unlock();
    TimestampMs now = NowMs();
    bool cleanup = now.value() - last_cleanup >= options_.cleanup_interval_ms;
    if (cleanup) last_cleanup = now.value();
    RunMaintenance(now, cleanup);
    lock.lock();
  }
}

Status LogManager::Close() {
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    if (closed_) return absl::OkStatus();
    closed_ = true;
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (background_.joinable()) background_.join();
  Status first;
  for (const std::shared_ptr<Partition>& p : AllPartitions()) {
    Status s = p->Close();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace oxbow::log
