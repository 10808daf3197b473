#include "kafka/server/kafka_server.h"

#include <chrono>
#include <csignal>
#include <exception>
#include <functional>

#include "base/logging.h"
#include "fmt/format.h"
#include "kafka/server/connection.h"
#include "net/listener.h"

namespace oxbow::kafka {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// After a failed accept (e.g. EMFILE: out of file descriptors) the loop waits this long
// before trying again, instead of spinning on the error.
constexpr std::chrono::milliseconds kAcceptBackoff(100);

}  // namespace

KafkaServer::KafkaServer(KafkaServerOptions options, log::LogManager& log, HandlerRegistry registry)
    : options_(std::move(options)),
      log_(log),
      registry_(std::move(registry)),
      blocking_(options_.blocking_threads),
      acceptor_(asio::make_strand(io_context_)) {
  OXBOW_CHECK(options_.io_threads > 0, "the Kafka server needs at least one I/O thread");
}

KafkaServer::~KafkaServer() { Stop(); }

Status KafkaServer::Start() {
  if (started_ || stopped_) {
    return absl::FailedPreconditionError("the Kafka server was already started");
  }
  // Fetch responses go out with sendfile(2), which, unlike send with MSG_NOSIGNAL, raises
  // SIGPIPE when the client has gone away. A server process wants EPIPE, not death.
  std::signal(SIGPIPE, SIG_IGN);
  ASSIGN_OR_RETURN(bound_port_, net::Listen(acceptor_, options_.listen_host, options_.listen_port));
  if (options_.advertised_host.empty()) {
    boost::system::error_code ec;
    asio::ip::address a = acceptor_.local_endpoint(ec).address();
    options_.advertised_host = !a.is_unspecified() ? options_.listen_host
                               : a.is_v6()         ? "::1"
                                                   : "127.0.0.1";
  }
  if (options_.advertised_port == 0) options_.advertised_port = bound_port_;

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
        // Connections catch their own exceptions; this is a bug in the core.
        OXBOW_LOG_ERROR("Kafka API: I/O thread failed: {}", e.what());
      }
    });
  }
  return absl::OkStatus();
}

asio::awaitable<void> KafkaServer::AcceptLoop() {
  asio::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    boost::system::error_code ec;
    // Each connection gets a strand of its own: its coroutine and Close() never race.
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::any_io_executor(asio::make_strand(io_context_)),
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      OXBOW_LOG_WARN("Kafka API: accept failed: {}; retrying in {} ms", ec.message(),
                     kAcceptBackoff.count());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (options_.max_connections > 0 &&
        connection_count() >= static_cast<size_t>(options_.max_connections)) {
      Refuse(socket);
      continue;
    }
    // Responses are written whole; Nagle would only delay the last segment of each.
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(
        std::move(socket),
        Connection::Deps{&registry_, &blocking_, options_.socket_request_max_bytes,
                         options_.connections_max_idle_ms});
    if (!Launch(std::move(connection))) break;
  }
  Finished(nullptr);
}

void KafkaServer::Refuse(tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  // A FIN, not a reset: the client reads EOF, as from a broker that closed the connection.
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  ++refused_unlogged_;
  auto now = std::chrono::steady_clock::now();
  if (refused_unlogged_ == 1 || now - last_refusal_log_ >= kRefusalLogInterval) {
    OXBOW_LOG_WARN(
        "Kafka API: closing connection from {}: {} connections are open (max.connections, "
        "--max-connections){}",
        ec ? std::string("unknown peer") : net::FormatEndpoint(peer), options_.max_connections,
        refused_unlogged_ > 1
            ? fmt::format("; {} refused since the last warning", refused_unlogged_)
            : "");
    last_refusal_log_ = now;
    refused_unlogged_ = 0;
  }
}

namespace {

asio::awaitable<void> RunConnection(std::shared_ptr<Connection> connection,
                                    std::function<void(const Connection*)> finished) {
  co_await connection->Run();
  finished(connection.get());
}

}  // namespace

bool KafkaServer::Launch(std::shared_ptr<Connection> connection) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    connections_.emplace(connection.get(), connection);
    ++running_;
  }
  asio::any_io_executor ex = connection->executor();
  asio::co_spawn(ex,
                 RunConnection(std::move(connection), [this](const Connection* c) { Finished(c); }),
                 asio::detached);
  return true;
}

void KafkaServer::Finished(const Connection* connection) {
  absl::MutexLock lock(&mu_);
  if (connection != nullptr) connections_.erase(connection);
  --running_;
}

size_t KafkaServer::connection_count() const {
  absl::MutexLock lock(&mu_);
  return connections_.size();
}

void KafkaServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (started_) {
    std::vector<std::shared_ptr<Connection>> open;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      for (const auto& [ptr, connection] : connections_) open.push_back(connection);
    }
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    for (const Handler* h : registry_.All()) registry_.FindForCall(h->api_key())->Stopping();
    for (const auto& connection : open) connection->Close();
    open.clear();

    absl::MutexLock lock(&mu_);
    auto drained = +[](size_t* running) { return *running == 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(drained, &running_),
                              absl::Milliseconds(options_.stop_grace_ms))) {
      OXBOW_LOG_WARN(
          "Kafka API: {} connection(s) still busy {} ms after stop; abandoning their requests "
          "(those clients get no response and retry)",
          connections_.size(), options_.stop_grace_ms);
    }
  }
  work_.reset();
  io_context_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  // After the I/O threads: nothing submits work any more, and what was queued runs to the
  // end (its completions are posted to the stopped io_context and never resumed).
  blocking_.Stop();
}

}  // namespace oxbow::kafka
