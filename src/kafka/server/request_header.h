// Kafka request and response headers: the part of every message the network core reads
// before a handler sees the body. From the Kafka protocol guide:
//
//   request header v1   api_key int16, api_version int16, correlation_id int32,
//                       client_id NULLABLE_STRING (int16 length, -1 = null)
//   request header v2   v1 + tagged fields (UNSIGNED_VARINT count, then per field:
//                       UNSIGNED_VARINT tag, UNSIGNED_VARINT size, bytes)
//   response header v0  correlation_id int32
//   response header v1  v0 + tagged fields (we send none: one 0x00 byte)
//
// A request uses header v2 when its API version is flexible (api_version >= the API's first
// flexible version), v1 otherwise. The response header follows the request's, except that
// ApiVersions always answers with v0: a client that sent a version the broker does not know
// must still be able to read the correlation id and the error in the body.
// (Request header v0, without client_id, only exists for ControlledShutdown v0, which Oxbow
// does not serve.)
//
// Everything here is a pure function over bytes: no I/O, no Asio, so the fuzz build links it
// (request_header_fuzz.cc). The input is untrusted; decoding never reads out of bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::kafka {

inline constexpr int16_t kApiVersionsKey = 18;
// api_key + api_version + correlation_id + client_id length: the shortest request header.
inline constexpr size_t kMinRequestHeaderSize = 10;

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;

  bool operator==(const RequestHeader&) const = default;
};

// The API key and version of a request (its first four bytes), read before the header can be
// decoded because they decide its version. InvalidArgument when fewer than four bytes.
struct ApiKeyVersion {
  int16_t api_key;
  int16_t api_version;
};
Result<ApiKeyVersion> PeekApiKeyVersion(ByteView request);

// 2 when `api_version` is flexible for an API whose first flexible version is
// `first_flexible_version` (-1: never flexible), else 1.
int RequestHeaderVersion(int16_t api_version, int16_t first_flexible_version);
// 0 or 1 for the response to a request with that key and version (see the file comment).
int ResponseHeaderVersion(int16_t api_key, int16_t api_version, int16_t first_flexible_version);

// A decoded request: the header and the body that follows it (a view into the input).
struct DecodedRequest {
  RequestHeader header;
  ByteView body;
};

// Decodes a request header of version 1 or 2 from the start of `request` (the bytes after the
// int32 size). Tagged fields of a v2 header are skipped: none is defined that Oxbow uses.
// DataLoss when the header is truncated or malformed (a client_id length below -1, a tagged
// field running past the end), naming what is wrong.
Result<DecodedRequest> DecodeRequestHeader(ByteView request, int header_version);

// Appends a request header of version 1 or 2 (v2 with no tagged fields). For clients and
// tests; the server only decodes requests.
void EncodeRequestHeader(ByteBuffer& out, const RequestHeader& header, int header_version);

// Appends a response header of version 0 or 1.
void EncodeResponseHeader(ByteBuffer& out, int32_t correlation_id, int header_version);

}  // namespace oxbow::kafka
