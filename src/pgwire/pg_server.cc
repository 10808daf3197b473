#include "pgwire/pg_server.h"

#include <openssl/rand.h>

#include <chrono>
#include <exception>
#include <functional>

#include "base/logging.h"
#include "net/listener.h"

namespace oxbow::pgwire {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::chrono::milliseconds kAcceptBackoff(100);

// The secret of a BackendKeyData: unpredictable, so that only the client that received it
// can cancel its statements.
int32_t RandomSecret() {
  int32_t v = 0;
  OXBOW_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof(v)) == 1,
              "OpenSSL RAND_bytes failed");
  return v;
}

asio::awaitable<void> RunConnection(std::shared_ptr<PgConnection> connection,
                                    std::function<void(const PgConnection*)> finished) {
  co_await connection->Run();
  finished(connection.get());
}

}  // namespace

PgServer::PgServer(PgServerOptions options, QueryEngine& engine)
    : options_(std::move(options)),
      engine_(engine),
      blocking_(options_.blocking_threads),
      acceptor_(asio::make_strand(io_context_)) {
  OXBOW_CHECK(options_.io_threads > 0, "the pgwire server needs at least one I/O thread");
}

PgServer::~PgServer() { Stop(); }

Status PgServer::Start() {
  if (started_ || stopped_) {
    return absl::FailedPreconditionError("the pgwire server was already started");
  }
  ASSIGN_OR_RETURN(bound_port_, net::Listen(acceptor_, options_.listen_host, options_.listen_port));
  started_ = true;
  {
    absl::MutexLock lock(&mu_);
    ++running_;  // the accept loop
  }
  asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached);
  work_.emplace(io_context_.get_executor());
  for (size_t i = 0; i < options_.io_threads; ++i) {
    io_threads_.emplace_back([this] {
      try {
        io_context_.run();
      } catch (const std::exception& e) {
        OXBOW_LOG_ERROR("pgwire: I/O thread failed: {}", e.what());
      }
    });
  }
  return absl::OkStatus();
}

asio::awaitable<void> PgServer::AcceptLoop() {
  asio::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::any_io_executor(asio::make_strand(io_context_)),
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      OXBOW_LOG_WARN("pgwire: accept failed: {}; retrying in {} ms", ec.message(),
                     kAcceptBackoff.count());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    int32_t process_id;
    {
      absl::MutexLock lock(&mu_);
      process_id = next_process_id_++;
      if (next_process_id_ <= 0) next_process_id_ = 1;
    }
    auto connection = std::make_shared<PgConnection>(
        std::move(socket), PgConnection::Deps{&engine_, &blocking_, &options_.auth, this},
        process_id, RandomSecret());
    if (!Launch(std::move(connection))) break;
  }
  Finished(nullptr);
}

bool PgServer::Launch(std::shared_ptr<PgConnection> connection) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    connections_.emplace(connection->process_id(), connection);
    ++running_;
  }
  asio::any_io_executor ex = connection->executor();
  asio::co_spawn(
      ex, RunConnection(std::move(connection), [this](const PgConnection* c) { Finished(c); }),
      asio::detached);
  return true;
}

void PgServer::Finished(const PgConnection* connection) {
  absl::MutexLock lock(&mu_);
  if (connection != nullptr) connections_.erase(connection->process_id());
  --running_;
}

void PgServer::Cancel(int32_t process_id, int32_t secret_key) {
  std::shared_ptr<PgConnection> target;
  {
    absl::MutexLock lock(&mu_);
    auto it = connections_.find(process_id);
    if (it != connections_.end() && it->second->secret_key() == secret_key) target = it->second;
  }
  if (target) {
    OXBOW_LOG_INFO("pgwire: cancel request for backend {} ({})", process_id, target->peer());
    target->CancelRunning();
  }
}

size_t PgServer::connection_count() const {
  absl::MutexLock lock(&mu_);
  return connections_.size();
}

void PgServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (started_) {
    std::vector<std::shared_ptr<PgConnection>> open;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      for (const auto& [id, connection] : connections_) open.push_back(connection);
    }
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    for (const auto& connection : open) {
      connection->CancelRunning();
      connection->Close();
    }
    open.clear();
    absl::MutexLock lock(&mu_);
    auto drained = +[](size_t* running) { return *running == 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(drained, &running_),
                              absl::Milliseconds(options_.stop_grace_ms))) {
      OXBOW_LOG_WARN("pgwire: {} connection(s) still busy {} ms after stop; abandoning them",
                     connections_.size(), options_.stop_grace_ms);
    }
  }
  work_.reset();
  io_context_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  blocking_.Stop();
}

}  // namespace oxbow::pgwire
