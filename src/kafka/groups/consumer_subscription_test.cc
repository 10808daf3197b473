#include "kafka/groups/consumer_subscription.h"

#include "gtest/gtest.h"

namespace oxbow::kafka::groups {
namespace {

ByteBuffer Encode(int16_t version, int32_t count, const std::vector<std::string>& topics) {
  ByteBuffer b;
  b.AppendBE16(static_cast<uint16_t>(version));
  b.AppendBE32(static_cast<uint32_t>(count));
  for (const std::string& t : topics) {
    b.AppendBE16(static_cast<uint16_t>(t.size()));
    b.Append(t);
  }
  return b;
}

TEST(ConsumerSubscriptionTest, ReadsTheTopicsOfEveryVersion) {
  ByteBuffer v0 = Encode(0, 2, {"orders", "users"});
  EXPECT_EQ(*SubscribedTopics(v0.view()), (std::set<std::string>{"orders", "users"}));
  // v3 adds user data, owned partitions, a generation and a rack after the topics.
  ByteBuffer v3 = Encode(3, 1, {"orders"});
  v3.AppendBE32(3);
  v3.Append("abc");
  v3.AppendBE32(0);
  v3.AppendBE32(7);
  v3.AppendBE16(0xffff);
  EXPECT_EQ(*SubscribedTopics(v3.view()), (std::set<std::string>{"orders"}));
  EXPECT_TRUE(SubscribedTopics(Encode(1, 0, {}).view())->empty());
}

TEST(ConsumerSubscriptionTest, MalformedMetadataIsAnError) {
  Result<std::set<std::string>> r = SubscribedTopics(ByteView());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  r = SubscribedTopics(AsBytes(std::string_view("m")));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  r = SubscribedTopics(Encode(-1, 0, {}).view());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  r = SubscribedTopics(Encode(0, -1, {}).view());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  // Two topics announced, one there.
  r = SubscribedTopics(Encode(0, 2, {"orders"}).view());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_EQ(r.status().message(), "consumer subscription: ends inside topic 1 of 2");
  ByteBuffer negative = Encode(0, 1, {});
  negative.AppendBE16(0xfffe);
  r = SubscribedTopics(negative.view());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
}

}  // namespace
}  // namespace oxbow::kafka::groups
