#include "http/rest_proxy_server.h"

namespace oxbow::http {

Result<std::unique_ptr<RestProxyServer>> RestProxyServer::Start(const RestProxyOptions& options,
                                                                log::LogManager& log,
                                                                SchemaEncoder* avro) {
  auto proxy = std::make_unique<RestProxy>(options, log, avro);
  net::Router router;
  proxy->AddRoutes(router);
  net::HttpServerOptions http;
  http.name = "REST proxy";
  http.listen_host = options.listen_host;
  http.listen_port = options.listen_port;
  http.max_body_bytes = options.max_body_bytes;
  http.io_threads = options.io_threads;
  http.blocking_threads = options.blocking_threads;
  std::unique_ptr<RestProxyServer> server(new RestProxyServer(std::move(proxy)));
  server->server_ = std::make_unique<net::HttpServer>(std::move(http), std::move(router));
  RETURN_IF_ERROR(server->server_->Start());
  return server;
}

}  // namespace oxbow::http
