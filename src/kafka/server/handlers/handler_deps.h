// What the API handlers share: the log, the server's options, the Fetch notifier.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "kafka/server/append_notifier.h"
#include "kafka/server/kafka_server_options.h"
#include "log/log_manager.h"

namespace oxbow::kafka {

struct BrokerAddress {
  int32_t node_id;
  std::string host;
  int32_t port;
};

struct HandlerContext {
  log::LogManager* log;
  const KafkaServerOptions* options;
  std::shared_ptr<AppendNotifier> notifier;
  // The address clients are told to connect to; resolved once the listener is bound.
  std::function<BrokerAddress()> advertised;
};

}  // namespace oxbow::kafka
