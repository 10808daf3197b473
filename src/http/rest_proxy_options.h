// The REST proxy's options, in a header of their own (no Asio) so that the configuration
// code (src/server/config.h) can hold them.
#pragma once

#include <cstdint>
#include <string>

namespace oxbow::http {

struct RestProxyOptions {
  bool enabled = true;  // --rest-listener "" disables the proxy
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 8082;  // 0: any free port
  // Topic auto-creation follows the broker's setting (auto.create.topics.enable), so that a
  // topic comes to exist the same way whichever API a producer uses.
  bool auto_create_topics = true;
  int32_t auto_create_partitions = 1;
  int32_t node_id = 0;  // the leader GET /topics/{t} reports: this server's Kafka node id
  uint64_t max_body_bytes = 16 << 20;
  size_t io_threads = 1;
  size_t blocking_threads = 4;
};

}  // namespace oxbow::http
