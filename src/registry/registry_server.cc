#include "registry/registry_server.h"

namespace oxbow::registry {

Result<std::unique_ptr<SchemaRegistryServer>> SchemaRegistryServer::Start(
    const SchemaRegistryServerOptions& options, log::LogManager& log) {
  std::unique_ptr<SchemaRegistryServer> server(new SchemaRegistryServer());
  ASSIGN_OR_RETURN(server->topic_, SchemasTopic::Open(log));
  ASSIGN_OR_RETURN(server->registry_, SchemaRegistry::Open(*server->topic_));
  server->api_ = std::make_unique<RegistryApi>(*server->registry_);
  net::Router router;
  server->api_->AddRoutes(router);
  net::HttpServerOptions http;
  http.name = "schema registry";
  http.listen_host = options.listen_host;
  http.listen_port = options.listen_port;
  http.max_body_bytes = options.max_body_bytes;
  http.io_threads = options.io_threads;
  http.blocking_threads = options.blocking_threads;
  server->server_ = std::make_unique<net::HttpServer>(std::move(http), std::move(router));
  RETURN_IF_ERROR(server->server_->Start());
  return server;
}

}  // namespace oxbow::registry
