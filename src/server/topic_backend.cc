#include "server/topic_backend.h"

#include "fmt/format.h"
#include "io/file.h"
#include "kafka/server/kafka_server_options.h"
#include "net/host_port.h"
#include "server/kafka_topic_backend.h"
#include "server/local_topic_backend.h"

namespace oxbow::server {
namespace {

// Where the server that holds the data directory listens, by the configuration this
// invocation resolved (the server's, when both read the same flags, variables and file).
Result<std::string> ServerAddress(const ServerConfig& config) {
  const kafka::KafkaServerOptions& k = config.kafka;
  if (k.listen_port == 0) {
    return absl::FailedPreconditionError(fmt::format(
        "its --kafka-listener {} takes any free port, so which one is not known here; pass "
        "--bootstrap-server HOST:PORT (the server logs 'Kafka API listening on HOST:PORT')",
        net::FormatHostPort(k.listen_host, k.listen_port)));
  }
  // A wildcard listener is reached on loopback, as the server advertises it by default.
  std::string host = k.listen_host == "0.0.0.0" ? "127.0.0.1"
                     : k.listen_host == "::"    ? "::1"
                                                : k.listen_host;
  return net::FormatHostPort(host, k.listen_port);
}

}  // namespace

Result<std::unique_ptr<TopicBackend>> OpenTopicBackend(const ServerConfig& config) {
  if (!config.bootstrap_server.empty()) return ConnectKafkaTopicBackend(config.bootstrap_server);
  Result<std::unique_ptr<log::LogManager>> log =
      log::LogManager::Open(io::FileSystem::Default(), config.log);
  if (log.ok()) return MakeLocalTopicBackend(std::move(*log), config);
  // FailedPrecondition from Open is the lock: another process holds the directory.
  if (log.status().code() != absl::StatusCode::kFailedPrecondition) return log.status();
  Result<std::string> address = ServerAddress(config);
  Result<std::unique_ptr<TopicBackend>> remote =
      address.ok() ? ConnectKafkaTopicBackend(*address) : address.status();
  if (remote.ok()) return remote;
  return absl::FailedPreconditionError(
      fmt::format("{}\nA server holding it is reached through its Kafka API instead, but {}",
                  log.status().message(), remote.status().message()));
}

Result<std::unique_ptr<log::LogManager>> OpenDataDirOnly(const ServerConfig& config,
                                                         std::string_view command,
                                                         std::string_view why) {
  if (!config.bootstrap_server.empty()) {
    return absl::FailedPreconditionError(
        fmt::format("oxbow topic {} works on a data directory, not through the Kafka API "
                    "(--bootstrap-server): {}",
                    command, why));
  }
  Result<std::unique_ptr<log::LogManager>> log =
      log::LogManager::Open(io::FileSystem::Default(), config.log);
  if (!log.ok() && log.status().code() == absl::StatusCode::kFailedPrecondition) {
    return absl::FailedPreconditionError(
        fmt::format("{}\noxbow topic {} works on the data directory itself, not through a "
                    "server: {}",
                    log.status().message(), command, why));
  }
  return log;
}

}  // namespace oxbow::server
