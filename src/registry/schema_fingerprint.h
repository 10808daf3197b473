// Fingerprints of schema text (spec section "Schema Fingerprints"). The registry computes
// them over the Parsing Canonical Form (avro_canonical_form.h).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "registry/avro_schema.h"

namespace oxbow::registry {

// The spec's 64-bit Rabin fingerprint (CRC-64-AVRO) of `bytes`: the value Java's
// SchemaNormalization.fingerprint64 returns (as an unsigned number; Java prints it signed).
// Avro single-object encoding writes it little-endian after the 0xC3 0x01 marker.
uint64_t AvroRabinFingerprint(std::string_view bytes);

// MD5 and SHA-256 digests of `bytes` (OpenSSL), the other two fingerprints the spec names.
std::array<uint8_t, 16> Md5Digest(std::string_view bytes);
std::array<uint8_t, 32> Sha256Digest(std::string_view bytes);
// Lower-case hex of a digest.
std::string HexDigest(std::span<const uint8_t> digest);

// The fingerprints of `schema`'s Parsing Canonical Form.
uint64_t AvroParsingFingerprint64(const AvroSchema& schema);
std::array<uint8_t, 16> AvroParsingMd5(const AvroSchema& schema);

}  // namespace oxbow::registry
