// Kafka variable-length integers: unsigned LEB128 (UNSIGNED_VARINT) and the zigzag-encoded
// signed VARINT (int32, at most 5 bytes) and VARLONG (int64, at most 10 bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace oxbow {

inline constexpr size_t kMaxVarint32Bytes = 5;
inline constexpr size_t kMaxVarint64Bytes = 10;

constexpr uint32_t ZigZagEncode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
constexpr int32_t ZigZagDecode32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
constexpr uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int64_t ZigZagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Number of bytes PutUvarint64 writes for v.
size_t UvarintLength(uint64_t v);
inline size_t VarintLength(int32_t v) { return UvarintLength(ZigZagEncode32(v)); }
inline size_t VarlongLength(int64_t v) { return UvarintLength(ZigZagEncode64(v)); }

// Writes v to dst (which has room for kMaxVarint64Bytes) and returns the bytes written.
size_t PutUvarint64(uint8_t* dst, uint64_t v);

// Decodes an unsigned varint of at most max_bytes from [p, end). Returns the number of bytes
// consumed, or 0 if the input is truncated or longer than max_bytes (overlong encodings of
// untrusted input are rejected rather than silently wrapped).
size_t GetUvarint64(const uint8_t* p, const uint8_t* end, uint64_t* v,
                    size_t max_bytes = kMaxVarint64Bytes);

}  // namespace oxbow
