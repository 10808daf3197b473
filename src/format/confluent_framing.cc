#include "format/confluent_framing.h"

#include "absl/status/status.h"
#include "fmt/format.h"

namespace oxbow::format {

Result<ConfluentFrame> ParseConfluentFrame(ByteView message) {
  if (message.size() < kConfluentHeaderSize) {
    return absl::DataLossError(
        fmt::format("Confluent frame too short: {} bytes, the header needs {}", message.size(),
                    kConfluentHeaderSize));
  }
  if (message[0] != kConfluentMagicByte) {
    return absl::DataLossError(
        fmt::format("not Confluent framing: magic byte 0x{:02x}, expected 0x00", message[0]));
  }
  ConfluentFrame frame;
  frame.schema_id = static_cast<int32_t>(LoadBE32(message.data() + 1));
  frame.payload = message.subspan(kConfluentHeaderSize);
  return frame;
}

void AppendConfluentHeader(int32_t schema_id, ByteBuffer* out) {
  out->AppendInt8(static_cast<int8_t>(kConfluentMagicByte));
  out->AppendBE32(static_cast<uint32_t>(schema_id));
}

}  // namespace oxbow::format
