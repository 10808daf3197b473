#include "registry/schema_fingerprint.h"

#include "gtest/gtest.h"
#include "registry/avro_parser.h"

namespace oxbow::registry {
namespace {

// Values from an independent Python implementation of the spec's algorithm (and, for the
// schema strings, the Avro project's published test vectors).
TEST(SchemaFingerprintTest, Rabin) {
  EXPECT_EQ(AvroRabinFingerprint(""), 0xc15d213aa4d7a795ULL);  // the spec's EMPTY
  EXPECT_EQ(AvroRabinFingerprint("\"null\""), 0x63dd24e7cc258f8aULL);
  EXPECT_EQ(static_cast<int64_t>(AvroRabinFingerprint("\"null\"")), 7195948357588979594);
  EXPECT_EQ(AvroRabinFingerprint("\"int\""), 0x7275d51a3f395c8fULL);
  EXPECT_EQ(AvroRabinFingerprint("[]"), 0xeec6e173d23fb9d1ULL);
}

TEST(SchemaFingerprintTest, Md5AndSha256) {
  EXPECT_EQ(HexDigest(Md5Digest("\"null\"")), "9b41ef67651c18488a8b08bb67c75699");
  EXPECT_EQ(HexDigest(Sha256Digest("\"null\"")),
            "f072cbec3bf8841871d4284230c5e983dc211a56837aed862487148f947d1a1f");
  EXPECT_EQ(HexDigest(Md5Digest("")), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(SchemaFingerprintTest, OfTheParsingCanonicalForm) {
  // Whitespace, doc and namespace spelling do not change the fingerprints.
  Result<AvroSchema> a = ParseAvroSchema(R"({"type": "record", "name": "foo", "fields": []})");
  Result<AvroSchema> b =
      ParseAvroSchema(R"({"fields":[],"doc":"x","namespace":"","type":"record","name":"foo"})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(static_cast<int64_t>(AvroParsingFingerprint64(*a)), -4824392279771201922);
  EXPECT_EQ(AvroParsingFingerprint64(*a), AvroParsingFingerprint64(*b));
  EXPECT_EQ(HexDigest(AvroParsingMd5(*a)), "aea8d9d0e93c3a26749ee0373dc49d35");
}

}  // namespace
}  // namespace oxbow::registry
