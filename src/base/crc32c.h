// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic v2).
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at start-up) and a
// slicing-by-8 table otherwise; both give identical results. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace oxbow::crc32c {

// Returns the CRC-32C of concat(A, data[0, n)) where init_crc is the CRC-32C of A.
uint32_t Extend(uint32_t init_crc, const uint8_t* data, size_t n);

inline uint32_t Value(const uint8_t* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(ByteView data) { return Extend(0, data.data(), data.size()); }

// True when the hardware path is in use (reported by `oxbow version`).
bool HardwareAccelerated();

}  // namespace oxbow::crc32c
