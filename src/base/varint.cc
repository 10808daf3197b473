#include "base/varint.h"

namespace oxbow {

size_t UvarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t PutUvarint64(uint8_t* dst, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<uint8_t>(v);
  return n;
}

size_t GetUvarint64(const uint8_t* p, const uint8_t* end, uint64_t* v, size_t max_bytes) {
  uint64_t result = 0;
  for (size_t i = 0; i < max_bytes && p + i < end; ++i) {
    uint64_t byte = p[i];
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *v = result;
      return i + 1;
    }
  }
  return 0;
}

}  // namespace oxbow
