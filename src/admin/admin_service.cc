#include "admin/admin_service.h"

#include <unistd.h>

#include <fstream>

#include "fmt/format.h"
#include "net/blocking_pool.h"
#include "nlohmann/json.hpp"

namespace oxbow::admin {
namespace {

using Json = nlohmann::ordered_json;
using kafka::groups::PartitionLag;

std::string_view ViewStateName(engine::ViewStatus::State state) {
  switch (state) {
    case engine::ViewStatus::State::kRunning:
      return "running";
    case engine::ViewStatus::State::kFailed:
      return "failed";
    case engine::ViewStatus::State::kStopped:
      return "stopped";
  }
  return "unknown";
}

int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Seconds since the view's last checkpoint; negative when it has none.
double CheckpointAgeSeconds(const engine::ViewStatus& v) {
  if (v.last_checkpoint_unix_ms < 0) return -1;
  return static_cast<double>(std::max<int64_t>(UnixNowMs() - v.last_checkpoint_unix_ms, 0)) / 1e3;
}

net::Response JsonResponse(int status, const Json& body) {
  return net::Response{status, "application/json", body.dump(), {}};
}

}  // namespace

ProcessMemory ReadProcessMemory() {
  std::ifstream in("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return {};
  uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return ProcessMemory{resident * page, size * page};
}

AdminService::AdminService(std::string version, log::LogManager& log)
    : version_(std::move(version)), log_(log) {}

void AdminService::AddService(ServiceInfo service) {
  absl::MutexLock lock(&mu_);
  services_.push_back(std::move(service));
}

void AdminService::AttachGroups(std::shared_ptr<kafka::groups::GroupCoordinator> groups) {
  absl::MutexLock lock(&mu_);
  groups_ = std::move(groups);
}

void AdminService::AttachEngine(engine::Engine* engine) {
  absl::MutexLock lock(&engine_mu_);
  engine_ = engine;
}

void AdminService::DetachEngine() {
  absl::MutexLock lock(&engine_mu_);
  engine_ = nullptr;
}

void AdminService::SetReady(bool ready) {
  absl::MutexLock lock(&mu_);
  ready_ = ready;
  was_ready_ |= ready;
}

net::Response AdminService::Ready() const {
  absl::MutexLock lock(&mu_);
  if (ready_) return JsonResponse(200, {{"status", "ready"}});
  return JsonResponse(503, {{"status", was_ready_ ? "stopping" : "starting"}});
}

void AdminService::AddRoutes(net::Router& router) {
  router.Add(net::Method::kGet, "/v1/health/live",
             [](net::Request&) -> boost::asio::awaitable<Result<net::Response>> {
               co_return JsonResponse(200, {{"status", "live"}});
             });
  router.Add(net::Method::kGet, "/v1/health/ready",
             [this](net::Request&) -> boost::asio::awaitable<Result<net::Response>> {
               co_return Ready();
             });
  router.Add(net::Method::kGet, "/v1/status",
             [this](net::Request& req) -> boost::asio::awaitable<Result<net::Response>> {
               std::string body = co_await req.blocking->Run([this] { return StatusJson(); });
               co_return net::Response{200, "application/json", std::move(body), {}};
             });
  router.Add(
      net::Method::kGet, "/metrics",
      [this](net::Request& req) -> boost::asio::awaitable<Result<net::Response>> {
        std::string body = co_await req.blocking->Run([this] { return Metrics(); });
        co_return net::Response{200, std::string(kPrometheusContentType), std::move(body), {}};
      });
}

std::string AdminService::StatusJson() const {
  Json status;
  status["version"] = version_;
  status["uptime_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::shared_ptr<kafka::groups::GroupCoordinator> groups;
  {
    absl::MutexLock lock(&mu_);
    status["ready"] = ready_;
    Json services = Json::array();
    for (const ServiceInfo& s : services_) {
      services.push_back({{"name", s.name}, {"listener", s.listener}});
    }
    status["services"] = services;
    groups = groups_;
  }
  Json topics = Json::array();
  for (const std::string& name : log_.ListTopics()) {
    Result<log::TopicInfo> info = log_.DescribeTopic(name);
    if (!info.ok()) continue;  // deleted meanwhile
    Json partitions = Json::array();
    for (const log::PartitionInfo& p : info->partitions) {
      partitions.push_back({{"partition", p.id.value()},
                            {"log_start_offset", p.log_start_offset.value()},
                            {"high_watermark", p.high_watermark.value()},
                            {"size_bytes", p.size_bytes},
                            {"segments", p.segments}});
    }
    topics.push_back({{"name", name}, {"partitions", partitions}});
  }
  status["topics"] = topics;
  Json group_list = Json::array();
  if (groups != nullptr) {
    for (const kafka::groups::GroupListing& g : groups->List(kafka::groups::SteadyNowMs())) {
      Json partitions = Json::array();
      int64_t total = 0;
      for (const PartitionLag& l : groups->Lag(g.group_id)) {
        partitions.push_back({{"topic", l.topic},
                              {"partition", l.partition},
                              {"committed_offset", l.committed},
                              {"high_watermark", l.high_watermark},
                              {"lag", l.lag}});
        total += l.lag;
      }
      group_list.push_back({{"group", g.group_id},
                            {"state", kafka::groups::GroupStateName(groups->state(g.group_id))},
                            {"lag", total},
                            {"partitions", partitions}});
    }
  }
  status["groups"] = group_list;
  Json views = Json::array();
  {
    absl::ReaderMutexLock lock(&engine_mu_);
    if (engine_ != nullptr) {
      for (const engine::ViewStatus& v : engine_->Views()) {
        double age = CheckpointAgeSeconds(v);
        views.push_back(
            {{"name", v.name},
             {"state", ViewStateName(v.state)},
             {"error", v.error},
             {"epoch", v.epoch},
             {"records_in", v.records_in},
             {"lag", v.lag},
             {"events_per_second", v.events_per_second},
             {"checkpoint_duration_seconds", v.checkpoint_duration_seconds},
             {"checkpoint_age_seconds", age < 0 ? Json() : Json(age)},
             {"watermark_unix_ms", v.watermark_unix_ms < 0 ? Json() : Json(v.watermark_unix_ms)},
             {"late_records", v.late_records}});
      }
    }
  }
  status["views"] = views;
  return status.dump();
}

std::string AdminService::Metrics() const {
  MetricsWriter out;
  out.Family("oxbow_build_info", MetricType::kGauge, "The running build's version (always 1).");
  out.Sample({{"version", version_}}, int64_t{1});
  out.Family("oxbow_process_start_time_seconds", MetricType::kGauge,
             "When the server started, in seconds since the Unix epoch.");
  out.Sample({}, std::chrono::duration<double>(started_wall_.time_since_epoch()).count());
  out.Family("oxbow_uptime_seconds", MetricType::kGauge, "Seconds since the server started.");
  out.Sample({},
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  ProcessMemory memory = ReadProcessMemory();
  out.Family("oxbow_process_resident_memory_bytes", MetricType::kGauge,
             "Resident memory of the server process.");
  out.Sample({}, memory.resident_bytes);
  out.Family("oxbow_process_virtual_memory_bytes", MetricType::kGauge,
             "Virtual memory of the server process.");
  out.Sample({}, memory.virtual_bytes);
  {
    absl::MutexLock lock(&mu_);
    out.Family("oxbow_ready", MetricType::kGauge,
               "1 once every service has started (what /v1/health/ready says), else 0.");
    out.Sample({}, int64_t{ready_ ? 1 : 0});
  }
  WriteLogMetrics(out);
  WriteGroupMetrics(out);
  WriteViewMetrics(out);
  return out.Take();
}

void AdminService::WriteLogMetrics(MetricsWriter& out) const {
  struct Row {
    std::string topic;
    std::string partition;
    log::PartitionTraffic traffic;
    int64_t high_watermark;
    int64_t log_start;
    uint64_t size;
  };
  std::vector<Row> rows;
  for (const std::string& topic : log_.ListTopics()) {
    Result<int32_t> count = log_.PartitionCount(topic);
    for (int32_t i = 0; count.ok() && i < *count; ++i) {
      Result<std::shared_ptr<log::Partition>> p = log_.GetPartition(topic, PartitionId(i));
      if (!p.ok()) continue;
      rows.push_back(Row{topic, std::to_string(i), (*p)->traffic(), (*p)->high_watermark().value(),
                         (*p)->log_start_offset().value(), (*p)->size_bytes()});
    }
  }
  // Per-topic counters: the sums over partitions.
  auto per_topic = [&](std::string_view name, std::string_view help, auto field) {
    out.Family(name, MetricType::kCounter, help);
    for (size_t i = 0; i < rows.size();) {
      uint64_t sum = 0;
      size_t j = i;
      for (; j < rows.size() && rows[j].topic == rows[i].topic; ++j) sum += field(rows[j].traffic);
      out.Sample({{"topic", rows[i].topic}}, sum);
      i = j;
    }
  };
  per_topic("oxbow_topic_bytes_in_total", "Record-set bytes appended to the topic.",
            [](const log::PartitionTraffic& t) { return t.bytes_in; });
  per_topic("oxbow_topic_records_in_total", "Records appended to the topic.",
            [](const log::PartitionTraffic& t) { return t.records_in; });
  per_topic("oxbow_topic_bytes_out_total", "Bytes of the topic sent to Kafka consumers (Fetch).",
            [](const log::PartitionTraffic& t) { return t.bytes_out; });
  per_topic("oxbow_topic_records_out_total",
            "Records of the topic sent to Kafka consumers (Fetch), in whole batches.",
            [](const log::PartitionTraffic& t) { return t.records_out; });
  out.Family("oxbow_partition_high_watermark", MetricType::kGauge,
             "The partition's high watermark: the offset the next record gets.");
  for (const Row& r : rows) {
    out.Sample({{"topic", r.topic}, {"partition", r.partition}}, r.high_watermark);
  }
  out.Family("oxbow_partition_log_start_offset", MetricType::kGauge,
             "The partition's first offset still held (retention moves it).");
  for (const Row& r : rows)
    out.Sample({{"topic", r.topic}, {"partition", r.partition}}, r.log_start);
  out.Family("oxbow_partition_size_bytes", MetricType::kGauge,
             "Bytes in the partition's segment files.");
  for (const Row& r : rows) out.Sample({{"topic", r.topic}, {"partition", r.partition}}, r.size);
}

void AdminService::WriteGroupMetrics(MetricsWriter& out) const {
  std::shared_ptr<kafka::groups::GroupCoordinator> groups;
  {
    absl::MutexLock lock(&mu_);
    groups = groups_;
  }
  std::vector<std::pair<std::string, std::vector<PartitionLag>>> lags;
  if (groups != nullptr) {
    for (const kafka::groups::GroupListing& g : groups->List(kafka::groups::SteadyNowMs())) {
      lags.emplace_back(g.group_id, groups->Lag(g.group_id));
    }
  }
  out.Family("oxbow_group_committed_offset", MetricType::kGauge,
             "The consumer group's committed offset for the partition.");
  for (const auto& [group, partitions] : lags) {
    for (const PartitionLag& l : partitions) {
      std::string p = std::to_string(l.partition);
      out.Sample({{"group", group}, {"topic", l.topic}, {"partition", p}}, l.committed);
    }
  }
  out.Family("oxbow_group_lag", MetricType::kGauge,
             "Records between the group's committed offset and the partition's high watermark.");
  for (const auto& [group, partitions] : lags) {
    for (const PartitionLag& l : partitions) {
      std::string p = std::to_string(l.partition);
      out.Sample({{"group", group}, {"topic", l.topic}, {"partition", p}}, l.lag);
    }
  }
}

void AdminService::WriteViewMetrics(MetricsWriter& out) const {
  std::vector<engine::ViewStatus> views;
  std::map<std::string, uint64_t> dead_letters;
  {
    absl::ReaderMutexLock lock(&engine_mu_);
    if (engine_ != nullptr) {
      views = engine_->Views();
      dead_letters = engine_->DeadLetterCounts();
    }
  }
  out.Family("oxbow_view_state", MetricType::kGauge,
             "1 while the materialized view runs, 0 when it failed or stopped.");
  for (const auto& v : views) {
    out.Sample({{"view", v.name}}, int64_t{v.state == engine::ViewStatus::State::kRunning});
  }
  out.Family("oxbow_view_records_in_total", MetricType::kCounter,
             "Records the materialized view consumed from its sources.");
  for (const auto& v : views) out.Sample({{"view", v.name}}, v.records_in);
  out.Family("oxbow_view_events_per_second", MetricType::kGauge,
             "Records per second the materialized view consumes (about the last second).");
  for (const auto& v : views) out.Sample({{"view", v.name}}, v.events_per_second);
  out.Family("oxbow_view_lag", MetricType::kGauge,
             "Records the materialized view has yet to read, over all its source partitions.");
  for (const auto& v : views) out.Sample({{"view", v.name}}, v.lag);
  out.Family("oxbow_view_epoch", MetricType::kGauge,
             "Checkpoints the materialized view has committed (its epoch).");
  for (const auto& v : views) out.Sample({{"view", v.name}}, v.epoch);
  out.Family("oxbow_view_checkpoint_duration_seconds", MetricType::kGauge,
             "How long the view's last checkpoint took, barrier to durable.");
  for (const auto& v : views) {
    if (v.last_checkpoint_unix_ms >= 0) {
      out.Sample({{"view", v.name}}, v.checkpoint_duration_seconds);
    }
  }
  out.Family("oxbow_view_checkpoint_age_seconds", MetricType::kGauge,
             "Seconds since the view's last checkpoint committed.");
  for (const auto& v : views) {
    if (double age = CheckpointAgeSeconds(v); age >= 0) out.Sample({{"view", v.name}}, age);
  }
  out.Family("oxbow_view_watermark_seconds", MetricType::kGauge,
             "The view's event-time watermark (the lowest of its sources'), seconds since the "
             "Unix epoch.");
  for (const auto& v : views) {
    if (v.watermark_unix_ms >= 0) {
      out.Sample({{"view", v.name}}, static_cast<double>(v.watermark_unix_ms) / 1000);
    }
  }
  out.Family("oxbow_view_watermark_delay_seconds", MetricType::kGauge,
             "How far the view's event-time watermark is behind the wall clock.");
  for (const auto& v : views) {
    if (v.watermark_unix_ms >= 0) {
      out.Sample({{"view", v.name}}, static_cast<double>(UnixNowMs() - v.watermark_unix_ms) / 1000);
    }
  }
  out.Family("oxbow_view_late_records_total", MetricType::kCounter,
             "Records later than the view's watermark allows, sent to their topic's "
             "dead-letter topic as late.");
  for (const auto& v : views) out.Sample({{"view", v.name}}, v.late_records);
  out.Family("oxbow_view_source_offset", MetricType::kGauge,
             "The next offset the view reads from a source partition.");
  for (const auto& v : views) {
    for (const engine::SourceProgress& s : v.sources) {
      std::string p = std::to_string(s.partition);
      out.Sample({{"view", v.name}, {"topic", s.topic}, {"partition", p}}, s.offset);
    }
  }
  out.Family("oxbow_dlq_records_total", MetricType::kCounter,
             "Records of the topic that views could not decode, sent to its dead-letter topic.");
  for (const auto& [topic, n] : dead_letters) out.Sample({{"topic", topic}}, n);
}

}  // namespace oxbow::admin
