// The schema registry server's options, in a header of their own (no Asio) so that the
// configuration code (src/server/config.h) can hold them.
#pragma once

#include <cstdint>
#include <string>

namespace oxbow::registry {

struct SchemaRegistryServerOptions {
  bool enabled = true;  // --schema-registry-listener "" disables the registry
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 8081;  // 0: any free port
  uint64_t max_body_bytes = 16 << 20;
  size_t io_threads = 1;
  size_t blocking_threads = 2;
};

}  // namespace oxbow::registry
