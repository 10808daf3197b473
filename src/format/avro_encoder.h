// Value → Avro binary encoding (spec section "Binary Encoding"), checked against the schema.
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"

namespace oxbow::format {

// Appends the binary encoding of `value` as a datum of `schema` to `out`.
//
// The value must have the schema's shape: the same kind at every place (an int is not a
// long), records with one value per field, enum indexes and union branches in range (an enum
// value's symbol, when not empty, must be the schema's symbol at that index), fixed values of
// exactly `size` bytes. One convenience: where the schema has a union and the value is not a
// union value, the value goes to the first branch of its kind (so AvroValue::Null() encodes
// into ["null", "string"]).
//
// InvalidArgument otherwise, naming the place: `at .lines[1].qty: expected int, got long`.
// On error `out` is left as it was. Reentrant.
Status EncodeAvro(const AvroValue& value, const registry::AvroNode& schema, ByteBuffer* out);
Status EncodeAvro(const AvroValue& value, const registry::AvroSchema& schema, ByteBuffer* out);

}  // namespace oxbow::format
