// The REST proxy as a running service: a RestProxy's routes on an HttpServer of its own.
// What `oxbow serve` starts; threads and shutdown as net/http_server.h says (after Stop no
// thread of it touches the log, so the owner may close it).
#pragma once

#include <memory>

#include "base/status.h"
#include "http/rest_proxy.h"
#include "net/http_server.h"

namespace oxbow::http {

class RestProxyServer {
 public:
  // Binds options.listen_host:listen_port and starts serving. Errors as HttpServer::Start's
  // (naming "REST proxy"). `log` (and `avro`) must outlive the server.
  static Result<std::unique_ptr<RestProxyServer>> Start(const RestProxyOptions& options,
                                                        log::LogManager& log,
                                                        SchemaEncoder* avro = nullptr);
  // Stops serving (requests in flight finish). Idempotent; the destructor calls it.
  void Stop() { server_->Stop(); }

  uint16_t bound_port() const { return server_->bound_port(); }

 private:
  explicit RestProxyServer(std::unique_ptr<RestProxy> proxy) : proxy_(std::move(proxy)) {}

  std::unique_ptr<RestProxy> proxy_;
  std::unique_ptr<net::HttpServer> server_;  // declared last: stopped before proxy_ goes
};

}  // namespace oxbow::http
