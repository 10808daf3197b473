// Every Kafka API handler, registered in one place: serve calls AddAllHandlers before it
// starts the server, and the registry then drives dispatch and the ApiVersions response.
// One handler per API key, one per file in this folder (STYLE.md).
#pragma once

#include <memory>

#include "kafka/groups/group_coordinator.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/record_validator.h"
#include "kafka/server/kafka_server_options.h"
#include "log/log_manager.h"

namespace oxbow::kafka {

// What handlers may use. Both outlive every handler (the KafkaServer owns the handlers and
// is stopped before the log is closed).
struct HandlerDeps {
  log::LogManager* log;
  // The server's own options (KafkaServer::options()): advertised_host and advertised_port
  // are final once Start() returned, which is before any request arrives, so read them at
  // request time, not in a constructor.
  const KafkaServerOptions* options;
  // Checks Produce records before they are written (schema validation); null: none. Must
  // outlive the handlers.
  RecordValidator* validator = nullptr;
};

// Adds one handler per supported API key to `registry`. Returns the group coordinator the
// group handlers share, for readers of consumer groups' lag (the admin API's metrics).
std::shared_ptr<groups::GroupCoordinator> AddAllHandlers(HandlerRegistry& registry,
                                                         HandlerDeps deps);

}  // namespace oxbow::kafka
