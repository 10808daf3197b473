// The admin API's options, in a header of their own (no Asio) so that the configuration
// code (src/server/config.h) can hold them.
#pragma once

#include <cstdint>
#include <string>

namespace oxbow::admin {

struct AdminOptions {
  bool enabled = true;  // --admin-listener "" disables the admin API
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 9644;  // 0: any free port
  size_t io_threads = 1;
  size_t blocking_threads = 2;
};

}  // namespace oxbow::admin
