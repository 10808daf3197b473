// An HTTP/1.1 server for Oxbow's HTTP APIs (REST proxy, schema registry, admin API):
// listens, accepts, and serves each connection as a coroutine that reads a request, routes
// it (Router) to a handler coroutine, and writes the handler's Response.
//
// Protocol: HTTP/1.1 with keep-alive (and HTTP/1.0, closing after each response unless it
// asks to keep alive); requests on one connection are answered in order, one at a time.
// `Expect: 100-continue` is answered before the body is read. The server answers by itself:
//   400 a request that does not parse (then closes), or a bad percent-escape in the target
//   404 no route for the path; 405 (with Allow) a route for the path but not the method
//   408 (then closes) a request whose body does not arrive within body_timeout_ms
//   413 (then closes) a body over max_body_bytes, declared or chunked
//   431 (then closes) headers over max_header_bytes
// all as JSON errors ({"error_code": <status>, "message": ...}). A connection that sends no
// (complete) header within header_timeout_ms — an idle keep-alive connection, or a slow
// client — is closed without an answer.
//
// Threads: an io_context run by options.io_threads threads; each connection on a strand of
// its own. Handlers run on that strand and must not block: disk work goes to the server's
// BlockingPool (Request::blocking, options.blocking_threads threads).
//
// Lifecycle: construct with the routes, Start(), ..., Stop(), from one owner thread (never
// an I/O thread). Stop stops accepting, closes idle connections, lets requests in flight
// finish for up to stop_grace_ms (their responses are still written; then abandoned),
// joins the threads, and drains the BlockingPool, so after Stop no handler runs any more.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/asio.h"
#include "base/status.h"
#include "net/blocking_pool.h"
#include "net/router.h"

namespace oxbow::net {

class HttpConnection;

struct HttpServerOptions {
  std::string name = "HTTP";  // for logs and errors: "REST proxy", "schema registry"
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 0;  // 0: any free port (bound_port() says which)
  size_t io_threads = 1;
  size_t blocking_threads = 2;
  uint64_t max_body_bytes = 16 << 20;
  uint32_t max_header_bytes = 16 << 10;
  // Waiting for a request's headers: how long an idle keep-alive connection stays open.
  int64_t header_timeout_ms = 60000;
  // Reading a request's body once its headers arrived, and writing a response.
  int64_t body_timeout_ms = 60000;
  int64_t stop_grace_ms = 2000;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Router router);
  // Stops the server if it is running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (errors as net::Listen's, naming the server), then starts the I/O
  // threads. FailedPrecondition when called twice.
  Status Start();
  // The port actually bound. Valid after Start().
  uint16_t bound_port() const { return bound_port_; }
  // See the file comment. Idempotent.
  void Stop();

  const HttpServerOptions& options() const { return options_; }
  // Connections open right now. For tests.
  size_t connection_count() const;

 private:
  boost::asio::awaitable<void> AcceptLoop();
  bool Launch(std::shared_ptr<HttpConnection> connection);
  void Finished(const HttpConnection* connection);

  const HttpServerOptions options_;
  const Router router_;
  BlockingPool blocking_;
  // Declared before the I/O objects bound to it, after what coroutine frames it may destroy
  // on Stop still use (router, pool).
  boost::asio::io_context io_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t bound_port_ = 0;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  bool started_ = false;
  bool stopped_ = false;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<const HttpConnection*, std::shared_ptr<HttpConnection>> connections_
      ABSL_GUARDED_BY(mu_);
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;  // coroutines not yet finished (and the acceptor)
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace oxbow::net
