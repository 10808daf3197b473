// libFuzzer target for the request decoders: untrusted bytes from any client.
// Input: a selector (uint16, picks the message type), version (int16), then the body. A body that
// decodes must re-encode to bytes that decode to the same request.
#include <cstdint>
#include <cstdlib>

#include "kafka/protocol/messages.h"

namespace oxbow::kafka::protocol {
namespace {

template <typename T>
void RoundTrip(ByteView body, int16_t version) {
  if (version < T::kMinVersion || version > T::kMaxVersion) return;
  T a;
  ByteReader in(body);
  if (!a.Decode(in, version).ok()) return;
  ByteBuffer out;
  a.Encode(out, version);
  T b;
  ByteReader again(out.view());
  if (!b.Decode(again, version).ok() || !again.AtEnd()) std::abort();
  if constexpr (std::equality_comparable<T>) {
    if (!(a == b)) std::abort();
  }
}

}  // namespace
}  // namespace oxbow::kafka::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow::kafka::protocol;
  using Fn = void (*)(oxbow::ByteView, int16_t);
  // Every request the server decodes, plus one response (Fetch, the largest).
  static constexpr Fn kDecoders[] = {
      RoundTrip<ApiVersionsRequest>,      RoundTrip<MetadataRequest>,
      RoundTrip<ProduceRequest>,          RoundTrip<FetchRequest>,
      RoundTrip<ListOffsetsRequest>,      RoundTrip<CreateTopicsRequest>,
      RoundTrip<DeleteTopicsRequest>,     RoundTrip<DeleteRecordsRequest>,
      RoundTrip<DescribeConfigsRequest>,  RoundTrip<AlterConfigsRequest>,
      RoundTrip<CreatePartitionsRequest>, RoundTrip<FindCoordinatorRequest>,
      RoundTrip<JoinGroupRequest>,        RoundTrip<HeartbeatRequest>,
      RoundTrip<LeaveGroupRequest>,       RoundTrip<SyncGroupRequest>,
      RoundTrip<OffsetCommitRequest>,     RoundTrip<OffsetFetchRequest>,
      RoundTrip<DescribeGroupsRequest>,   RoundTrip<ListGroupsRequest>,
      RoundTrip<DeleteGroupsRequest>,     RoundTrip<FetchResponse>,
  };
  if (size < 4) return 0;
  size_t which = ((data[0] << 8) | data[1]) % (sizeof(kDecoders) / sizeof(kDecoders[0]));
  auto version = static_cast<int16_t>((data[2] << 8) | data[3]);
  kDecoders[which](oxbow::ByteView(data + 4, size - 4), version);
  return 0;
}
