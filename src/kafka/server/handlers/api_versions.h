// ApiVersions (key 18): the versions of every API this broker serves, taken from the
// handler registry, so the advertised list is always exactly what is dispatched.
#pragma once

#include "kafka/protocol/error_code.h"
#include "kafka/protocol/messages.h"
#include "kafka/server/handler_registry.h"

namespace oxbow::kafka {

class ApiVersionsHandler final : public Handler {
 public:
  // The registry outlives the handler (it owns it).
  explicit ApiVersionsHandler(const HandlerRegistry& registry) : registry_(registry) {}
  int16_t api_key() const override { return protocol::ApiVersionsRequest::kApiKey; }
  std::string_view name() const override { return "ApiVersions"; }
  int16_t min_version() const override { return protocol::ApiVersionsRequest::kMinVersion; }
  int16_t max_version() const override { return protocol::ApiVersionsRequest::kMaxVersion; }
  int16_t first_flexible_version() const override {
    return protocol::ApiVersionsRequest::kFirstFlexibleVersion;
  }
  boost::asio::awaitable<Result<std::optional<ByteBuffer>>> Handle(RequestContext& ctx) override;

 private:
  const HandlerRegistry& registry_;
};

}  // namespace oxbow::kafka
