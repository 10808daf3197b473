// `oxbow serve`: runs the server on a data directory until SIGINT or SIGTERM.
//
// Today the server is the log with its background maintenance (interval fsync, time-based
// rolling, retention, compaction) and the Kafka API, the REST proxy and the schema registry
// in front of it; the other services join here as they arrive. Start-up order: open
// (recover) the log, start maintenance, the admin API (health probes answer "not ready"
// until everything below has started), start the schema registry (which first replays its
// _schemas topic), then the Kafka API and the REST proxy, which use it (Avro over REST,
// schema validation: schema_services.h). Shutdown order, the reverse (the admin API says
// "not ready" first and stops last, before the log closes): stop the REST proxy
// and the Kafka API (no more requests; appends in progress finish), the schema registry,
// LogManager::Close() (stops maintenance, fsyncs and closes every segment), release the
// data-directory lock.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "CLI/CLI.hpp"
#include "admin/admin_server.h"
#include "admin/progress_report.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "http/rest_proxy_server.h"
#include "io/file.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "net/host_port.h"
#include "registry/registry_server.h"
#include "server/command.h"
#include "server/demo.h"
#include "server/schema_services.h"
#include "server/signals.h"
#include "server/sql_service.h"

namespace oxbow::server {
namespace {

std::string_view SignalName(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// Logs what recovery found: counts, sizes and every truncation of a damaged tail.
void LogRecoverySummary(const log::LogManager& log, std::chrono::milliseconds took) {
  size_t partitions = 0, segments = 0, truncations = 0;
  uint64_t bytes = 0, scanned = 0;
  std::vector<std::string> topics = log.ListTopics();
  for (const std::string& topic : topics) {
    Result<int32_t> count = log.PartitionCount(topic);
    for (int32_t i = 0; count.ok() && i < *count; ++i) {
      Result<std::shared_ptr<log::Partition>> p = log.GetPartition(topic, PartitionId(i));
      if (!p.ok()) continue;
      ++partitions;
      segments += (*p)->segment_count();
      bytes += (*p)->size_bytes();
      const log::RecoveryReport& report = (*p)->recovery_report();
      scanned += report.scanned_bytes;
      for (const std::string& t : report.truncations) {
        ++truncations;
        OXBOW_LOG_WARN("recovery truncated {}-{}: {}", topic, i, t);
      }
    }
  }
  OXBOW_LOG_INFO(
      "recovered {} topic(s), {} partition(s), {} segment(s) ({}) in {} ms; {} validated "
      "batch by batch; {} truncation(s)",
      topics.size(), partitions, segments, FormatBytes(bytes), took.count(), FormatBytes(scanned),
      truncations);
}

// After the first signal: a second one exits at once, without the clean shutdown (the log
// recovers on the next start, as after a crash). Runs until `done`.
void WatchForSecondSignal(ShutdownSignals& signals, const std::atomic<bool>& done) {
  while (!done.load()) {
    Result<int> sig = signals.Wait(100);
    if (sig.ok() && *sig != 0) {
      OXBOW_LOG_WARN("received {} again: exiting without a clean shutdown", SignalName(*sig));
      spdlog::shutdown();
      std::_Exit(130);
    }
  }
}

// Starts the Kafka API on the open log. On error the caller's unique_ptr to the log closes
// it (LogManager's destructor), as on any other start-up failure.
Result<std::unique_ptr<kafka::KafkaServer>> StartKafka(const ServerConfig& config,
                                                       log::LogManager& log,
                                                       kafka::RecordValidator* validator,
                                                       admin::AdminService& admin) {
  auto server = std::make_unique<kafka::KafkaServer>(config.kafka, log, kafka::HandlerRegistry());
  // The handlers read the server's options, whose advertised address Start() completes.
  admin.AttachGroups(
      kafka::AddAllHandlers(server->registry(), {&log, &server->options(), validator}));
  RETURN_IF_ERROR(server->Start());
  const kafka::KafkaServerOptions& o = server->options();
  OXBOW_LOG_INFO("Kafka API listening on {} (advertised {})",
                 net::FormatHostPort(o.listen_host, server->bound_port()),
                 net::FormatHostPort(o.advertised_host, o.advertised_port));
  OXBOW_LOG_DEBUG(
      "Kafka API: {} API(s), {} I/O thread(s), {} blocking thread(s), requests up to {} bytes, "
      "automatic topic creation {}",
      server->registry().size(), o.io_threads, o.blocking_threads, o.socket_request_max_bytes,
      o.auto_create_topics ? "on" : "off");
  if (server->registry().size() == 0) {
    OXBOW_LOG_WARN(
        "Kafka API: this build has no API handlers; every request closes its connection");
  }
  return server;
}

// Starts the REST proxy on the open log, unless --rest-listener is empty (then null).
Result<std::unique_ptr<http::RestProxyServer>> StartRestProxy(const ServerConfig& config,
                                                              log::LogManager& log,
                                                              http::SchemaEncoder* avro) {
  if (!config.rest.enabled) {
    OXBOW_LOG_INFO("REST proxy: off (--rest-listener is empty)");
    return std::unique_ptr<http::RestProxyServer>();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<http::RestProxyServer> server,
                   http::RestProxyServer::Start(config.rest, log, avro));
  OXBOW_LOG_INFO("REST proxy listening on {}",
                 net::FormatHostPort(config.rest.listen_host, server->bound_port()));
  return server;
}

// Starts the schema registry on the open log, unless --schema-registry-listener is empty.
Result<std::unique_ptr<registry::SchemaRegistryServer>> StartSchemaRegistry(
    const ServerConfig& config, log::LogManager& log) {
  if (!config.schema_registry.enabled) {
    OXBOW_LOG_INFO("schema registry: off (--schema-registry-listener is empty)");
    return std::unique_ptr<registry::SchemaRegistryServer>();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<registry::SchemaRegistryServer> server,
                   registry::SchemaRegistryServer::Start(config.schema_registry, log));
  OXBOW_LOG_INFO("schema registry listening on {}",
                 net::FormatHostPort(config.schema_registry.listen_host, server->bound_port()));
  return server;
}

// Starts the SQL engine (the catalog's materialized views) and the PostgreSQL wire protocol
// server in front of it, unless --pg-listener is empty.
Result<std::unique_ptr<SqlService>> StartSql(const ServerConfig& config, log::LogManager& log,
                                             SchemaServices* schemas) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqlService> service,
                   SqlService::Start(config.pgwire, config.view_state_memory_bytes, log,
                                     schemas != nullptr ? &schemas->schemas() : nullptr));
  std::vector<engine::ViewStatus> views = service->engine().Views();
  OXBOW_LOG_INFO("SQL engine: {} materialized view(s), state in {}", views.size(),
                 io::JoinPath(log.options().data_dir, "state"));
  if (!config.pgwire.enabled) {
    OXBOW_LOG_INFO("pgwire: off (--pg-listener is empty)");
    return service;
  }
  const pgwire::AuthOptions& auth = config.pgwire.auth;
  OXBOW_LOG_INFO("pgwire listening on {} (auth: {} on loopback, {} otherwise; {} user(s))",
                 net::FormatHostPort(config.pgwire.listen_host, service->pg_port()),
                 pgwire::AuthMethodName(auth.local), pgwire::AuthMethodName(auth.remote),
                 auth.users.size());
  return service;
}

// Starts the admin API, unless --admin-listener is empty (then null).
Result<std::unique_ptr<admin::AdminServer>> StartAdmin(const ServerConfig& config,
                                                       admin::AdminService& service) {
  if (!config.admin.enabled) {
    OXBOW_LOG_INFO("admin API: off (--admin-listener is empty)");
    return std::unique_ptr<admin::AdminServer>();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<admin::AdminServer> server,
                   admin::AdminServer::Start(config.admin, service));
  std::string listener = net::FormatHostPort(config.admin.listen_host, server->bound_port());
  service.AddService({"admin", listener});
  OXBOW_LOG_INFO("admin API listening on {}", listener);
  return server;
}

// Tells the admin API what started where (its /v1/status lists them).
void RegisterServices(const ServerConfig& config, admin::AdminService& admin,
                      const kafka::KafkaServer& kafka, const http::RestProxyServer* rest,
                      const registry::SchemaRegistryServer* registry, const SqlService& sql) {
  admin.AddService({"log", ""});
  admin.AddService({"kafka", net::FormatHostPort(kafka.options().listen_host, kafka.bound_port())});
  if (rest != nullptr) {
    admin.AddService({"rest", net::FormatHostPort(config.rest.listen_host, rest->bound_port())});
  }
  if (registry != nullptr) {
    admin.AddService({"schema-registry", net::FormatHostPort(config.schema_registry.listen_host,
                                                             registry->bound_port())});
  }
  admin.AddService({"sql", ""});
  if (config.pgwire.enabled) {
    admin.AddService({"pgwire", net::FormatHostPort(config.pgwire.listen_host, sql.pg_port())});
  }
}

Status Serve(const CommandContext& ctx) {
  // Before any thread starts (see signals.h).
  ASSIGN_OR_RETURN(std::unique_ptr<ShutdownSignals> signals, ShutdownSignals::Install());
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "info"));
  OXBOW_LOG_INFO("oxbow {} starting (pid {}), data dir {}{}", OXBOW_VERSION, ::getpid(),
                 AbsolutePath(config.log.data_dir),
                 config.config_file.empty() ? "" : ", config file " + config.config_file);

  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<log::LogManager>> opened =
      log::LogManager::Open(io::FileSystem::Default(), config.log);
  if (!opened.ok()) {
    return Status(opened.status().code(),
                  fmt::format("cannot open the data directory: {}", opened.status().message()));
  }
  std::unique_ptr<log::LogManager> log = std::move(*opened);
  LogRecoverySummary(*log, std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start));

  log->StartBackground();
  OXBOW_LOG_INFO("services: log maintenance (every {} ms; retention and compaction every {} ms)",
                 config.log.maintenance_interval_ms, config.log.cleanup_interval_ms);
  // First, so that health probes answer while the other services start (not ready yet).
  admin::AdminService admin_service(OXBOW_VERSION, *log);
  ASSIGN_OR_RETURN(std::unique_ptr<admin::AdminServer> admin_server,
                   StartAdmin(config, admin_service));
  ASSIGN_OR_RETURN(std::unique_ptr<registry::SchemaRegistryServer> schema_registry,
                   StartSchemaRegistry(config, *log));
  std::unique_ptr<SchemaServices> schemas;
  if (schema_registry) schemas = std::make_unique<SchemaServices>(schema_registry->registry());
  ASSIGN_OR_RETURN(std::unique_ptr<kafka::KafkaServer> kafka,
                   StartKafka(config, *log, schemas.get(), admin_service));
  ASSIGN_OR_RETURN(std::unique_ptr<http::RestProxyServer> rest,
                   StartRestProxy(config, *log, schemas.get()));
  ASSIGN_OR_RETURN(std::unique_ptr<SqlService> sql, StartSql(config, *log, schemas.get()));
  std::unique_ptr<Demo> demo;
  if (config.demo) {
    ASSIGN_OR_RETURN(demo, Demo::Start(*log, sql->engine(), schemas.get()));
  }
  admin_service.AttachEngine(&sql->engine());
  RegisterServices(config, admin_service, *kafka, rest.get(), schema_registry.get(), *sql);
  admin::ProgressOptions progress_options;
  progress_options.redraw = ::isatty(STDERR_FILENO) == 1;
  admin::ProgressReporter progress(progress_options, [&sql] { return sql->engine().Views(); });
  progress.Start();
  admin_service.SetReady(true);
  OXBOW_LOG_INFO("ready; stop with SIGINT (Ctrl-C) or SIGTERM");

  ASSIGN_OR_RETURN(int sig, signals->Wait(-1));
  OXBOW_LOG_INFO("received {}; shutting down (send it again to exit immediately)", SignalName(sig));
  std::atomic<bool> done{false};
  std::thread watcher([&] { WatchForSecondSignal(*signals, done); });
  admin_service.SetReady(false);
  demo.reset();
  progress.Stop();
  admin_service.DetachEngine();
  sql->Stop();
  sql.reset();
  OXBOW_LOG_INFO("pgwire and the SQL engine stopped (views checkpointed)");
  if (rest) {
    rest->Stop();
    rest.reset();
    OXBOW_LOG_INFO("REST proxy stopped");
  }
  kafka->Stop();
  kafka.reset();
  OXBOW_LOG_INFO("Kafka API stopped");
  schemas.reset();
  if (schema_registry) {
    schema_registry->Stop();
    schema_registry.reset();
    OXBOW_LOG_INFO("schema registry stopped");
  }
  if (admin_server) {
    admin_server->Stop();
    admin_server.reset();
    OXBOW_LOG_INFO("admin API stopped");
  }
  admin_service.AttachGroups(nullptr);  // the coordinator must go before the log
  Status closed = log->Close();
  log.reset();  // releases the data-directory lock
  done.store(true);
  watcher.join();
  if (!closed.ok()) {
    return Status(closed.code(), fmt::format("shutdown failed: {}", closed.message()));
  }
  OXBOW_LOG_INFO("shutdown complete");
  return absl::OkStatus();
}

}  // namespace

void AddServeCommand(CLI::App& root, CommandContext& ctx) {
  CLI::App* cmd = AddDataCommand(
      root, ctx, "serve",
      "Run the server on the data directory until SIGINT or SIGTERM: the log with its "
      "background maintenance (flushing, rolling, retention, compaction), the Kafka API "
      "(--kafka-listener, default 0.0.0.0:9092), the REST proxy (--rest-listener, default "
      "0.0.0.0:8082), the schema registry (--schema-registry-listener, default 0.0.0.0:8081) and "
      "the PostgreSQL wire protocol server (--pg-listener, default 0.0.0.0:6875) and the admin API "
      "(--admin-listener, default 0.0.0.0:9644: status, health, Prometheus metrics).",
      [&ctx] { return Serve(ctx); });
  cmd->footer(
      "Exit status: 0 after a clean shutdown; 1 if the data directory cannot be opened (e.g. "
      "another oxbow process holds it), a Kafka, REST or schema registry listener cannot be bound "
      "(e.g. the "
      "port is in use) or shutdown fails; 2 for invalid configuration; 130 when a second signal "
      "cuts "
      "shutdown short.");
}

}  // namespace oxbow::server
