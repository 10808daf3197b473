// One client connection of the Kafka API: framing, request headers, dispatch to a handler,
// response headers. Internal to the network core; KafkaServer creates one per accepted socket.
//
// A request is an int32 size and that many bytes: the request header, then the body. The
// connection serves requests one at a time and answers them in order: it reads the next
// request only after the previous response was written (Kafka's brokers likewise mute a
// connection while one of its requests is in flight), so pipelining clients get their
// responses in the order they sent the requests, and a connection never holds more than
// one request in memory.
//
// The connection is closed, with a warning naming the peer, on anything a well-behaved client
// never sends: a size below zero or above socket.request.max.bytes, an unknown API key, an
// unsupported version (except for ApiVersions, see handler.h), a header that does not
// decode, a request its handler cannot decode (an error Status). EOF or a reset between or
// inside requests closes it quietly.
//
// Threads: the socket's executor is a strand of its own; Run and every handler it calls
// run there, one step at a time. Close may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/status.h"
#include "net/blocking_pool.h"
#include "kafka/server/handler.h"

namespace oxbow::kafka {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // What a connection borrows from its server, which outlives it.
  struct Deps {
    const HandlerRegistry* registry;
    BlockingPool* blocking;
    int32_t max_request_bytes;
  };

  // `socket` is connected and its executor is a strand used by nothing else.
  Connection(boost::asio::ip::tcp::socket socket, Deps deps);

  // Serves requests until the client disconnects, a request closes the connection, or
  // Close() is called; the socket is closed when it returns. Never throws.
  boost::asio::awaitable<void> Run();

  // Closes the socket (on its strand): a read in progress ends, a handler in progress runs
  // to completion but its response is dropped. Any thread.
  void Close();

  const std::string& peer() const { return peer_; }
  const boost::asio::any_io_executor& executor() { return executor_; }

 private:
  enum class Next { kContinue, kClose };

  boost::asio::awaitable<Next> ServeOne();
  // Reads exactly `size` bytes into request_, growing the buffer as bytes arrive so that a
  // size prefix alone cannot make us allocate socket.request.max.bytes.
  boost::asio::awaitable<bool> ReadRequest(size_t size);
  // Decodes the header of request_, runs its handler and writes its response, if any.
  boost::asio::awaitable<Next> Dispatch();
  boost::asio::awaitable<bool> WriteResponse(int32_t correlation_id, int header_version,
                                             const ByteBuffer& body);
  void CloseSocket();

  boost::asio::ip::tcp::socket socket_;
  const boost::asio::any_io_executor executor_;
  const Deps deps_;
  const std::string peer_;
  std::vector<uint8_t> request_;  // the request being served; reused across requests
};

// "ip:port", with the IPv6 address in brackets.
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace oxbow::kafka
