#include "stream/record_key.h"

#include "fmt/format.h"

namespace oxbow::stream {

bool MissingKeyColumns(std::span<const int> key_columns, const DecodedRow& row) {
  for (int k : key_columns) {
    if (!row.filled[k]) return true;
  }
  return false;
}

Status NoKeyError() {
  return absl::InvalidArgumentError("record without a key in a table with a primary key");
}

Status FillKeyFromJson(JsonRowDecoder& json, std::string_view key, std::span<const int> key_columns,
                       DecodedRow& row) {
  size_t first = key.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && key[first] == '{') {
    return json.DecodeObject(key, row.values, row.filled, /*overwrite=*/false);
  }
  if (key_columns.size() != 1) {
    return absl::InvalidArgumentError("the record key must be a JSON object of the key columns");
  }
  const int col = key_columns[0];
  if (json.DecodeScalar(key, col, row.values).ok()) {
    row.filled[col] = true;
    return Status();
  }
  // Not JSON: a key written by a plain string serializer is the column's text.
  const SourceColumn& c = json.columns()[col];
  Result<sql::Value> plain = sql::ParseValue(c.type, key);
  if (!plain.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("record key for column \"{}\": {}", c.name, plain.status().message()));
  }
  row.values[col] = std::move(*plain);
  row.filled[col] = true;
  return Status();
}

}  // namespace oxbow::stream
