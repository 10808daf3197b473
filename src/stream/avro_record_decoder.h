// The `avro` format: keys and values in Confluent's wire format (magic byte 0, the writer
// schema's registry id, one Avro datum; docs/formats.md), decoded by column name.
//
// Values: the writer schema is fetched by id through the SchemaLookup once and its decoder
// compiled once per id (ids never change their schema). The datum must be a record; each
// column takes the field of its name (avro_sql_value.h has the conversions), columns
// without one are NULL. With a reader schema (RecordDecoderOptions::avro_reader_schema) the
// datum is first resolved to it (fields the writer lacks take the reader's default, extra
// writer fields are skipped); a writer schema it cannot read makes its records errors that
// quote the compatibility problem.
// Keys (keyed tables, for key columns the value lacks and for tombstones): an Avro-framed
// key is decoded the same way with its writer schema — a record gives the key columns by
// name, any other type the one key column; a key that is not framed is JSON or plain text
// (record_key.h).
//
// Errors (the record goes to the error sink): "not Confluent framing: magic byte 0x7b,
// expected 0x00", "Confluent frame too short: …", "unknown schema id 42", "schema id 42: …"
// (not an Avro schema, or not readable with the reader schema), "schema id 42 does not
// decode: at byte 3 (.name): …", "Avro schema id 42 is a long, not a record", a field that
// does not fit its column, a null value in an append-only topic. A lookup that fails for
// another reason than an unknown or non-Avro id is Unavailable (the source stops).
#pragma once

#include <memory>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "format/avro_decoder.h"
#include "format/avro_value.h"
#include "stream/json_row_decoder.h"
#include "stream/record_decoder.h"
#include "stream/schema_lookup.h"

namespace oxbow::stream {

class AvroRecordDecoder final : public RecordDecoder {
 public:
  // `schemas` must outlive the decoder; `reader` may be null.
  AvroRecordDecoder(std::vector<SourceColumn> columns, std::vector<int> key_columns,
                    SchemaLookup& schemas, std::shared_ptr<const registry::AvroSchema> reader);
  ~AvroRecordDecoder() override;

  Status Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                DecodedRecord& out) override;

 private:
  // A writer schema id made ready to decode.
  struct Compiled {
    std::shared_ptr<const registry::AvroSchema> writer;  // keeps the nodes alive
    std::optional<format::AvroDecoder> decoder;
    const registry::AvroNode* node = nullptr;  // the schema datums decode as
    std::vector<int> field_of_column;          // a record's field position per column, or -1
    Status error;  // why it cannot decode (kept: the id's schema never changes)
  };
  // The compiled writer schema `id`, for values (with the reader schema) or keys.
  Result<const Compiled*> Find(int32_t id, bool is_key);
  std::unique_ptr<Compiled> Compile(int32_t id, bool is_key);
  // Decodes a framed datum into `row`'s columns. A key fills only columns the value did not
  // give, and a key that is not a record fills the one key column.
  Status DecodeFramed(ByteView bytes, bool is_key, DecodedRow& row);

  JsonRowDecoder json_;  // unframed keys
  std::vector<int> key_columns_;
  SchemaLookup& schemas_;
  std::shared_ptr<const registry::AvroSchema> reader_;
  absl::flat_hash_map<int32_t, std::unique_ptr<Compiled>> values_;
  absl::flat_hash_map<int32_t, std::unique_ptr<Compiled>> keys_;
  format::AvroValue datum_;  // reused: decoding allocates nothing once warmed up
};

}  // namespace oxbow::stream
