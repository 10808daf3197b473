// Key columns from the record key, shared by the record decoders: a keyed source's value may
// lack its primary-key columns (and a tombstone has no value at all), so they come from the
// Kafka record key.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "stream/json_row_decoder.h"
#include "stream/record_decoder.h"

namespace oxbow::stream {

// Whether a key column of `row` was not given by the value.
bool MissingKeyColumns(std::span<const int> key_columns, const DecodedRow& row);

// InvalidArgument "record without a key in a table with a primary key".
Status NoKeyError();

// Fills the key columns `row` lacks from a JSON or plain record key:
//   a JSON object: its members named like columns (columns the value gave are kept);
//   one key column: a bare JSON value (`42`, `"abc"`), else the key's text as the column's
//     text input (a key written by a plain string serializer: `abc`, `2024-01-02`);
// InvalidArgument otherwise ("the record key must be a JSON object of the key columns") or
// when a member does not fit its column.
Status FillKeyFromJson(JsonRowDecoder& json, std::string_view key, std::span<const int> key_columns,
                       DecodedRow& row);

inline std::string_view AsText(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace oxbow::stream
