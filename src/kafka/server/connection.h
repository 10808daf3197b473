// One client connection of the Kafka API: framing, request headers, dispatch to a handler,
// response headers. Internal to the network core; KafkaServer creates one per accepted socket.
//
// A request is an int32 size and that many bytes: the request header, then the body.
//
// Ordering and pipelining: requests are handled in the order they arrive and answered in
// that order. A request's handler runs alone until it releases the connection's order
// (RequestContext::release_order) or returns; only then is the next request read and
// started. Most handlers never release early, so their requests are served one at a time
// (as Kafka's brokers do: they mute a connection while one of its requests is in flight).
// Produce releases once its batches are written, before waiting for their fsync: the
// next Produce on the connection is written meanwhile and shares the next fsync (group
// commit, see log/partition.h), and its response is sent after the earlier one. At most
// kMaxInFlight requests, and socket.request.max.bytes of request bytes, are held at once.
//
// A connection that sends no request for connections.max.idle.ms while none is in flight is
// closed (an info line names the peer), as Kafka's brokers do.
//
// The connection is closed, with a warning naming the peer, on anything a well-behaved client
// never sends: a size below zero or above socket.request.max.bytes, an unknown API key, an
// unsupported version (except for ApiVersions, see handler.h), a header that does not
// decode, a request its handler cannot decode (an error Status); the responses of the
// requests before it are sent first. EOF or a reset between or inside requests closes it
// quietly.
//
// Threads: the socket's executor is a strand of its own; Run, every handler it starts and
// the response writer run there, one step at a time. Close may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/asio.h"
#include "base/status.h"
#include "kafka/server/handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Request bytes: resize() leaves new bytes uninitialized (they are read into at once), so
  // that a reused or grown buffer is not zeroed first — a memset of every request byte.
  template <typename T>
  struct UninitializedAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
      using other = UninitializedAllocator<U>;
    };
    template <typename U>
    void construct(U* p) noexcept {
      ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  using RequestBuffer = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

  // What a connection borrows from its server, which outlives it.
  struct Deps {
    const HandlerRegistry* registry;
    BlockingPool* blocking;
    int32_t max_request_bytes;
    int64_t max_idle_ms = 0;  // connections.max.idle.ms; <= 0: never closed for idleness
  };

  // `socket` is connected and its executor is a strand used by nothing else.
  Connection(boost::asio::ip::tcp::socket socket, Deps deps);

  // Serves requests until the client disconnects, a request closes the connection, or
  // Close() is called, then waits for the requests in flight to finish; the socket is
  // closed when it returns. Never throws.
  boost::asio::awaitable<void> Run();

  // Closes the socket (on its strand): a read in progress ends, handlers in progress run
  // to completion but their responses are dropped. Any thread.
  void Close();

  const std::string& peer() const { return peer_; }
  const boost::asio::any_io_executor& executor() { return executor_; }

  // Requests held at once. Pipelined Produce requests wait for their fsync in flight, and
  // one fsync covers all of them: a producer sending small requests (linger.ms=0) faster
  // than one per fsync needs many in flight, or its requests queue in the socket while the
  // disk syncs (at 16, a 2 ms fdatasync capped a connection at 8k requests/s).
  static constexpr size_t kMaxInFlight = 1024;

 private:
  // A request from the time it is read until its response is written.
  struct InFlight {
    RequestBuffer request;
    bool released = false;               // the next request may start
    bool done = false;                   // the handler returned; `response` is final
    bool close = false;                  // close the connection instead of answering
    std::optional<ByteBuffer> response;  // nullopt: no response (Produce acks=0)
    int32_t correlation_id = 0;
    int header_version = 0;
  };

  // Reads one request into a new InFlight; nullptr on EOF, errors and bad sizes.
  boost::asio::awaitable<std::shared_ptr<InFlight>> ReadOne();
  // Reads exactly `size` bytes into `buffer`, growing it as bytes arrive so that a size
  // prefix alone cannot make us allocate socket.request.max.bytes.
  boost::asio::awaitable<bool> ReadRequest(size_t size, RequestBuffer& buffer);
  // Runs the request's handler and queues its response.
  boost::asio::awaitable<void> Serve(std::shared_ptr<InFlight> item);
  // Decodes the header of item->request and runs its handler; fills in the item.
  boost::asio::awaitable<void> Dispatch(InFlight& item);
  // Writes the finished responses at the head of in_flight_, in order. One at a time.
  boost::asio::awaitable<void> WriteResponses();
  boost::asio::awaitable<bool> WriteResponse(int32_t correlation_id, int header_version,
                                             const ByteBuffer& body);
  // Sends a file range to the socket with sendfile(2), waiting for writability.
  boost::asio::awaitable<boost::system::error_code> SendFile(const FileRange& range);
  // Closes the connection after max_idle_ms without a request (re-armed while one is in
  // flight); called before each read of a request, cancelled once it is read.
  void ArmIdleTimer();
  // An event for Run: something in flight was released or finished.
  boost::asio::awaitable<void> WaitForChange();
  void NotifyChange();
  size_t in_flight_bytes() const;
  void CloseSocket();

  boost::asio::ip::tcp::socket socket_;
  const boost::asio::any_io_executor executor_;
  const Deps deps_;
  const std::string peer_;
  boost::asio::steady_timer change_;
  boost::asio::steady_timer idle_;
  std::deque<std::shared_ptr<InFlight>> in_flight_;  // in arrival order
  bool writing_ = false;
  bool closing_ = false;  // a response asked to close, or a write failed
  RequestBuffer spare_;   // a request buffer kept for reuse
};

}  // namespace oxbow::kafka
