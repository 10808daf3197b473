// The partition the Java client's default partitioner chooses for a key, so records
// produced by `oxbow topic produce`, the REST proxy and Kafka clients land together.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/ids.h"

namespace oxbow::kafka {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2: MurmurHash2 with seed
// 0x9747b28c), as a signed 32-bit value like Java's.
int32_t Murmur2(ByteView data);

// The default partitioner's choice for a non-null key: toPositive(murmur2(key)) % partitions,
// toPositive clearing the sign bit. Precondition: partitions > 0.
PartitionId PartitionForKey(ByteView key, int32_t partitions);

}  // namespace oxbow::kafka
