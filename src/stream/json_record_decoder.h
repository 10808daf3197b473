// The `json` format: each record's value is a JSON object decoded by column name
// (json_row_decoder.h). Append-only: every record is an insert; a null value is an error.
// Keyed: a value is an upsert, a null value (tombstone) a delete of the record key's row;
// key columns the value lacks come from the record key (record_key.h).
#pragma once

#include "stream/json_row_decoder.h"
#include "stream/record_decoder.h"

namespace oxbow::stream {

class JsonRecordDecoder final : public RecordDecoder {
 public:
  JsonRecordDecoder(std::vector<SourceColumn> columns, std::vector<int> key_columns);

  Status Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                DecodedRecord& out) override;
  bool appends_rows() const override { return key_columns_.empty(); }
  void SetAppendedColumns(std::vector<bool> columns) override {
    json_.SetAppendedColumns(std::move(columns));
  }
  Status AppendInsert(std::optional<ByteView> key, std::optional<ByteView> value,
                      sql::ChunkBuilder& builder) override;

 private:
  JsonRowDecoder json_;
  std::vector<int> key_columns_;
};

}  // namespace oxbow::stream
