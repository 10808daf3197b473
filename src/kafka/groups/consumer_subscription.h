// The topics a member of a "consumer" group subscribes to, read from the metadata it sends
// in JoinGroup: Kafka's ConsumerProtocolSubscription (versions 0-3, not flexible), which
// starts with int16 version, then the topics as int32 count + int16-length strings. The
// fields after the topics (user data, owned partitions, generation, rack) are not read.
//
// Offset retention uses it (KIP-211): a Stable consumer group's offsets for topics no member
// subscribes to any more expire like an empty group's.
#pragma once

#include <set>
#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::kafka::groups {

// The subscribed topics. InvalidArgument for a negative version or count, DataLoss when the
// metadata ends early: e.g. a member of another protocol type that calls itself "consumer".
Result<std::set<std::string>> SubscribedTopics(ByteView metadata);

}  // namespace oxbow::kafka::groups
