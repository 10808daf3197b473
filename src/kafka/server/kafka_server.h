// The Kafka API's network server: listens, accepts, and runs one Connection per client on a
// pool of I/O threads; handlers (handlers/) do the work of each API.
//
// Threads (docs/design/concurrency.md): an io_context run by options.io_threads threads.
// Every connection is a coroutine on a strand of its own, so one connection's requests run
// one at a time while many connections run in parallel. Blocking work (fsync'ing appends,
// disk reads) goes to a BlockingPool of options.blocking_threads threads.
//
// Connections: at most options.max_connections are open at once (0: no limit); one accepted
// beyond that is closed at once, with a warning.
//
// Start() sets SIGPIPE to be ignored, process-wide (Fetch uses sendfile, which raises it).
//
// Lifecycle: construct, add handlers to registry(), Start(), ..., Stop(). Start and Stop are
// called by the owner's thread (serve's main thread), never from an I/O thread. Stop is
// clean: it stops accepting, closes every connection, gives requests in flight up to
// options.stop_grace_ms to finish, then abandons the rest (their clients get no response,
// as after a broker crash, and retry). Work already handed to the BlockingPool always runs
// to completion: an append is never cut in half. After Stop returns no thread of the server
// touches the LogManager, so the owner may close it.
#pragma once

#include <chrono>
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
#include "kafka/server/handler.h"
#include "kafka/server/kafka_server_options.h"
#include "log/log_manager.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {

class Connection;

class KafkaServer {
 public:
  // `log` must outlive the server (or at least its Stop()).
  KafkaServer(KafkaServerOptions options, log::LogManager& log, HandlerRegistry registry);
  // Stops the server if it is running.
  ~KafkaServer();
  KafkaServer(const KafkaServer&) = delete;
  KafkaServer& operator=(const KafkaServer&) = delete;

  // The handlers. Add to it only before Start(); read-only afterwards.
  HandlerRegistry& registry() { return registry_; }

  // Binds and listens, then starts the I/O threads. Errors name host:port: Unavailable when
  // the address is in use, InvalidArgument when the host does not resolve, Internal for
  // other socket errors; FailedPrecondition when called twice.
  Status Start();
  // The port actually bound (listen_port 0 picks a free one). Valid after Start().
  uint16_t bound_port() const { return bound_port_; }
  // Stops accepting, closes connections, joins the threads (see the file comment).
  // Idempotent; a server that was never started just stops its BlockingPool.
  void Stop();

  // The options, with advertised_host and advertised_port resolved once Start() returned:
  // handlers keep this reference (HandlerDeps) and read the final values at request time.
  const KafkaServerOptions& options() const { return options_; }
  log::LogManager& log() { return log_; }
  // Handlers need executors for timers (Fetch long poll); `co_await this_coro::executor`
  // inside Handle gives the connection's strand, which is usually what they want.
  boost::asio::io_context& io_context() { return io_context_; }
  BlockingPool& blocking() { return blocking_; }

  // Connections open right now. For tests and metrics.
  size_t connection_count() const;

 private:
  boost::asio::awaitable<void> AcceptLoop();
  // Closes a connection accepted beyond max_connections and logs it (rate-limited). Accept
  // loop only.
  void Refuse(boost::asio::ip::tcp::socket& socket);
  // Registers a new connection and spawns its coroutine; false once stopping.
  bool Launch(std::shared_ptr<Connection> connection);
  void Finished(const Connection* connection);

  KafkaServerOptions options_;
  log::LogManager& log_;
  HandlerRegistry registry_;
  BlockingPool blocking_;
  // Coroutines abandoned by Stop() are destroyed with the io_context (they hold sockets and
  // timers of its services), so it is declared after what their frames may still use on
  // destruction (handlers, the pool) and before the I/O objects bound to it.
  boost::asio::io_context io_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t bound_port_ = 0;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  // The accept loop's refusals (max_connections) not yet named in a warning.
  static constexpr std::chrono::seconds kRefusalLogInterval{10};
  size_t refused_unlogged_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_;
  bool started_ = false;
  bool stopped_ = false;

  mutable absl::Mutex mu_;
  // Open connections (and the accept loop, counted in `running_`), so Stop can close them
  // and wait for their coroutines to end.
  absl::flat_hash_map<const Connection*, std::shared_ptr<Connection>> connections_
      ABSL_GUARDED_BY(mu_);
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;  // coroutines not yet finished
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace oxbow::kafka
