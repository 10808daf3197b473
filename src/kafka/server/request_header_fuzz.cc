// libFuzzer target for the request header decoder: the first code to touch every byte a
// Kafka client sends after the size prefix.
//
// Properties checked on every input, decoded as header v1 and as v2:
//   - DecodeRequestHeader never crashes or reads out of bounds, and fails only with DataLoss;
//   - on success the body is the tail of the input, and re-encoding the header (with no
//     tagged fields) and decoding that gives the same header and an empty body;
//   - a v1 header re-encodes to exactly the bytes it was decoded from.
#include <cstdio>
#include <cstdlib>

#include "kafka/server/request_header.h"

namespace {

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

void Check(oxbow::ByteView input, int version) {
  using namespace oxbow;
  using namespace oxbow::kafka;
  Result<DecodedRequest> d = DecodeRequestHeader(input, version);
  if (!d.ok()) {
    FUZZ_CHECK(d.status().code() == absl::StatusCode::kDataLoss, "error code");
    return;
  }
  FUZZ_CHECK(d->body.data() + d->body.size() == input.data() + input.size(), "body is the tail");
  size_t header_size = input.size() - d->body.size();
  FUZZ_CHECK(header_size >= kMinRequestHeaderSize, "header size");

  ByteBuffer again;
  EncodeRequestHeader(again, d->header, version);
  if (version == 1) {
    FUZZ_CHECK(AsString(again.view()) == AsString(input.first(header_size)), "v1 round trip");
  }
  Result<DecodedRequest> d2 = DecodeRequestHeader(again.view(), version);
  FUZZ_CHECK(d2.ok(), "re-encoded header decodes");
  FUZZ_CHECK(d2->header == d->header, "same header");
  FUZZ_CHECK(d2->body.empty(), "no body");

  Result<ApiKeyVersion> key = PeekApiKeyVersion(input);
  FUZZ_CHECK(
      key.ok() && key->api_key == d->header.api_key && key->api_version == d->header.api_version,
      "peek agrees");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  oxbow::ByteView input(data, size);
  Check(input, 1);
  Check(input, 2);
  return 0;
}
