#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace oxbow::crc32c {
namespace {

constexpr uint32_t kPolyReflected = 0x82F63B78;

// tables[k][b] is the CRC of byte b followed by k zero bytes, for slicing-by-8.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kPolyReflected : 0);
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr auto kTables = MakeTables();

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^
          kTables[5][(word >> 16) & 0xff] ^ kTables[4][(word >> 24) & 0xff] ^
          kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
          kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

#if defined(__x86_64__)
// The crc32 instruction has a latency of 3 cycles but issues once per cycle, so one
// dependent chain uses a third of it. Long inputs are cut into three interleaved stripes of
// kStripe bytes whose CRCs are computed side by side and then combined.
constexpr size_t kStripe = 2048;

// CRC register update, without the pre/post inversion, over n bytes.
__attribute__((target("sse4.2"))) uint64_t RawSse42(uint64_t c, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

// The register update is linear over GF(2): running a register r over kStripe zero bytes
// is a fixed linear map, tabulated per byte of r so that applying it costs 4 lookups.
struct ShiftTable {
  uint32_t t[4][256];
};

__attribute__((target("sse4.2"))) ShiftTable MakeShiftTable() {
  ShiftTable st{};
  static const uint8_t kZeros[kStripe] = {};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      st.t[k][b] = static_cast<uint32_t>(RawSse42(b << (8 * k), kZeros, kStripe));
    }
  }
  return st;
}

uint32_t ShiftStripe(const ShiftTable& st, uint32_t r) {
  return st.t[0][r & 0xff] ^ st.t[1][(r >> 8) & 0xff] ^ st.t[2][(r >> 16) & 0xff] ^
         st.t[3][r >> 24];
}

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const uint8_t* p, size_t n) {
  static const ShiftTable kShift = MakeShiftTable();
  uint64_t c = ~crc;
  while (n >= 3 * kStripe) {
    uint64_t a = c, b = 0, d = 0;
    for (size_t i = 0; i < kStripe; i += 8) {
      uint64_t wa, wb, wd;
      std::memcpy(&wa, p + i, 8);
      std::memcpy(&wb, p + kStripe + i, 8);
      std::memcpy(&wd, p + 2 * kStripe + i, 8);
      a = _mm_crc32_u64(a, wa);
      b = _mm_crc32_u64(b, wb);
      d = _mm_crc32_u64(d, wd);
    }
    // crc(A|B|D) from r = crc(A): shift(shift(r) ^ crc0(B)) ^ crc0(D).
    uint32_t r = ShiftStripe(kShift, static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
    c = ShiftStripe(kShift, r) ^ static_cast<uint32_t>(d);
    p += 3 * kStripe;
    n -= 3 * kStripe;
  }
  return ~static_cast<uint32_t>(RawSse42(c, p, n));
}

bool DetectSse42() { return __builtin_cpu_supports("sse4.2"); }
#else
bool DetectSse42() { return false; }
#endif

const bool kUseHardware = DetectSse42();

}  // namespace

uint32_t Extend(uint32_t init_crc, const uint8_t* data, size_t n) {
#if defined(__x86_64__)
  if (kUseHardware) return ExtendSse42(init_crc, data, n);
#endif
  return ExtendPortable(init_crc, data, n);
}

bool HardwareAccelerated() { return kUseHardware; }

namespace internal {
uint32_t ExtendPortableForTest(uint32_t crc, const uint8_t* p, size_t n) {
  return ExtendPortable(crc, p, n);
}
}  // namespace internal

}  // namespace oxbow::crc32c
