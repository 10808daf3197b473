#include "base/bytes.h"

#include "gtest/gtest.h"

namespace oxbow {
namespace {

TEST(BytesTest, BigEndianRoundTrip) {
  ByteBuffer b;
  b.AppendInt8(-2);
  b.AppendBE16(0xBEEF);
  b.AppendBE32(0xDEADBEEF);
  b.AppendBE64(0x0102030405060708ULL);
  b.Append("xyz");
  ASSERT_EQ(b.size(), 1u + 2 + 4 + 8 + 3);
  EXPECT_EQ(b.data()[1], 0xBE);
  EXPECT_EQ(b.data()[3], 0xDE);
  ByteReader r(b.view());
  EXPECT_EQ(r.ReadInt8(), -2);
  EXPECT_EQ(static_cast<uint16_t>(r.ReadBE16()), 0xBEEF);
  EXPECT_EQ(static_cast<uint32_t>(r.ReadBE32()), 0xDEADBEEFu);
  EXPECT_EQ(r.ReadBE64(), 0x0102030405060708LL);
  EXPECT_EQ(AsString(r.ReadBytes(3)), "xyz");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.AtEnd());
}

TEST(BytesTest, ReaderFailureIsSticky) {
  const uint8_t data[] = {1, 2, 3};
  ByteReader r(ByteView(data, 3));
  EXPECT_EQ(r.ReadBE32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.ReadInt8(), 0);  // bytes remain, but the reader has failed
  EXPECT_TRUE(r.ReadBytes(1).empty());
  EXPECT_EQ(r.position(), 0u);
}

}  // namespace
}  // namespace oxbow
