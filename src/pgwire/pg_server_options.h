// Options of the PostgreSQL wire protocol server (`oxbow serve --pg-*`, docs/pgwire.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pgwire/auth.h"

namespace oxbow::pgwire {

struct PgServerOptions {
  bool enabled = true;  // `serve` starts the server (an empty --pg-listener turns it off)
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 6875;  // as Materialize; 0 picks a free port (tests)
  size_t io_threads = 2;
  // Statements run here (the I/O threads never wait on one).
  size_t blocking_threads = 4;
  int stop_grace_ms = 2000;
  AuthOptions auth;
};

}  // namespace oxbow::pgwire
