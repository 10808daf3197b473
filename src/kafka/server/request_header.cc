#include "kafka/server/request_header.h"

#include "fmt/format.h"

namespace oxbow::kafka {
namespace {

// Skips a v2 header's tagged fields. Kafka's unsigned varints here are 32-bit.
Status SkipTaggedFields(ByteReader& in) {
  uint64_t count = in.ReadUvarint();
  if (!in.ok() || count > UINT32_MAX) {
    return absl::DataLossError("request header: bad tagged field count");
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t tag = in.ReadUvarint();
    uint64_t size = in.ReadUvarint();
    if (!in.ok() || tag > UINT32_MAX || size > in.remaining()) {
      return absl::DataLossError(
          fmt::format("request header: tagged field {} of {} runs past the end", i + 1, count));
    }
    in.Skip(size);
  }
  return absl::OkStatus();
}

}  // namespace

Result<ApiKeyVersion> PeekApiKeyVersion(ByteView request) {
  if (request.size() < 4) {
    return absl::InvalidArgumentError(
        fmt::format("request of {} bytes has no api key and version", request.size()));
  }
  return ApiKeyVersion{static_cast<int16_t>(LoadBE16(request.data())),
                       static_cast<int16_t>(LoadBE16(request.data() + 2))};
}

int RequestHeaderVersion(int16_t api_version, int16_t first_flexible_version) {
  return first_flexible_version >= 0 && api_version >= first_flexible_version ? 2 : 1;
}

int ResponseHeaderVersion(int16_t api_key, int16_t api_version, int16_t first_flexible_version) {
  if (api_key == kApiVersionsKey) return 0;
  return RequestHeaderVersion(api_version, first_flexible_version) == 2 ? 1 : 0;
}

Result<DecodedRequest> DecodeRequestHeader(ByteView request, int header_version) {
  ByteReader in(request);
  DecodedRequest out;
  out.header.api_key = in.ReadBE16();
  out.header.api_version = in.ReadBE16();
  out.header.correlation_id = in.ReadBE32();
  int16_t client_id_length = in.ReadBE16();
  if (!in.ok()) {
    return absl::DataLossError(fmt::format("request header: truncated ({} bytes, at least {})",
                                           request.size(), kMinRequestHeaderSize));
  }
  if (client_id_length < -1) {
    return absl::DataLossError(
        fmt::format("request header: invalid client_id length {}", client_id_length));
  }
  if (client_id_length >= 0) {
    ByteView id = in.ReadBytes(static_cast<size_t>(client_id_length));
    if (!in.ok()) {
      return absl::DataLossError(
          fmt::format("request header: client_id of {} bytes runs past the end of the request",
                      client_id_length));
    }
    out.header.client_id.emplace(AsString(id));
  }
  if (header_version >= 2) RETURN_IF_ERROR(SkipTaggedFields(in));
  out.body = request.subspan(in.position());
  return out;
}

void EncodeRequestHeader(ByteBuffer& out, const RequestHeader& header, int header_version) {
  out.AppendBE16(static_cast<uint16_t>(header.api_key));
  out.AppendBE16(static_cast<uint16_t>(header.api_version));
  out.AppendBE32(static_cast<uint32_t>(header.correlation_id));
  if (header.client_id) {
    out.AppendBE16(static_cast<uint16_t>(header.client_id->size()));
    out.Append(*header.client_id);
  } else {
    out.AppendBE16(static_cast<uint16_t>(-1));
  }
  if (header_version >= 2) out.AppendUvarint(0);
}

void EncodeResponseHeader(ByteBuffer& out, int32_t correlation_id, int header_version) {
  out.AppendBE32(static_cast<uint32_t>(correlation_id));
  if (header_version >= 1) out.AppendUvarint(0);
}

}  // namespace oxbow::kafka
