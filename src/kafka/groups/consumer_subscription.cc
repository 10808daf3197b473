#include "kafka/groups/consumer_subscription.h"

#include "fmt/format.h"

namespace oxbow::kafka::groups {

Result<std::set<std::string>> SubscribedTopics(ByteView metadata) {
  ByteReader in(metadata);
  int16_t version = in.ReadBE16();
  int32_t count = in.ReadBE32();
  if (!in.ok()) return absl::DataLossError("consumer subscription: shorter than its header");
  if (version < 0) {
    return absl::InvalidArgumentError(
        fmt::format("consumer subscription: negative version {}", version));
  }
  if (count < 0) {
    return absl::InvalidArgumentError(
        fmt::format("consumer subscription: negative topic count {}", count));
  }
  std::set<std::string> topics;
  for (int32_t i = 0; i < count; ++i) {
    int16_t len = in.ReadBE16();
    if (in.ok() && len < 0) {
      return absl::InvalidArgumentError(
          fmt::format("consumer subscription: topic {} has a negative length", i));
    }
    ByteView name = in.ReadBytes(static_cast<size_t>(len));
    if (!in.ok()) {
      return absl::DataLossError(
          fmt::format("consumer subscription: ends inside topic {} of {}", i, count));
    }
    topics.emplace(AsString(name));
  }
  return topics;
}

}  // namespace oxbow::kafka::groups
