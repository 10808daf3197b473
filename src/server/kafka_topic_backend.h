// The topic commands against a running server, through its Kafka API (librdkafka): admin
// requests for create, delete, describe and alter; Metadata and ListOffsets for partitions
// and their offsets; a producer and a consumer for produce and consume.
//
// What the protocol cannot tell (a partition's size on disk and segment count) is left
// unknown in PartitionState.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "server/topic_backend.h"

namespace oxbow::server {

// Unavailable when no broker at `bootstrap` answers (see KafkaClient::Connect).
Result<std::unique_ptr<TopicBackend>> ConnectKafkaTopicBackend(const std::string& bootstrap);

}  // namespace oxbow::server
