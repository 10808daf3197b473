// The schema registry as a running service: the `_schemas` topic, the SchemaRegistry
// rebuilt from it, and its HTTP API on an HttpServer of its own. What `oxbow serve` starts.
// Threads and shutdown as net/http_server.h says: after Stop no thread of it touches the
// log, so the owner may close the log.
#pragma once

#include <memory>

#include "base/status.h"
#include "log/log_manager.h"
#include "net/http_server.h"
#include "registry/registry_api.h"
#include "registry/registry_server_options.h"
#include "registry/schema_registry.h"
#include "registry/schemas_topic.h"

namespace oxbow::registry {

class SchemaRegistryServer {
 public:
  // Opens (or creates) the _schemas topic in `log`, replays it, then binds
  // options.listen_host:listen_port and serves. Errors: SchemasTopic::Open's, the replay's,
  // HttpServer::Start's (naming "schema registry"). `log` must outlive the server.
  static Result<std::unique_ptr<SchemaRegistryServer>> Start(
      const SchemaRegistryServerOptions& options, log::LogManager& log);
  ~SchemaRegistryServer() { Stop(); }

  // Stops serving (requests in flight finish). Idempotent.
  void Stop() {
    if (server_) server_->Stop();
  }

  uint16_t bound_port() const { return server_->bound_port(); }
  SchemaRegistry& registry() { return *registry_; }

 private:
  SchemaRegistryServer() = default;

  std::unique_ptr<SchemasTopic> topic_;
  std::unique_ptr<SchemaRegistry> registry_;
  std::unique_ptr<RegistryApi> api_;
  std::unique_ptr<net::HttpServer> server_;  // declared last: stopped before the rest goes
};

}  // namespace oxbow::registry
