// Network addresses as users write them in flags and logs: "host:port", with an IPv6
// address in brackets ("[::1]:9092"). Every listener and client address of Oxbow (Kafka API,
// REST proxy, registry, --bootstrap-server) is parsed and printed here, so they all read
// and look alike. No Asio: the configuration code includes this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::net {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// InvalidArgument, saying what is expected, for anything but a non-empty host and a port
// from 0 to 65535.
Result<HostPort> ParseHostPort(std::string_view text);
// "host:port", or "[host]:port" when the host contains ':' (IPv6).
std::string FormatHostPort(std::string_view host, uint16_t port);

}  // namespace oxbow::net
