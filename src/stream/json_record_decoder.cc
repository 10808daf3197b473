#include "stream/json_record_decoder.h"

#include "stream/record_key.h"

namespace oxbow::stream {

JsonRecordDecoder::JsonRecordDecoder(std::vector<SourceColumn> columns,
                                     std::vector<int> key_columns)
    : json_(std::move(columns)), key_columns_(std::move(key_columns)) {}

Status JsonRecordDecoder::Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                                 DecodedRecord& out) {
  out.Clear();
  const bool keyed = !key_columns_.empty();
  if (!value && !keyed) return absl::InvalidArgumentError("null value in an append-only topic");
  DecodedRow& row =
      out.Add(value ? sql::RowOp::kInsert : sql::RowOp::kDelete, json_.columns().size());
  if (value) {
    RETURN_IF_ERROR(json_.DecodeObject(AsText(*value), row.values, row.filled, /*overwrite=*/true));
  }
  if (!keyed || !MissingKeyColumns(key_columns_, row)) return Status();
  if (!key) return NoKeyError();
  return FillKeyFromJson(json_, AsText(*key), key_columns_, row);
}

Status JsonRecordDecoder::AppendInsert(std::optional<ByteView>, std::optional<ByteView> value,
                                       sql::ChunkBuilder& builder) {
  if (!value) return absl::InvalidArgumentError("null value in an append-only topic");
  return json_.AppendObject(AsText(*value), builder);
}

}  // namespace oxbow::stream
