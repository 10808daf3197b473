// The PostgreSQL wire protocol server: listens (default :6875), accepts, and runs one
// PgConnection per client against the QueryEngine; routes CancelRequests to the connection
// whose BackendKeyData they carry.
//
// Threads (docs/design/concurrency.md): an io_context run by options.io_threads threads, a
// strand per connection, statements on a BlockingPool of options.blocking_threads threads.
// Start and Stop are called by the owner's thread. Stop closes the acceptor and every
// connection, waits up to stop_grace_ms for them to end, then joins the threads; statements
// already running on the pool finish first. The engine must outlive the server.
#pragma once

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/asio.h"
#include "base/status.h"
#include "net/blocking_pool.h"
#include "pgwire/connection.h"
#include "pgwire/pg_server_options.h"
#include "pgwire/query_engine.h"

namespace oxbow::pgwire {

class PgServer : public CancelTarget {
 public:
  PgServer(PgServerOptions options, QueryEngine& engine);
  ~PgServer() override;
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Binds and starts the I/O threads. Errors as net::Listen (Unavailable when the port is
  // in use, …); FailedPrecondition when called twice.
  Status Start();
  uint16_t bound_port() const { return bound_port_; }
  // Idempotent.
  void Stop();

  // CancelRequest: cancels the running statement of the connection with this key, if any.
  // A wrong key is ignored silently, as PostgreSQL does. Any thread.
  void Cancel(int32_t process_id, int32_t secret_key) override;

  size_t connection_count() const;

 private:
  boost::asio::awaitable<void> AcceptLoop();
  bool Launch(std::shared_ptr<PgConnection> connection);
  void Finished(const PgConnection* connection);

  PgServerOptions options_;
  QueryEngine& engine_;
  net::BlockingPool blocking_;
  boost::asio::io_context io_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t bound_port_ = 0;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  bool started_ = false;
  bool stopped_ = false;

  mutable absl::Mutex mu_;
  // By process id (BackendKeyData), for Cancel and Stop.
  absl::flat_hash_map<int32_t, std::shared_ptr<PgConnection>> connections_ ABSL_GUARDED_BY(mu_);
  int32_t next_process_id_ ABSL_GUARDED_BY(mu_) = 1;
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace oxbow::pgwire
