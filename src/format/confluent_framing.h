// The Confluent wire format for schema-registry serialized records (Avro, JSON Schema,
// Protobuf): one magic byte 0, the schema's registry id as a 4-byte big-endian integer, then
// the payload (for Avro, the binary encoding of one datum written with that schema).
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::format {

inline constexpr uint8_t kConfluentMagicByte = 0;
inline constexpr size_t kConfluentHeaderSize = 5;

struct ConfluentFrame {
  int32_t schema_id = 0;
  ByteView payload;  // a view into the message passed to ParseConfluentFrame
};

// Splits a framed message. DataLoss when it is shorter than the 5-byte header
// ("Confluent frame too short: 3 bytes, the header needs 5") or when the first byte is not 0
// ("not Confluent framing: magic byte 0x7b, expected 0x00"). The schema id is not checked
// here: whether it exists is the registry's question.
Result<ConfluentFrame> ParseConfluentFrame(ByteView message);

// Appends the 5-byte header for `schema_id` to `out`; the caller appends the payload.
void AppendConfluentHeader(int32_t schema_id, ByteBuffer* out);

}  // namespace oxbow::format
