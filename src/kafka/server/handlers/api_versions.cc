#include "kafka/server/handlers/api_versions.h"

#include "kafka/server/handlers/factories.h"

namespace oxbow::kafka {

boost::asio::awaitable<Result<std::optional<ByteBuffer>>> ApiVersionsHandler::Handle(
    RequestContext& ctx) {
  protocol::ApiVersionsResponse response;
  for (const Handler* h : registry_.All()) {
    response.api_keys.push_back({h->api_key(), h->min_version(), h->max_version()});
  }
  int16_t version = ctx.api_version;
  if (version < min_version() || version > max_version()) {
    // KIP-511: answer an unknown version with UNSUPPORTED_VERSION and our ranges, encoded
    // as v0, which every client can read; it then retries with a version we support.
    response.error_code = Code(ErrorCode::kUnsupportedVersion);
    version = 0;
  } else {
    protocol::ApiVersionsRequest request;
    ByteReader in(ctx.body);
    Status s = request.Decode(in, version);
    if (!s.ok()) {
      // Kafka answers a malformed ApiVersions with INVALID_REQUEST rather than closing.
      response.error_code = Code(ErrorCode::kInvalidRequest);
    }
  }
  ByteBuffer out;
  response.Encode(out, version);
  co_return std::optional<ByteBuffer>(std::move(out));
}

}  // namespace oxbow::kafka

namespace oxbow::kafka {
std::unique_ptr<Handler> MakeApiVersionsHandler(const HandlerRegistry& registry) {
  return std::make_unique<ApiVersionsHandler>(registry);
}
}  // namespace oxbow::kafka
