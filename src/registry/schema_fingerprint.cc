#include "registry/schema_fingerprint.h"

#include <openssl/evp.h>

#include "base/logging.h"
#include "registry/avro_canonical_form.h"

namespace oxbow::registry {
namespace {

constexpr uint64_t kEmpty64 = 0xc15d213aa4d7a795ULL;

// The table-driven form of the spec's algorithm: entry i is i shifted through eight steps of
// the bitwise reduction by the polynomial kEmpty64.
constexpr std::array<uint64_t, 256> MakeTable() {
  std::array<uint64_t, 256> table{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t fp = i;
    for (int j = 0; j < 8; ++j) fp = (fp >> 1) ^ (kEmpty64 & (0 - (fp & 1)));
    table[i] = fp;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kTable = MakeTable();

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, std::string_view bytes) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  // EVP_Digest fails only on allocation failure or a broken OpenSSL install.
  int ok = EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, md, nullptr);
  OXBOW_CHECK(ok == 1 && len == N, "EVP_Digest failed");
  return out;
}

}  // namespace

uint64_t AvroRabinFingerprint(std::string_view bytes) {
  uint64_t fp = kEmpty64;
  for (char c : bytes) fp = (fp >> 8) ^ kTable[(fp ^ static_cast<uint8_t>(c)) & 0xff];
  return fp;
}

std::array<uint8_t, 16> Md5Digest(std::string_view bytes) { return Digest<16>(EVP_md5(), bytes); }

std::array<uint8_t, 32> Sha256Digest(std::string_view bytes) {
  return Digest<32>(EVP_sha256(), bytes);
}

std::string HexDigest(std::span<const uint8_t> digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

uint64_t AvroParsingFingerprint64(const AvroSchema& schema) {
  return AvroRabinFingerprint(AvroParsingCanonicalForm(schema));
}

std::array<uint8_t, 16> AvroParsingMd5(const AvroSchema& schema) {
  return Md5Digest(AvroParsingCanonicalForm(schema));
}

}  // namespace oxbow::registry
