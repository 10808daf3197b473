#include "net/http_connection.h"

#include <array>
#include <chrono>
#include <exception>

#include "base/logging.h"
#include "fmt/format.h"
#include "net/http_server.h"
#include "net/listener.h"
#include "net/url.h"

namespace oxbow::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// How long, and how much, a refused request's remaining bytes are read before closing.
constexpr std::chrono::milliseconds kLinger(2000);
constexpr size_t kLingerMaxBytes = 64 << 20;

// The errors that mean the peer went away or we closed the socket: not worth a log line.
bool QuietError(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor ||
         ec == asio::error::not_connected || ec == beast::error::timeout;
}

std::string PeerOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : FormatEndpoint(remote);
}

Method MethodOf(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::delete_:
      return Method::kDelete;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

std::string AllowHeader(const std::vector<Method>& methods) {
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += MethodName(m);
  }
  return out;
}

bool ExpectsContinue(const http::request<http::string_body>& req) {
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

}  // namespace

HttpConnection::HttpConnection(tcp::socket socket, Deps deps)
    : stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      deps_(deps),
      peer_(PeerOf(stream_.socket())) {}

void HttpConnection::Close() {
  asio::post(executor_, [self = shared_from_this()] {
    self->closing_ = true;
    // A handler in progress finishes and answers; a read ends now.
    if (self->state_ == State::kReading) self->CloseSocket();
  });
}

void HttpConnection::CloseSocket() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

asio::awaitable<void> HttpConnection::Run() {
  const std::string& name = deps_.options->name;
  OXBOW_LOG_DEBUG("{}: connection from {}", name, peer_);
  try {
    while (!closing_ && co_await ServeOne() == Next::kContinue) {
    }
  } catch (const std::exception& e) {
    // Handlers return errors as values; an exception here is a bug or std::bad_alloc.
    // Closing this connection keeps the server running for every other client.
    OXBOW_LOG_ERROR("{}: closing connection from {}: unexpected exception: {}", name, peer_,
                    e.what());
  }
  CloseSocket();
  OXBOW_LOG_DEBUG("{}: connection from {} closed", name, peer_);
}

asio::awaitable<HttpConnection::Next> HttpConnection::ServeOne() {
  const HttpServerOptions& o = *deps_.options;
  state_ = State::kReading;
  // A parser serves one request (Beast's parsers cannot be reused).
  Parser parser;
  parser.header_limit(o.max_header_bytes);
  parser.body_limit(o.max_body_bytes);
  stream_.expires_after(std::chrono::milliseconds(o.header_timeout_ms));
  boost::system::error_code ec;
  co_await http::async_read_header(stream_, buffer_, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec == http::error::header_limit) {
    co_return co_await Refuse(
        431, fmt::format("the request headers exceed {} bytes", o.max_header_bytes));
  }
  if (ec == http::error::body_limit) {
    co_return co_await Refuse(
        413, fmt::format("the request body exceeds the limit of {} bytes", o.max_body_bytes));
  }
  if (ec) {
    // An idle keep-alive connection timing out, or the client closing, is normal.
    if (QuietError(ec) || closing_) co_return Next::kClose;
    co_return co_await Refuse(400, fmt::format("malformed HTTP request: {}", ec.message()));
  }
  if (Next next = co_await ReadBody(parser); next == Next::kClose) co_return next;
  state_ = State::kServing;
  bool keep_alive = parser.get().keep_alive();
  Response response = co_await Dispatch(parser);
  co_return co_await Write(std::move(response), keep_alive && !closing_);
}

asio::awaitable<HttpConnection::Next> HttpConnection::ReadBody(Parser& parser) {
  const HttpServerOptions& o = *deps_.options;
  boost::system::error_code ec;
  stream_.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
  if (!parser.is_done() && ExpectsContinue(parser.get())) {
    http::response<http::empty_body> go(http::status::continue_, parser.get().version());
    co_await http::async_write(stream_, go, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Next::kClose;
  }
  // Not the stream's own expiry, which closes the socket: a timeout here is answered (408).
  stream_.expires_never();
  asio::steady_timer timer(executor_);
  timer.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
  body_timed_out_ = false;
  timer.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (e) return;  // the body arrived first
    self->body_timed_out_ = true;
    boost::system::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
  co_await http::async_read(stream_, buffer_, parser,
                            asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (ec && body_timed_out_ && !closing_) {
    co_return co_await Refuse(
        408, fmt::format("the request body did not arrive within {} ms", o.body_timeout_ms));
  }
  if (!ec) co_return Next::kContinue;
  if (ec == http::error::body_limit) {
    co_return co_await Refuse(
        413, fmt::format("the request body exceeds the limit of {} bytes", o.max_body_bytes));
  }
  if (QuietError(ec) || closing_) co_return Next::kClose;
  co_return co_await Refuse(400, fmt::format("malformed HTTP request body: {}", ec.message()));
}

asio::awaitable<Response> HttpConnection::Dispatch(Parser& parser) {
  http::request<http::string_body>& msg = parser.get();
  Request req;
  req.method = MethodOf(msg.method());
  req.target = std::string(msg.target());
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    Result<std::vector<std::pair<std::string, std::string>>> query =
        ParseQuery(std::string_view(req.target).substr(q + 1));
    if (!query.ok()) co_return JsonError(400, ToStd(query.status().message()));
    req.query = std::move(*query);
  }
  for (const auto& field : msg) {
    req.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  req.body = std::move(msg.body());
  req.peer = peer_;
  req.blocking = deps_.blocking;

  Result<Router::Match> match = deps_.router->Find(req.method, req.path, req.path_params);
  if (!match.ok()) co_return JsonError(400, ToStd(match.status().message()));
  if (match->handler == nullptr) {
    if (match->allowed.empty()) {
      co_return JsonError(404, fmt::format("no resource at {}", req.path));
    }
    Response r =
        JsonError(405, fmt::format("{} is not allowed on {} (allowed: {})", MethodName(req.method),
                                   req.path, AllowHeader(match->allowed)));
    r.headers.emplace_back("Allow", AllowHeader(match->allowed));
    co_return r;
  }
  OXBOW_LOG_TRACE("{}: {} {} from {}", deps_.options->name, MethodName(req.method), req.target,
                  peer_);
  Result<Response> response = co_await (*match->handler)(req);
  if (!response.ok()) {
    if (HttpStatusFor(response.status()) >= 500) {
      OXBOW_LOG_WARN("{}: {} {} from {}: {}", deps_.options->name, MethodName(req.method), req.path,
                     peer_, response.status());
    }
    co_return ErrorResponse(response.status());
  }
  co_return std::move(*response);
}

asio::awaitable<HttpConnection::Next> HttpConnection::Write(Response response, bool keep_alive) {
  http::response<http::string_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  res.set(http::field::server, "oxbow");
  if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) res.insert(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream_.expires_after(std::chrono::milliseconds(deps_.options->body_timeout_ms));
  boost::system::error_code ec;
  co_await http::async_write(stream_, res, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!QuietError(ec)) {
      OXBOW_LOG_INFO("{}: write to {} failed: {}", deps_.options->name, peer_, ec.message());
    }
    co_return Next::kClose;
  }
  co_return keep_alive ? Next::kContinue : Next::kClose;
}

asio::awaitable<HttpConnection::Next> HttpConnection::Refuse(int status, std::string_view message) {
  OXBOW_LOG_DEBUG("{}: refusing a request from {}: {}", deps_.options->name, peer_, message);
  state_ = State::kServing;
  co_await Write(JsonError(status, message), false);
  co_await Linger();
  co_return Next::kClose;
}

asio::awaitable<void> HttpConnection::Linger() {
  // The client may still be sending (a body we refused): closing with unread bytes would
  // reset the connection, and the reset can destroy our answer in the client's buffers
  // before it reads it. So stop sending, and read and drop what comes for a moment.
  boost::system::error_code ec;
  state_ = State::kReading;  // Close() may cut it short
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLinger);
  std::array<char, 16384> sink;
  size_t dropped = 0;
  while (!ec && dropped < kLingerMaxBytes) {
    dropped += co_await stream_.async_read_some(asio::buffer(sink),
                                                asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace oxbow::net
