// libFuzzer target for the request decoders: untrusted bytes from any client.
// Input: api key (int16), version (int16), then the request body. A body that decodes must
// re-encode to bytes that decode to the same request.
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
  if (size < 4) return 0;
  auto key = static_cast<int16_t>((data[0] << 8) | data[1]);
  auto version = static_cast<int16_t>((data[2] << 8) | data[3]);
  oxbow::ByteView body(data + 4, size - 4);
  switch (key % 8) {
    case 0:
      RoundTrip<ProduceRequest>(body, version);
      break;
    case 1:
      RoundTrip<FetchRequest>(body, version);
      break;
    case 2:
      RoundTrip<ListOffsetsRequest>(body, version);
      break;
    case 3:
      RoundTrip<MetadataRequest>(body, version);
      break;
    case 4:
      RoundTrip<ApiVersionsRequest>(body, version);
      break;
    case 5:
      RoundTrip<CreateTopicsRequest>(body, version);
      break;
    case 6:
      RoundTrip<DeleteTopicsRequest>(body, version);
      break;
    default:
      RoundTrip<FetchResponse>(body, version);
      break;
  }
  return 0;
}
