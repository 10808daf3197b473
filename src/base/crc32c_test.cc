#include "base/crc32c.h"

#include <random>
#include <string>
#include <vector>

#include "base/crc32c_internal.h"
#include "gtest/gtest.h"

namespace oxbow::crc32c {
namespace {

// Known vectors from RFC 3720 appendix B.4 and the common "123456789" check value.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Value(AsBytes("123456789")), 0xE3069283u);
  std::vector<uint8_t> buf(32, 0);
  EXPECT_EQ(Value(buf), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xff);
  EXPECT_EQ(Value(buf), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Value(buf), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Value(buf), 0x113FDB5Cu);
  EXPECT_EQ(Value(nullptr, 0), 0u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string s = "hello, streaming data warehouse";
  uint32_t whole = Value(AsBytes(s));
  for (size_t split = 0; split <= s.size(); ++split) {
    uint32_t a = Value(reinterpret_cast<const uint8_t*>(s.data()), split);
    uint32_t ab = Extend(a, reinterpret_cast<const uint8_t*>(s.data()) + split, s.size() - split);
    EXPECT_EQ(ab, whole) << "split at " << split;
  }
}

TEST(Crc32cTest, HardwareAndPortableAgree) {
  std::mt19937 rng(42);
  // Lengths around the three-stripe block (3 x 2048 bytes) of the hardware path.
  std::vector<uint8_t> buf(40000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t len :
       {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099, 6143, 6144, 6145, 12288, 12300, 39990}) {
    for (size_t off : {0, 1, 3}) {
      if (off + len > buf.size()) continue;
      EXPECT_EQ(Extend(0x1234, buf.data() + off, len),
                internal::ExtendPortableForTest(0x1234, buf.data() + off, len))
          << "len " << len << " off " << off;
    }
  }
}

}  // namespace
}  // namespace oxbow::crc32c
