#include "kafka/server/connection.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

#include "base/logging.h"
#include "fmt/format.h"
#include "kafka/server/request_header.h"
#include "net/listener.h"

namespace oxbow::kafka {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// The first read of a request body asks for at most this much; each further read doubles it.
constexpr size_t kFirstReadBytes = 64 * 1024;
// A connection keeps a request buffer up to this size between requests; a larger one (left
// by a big Produce) is released so that idle connections stay small.
constexpr size_t kKeptBufferBytes = 1 << 20;

bool QuietError(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor || ec == asio::error::not_connected;
}

std::string PeerOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : net::FormatEndpoint(remote);
}

}  // namespace

Connection::Connection(tcp::socket socket, Deps deps)
    : socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      deps_(deps),
      peer_(PeerOf(socket_)),
      change_(executor_),
      idle_(executor_) {}

void Connection::Close() {
  asio::post(executor_, [self = shared_from_this()] { self->CloseSocket(); });
}

void Connection::CloseSocket() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

asio::awaitable<void> Connection::WaitForChange() {
  change_.expires_at(asio::steady_timer::time_point::max());
  boost::system::error_code ignored;
  co_await change_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void Connection::NotifyChange() { change_.cancel(); }

void Connection::ArmIdleTimer() {
  if (deps_.max_idle_ms <= 0) return;
  idle_.expires_after(std::chrono::milliseconds(deps_.max_idle_ms));
  idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closing_) return;  // cancelled: a request came, or the connection ended
    if (!self->in_flight_.empty()) {
      self->ArmIdleTimer();  // busy (a long poll, a slow request), not idle
      return;
    }
    OXBOW_LOG_INFO(
        "Kafka API: closing connection from {}: no request for {} ms (connections.max.idle.ms)",
        self->peer_, self->deps_.max_idle_ms);
    self->closing_ = true;
    self->CloseSocket();
  });
}

size_t Connection::in_flight_bytes() const {
  size_t total = 0;
  for (const auto& item : in_flight_) total += item->request.size();
  return total;
}

asio::awaitable<void> Connection::Run() {
  OXBOW_LOG_DEBUG("Kafka API: connection from {}", peer_);
  try {
    while (!closing_) {
      // Back-pressure: a client pipelining faster than we answer waits in its socket.
      while (!closing_ && (in_flight_.size() >= kMaxInFlight ||
                           in_flight_bytes() >= static_cast<size_t>(deps_.max_request_bytes))) {
        co_await WaitForChange();
      }
      if (closing_) break;
      ArmIdleTimer();
      std::shared_ptr<InFlight> item = co_await ReadOne();
      idle_.cancel();
      if (item == nullptr) break;
      in_flight_.push_back(item);
      asio::co_spawn(executor_, Serve(item), asio::detached);
      while (!item->released && !closing_) co_await WaitForChange();
    }
  } catch (const std::exception& e) {
    // Handlers return errors as values; an exception here is a bug or std::bad_alloc.
    // Closing this connection keeps the server running for every other client.
    OXBOW_LOG_ERROR("Kafka API: closing connection from {}: unexpected exception: {}", peer_,
                    e.what());
  }
  // Requests still running hold their partitions' order; let them finish (their responses
  // are written if the socket is still open) before the server counts us gone.
  idle_.cancel();
  CloseSocket();
  while (!in_flight_.empty()) co_await WaitForChange();
  OXBOW_LOG_DEBUG("Kafka API: connection from {} closed", peer_);
}

asio::awaitable<std::shared_ptr<Connection::InFlight>> Connection::ReadOne() {
  boost::system::error_code ec;
  std::array<uint8_t, 4> size_bytes;
  co_await asio::async_read(socket_, asio::buffer(size_bytes),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!QuietError(ec)) OXBOW_LOG_INFO("Kafka API: read from {} failed: {}", peer_, ec.message());
    co_return nullptr;
  }
  int32_t size = static_cast<int32_t>(LoadBE32(size_bytes.data()));
  if (size < 0 || size > deps_.max_request_bytes) {
    OXBOW_LOG_WARN(
        "Kafka API: closing connection from {}: request size {} is {} (socket.request.max.bytes "
        "is {}); is the client speaking the Kafka protocol, without TLS?",
        peer_, size, size < 0 ? "negative" : "too large", deps_.max_request_bytes);
    co_return nullptr;
  }
  auto item = std::make_shared<InFlight>();
  item->request.swap(spare_);
  if (!co_await ReadRequest(static_cast<size_t>(size), item->request)) co_return nullptr;
  co_return item;
}

asio::awaitable<bool> Connection::ReadRequest(size_t size, RequestBuffer& buffer) {
  buffer.clear();
  size_t have = 0;
  while (have < size) {
    size_t want = std::min(size, std::max(kFirstReadBytes, have * 2));
    buffer.resize(want);
    boost::system::error_code ec;
    size_t n = co_await asio::async_read(socket_, asio::buffer(buffer.data() + have, want - have),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!QuietError(ec)) {
        OXBOW_LOG_INFO("Kafka API: read from {} failed: {}", peer_, ec.message());
      }
      co_return false;
    }
    have += n;
  }
  buffer.resize(size);
  co_return true;
}

asio::awaitable<void> Connection::Serve(std::shared_ptr<InFlight> item) {
  auto self = shared_from_this();  // alive until the response is queued
  try {
    co_await Dispatch(*item);
  } catch (const std::exception& e) {
    OXBOW_LOG_ERROR("Kafka API: closing connection from {}: unexpected exception: {}", peer_,
                    e.what());
    item->response.reset();
    item->close = true;
  }
  item->done = true;
  item->released = true;
  // The request bytes are no longer referenced (responses own their bytes).
  if (item->request.capacity() <= kKeptBufferBytes && spare_.capacity() == 0) {
    spare_.swap(item->request);
    spare_.clear();
  } else {
    RequestBuffer().swap(item->request);
  }
  NotifyChange();
  if (!writing_) co_await WriteResponses();
}

asio::awaitable<void> Connection::WriteResponses() {
  writing_ = true;
  while (!in_flight_.empty() && in_flight_.front()->done) {
    std::shared_ptr<InFlight> item = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (closing_) continue;  // drop the answers after a close
    if (item->close) {
      closing_ = true;
      CloseSocket();
    } else if (item->response.has_value()) {
      if (!co_await WriteResponse(item->correlation_id, item->header_version, *item->response)) {
        closing_ = true;
        CloseSocket();
      }
    }
  }
  writing_ = false;
  NotifyChange();
}

asio::awaitable<void> Connection::Dispatch(InFlight& item) {
  ByteView request(item.request.data(), item.request.size());
  item.close = true;  // until a response is made
  Result<ApiKeyVersion> key = PeekApiKeyVersion(request);
  if (!key.ok()) {
    OXBOW_LOG_WARN("Kafka API: closing connection from {}: {}", peer_, key.status().message());
    co_return;
  }
  Handler* handler = deps_.registry->FindForCall(key->api_key);
  if (handler == nullptr) {
    OXBOW_LOG_WARN("Kafka API: closing connection from {}: unknown api key {} (version {})", peer_,
                   key->api_key, key->api_version);
    co_return;
  }
  if (key->api_key != kApiVersionsKey &&
      (key->api_version < handler->min_version() || key->api_version > handler->max_version())) {
    OXBOW_LOG_WARN(
        "Kafka API: closing connection from {}: {} version {} is not supported (versions {} to "
        "{})",
        peer_, handler->name(), key->api_version, handler->min_version(), handler->max_version());
    co_return;
  }
  Result<DecodedRequest> decoded = DecodeRequestHeader(
      request, RequestHeaderVersion(key->api_version, handler->first_flexible_version()));
  if (!decoded.ok()) {
    OXBOW_LOG_WARN("Kafka API: closing connection from {}: {} v{}: {}", peer_, handler->name(),
                   key->api_version, decoded.status().message());
    co_return;
  }
  RequestHeader& header = decoded->header;
  RequestContext ctx{header.api_key,
                     header.api_version,
                     header.correlation_id,
                     std::move(header.client_id),
                     peer_,
                     decoded->body,
                     deps_.blocking,
                     [this, &item] {
                       if (item.released) return;
                       item.released = true;
                       NotifyChange();
                     }};
  OXBOW_LOG_TRACE("Kafka API: {} v{} correlation id {} from {}", handler->name(), ctx.api_version,
                  ctx.correlation_id, peer_);
  Result<std::optional<ByteBuffer>> response = co_await handler->Handle(ctx);
  if (!response.ok()) {
    OXBOW_LOG_WARN("Kafka API: closing connection from {}: {} v{} (correlation id {}): {}", peer_,
                   handler->name(), ctx.api_version, ctx.correlation_id, response.status());
    co_return;
  }
  item.close = false;
  item.correlation_id = ctx.correlation_id;
  item.header_version =
      ResponseHeaderVersion(ctx.api_key, ctx.api_version, handler->first_flexible_version());
  item.response = std::move(*response);
}

asio::awaitable<bool> Connection::WriteResponse(int32_t correlation_id, int header_version,
                                                const ByteBuffer& body) {
  ByteBuffer head(16);
  head.AppendBE32(0);  // the size, set below
  EncodeResponseHeader(head, correlation_id, header_version);
  uint64_t size = head.size() - 4 + body.total_size();
  if (size > static_cast<uint64_t>(INT32_MAX)) {  // a handler's bug; this client cannot get it
    OXBOW_LOG_ERROR("Kafka API: closing connection from {}: response of {} bytes is too large",
                    peer_, size);
    co_return false;
  }
  StoreBE32(head.mutable_data(), static_cast<uint32_t>(size));
  boost::system::error_code ec;
  if (body.splices().empty()) {
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(head.data(), head.size()),
                                                 asio::buffer(body.data(), body.size())};
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    // Memory parts with one async_write each (the head goes with the first), file ranges
    // with sendfile: the records go from the page cache to the socket without a copy
    // through user space.
    size_t from = 0;
    bool first = true;
    for (const ByteBuffer::Splice& splice : body.splices()) {
      std::array<asio::const_buffer, 2> buffers = {
          asio::buffer(head.data(), first ? head.size() : 0),
          asio::buffer(body.data() + from, splice.at - from)};
      first = false;
      co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) ec = co_await SendFile(splice.range);
      if (ec) break;
      from = splice.at;
    }
    if (!ec) {
      co_await asio::async_write(socket_, asio::buffer(body.data() + from, body.size() - from),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  if (ec && !QuietError(ec)) {
    OXBOW_LOG_INFO("Kafka API: write to {} failed: {}", peer_, ec.message());
  }
  co_return !ec;
}

asio::awaitable<boost::system::error_code> Connection::SendFile(const FileRange& range) {
  boost::system::error_code ec;
  if (!socket_.native_non_blocking()) {
    socket_.native_non_blocking(true, ec);
    if (ec) co_return ec;
  }
  off_t offset = static_cast<off_t>(range.position);
  uint64_t left = range.size;
  while (left > 0) {
    ssize_t n = ::sendfile(socket_.native_handle(), range.fd, &offset,
                           static_cast<size_t>(std::min<uint64_t>(left, 1 << 30)));
    if (n > 0) {
      left -= static_cast<uint64_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      co_await socket_.async_wait(tcp::socket::wait_write,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    } else {
      // n == 0: the file is shorter than the range (it never shrinks below committed
      // bytes, so this is a bug or outside interference). The frame cannot be completed.
      int err = n == 0 ? EIO : errno;
      OXBOW_LOG_ERROR("Kafka API: sendfile to {} failed at offset {}: {}", peer_, offset,
                      n == 0 ? "file shorter than expected" : std::strerror(err));
      co_return boost::system::error_code(err, boost::system::system_category());
    }
  }
  co_return ec;
}

}  // namespace oxbow::kafka
