// The Kafka server's options, in a header of their own so that the configuration code
// (src/server/config.h) can hold them without including Asio. kafka_server.h includes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace oxbow::kafka {

struct KafkaServerOptions {
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 9092;  // 0: any free port (see KafkaServer::bound_port)
  // The address clients are told to connect to (Metadata, FindCoordinator). Empty: the
  // listen host, except that a wildcard listen host (0.0.0.0 or ::) advertises 127.0.0.1,
  // the one address every client on this machine reaches without DNS. Clients on other
  // machines need an explicit advertised host (--kafka-advertised-listener).
  std::string advertised_host;
  uint16_t advertised_port = 0;  // 0: the listen port, after binding (so port 0 works)
  int32_t node_id = 0;
  size_t io_threads = 2;
  size_t blocking_threads = 4;
  // Largest request accepted (Kafka's socket.request.max.bytes); a larger size prefix closes
  // the connection.
  int32_t socket_request_max_bytes = 104857600;
  // Kafka's broker fetch.max.bytes (KIP-541): the most record bytes one Fetch response
  // carries, whatever the request's max_bytes allows; the first batch still goes whole
  // (KIP-74). Kafka's default is 55 MiB; ours is smaller, for the consumer's sake: see
  // handlers/fetch.cc.
  int32_t fetch_max_bytes = 1048576;
  bool auto_create_topics = true;
  int32_t auto_create_partitions = 1;  // serve sets it from --default-partitions
  // The topic config keys whose server-wide default the configuration sets (flags,
  // environment, file) instead of leaving it built in. DescribeConfigs reports them as
  // STATIC_BROKER_CONFIG, as Kafka does for a default set in server.properties, so that
  // clients (`oxbow topic describe` among them) can tell them from built-in defaults.
  std::set<std::string, std::less<>> configured_topic_keys;
  // Kafka's connections.max.idle.ms: a connection with no request in flight that sends
  // nothing for this long is closed (clients reconnect when they need to). <= 0: never.
  int64_t connections_max_idle_ms = 600000;
  // Kafka's max.connections: a connection accepted while this many are open is closed at
  // once (the client sees EOF and retries), with a warning (at most one per 10 s, counting
  // the others). 0: no limit, Kafka's default.
  int64_t max_connections = 0;
  // Kafka's offsets.retention.minutes (here in ms): the committed offsets of a consumer group
  // that has had no members, and no commit, for this long are deleted (tombstones in
  // __consumer_offsets), as Kafka does. Checked every offsets_retention_check_interval_ms
  // (Kafka's offsets.retention.check.interval.ms). <= 0: kept forever.
  int64_t offsets_retention_ms = 7 * 24 * 3600 * 1000LL;
  int64_t offsets_retention_check_interval_ms = 600000;
  // How long Stop() lets requests in flight finish before abandoning them.
  int64_t stop_grace_ms = 1000;
  // Consumer groups (src/kafka/groups/), with Kafka's names and defaults.
  int64_t group_initial_rebalance_delay_ms = 3000;  // group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;      // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;   // group.max.session.timeout.ms
  int32_t offsets_topic_partitions = 1;             // of __consumer_offsets, when created
};

}  // namespace oxbow::kafka
