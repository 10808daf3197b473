#include "kafka/partitioner.h"

namespace oxbow::kafka {

int32_t Murmur2(ByteView data) {
  // Java does this in int arithmetic; unsigned arithmetic gives the same bits without
  // signed overflow, and >>> is the unsigned shift.
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  size_t length = data.size();
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  for (size_t i = 0; i < length / 4; ++i) {
    size_t i4 = i * 4;
    uint32_t k = static_cast<uint32_t>(data[i4]) | static_cast<uint32_t>(data[i4 + 1]) << 8 |
                 static_cast<uint32_t>(data[i4 + 2]) << 16 |
                 static_cast<uint32_t>(data[i4 + 3]) << 24;
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(data[tail]);
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

PartitionId PartitionForKey(ByteView key, int32_t partitions) {
  uint32_t positive = static_cast<uint32_t>(Murmur2(key)) & 0x7fffffff;
  return PartitionId(static_cast<int32_t>(positive % static_cast<uint32_t>(partitions)));
}

}  // namespace oxbow::kafka
