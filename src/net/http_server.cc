#include "net/http_server.h"

#include <chrono>
#include <exception>
#include <functional>

#include "base/logging.h"
#include "fmt/format.h"
#include "net/http_connection.h"
#include "net/listener.h"

namespace oxbow::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// After a failed accept (e.g. EMFILE: out of file descriptors) the loop waits this long
// before trying again, instead of spinning on the error.
constexpr std::chrono::milliseconds kAcceptBackoff(100);

asio::awaitable<void> RunConnection(std::shared_ptr<HttpConnection> connection,
                                    std::function<void(const HttpConnection*)> finished) {
  co_await connection->Run();
  finished(connection.get());
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, Router router)
    : options_(std::move(options)),
      router_(std::move(router)),
      blocking_(options_.blocking_threads),
      acceptor_(asio::make_strand(io_context_)) {
  OXBOW_CHECK(options_.io_threads > 0, "the {} server needs at least one I/O thread",
              options_.name);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (started_ || stopped_) {
    return absl::FailedPreconditionError(
        fmt::format("the {} server was already started", options_.name));
  }
  Result<uint16_t> port = Listen(acceptor_, options_.listen_host, options_.listen_port);
  if (!port.ok()) {
    return Status(port.status().code(),
                  fmt::format("{}: {}", options_.name, port.status().message()));
  }
  bound_port_ = *port;
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
        OXBOW_LOG_ERROR("{}: I/O thread failed: {}", options_.name, e.what());
      }
    });
  }
  return absl::OkStatus();
}

asio::awaitable<void> HttpServer::AcceptLoop() {
  asio::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    boost::system::error_code ec;
    // Each connection gets a strand of its own: its coroutine and Close() never race.
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::any_io_executor(asio::make_strand(io_context_)),
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      OXBOW_LOG_WARN("{}: accept failed: {}; retrying in {} ms", options_.name, ec.message(),
                     kAcceptBackoff.count());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<HttpConnection>(
        std::move(socket), HttpConnection::Deps{&router_, &blocking_, &options_});
    if (!Launch(std::move(connection))) break;
  }
  Finished(nullptr);
}

bool HttpServer::Launch(std::shared_ptr<HttpConnection> connection) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    connections_.emplace(connection.get(), connection);
    ++running_;
  }
  asio::any_io_executor ex = connection->executor();
  asio::co_spawn(
      ex, RunConnection(std::move(connection), [this](const HttpConnection* c) { Finished(c); }),
      asio::detached);
  return true;
}

void HttpServer::Finished(const HttpConnection* connection) {
  absl::MutexLock lock(&mu_);
  if (connection != nullptr) connections_.erase(connection);
  --running_;
}

size_t HttpServer::connection_count() const {
  absl::MutexLock lock(&mu_);
  return connections_.size();
}

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (started_) {
    std::vector<std::shared_ptr<HttpConnection>> open;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      for (const auto& [ptr, connection] : connections_) open.push_back(connection);
    }
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    for (const auto& connection : open) connection->Close();
    open.clear();

    absl::MutexLock lock(&mu_);
    auto drained = +[](size_t* running) { return *running == 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(drained, &running_),
                              absl::Milliseconds(options_.stop_grace_ms))) {
      OXBOW_LOG_WARN("{}: {} connection(s) still busy {} ms after stop; abandoning them",
                     options_.name, connections_.size(), options_.stop_grace_ms);
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

}  // namespace oxbow::net
