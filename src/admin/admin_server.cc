#include "admin/admin_server.h"

namespace oxbow::admin {

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const AdminOptions& options,
                                                        AdminService& service) {
  net::Router router;
  service.AddRoutes(router);
  net::HttpServerOptions http;
  http.name = "admin API";
  http.listen_host = options.listen_host;
  http.listen_port = options.listen_port;
  http.max_body_bytes = 64 << 10;  // every endpoint is a GET
  http.io_threads = options.io_threads;
  http.blocking_threads = options.blocking_threads;
  std::unique_ptr<AdminServer> server(new AdminServer());
  server->server_ = std::make_unique<net::HttpServer>(std::move(http), std::move(router));
  RETURN_IF_ERROR(server->server_->Start());
  return server;
}

}  // namespace oxbow::admin
