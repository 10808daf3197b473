// RecordDecoder: what a source's records mean for its rows. One implementation per table
// format (docs/sql.md "format"): JSON (json_record_decoder.h), Debezium JSON
// (debezium_record_decoder.h), Avro with Confluent framing (avro_record_decoder.h).
//
// A record (key and value, each possibly null) stands for zero, one or two changes:
//   append-only source (no key columns): inserts, and for Debezium also deletes that retract
//     a row inserted earlier (a Debezium update is delete(before) + insert(after));
//   keyed source (a changelog table): an insert is an upsert of its key (an UpsertTable turns
//     it into a changelog), a delete removes its key (only the key columns matter).
// Key columns the value lacks are filled from the record key (record_key.h) as far as it
// has them; a keyed change whose key column is still NULL is the source's error to report.
//
// Thread safety: a decoder keeps parsers and buffers; one per thread (one per source).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "registry/avro_schema.h"
#include "sql/chunk/chunk.h"
#include "stream/json_row_decoder.h"

namespace oxbow::stream {

class SchemaLookup;

// One change: the op and one value per column. `filled[i]` says whether the record gave
// column i (absent columns are NULL); decoders use it to know which key columns to take
// from the record key.
struct DecodedRow {
  sql::RowOp op = sql::RowOp::kInsert;
  std::vector<sql::Value> values;
  std::vector<bool> filled;
};

// The changes one record stands for (at most two), reusing its storage from record to record.
class DecodedRecord {
 public:
  static constexpr size_t kMaxRows = 2;

  void Clear() { size_ = 0; }
  // Adds a change of `num_columns` NULLs, none filled, and returns it.
  DecodedRow& Add(sql::RowOp op, size_t num_columns) {
    DecodedRow& row = rows_[size_++];
    row.op = op;
    row.values.assign(num_columns, sql::Value());
    row.filled.assign(num_columns, false);
    return row;
  }
  std::span<const DecodedRow> rows() const { return {rows_.data(), size_}; }
  std::span<DecodedRow> mutable_rows() { return {rows_.data(), size_}; }

 private:
  std::array<DecodedRow, kMaxRows> rows_;
  size_t size_ = 0;
};

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;

  // Decodes one record (nullopt: a null key or value) into `out`, which it clears first.
  // An error with a reason a user can act on when the record cannot be decoded (the source
  // sends it to the error sink and skips it); `out` is then unspecified. Unavailable only
  // when the decoder's environment failed (the schema registry could not answer): the
  // record may be fine, so the source stops with that error instead of dropping it.
  virtual Status Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                        DecodedRecord& out) = 0;

  // Whether AppendInsert works: the decoder can write an append-only source's insert
  // straight into columns (no Values in between; JSON).
  virtual bool appends_rows() const { return false; }
  // Decode's insert of an append-only source appended to `builder`'s columns (one per
  // column) without its op: the caller appends the op (ChunkBuilder::AppendOp) or drops the
  // row (DropPartialRow). Errors as Decode's; the columns are then as before.
  virtual Status AppendInsert(std::optional<ByteView> key, std::optional<ByteView> value,
                              sql::ChunkBuilder& builder) {
    return absl::UnimplementedError("this format decodes through Decode");
  }
  // The columns AppendInsert must fill (one flag per column); the others may be left NULL
  // without reading their values. Default: all are decoded.
  virtual void SetAppendedColumns(std::vector<bool> columns) {}
};

// How a topic's records are encoded: the table's `format` option.
enum class SourceFormat : uint8_t { kJson, kAvro, kDebeziumJson };

struct RecordDecoderOptions {
  SourceFormat format = SourceFormat::kJson;
  std::vector<SourceColumn> columns;
  std::vector<int> key_columns;  // empty: append-only
  // kAvro only, required: where writer schemas are found by id. Must outlive the decoder.
  SchemaLookup* schemas = nullptr;
  // kAvro only, optional: the schema the table reads with (a record). Given, each writer
  // schema is resolved against it (Avro schema resolution: reader fields the writer lacks
  // take their default; a pair that cannot be resolved makes every record of that writer
  // schema an error); absent, each record is read with its writer schema (columns without a
  // field are NULL).
  std::shared_ptr<const registry::AvroSchema> avro_reader_schema;
};

// The decoder for `options.format`. kAvro requires `schemas` (checked: a bug otherwise).
std::unique_ptr<RecordDecoder> MakeRecordDecoder(RecordDecoderOptions options);

}  // namespace oxbow::stream
