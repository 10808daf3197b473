#include "base/varint.h"

#include <limits>
#include <vector>

#include "base/bytes.h"
#include "gtest/gtest.h"

namespace oxbow {
namespace {

TEST(VarintTest, ZigZag) {
  EXPECT_EQ(ZigZagEncode32(0), 0u);
  EXPECT_EQ(ZigZagEncode32(-1), 1u);
  EXPECT_EQ(ZigZagEncode32(1), 2u);
  EXPECT_EQ(ZigZagEncode32(-2), 3u);
  EXPECT_EQ(ZigZagEncode32(std::numeric_limits<int32_t>::max()), 0xfffffffeu);
  EXPECT_EQ(ZigZagEncode32(std::numeric_limits<int32_t>::min()), 0xffffffffu);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-300}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode64(ZigZagEncode64(v)), v);
  }
}

// Byte sequences as the Kafka protocol guide and protobuf documentation give them.
TEST(VarintTest, KnownEncodings) {
  uint8_t buf[kMaxVarint64Bytes];
  EXPECT_EQ(PutUvarint64(buf, 0), 1u);
  EXPECT_EQ(buf[0], 0x00);
  EXPECT_EQ(PutUvarint64(buf, 300), 2u);
  EXPECT_EQ(buf[0], 0xac);
  EXPECT_EQ(buf[1], 0x02);
  EXPECT_EQ(PutUvarint64(buf, std::numeric_limits<uint64_t>::max()), 10u);
  EXPECT_EQ(UvarintLength(127), 1u);
  EXPECT_EQ(UvarintLength(128), 2u);
  EXPECT_EQ(VarintLength(-1), 1u);
  EXPECT_EQ(VarintLength(-65), 2u);
}

TEST(VarintTest, RoundTripThroughBuffer) {
  ByteBuffer b;
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 63,
                                 -64,
                                 64,
                                 1 << 20,
                                 -(1LL << 40),
                                 std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min()};
  for (int64_t v : values) b.AppendVarlong(v);
  b.AppendVarint(std::numeric_limits<int32_t>::min());
  b.AppendUvarint(12345678901234ULL);
  ByteReader r(b.view());
  for (int64_t v : values) EXPECT_EQ(r.ReadVarlong(), v);
  EXPECT_EQ(r.ReadVarint(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(r.ReadUvarint(), 12345678901234ULL);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.AtEnd());
}

// ByteReader reads one- and two-byte varints without the general loop: the boundaries of
// both widths, and a second byte missing.
TEST(VarintTest, ShortVarintsAtTheirBoundaries) {
  ByteBuffer b;
  const std::vector<int32_t> values = {0, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193};
  const std::vector<uint64_t> unsigned_values = {0, 127, 128, 16383, 16384};
  for (int32_t v : values) b.AppendVarint(v);
  for (uint64_t v : unsigned_values) b.AppendUvarint(v);
  ByteReader r(b.view());
  for (int32_t v : values) EXPECT_EQ(r.ReadVarint(), v);
  for (uint64_t v : unsigned_values) EXPECT_EQ(r.ReadUvarint(), v);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.AtEnd());
  const uint8_t cut[] = {0x81};
  ByteReader c(ByteView(cut, 1));
  c.ReadVarint();
  EXPECT_FALSE(c.ok());
  ByteReader u(ByteView(cut, 1));
  u.ReadUvarint();
  EXPECT_FALSE(u.ok());
}

TEST(VarintTest, RejectsTruncatedAndOverlong) {
  uint64_t v = 0;
  const uint8_t truncated[] = {0x80, 0x80};
  EXPECT_EQ(GetUvarint64(truncated, truncated + 2, &v), 0u);
  const uint8_t overlong[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_EQ(GetUvarint64(overlong, overlong + 11, &v), 0u);
  // A VARINT (int32) is at most 5 bytes.
  const uint8_t six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  ByteReader r(ByteView(six, 6));
  r.ReadVarint();
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace oxbow
