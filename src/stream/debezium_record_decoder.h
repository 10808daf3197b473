// The `debezium_json` format: change events of a Debezium connector (Kafka Connect's JSON
// converter), with or without its schema wrapper:
//   {"before": {…} | null, "after": {…} | null, "op": "c" | "r" | "u" | "d", "source": …}
//   {"schema": {…}, "payload": <the above>}
// `before` and `after` are row images decoded by column name as in the `json` format
// (json_row_decoder.h); members other than before, after and op are ignored.
//
// What each event does:
//   op        keyed table (primary key)          append-only stream (no key)
//   c, r      upsert(after)                      insert(after)
//   u         upsert(after)                      delete(before), insert(after)
//   d         delete(key of before / record key) delete(before)
//   null value, or "payload": null (the tombstone Debezium writes after a delete)
//             delete(record key)                 nothing (the delete already retracted it)
// A keyless stream therefore needs full before images (PostgreSQL: REPLICA IDENTITY FULL);
// an update or delete without one is an error, as the row to retract is unknown. Keyed
// tables take key columns that an image lacks from the record key (record_key.h; its
// {"schema", "payload"} wrapper is unwrapped too), so a delete whose before image holds
// only the key (PostgreSQL's default replica identity) or is null works.
//
// Errors (InvalidArgument, the record goes to the error sink): malformed JSON, a value
// that is not an object, no "op", an op other than c/r/u/d ("t" truncate and "m" message
// events are not row changes), before/after that is not an object or null, a change
// without the image it needs, a member that does not fit its column.
//
// Debezium's default encodings of some types do not read as SQL values here: set the
// connector's decimal.handling.mode=string (or double) for numeric columns, and
// time.precision.mode=connect for timestamps as epoch milliseconds (or use timestamptz
// columns, which Debezium sends as ISO-8601 strings).
#pragma once

#include <memory>
#include <string_view>

#include "stream/json_row_decoder.h"
#include "stream/record_decoder.h"

namespace oxbow::stream {

class DebeziumRecordDecoder final : public RecordDecoder {
 public:
  DebeziumRecordDecoder(std::vector<SourceColumn> columns, std::vector<int> key_columns);
  ~DebeziumRecordDecoder() override;

  Status Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                DecodedRecord& out) override;

 private:
  struct Envelope;
  struct Parser;
  Status DecodeChange(const Envelope& env, DecodedRecord& out);
  Status AddImage(std::optional<std::string_view> image, sql::RowOp op, DecodedRecord& out);
  // Key columns the rows lack, from the record key.
  Status FillKeys(std::optional<ByteView> key, DecodedRecord& out);

  JsonRowDecoder json_;
  std::vector<int> key_columns_;
  std::unique_ptr<Parser> parser_;  // the envelope's; json_ has its own for the images
};

}  // namespace oxbow::stream
