// What the API handlers share: the log, the server's options, the Fetch notifier, the
// group coordinator, the producer id allocator.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "kafka/groups/group_coordinator.h"
#include "kafka/groups/offset_expirer.h"
#include "kafka/server/append_notifier.h"
#include "kafka/server/handlers/record_validator.h"
#include "kafka/server/kafka_server_options.h"
#include "log/log_manager.h"
#include "log/producer_id_allocator.h"

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
  // Consumer groups and committed offsets; shared by the group handlers, lives as long as
  // the longest of them.
  std::shared_ptr<groups::GroupCoordinator> groups;
  // Offset retention's thread, started with the handlers; OffsetCommit's Stopping() ends it.
  std::shared_ptr<groups::OffsetExpirer> offset_expirer;
  // Idempotent producers' ids (InitProducerId).
  std::shared_ptr<log::ProducerIdAllocator> producer_ids;
  // Produce's check before writing (schema validation); null: none.
  RecordValidator* validator = nullptr;
};

}  // namespace oxbow::kafka
