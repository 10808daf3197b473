// The admin API's endpoints over the running server's parts:
//
//   GET /v1/status        JSON: version, uptime, readiness, services and their listeners,
//                         topics (partitions: log start, high watermark, size, segments),
//                         consumer groups (state, committed offsets and lag per partition),
//                         materialized views (state, error, epoch, records in, lag, rate,
//                         checkpoint duration and age)
//   GET /v1/health/live   200 {"status":"live"} while the process serves HTTP at all
//   GET /v1/health/ready  200 {"status":"ready"} once the log is open and every service has
//                         started (SetReady), 503 {"status":"starting"|"stopping"} otherwise
//   GET /metrics          Prometheus text format 0.0.4 (prometheus.h); the metrics are
//                         listed in docs/admin.md
//
// The server starts the admin API first (so probes answer during a long start-up, e.g. a
// schema registry replay) and attaches the other parts as they start: the consumer groups
// with the Kafka API, the SQL engine with the SQL service. Parts not attached (yet, or
// because they are off) are left out of the answers.
//
// Threads: every method is thread-safe. Handlers run on the HTTP server's blocking pool
// (the log's and the engine's locks may be contended); DetachEngine waits for handlers
// using the engine, so the engine may be destroyed once it returns.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "admin/prometheus.h"
#include "engine/engine.h"
#include "kafka/groups/group_coordinator.h"
#include "log/log_manager.h"
#include "net/http_message.h"
#include "net/router.h"

namespace oxbow::admin {

// A service of the server and where it listens ("" when it has no listener).
struct ServiceInfo {
  std::string name;
  std::string listener;
};

class AdminService {
 public:
  // `log` outlives the service.
  AdminService(std::string version, log::LogManager& log);

  void AddService(ServiceInfo service);
  void AttachGroups(std::shared_ptr<kafka::groups::GroupCoordinator> groups);
  // `engine` stays valid until DetachEngine returns.
  void AttachEngine(engine::Engine* engine);
  void DetachEngine();
  // Readiness: set once every service started, cleared when shutdown begins.
  void SetReady(bool ready);

  // Registers the routes above.
  void AddRoutes(net::Router& router);

  // The answers, for the routes and for tests.
  std::string Metrics() const;
  std::string StatusJson() const;
  net::Response Ready() const;

 private:
  void WriteLogMetrics(MetricsWriter& out) const;
  void WriteGroupMetrics(MetricsWriter& out) const;
  void WriteViewMetrics(MetricsWriter& out) const;

  const std::string version_;
  log::LogManager& log_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  const std::chrono::system_clock::time_point started_wall_ = std::chrono::system_clock::now();

  mutable absl::Mutex mu_;
  std::vector<ServiceInfo> services_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<kafka::groups::GroupCoordinator> groups_ ABSL_GUARDED_BY(mu_);
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  bool was_ready_ ABSL_GUARDED_BY(mu_) = false;
  // Readers hold engine_mu_ shared while they use the engine; DetachEngine takes it
  // exclusively.
  mutable absl::Mutex engine_mu_;
  engine::Engine* engine_ ABSL_GUARDED_BY(engine_mu_) = nullptr;
};

// Resident and virtual memory of this process from /proc/self/statm, in bytes; zeros when
// it cannot be read (not Linux).
struct ProcessMemory {
  uint64_t resident_bytes = 0;
  uint64_t virtual_bytes = 0;
};
ProcessMemory ReadProcessMemory();

}  // namespace oxbow::admin
