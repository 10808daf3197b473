// One client connection of an HttpServer: reads requests, routes them, runs their handlers
// and writes their responses, one at a time. Internal to net; HttpServer creates one per
// accepted socket. What it answers by itself, and when it closes: http_server.h.
//
// Threads: the socket's executor is a strand of its own; Run and the handlers it calls run
// there. Close may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "base/asio.h"
#include "net/blocking_pool.h"
#include "net/http_message.h"
#include "net/router.h"

// clang-format off
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace oxbow::net {

struct HttpServerOptions;

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // What a connection borrows from its server, which outlives it.
  struct Deps {
    const Router* router;
    BlockingPool* blocking;
    const HttpServerOptions* options;
  };

  // `socket` is connected and its executor is a strand used by nothing else.
  HttpConnection(boost::asio::ip::tcp::socket socket, Deps deps);

  // Serves requests until the client closes, a request must close the connection, or
  // Close() was called; the socket is closed when it returns. Never throws.
  boost::asio::awaitable<void> Run();

  // Asks the connection to end (on its strand): a read in progress ends at once; a handler
  // in progress finishes and its response is written, then the connection closes. Any
  // thread.
  void Close();

  const std::string& peer() const { return peer_; }
  const boost::asio::any_io_executor& executor() { return executor_; }

 private:
  enum class Next { kContinue, kClose };
  enum class State { kReading, kServing };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  boost::asio::awaitable<Next> ServeOne();
  // Reads the body after the headers (answering Expect: 100-continue first).
  boost::asio::awaitable<Next> ReadBody(Parser& parser);
  // Turns the parsed request into a Request, routes it, and runs its handler.
  boost::asio::awaitable<Response> Dispatch(Parser& parser);
  boost::asio::awaitable<Next> Write(Response response, bool keep_alive);
  // Answers a request that cannot be served (parse error, limits) and closes.
  boost::asio::awaitable<Next> Refuse(int status, std::string_view message);
  // Half-closes and drops what the client still sends, briefly (a lingering close).
  boost::asio::awaitable<void> Linger();
  void CloseSocket();

  boost::beast::tcp_stream stream_;
  const boost::asio::any_io_executor executor_;
  const Deps deps_;
  const std::string peer_;
  boost::beast::flat_buffer buffer_;  // bytes read past the current request (pipelining)
  State state_ = State::kReading;     // on the strand
  bool closing_ = false;              // on the strand
  bool body_timed_out_ = false;       // on the strand
};

}  // namespace oxbow::net
