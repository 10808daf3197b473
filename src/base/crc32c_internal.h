// Exposes the portable CRC-32C path so tests can check it agrees with the hardware one.
#pragma once

#include <cstddef>
#include <cstdint>

namespace oxbow::crc32c::internal {
uint32_t ExtendPortableForTest(uint32_t crc, const uint8_t* p, size_t n);
}  // namespace oxbow::crc32c::internal
