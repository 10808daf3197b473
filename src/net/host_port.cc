#include "net/host_port.h"

#include <charconv>

#include "fmt/format.h"

namespace oxbow::net {

Result<HostPort> ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError("expected HOST:PORT, e.g. 0.0.0.0:9092");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "expected HOST:PORT; write an IPv6 address in brackets, "
        "e.g. [::1]:9092");
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(
        "expected HOST:PORT with a host, e.g. 0.0.0.0:9092 for every interface");
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return absl::InvalidArgumentError("expected HOST:PORT with a port from 0 to 65535");
  }
  return HostPort{std::string(host), static_cast<uint16_t>(value)};
}

std::string FormatHostPort(std::string_view host, uint16_t port) {
  return host.find(':') == std::string_view::npos ? fmt::format("{}:{}", host, port)
                                                  : fmt::format("[{}]:{}", host, port);
}

}  // namespace oxbow::net
