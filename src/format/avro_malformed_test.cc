// Untrusted bytes: every malformed input gets a clear error naming the byte offset and the
// place in the value; nothing crashes or allocates beyond the input's size.
#include "format/avro_decoder.h"
#include "format/avro_test_util.h"
#include "gtest/gtest.h"

namespace oxbow::format {
namespace {

using testing::FromHex;
using testing::Schema;

constexpr const char* kOrder = R"({"type": "record", "name": "Order", "fields": [
    {"name": "id", "type": "long"},
    {"name": "ok", "type": "boolean"},
    {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line",
      "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}}},
    {"name": "tags", "type": {"type": "map", "values": "string"}},
    {"name": "note", "type": ["null", "string"]},
    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
    {"name": "price", "type": "double"}]})";

Status DecodeHex(std::string_view schema_text, std::string_view hex, AvroDecodeLimits limits = {}) {
  registry::AvroSchema schema = Schema(schema_text);
  Result<AvroDecoder> d = AvroDecoder::Compile(schema, limits);
  EXPECT_TRUE(d.ok()) << d.status();
  AvroValue v;
  std::vector<uint8_t> bytes = FromHex(hex);
  return d->Decode(bytes, &v);
}

// A valid Order: id 1, ok, one line ("ab", 2), tags {"k": "v"}, note "n", kind B, price 0.
constexpr const char* kValid =
    "02 01 02 04 61 62 04 00 02 02 6b 02 76 00 02 02 6e 02 00 00 00 00 00 00 00 00";

TEST(AvroMalformedTest, ValidInputDecodes) { EXPECT_TRUE(DecodeHex(kOrder, kValid).ok()); }

TEST(AvroMalformedTest, EveryTruncationIsAnErrorWithItsOffset) {
  std::vector<uint8_t> full = FromHex(kValid);
  for (size_t n = 0; n < full.size(); ++n) {
    Status s = DecodeHex(kOrder, testing::ToHex(ByteView(full.data(), n)));
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << n << ": " << s;
  }
  EXPECT_EQ(DecodeHex(kOrder, "02 01 02 04 61").message(),
            "at byte 3 (.lines[0].sku): string length 2 exceeds the 1 bytes left");
  EXPECT_EQ(
      DecodeHex(kOrder, "02 01 02 04 61 62 04 00 02 02 6b 02 76 00 02 02 6e 02 00 00").message(),
      "at byte 18 (.price): double needs 8 bytes, 2 left");
  EXPECT_EQ(DecodeHex(kOrder, "").message(),
            "at byte 0 (.id): long truncated: the varint runs past the end");
}

TEST(AvroMalformedTest, NegativeLengths) {
  EXPECT_EQ(DecodeHex(kOrder, "02 01 02 03 61 62").message(),
            "at byte 3 (.lines[0].sku): string has negative length -2");
  EXPECT_EQ(DecodeHex(R"("bytes")", "01").message(), "at byte 0: bytes has negative length -1");
}

TEST(AvroMalformedTest, HugeBlockCountsAreCheckedBeforeAllocating) {
  // 2^62 lines announced, 3 bytes follow.
  EXPECT_EQ(DecodeHex(kOrder, "02 01 80 80 80 80 80 80 80 80 80 01 00 00 00").message(),
            "at byte 2 (.lines): block of 4611686018427387904 items exceeds the 3 bytes left");
  // A negative count with a block size larger than what is left.
  EXPECT_EQ(DecodeHex(R"({"type": "array", "items": "long"})", "03 7e 00").message(),
            "at byte 0: block size 63 out of range (1 bytes left)");
  // A stated block size must match what the items take (a skipping reader relies on it).
  EXPECT_EQ(DecodeHex(R"({"type": "array", "items": "long"})", "03 02 06 36 00").message(),
            "at byte 2: block size 1 does not match the 2 bytes its items take");
  // Items that take no bytes are bounded by the limit instead.
  const char* nulls = R"({"type": "array", "items": "null"})";
  EXPECT_TRUE(DecodeHex(nulls, "c8 01 00").ok());  // 100 nulls
  Status s = DecodeHex(nulls, "fe ff ff ff ff ff ff ff ff 01 00");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "at byte 0: more than 65536 items that take no bytes");
  AvroDecodeLimits small;
  small.max_empty_items = 10;
  EXPECT_EQ(DecodeHex(nulls, "0c 0c 00", small).code(), absl::StatusCode::kResourceExhausted);
  // Also when the array is skipped (a writer field the reader lacks).
  registry::AvroSchema writer = Schema(R"({"type": "record", "name": "R", "fields": [
      {"name": "skip", "type": {"type": "array", "items": "null"}}]})");
  registry::AvroSchema reader = Schema(R"({"type": "record", "name": "R", "fields": []})");
  AvroValue v;
  std::vector<uint8_t> bytes = FromHex("fe ff ff ff ff ff ff ff ff 01 00");
  EXPECT_EQ(AvroDecoder::Compile(writer, reader)->Decode(bytes, &v).message(),
            "at byte 0 (.skip(skipped)): more than 65536 items that take no bytes");
}

TEST(AvroMalformedTest, BadUnionAndEnumIndexes) {
  EXPECT_EQ(DecodeHex(kOrder, "02 01 00 00 04").message(),
            "at byte 4 (.note): union index 2 out of range (the writer's union has 2 branches)");
  EXPECT_EQ(DecodeHex(kOrder, "02 01 00 00 01").message(),
            "at byte 4 (.note): union index -1 out of range (the writer's union has 2 "
            "branches)");
  EXPECT_EQ(DecodeHex(kOrder, "02 01 00 00 00 06").message(),
            "at byte 5 (.kind): enum index 3 out of range (the writer's enum has 2 symbols)");
}

TEST(AvroMalformedTest, BadVarintsAndBooleans) {
  EXPECT_EQ(DecodeHex(R"("long")", "ff ff ff ff ff ff ff ff ff ff 01").message(),
            "at byte 0: long: varint longer than 10 bytes");
  EXPECT_EQ(DecodeHex(R"("long")", "ff ff ff ff ff ff ff ff ff 02").message(),
            "at byte 0: long: varint overflows 64 bits");
  EXPECT_EQ(DecodeHex(R"("int")", "ff ff ff ff 1f").message(),
            "at byte 0: int: varint does not fit in 32 bits");
  EXPECT_EQ(DecodeHex(R"("int")", "80 80").message(),
            "at byte 0: int truncated: the varint runs past the end");
  EXPECT_EQ(DecodeHex(kOrder, "02 02").message(), "at byte 1 (.ok): invalid boolean byte 0x02");
}

TEST(AvroMalformedTest, NestingIsLimited) {
  const char* list = R"({"type": "record", "name": "L", "fields": [
      {"name": "next", "type": ["null", "L"]}]})";
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "02 ";
  deep += "00";
  EXPECT_TRUE(DecodeHex(list, deep).ok());
  AvroDecodeLimits limits;
  limits.max_depth = 50;
  Status s = DecodeHex(list, deep, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ToStd(s.message()).starts_with("at byte 25 (.next.next.next")) << s;
  EXPECT_TRUE(ToStd(s.message()).ends_with("): the data nests deeper than 50 levels")) << s;
}

TEST(AvroMalformedTest, TrailingBytes) {
  EXPECT_EQ(DecodeHex(R"("int")", "02 00").message(), "at byte 1: 1 bytes left after the datum");
}

}  // namespace
}  // namespace oxbow::format
