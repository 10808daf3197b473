// The admin API as a running service: an AdminService's routes on an HttpServer of its own
// (--admin-listener, default 0.0.0.0:9644). Threads and shutdown as net/http_server.h says.
#pragma once

#include <memory>

#include "admin/admin_options.h"
#include "admin/admin_service.h"
#include "base/status.h"
#include "net/http_server.h"

namespace oxbow::admin {

class AdminServer {
 public:
  // Binds options.listen_host:listen_port and serves `service`'s routes. Errors as
  // HttpServer::Start's (naming "admin API"). `service` must outlive the server.
  static Result<std::unique_ptr<AdminServer>> Start(const AdminOptions& options,
                                                    AdminService& service);
  // Stops serving (requests in flight finish). Idempotent; the destructor calls it.
  void Stop() { server_->Stop(); }

  uint16_t bound_port() const { return server_->bound_port(); }

 private:
  AdminServer() = default;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace oxbow::admin
