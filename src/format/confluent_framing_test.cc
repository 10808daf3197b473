#include "format/confluent_framing.h"

#include "format/avro_test_util.h"
#include "gtest/gtest.h"

namespace oxbow::format {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(ConfluentFramingTest, ParsesMagicIdAndPayload) {
  std::vector<uint8_t> msg = FromHex("00 00 01 02 03 36 06 66 6f 6f");
  Result<ConfluentFrame> f = ParseConfluentFrame(msg);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->schema_id, 0x010203);
  EXPECT_EQ(ToHex(f->payload), "36 06 66 6f 6f");
}

TEST(ConfluentFramingTest, HeaderOnlyIsAnEmptyPayload) {
  std::vector<uint8_t> msg = FromHex("00 7f ff ff ff");
  Result<ConfluentFrame> f = ParseConfluentFrame(msg);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->schema_id, 0x7fffffff);
  EXPECT_TRUE(f->payload.empty());
}

TEST(ConfluentFramingTest, RejectsShortFrames) {
  std::vector<uint8_t> msg = FromHex("00 00 00");
  Result<ConfluentFrame> f = ParseConfluentFrame(msg);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.status().message(), "Confluent frame too short: 3 bytes, the header needs 5");
}

TEST(ConfluentFramingTest, RejectsWrongMagic) {
  std::vector<uint8_t> msg = FromHex("7b 22 61 22 3a 31 7d");  // {"a":1}, plain JSON
  Result<ConfluentFrame> f = ParseConfluentFrame(msg);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(f.status().message(), "not Confluent framing: magic byte 0x7b, expected 0x00");
}

TEST(ConfluentFramingTest, AppendsTheHeader) {
  ByteBuffer out;
  AppendConfluentHeader(42, &out);
  out.Append(FromHex("02 61"));
  EXPECT_EQ(ToHex(out.view()), "00 00 00 00 2a 02 61");
}

}  // namespace
}  // namespace oxbow::format
