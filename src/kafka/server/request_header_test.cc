#include "kafka/server/request_header.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::kafka {
namespace {

using ::testing::HasSubstr;

std::vector<uint8_t> Bytes(std::initializer_list<int> v) {
  return std::vector<uint8_t>(v.begin(), v.end());
}

std::string Message(const Status& s) { return std::string(ToStd(s.message())); }

TEST(RequestHeaderTest, DecodesV1WithClientIdAndBody) {
  // Metadata (3) v1, correlation id 0x01020304, client id "ab", body 0xAA 0xBB.
  std::vector<uint8_t> in = Bytes({0, 3, 0, 1, 1, 2, 3, 4, 0, 2, 'a', 'b', 0xAA, 0xBB});
  Result<DecodedRequest> d = DecodeRequestHeader(in, 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->header.api_key, 3);
  EXPECT_EQ(d->header.api_version, 1);
  EXPECT_EQ(d->header.correlation_id, 0x01020304);
  EXPECT_EQ(d->header.client_id, "ab");
  EXPECT_EQ(AsString(d->body), "\xAA\xBB");
}

TEST(RequestHeaderTest, NullAndEmptyClientIdsDiffer) {
  std::vector<uint8_t> null_id = Bytes({0, 18, 0, 0, 0, 0, 0, 7, 0xFF, 0xFF});
  Result<DecodedRequest> d = DecodeRequestHeader(null_id, 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->header.client_id, std::nullopt);
  EXPECT_TRUE(d->body.empty());

  std::vector<uint8_t> empty_id = Bytes({0, 18, 0, 0, 0, 0, 0, 7, 0, 0});
  d = DecodeRequestHeader(empty_id, 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->header.client_id, "");
}

TEST(RequestHeaderTest, V2SkipsTaggedFields) {
  // Fetch (1) v12: client id "c", two tagged fields (tag 0: 3 bytes, tag 300: 0 bytes), body.
  std::vector<uint8_t> in = Bytes({0, 1, 0,   12,  0,   0,    0,    9, 0,   1,   'c', 2,
                                   0, 3, 'x', 'y', 'z', 0xAC, 0x02, 0, 'B', 'O', 'D', 'Y'});
  Result<DecodedRequest> d = DecodeRequestHeader(in, 2);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->header.api_key, 1);
  EXPECT_EQ(d->header.correlation_id, 9);
  EXPECT_EQ(d->header.client_id, "c");
  EXPECT_EQ(AsString(d->body), "BODY");

  // The same bytes as v1: the tagged fields are the body.
  d = DecodeRequestHeader(in, 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->body.size(), in.size() - 11);
}

TEST(RequestHeaderTest, MalformedHeadersAreDataLossNamingTheProblem) {
  Result<DecodedRequest> d = DecodeRequestHeader(Bytes({0, 3, 0, 1, 0, 0}), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(d.status()), HasSubstr("truncated"));

  d = DecodeRequestHeader(Bytes({0, 3, 0, 1, 0, 0, 0, 1, 0xFF, 0xFE}), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(d.status()), HasSubstr("invalid client_id length -2"));

  d = DecodeRequestHeader(Bytes({0, 3, 0, 1, 0, 0, 0, 1, 0, 5, 'a', 'b'}), 1);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(d.status()), HasSubstr("client_id of 5 bytes runs past the end"));

  // v2 without the tagged field count, and with a field longer than what is left.
  d = DecodeRequestHeader(Bytes({0, 3, 0, 9, 0, 0, 0, 1, 0xFF, 0xFF}), 2);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  d = DecodeRequestHeader(Bytes({0, 3, 0, 9, 0, 0, 0, 1, 0xFF, 0xFF, 1, 0, 4, 'a'}), 2);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(d.status()), HasSubstr("tagged field 1 of 1 runs past the end"));
}

TEST(RequestHeaderTest, PeekNeedsFourBytes) {
  EXPECT_FALSE(PeekApiKeyVersion(Bytes({0, 18, 0})).ok());
  Result<ApiKeyVersion> k = PeekApiKeyVersion(Bytes({0x01, 0x02, 0xFF, 0xFF}));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->api_key, 0x0102);
  EXPECT_EQ(k->api_version, -1);
}

TEST(RequestHeaderTest, HeaderVersions) {
  EXPECT_EQ(RequestHeaderVersion(8, 9), 1);
  EXPECT_EQ(RequestHeaderVersion(9, 9), 2);
  EXPECT_EQ(RequestHeaderVersion(20, -1), 1);
  EXPECT_EQ(ResponseHeaderVersion(0, 8, 9), 0);
  EXPECT_EQ(ResponseHeaderVersion(0, 9, 9), 1);
  // ApiVersions: flexible requests from v3, but its response header is always v0.
  EXPECT_EQ(RequestHeaderVersion(3, 3), 2);
  EXPECT_EQ(ResponseHeaderVersion(kApiVersionsKey, 3, 3), 0);
  EXPECT_EQ(ResponseHeaderVersion(kApiVersionsKey, 99, 3), 0);
}

TEST(RequestHeaderTest, EncodeRoundTrips) {
  for (int version : {1, 2}) {
    for (std::optional<std::string> id :
         {std::optional<std::string>(), std::optional<std::string>("rdkafka")}) {
      RequestHeader h{19, 5, -3, id};
      ByteBuffer b;
      EncodeRequestHeader(b, h, version);
      b.Append(std::string_view("tail"));
      Result<DecodedRequest> d = DecodeRequestHeader(b.view(), version);
      ASSERT_TRUE(d.ok()) << d.status();
      EXPECT_EQ(d->header, h);
      EXPECT_EQ(AsString(d->body), "tail");
    }
  }
}

TEST(RequestHeaderTest, ResponseHeaders) {
  ByteBuffer v0;
  EncodeResponseHeader(v0, 0x0A0B0C0D, 0);
  EXPECT_EQ(AsString(v0.view()), std::string("\x0A\x0B\x0C\x0D", 4));
  ByteBuffer v1;
  EncodeResponseHeader(v1, 7, 1);
  EXPECT_EQ(AsString(v1.view()), std::string("\0\0\0\x07\0", 5));
}

}  // namespace
}  // namespace oxbow::kafka
