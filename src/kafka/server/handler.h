// What a Kafka API handler is, and the registry the network core dispatches requests with.
//
// One handler per API key, one per file under handlers/ (STYLE.md). The network core
// (connection.cc) frames a request, decodes its header, finds the handler by key and calls
// Handle with the body; it writes the response header and the body Handle returns. The
// registry's handlers, with their version ranges, are what ApiVersions advertises.
//
// Version checks: for every key except ApiVersions, the core closes the connection when the
// request's version is outside [min_version, max_version] (as Kafka does; a client only
// sends versions ApiVersions advertised). ApiVersions gets every version: it must answer an
// unknown version with UNSUPPORTED_VERSION and its own range (KIP-511), so its handler checks
// the version itself.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/asio.h"
#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::net {
class BlockingPool;
}  // namespace oxbow::net

namespace oxbow::kafka {

using net::BlockingPool;

// One request, as the handler sees it. Owned by the connection; valid during Handle.
struct RequestContext {
  int16_t api_key;
  int16_t api_version;
  int32_t correlation_id;
  std::optional<std::string> client_id;
  std::string peer;        // "ip:port" of the client, for logs
  ByteView body;           // the request body after the header (valid during Handle)
  BlockingPool* blocking;  // run blocking work (fsync'ing appends) off the I/O threads
  // Lets the connection read and start its next request before this one's response is
  // ready (see connection.h). A handler calls it once the side effects that must happen
  // in request order are done (Produce: after writing its batches, before awaiting their
  // fsync). Responses still go out in request order. Optional, idempotent, and only
  // callable on the connection's strand while Handle runs.
  std::function<void()> release_order;
};

// Threads: Handle runs on an I/O thread, in the coroutine of the request's connection; one
// request per connection at a time, but many connections at once, so a handler's own state
// must be thread-safe. Handle must not block: disk work goes through ctx.blocking->Run,
// waiting through Asio timers on `co_await boost::asio::this_coro::executor`.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual int16_t api_key() const = 0;
  virtual std::string_view name() const = 0;  // "Produce"
  virtual int16_t min_version() const = 0;
  virtual int16_t max_version() const = 0;
  virtual int16_t first_flexible_version() const = 0;  // -1: never flexible
  // Decodes ctx.body, does the work, returns the encoded response body (no header), or
  // std::nullopt when no response must be sent (Produce with acks=0). An error Status means
  // the request could not be decoded at all: the connection is closed (as Kafka does).
  // Errors the protocol can express (unknown topic, record too large ...) are answered in
  // the response body with their Kafka error code, never returned as a Status.
  virtual boost::asio::awaitable<Result<std::optional<ByteBuffer>>> Handle(RequestContext& ctx) = 0;
  // Called once when the server stops, before it closes the connections (on the stopping
  // thread): a handler whose requests wait for an event (Fetch's long poll) ends those waits
  // now and answers at once, so that connections drain instead of running out the grace.
  virtual void Stopping() {}
};

// Built once at start-up, then read-only: Find and All may be called from any thread
// concurrently, Add only before the server starts.
class HandlerRegistry {
 public:
  // A second handler for the same key is a bug: it fails an OXBOW_CHECK.
  void Add(std::unique_ptr<Handler> h);
  const Handler* Find(int16_t api_key) const;  // nullptr if unknown
  // The same handler, callable: Handle is not const (a handler may keep thread-safe state).
  // For the dispatcher.
  Handler* FindForCall(int16_t api_key) const;
  std::vector<const Handler*> All() const;  // sorted by api_key
  size_t size() const { return handlers_.size(); }

 private:
  std::vector<std::unique_ptr<Handler>> handlers_;  // sorted by api_key
};

}  // namespace oxbow::kafka
