// Where `oxbow topic produce` puts a record: the partition Kafka's Java client would choose
// for its key, so records produced here and by Kafka clients land together.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/ids.h"

namespace oxbow::server {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2: MurmurHash2 with seed
// 0x9747b28c), as a signed 32-bit value like Java's.
int32_t Murmur2(ByteView data);

// The default partitioner's choice for a non-null key: toPositive(murmur2(key)) % partitions,
// toPositive clearing the sign bit. Precondition: partitions > 0.
PartitionId PartitionForKey(ByteView key, int32_t partitions);

}  // namespace oxbow::server
