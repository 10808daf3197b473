// A Handler for one generated request/response pair: decodes the request, calls Process,
// encodes the response in the request's version. Each API's handler derives from it and
// implements only Process (one handler per file).
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "base/asio.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/messages.h"
#include "kafka/server/handler.h"

// RETURN_IF_ERROR for coroutines (which must co_return).
#define CO_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::absl::Status _oxbow_co_status = (expr); \
    if (!_oxbow_co_status.ok()) {             \
      co_return _oxbow_co_status;             \
    }                                         \
  } while (false)

namespace oxbow::kafka {

// Bytes a response refers to (records read from the log) that must live until it has been
// encoded. Owned by Handle, so valid across Process and Encode.
struct ResponseStorage {
  std::deque<std::vector<uint8_t>> buffers;
};

template <typename Req, typename Resp>
class MessageHandler : public Handler {
 public:
  int16_t api_key() const override { return Req::kApiKey; }
  int16_t min_version() const override { return Req::kMinVersion; }
  int16_t max_version() const override { return Req::kMaxVersion; }
  int16_t first_flexible_version() const override { return Req::kFirstFlexibleVersion; }

  boost::asio::awaitable<Result<std::optional<ByteBuffer>>> Handle(RequestContext& ctx) override {
    Req request;
    ByteReader in(ctx.body);
    Status decoded = request.Decode(in, ctx.api_version);
    if (!decoded.ok()) {
      co_return Status(decoded.code(), fmt::format("{} v{} from {}: {}", name(), ctx.api_version,
                                                   ctx.peer, decoded.message()));
    }
    ResponseStorage storage;
    std::optional<Resp> response = co_await Process(ctx, request, storage);
    if (!response) co_return std::optional<ByteBuffer>();
    ByteBuffer out;
    response->Encode(out, ctx.api_version);
    co_return std::optional<ByteBuffer>(std::move(out));
  }

 protected:
  // Does the work. Returns nullopt when no response is sent (Produce with acks=0).
  // Protocol-level errors go into the response's error codes.
  virtual boost::asio::awaitable<std::optional<Resp>> Process(RequestContext& ctx, Req& request,
                                                              ResponseStorage& storage) = 0;
};

}  // namespace oxbow::kafka
