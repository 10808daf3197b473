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

#include <chrono>
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

// Event time and watermarks (docs/sql.md "Event time and windows"). A source's event time is
// a timestamp column or, without one, the records' Kafka timestamps. Per partition it tracks
// the highest event time read; the partition's watermark is that minus `delay`, and the
// source's watermark is the minimum over its partitions — except partitions idle (read to
// their end, nothing new) for `idle_timeout`, which stop holding it back. It never moves
// back. Downstream, the source sends watermark − `allowed_lateness`: the point before which
// no row will come anymore, because with `drop_late` rows whose event time is below it go
// to the error sink as "late" instead of downstream (and rows without an event time, NULL,
// as "type"). Without drop_late every row goes downstream and the watermark is only advice.
struct EventTimeOptions {
  int column = -1;  // a timestamp/timestamptz column of `columns`; -1: the record timestamp
  int64_t delay_us = 0;
  int64_t allowed_lateness_us = 0;
  std::chrono::milliseconds idle_timeout{10'000};
  bool drop_late = false;
};

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
  EventTimeOptions event_time;
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
  // Sends the restored watermark downstream (operators' input watermarks start empty).
  Status Start() override;

  // The next offset to read of partition index `i` (of options.partitions).
  Offset next_offset(size_t i) const { return next_[i]; }
  size_t num_partitions() const { return options_.partitions.size(); }
  const log::Partition& partition(size_t i) const { return *options_.partitions[i]; }
  // Whether every partition has been read up to its high watermark.
  bool CaughtUp() const override;

  // The source's event-time watermark (before allowed lateness); kNoWatermark until every
  // partition that counts has had a record.
  int64_t event_watermark() const { return watermark_; }
  // The columns the source's readers use (positions in SourceOptions::columns), adding to
  // those of earlier calls; the event time column is always used. The others may be NULL in
  // the source's chunks: an append-only JSON source skips their string members unconverted
  // (json_row_decoder.h). Call before the pipeline runs.
  void DecodeColumns(const std::vector<int>& columns);

  // Rows dropped as late since the source was created (not restored: a counter for metrics).
  uint64_t late_rows() const { return late_rows_; }

 private:
  Result<size_t> PollPartition(size_t i);
  RecordError ErrorFor(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                       std::string reason) const;
  // Decodes one record into `builder` or reports it.
  Status AddRecord(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                   sql::ChunkBuilder& builder);
  // A record that failed to decode: to the error sink (Unavailable and, without a sink, every
  // error is returned instead).
  Status ReportDecodeError(size_t i, Offset offset, TimestampMs timestamp,
                           const log::Record& record, const Status& s);
  // Whether a decoded row goes on: false when it was reported instead (late, or a NULL event
  // time); advances the watermark for an admitted insert.
  Result<bool> Admit(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                     sql::RowOp op, bool null_time, int64_t event_time);

  // The watermark as partition `i`'s reading advanced to `event_time`: updates its maximum
  // and returns the source's watermark with it (the others' as of the chunk's start, in
  // `others`).
  int64_t Advance(size_t i, int64_t event_time, int64_t others);
  // The minimum watermark over the partitions other than `skip` that count (not idle), or
  // kFinalWatermark when none does.
  int64_t OthersWatermark(size_t skip, std::chrono::steady_clock::time_point now) const;
  // Recomputes the source's watermark (e.g. a partition became idle) and sends it on if it
  // advanced.
  Status RefreshWatermark();
  // Sends watermark − allowed lateness downstream if the watermark advanced.
  Status PublishWatermark();

  SourceOptions options_;
  std::vector<Offset> next_;
  // Per partition: the highest event time read (kNoWatermark: none) and when the partition
  // last had a record or was behind its end (for idleness).
  std::vector<int64_t> max_event_time_;
  std::vector<std::chrono::steady_clock::time_point> last_active_;
  int64_t watermark_ = kNoWatermark;
  int64_t published_ = kNoWatermark;
  int64_t others_ = kFinalWatermark;  // OthersWatermark of the partition being read
  uint64_t late_rows_ = 0;
  size_t cursor_ = 0;
  std::unique_ptr<RecordDecoder> decoder_;
  // The decoder fills the columns itself (RecordDecoder::AppendInsert): an append-only JSON
  // source.
  bool appends_rows_ = false;
  std::vector<bool> decoded_columns_;  // empty: all (DecodeColumns not called)
  DecodedRecord decoded_;
  std::vector<uint8_t> read_buffer_;
};

}  // namespace oxbow::stream
