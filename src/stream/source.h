// Source: reads a topic's partitions from the log and emits their records as rows, decoded
// by the table's format (record_decoder.h: json, debezium_json, avro).
//
// Append-only topics (no key columns): every record is an insert (Debezium change events
// also retract rows: an update is delete(before) + insert(after)). Keyed topics (changelog
// tables, key columns given): a record is an upsert of its row or a delete of its key (a
// tombstone, a Debezium delete); key columns the value lacks are taken from the record key.
// Put an UpsertTable after a keyed source to turn upserts into a changelog.
//
// Records that cannot be decoded (and keyed rows whose key is NULL) go to the ErrorSink with
// the reason and are skipped. Transactional control batches are skipped.
//
// Progress: the next offset to read per partition, which is the source's state: Checkpoint
// writes it into the epoch's batch, together with the state of every operator downstream,
// so after a restore the source resumes exactly where the checkpointed state stops.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "log/partition.h"
#include "stream/error_sink.h"
#include "stream/json_row_decoder.h"
#include "stream/operator.h"
#include "stream/record_decoder.h"
#include "stream/schema_lookup.h"

namespace oxbow::stream {

struct SourceOptions {
  StateId id = 0;
  std::string topic;
  std::vector<std::shared_ptr<log::Partition>> partitions;
  std::vector<SourceColumn> columns;
  std::vector<int> key_columns;  // empty: append-only
  ErrorSink* errors = nullptr;   // required
  uint64_t max_read_bytes = 1 << 20;
  SourceFormat format = SourceFormat::kJson;
  // kAvro: required, where writer schemas are found by id; must outlive the source.
  SchemaLookup* schemas = nullptr;
  // kAvro, optional: the schema the table reads with (RecordDecoderOptions).
  std::shared_ptr<const registry::AvroSchema> avro_reader_schema;
};

class Source final : public SourceOperator {
 public:
  explicit Source(SourceOptions options);
  ~Source() override;

  // Reads what the next partition (round robin) has, up to max_read_bytes, and emits it as
  // one chunk. Returns the number of records consumed (0: nothing new in any partition).
  // Errors: from the log (I/O, DataLoss), from the error sink, from downstream operators,
  // and Unavailable when the schema registry could not answer (the record is read again by
  // the next Poll).
  Result<size_t> Poll() override;
  // Offsets are the state: see the header comment.
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;

  // The next offset to read of partition index `i` (of options.partitions).
  Offset next_offset(size_t i) const { return next_[i]; }
  size_t num_partitions() const { return options_.partitions.size(); }
  const log::Partition& partition(size_t i) const { return *options_.partitions[i]; }
  // Whether every partition has been read up to its high watermark.
  bool CaughtUp() const override;

 private:
  Result<size_t> PollPartition(size_t i);
  // Decodes one record into `builder` or reports it.
  Status AddRecord(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                   sql::ChunkBuilder& builder);

  SourceOptions options_;
  std::vector<Offset> next_;
  size_t cursor_ = 0;
  std::unique_ptr<RecordDecoder> decoder_;
  DecodedRecord decoded_;
  std::vector<uint8_t> read_buffer_;
};

}  // namespace oxbow::stream
