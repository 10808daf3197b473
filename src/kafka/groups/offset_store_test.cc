#include "kafka/groups/offset_store.h"

#include "gtest/gtest.h"

namespace oxbow::kafka::groups {
namespace {

TEST(OffsetRecordsTest, KeyAndValueRoundTrip) {
  std::vector<uint8_t> key = EncodeOffsetKey("group", {"topic", 3});
  auto k = DecodeOffsetKey(ByteView(key.data(), key.size()));
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->first, "group");
  EXPECT_EQ(k->second, TopicPartition("topic", 3));
  CommittedOffset v{42, 7, "meta", 1234};
  std::vector<uint8_t> value = EncodeOffsetValue(v);
  auto d = DecodeOffsetValue(ByteView(value.data(), value.size()));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, v);
}

TEST(OffsetRecordsTest, TruncatedOrForeignRecordsAreErrors) {
  std::vector<uint8_t> key = EncodeOffsetKey("group", {"topic", 3});
  key.pop_back();
  EXPECT_FALSE(DecodeOffsetKey(ByteView(key.data(), key.size())).ok());
  std::vector<uint8_t> group_metadata_key = {0, 2, 0, 1, 'g'};
  EXPECT_TRUE(absl::IsNotFound(
      DecodeOffsetKey(ByteView(group_metadata_key.data(), group_metadata_key.size())).status()));
  std::vector<uint8_t> value = EncodeOffsetValue({1, -1, "", 0});
  value.push_back(0);
  EXPECT_FALSE(DecodeOffsetValue(ByteView(value.data(), value.size())).ok());
}

}  // namespace
}  // namespace oxbow::kafka::groups
