// OutputTopicSink: the sink that writes a view's changes to a topic of the log, exactly once.
//
// Formats (values and keys are JSON as row_encoder.h writes them, or for upsert
// Confluent-framed Avro when the options carry Avro encoders, row_avro_encoder.h):
//   upsert    key = the JSON object of the view's key columns, value = the row; a key whose
//             last change in the epoch is a delete gets a tombstone (null value). Changes are
//             folded per key and epoch: one record per key changed, in the order the keys
//             first changed, so a consumer (or compaction) keeping the latest value per key
//             holds the view. Needs key columns: a view without a key has no upsert
//             representation, and Create refuses it (use debezium).
//   debezium  value = {"before":row|null,"after":row|null,"op":"c"|"u"|"d"}; a delete and
//             an insert of the same key in one chunk become one "u" (paired in order; a pair
//             of identical rows is dropped), other inserts "c" and deletes "d". Key = the key
//             object, or null for a view without key columns (no pairing then). As Debezium
//             does by default, a keyed "d" is followed by a tombstone for compaction.
//
// Exactly once: records are buffered for the epoch. At the barrier, Checkpoint puts them in
// the checkpoint's batch with the offset the output partition will give the first of them
// (its end after this sink's previous records); after the batch is committed, AfterCommit
// appends them (one record set, all or nothing). On Restore, with records in the store:
//   - the topic's end is at their start: the crash came between commit and append; they
//     are appended now;
//   - the records at [start, end) are the first (end − start) of them (a crash after the
//     append, or a torn multi-batch append): the rest, if any, are appended;
//   - anything else (the end below the start, or other records there): someone else wrote
//     into the view's output topic or removed from it, and Restore fails with
//     FailedPrecondition (DataLoss when the end went backwards) naming the topic.
// Consumers therefore see only the records of committed epochs, each once, in order.
// An epoch's records depend on where the barriers fall (upsert folds per epoch, debezium
// pairs per chunk); every epoch's records, applied in order, give the view's content.
//
// The output topic has one partition (created with 1 when missing, compacted for upsert):
// the exactly-once bookkeeping is one offset, and the records keep one total order. An
// existing topic with more partitions is refused. The topic belongs to the view: anything
// else writing to it makes the next AfterCommit or Restore fail (see above).
// Record timestamps are the wall time of the checkpoint that committed them.
//
// Thread safety: the pipeline's thread (records_written() from any thread).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "log/log_manager.h"
#include "stream/operator.h"
#include "stream/row_avro_encoder.h"
#include "stream/row_encoder.h"

namespace oxbow::stream {

enum class OutputFormat : uint8_t { kUpsert, kDebezium };

// "upsert" / "debezium" (case-insensitive); InvalidArgument listing them otherwise.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

struct OutputTopicSinkOptions {
  StateId id = 0;
  log::LogManager* log = nullptr;  // outlives the sink
  std::string topic;
  OutputFormat format = OutputFormat::kUpsert;
  std::vector<SourceColumn> columns;  // the view's columns (names are the JSON members)
  std::vector<int> key_columns;       // the view's key; required by upsert
  // Upsert only: values as Avro with this encoder (over `columns`), and keys with
  // `avro_key` (over `columns`, writing the key columns). Both or neither.
  std::shared_ptr<const RowAvroEncoder> avro_value;
  std::shared_ptr<const RowAvroEncoder> avro_key;
};

class OutputTopicSink final : public Operator {
 public:
  // Checks the options and finds or creates the topic. Errors: InvalidArgument (no log,
  // no columns, a key column out of range, upsert without key columns, Avro encoders for
  // debezium or only one of them), FailedPrecondition
  // (the topic has more than one partition), the log's (creating the topic).
  static Result<std::unique_ptr<OutputTopicSink>> Create(OutputTopicSinkOptions options);

  // Errors: a row the Avro schema cannot hold (row_avro_encoder.h; e.g. an infinite date
  // into an Avro date), which stops the view.
  Status Process(int port, const sql::Chunk& chunk) override;
  // Moves the epoch's records to the records awaiting the append and puts those in the batch.
  Status Checkpoint(StateWriteBatch& batch) override;
  // Appends the records awaiting it. Errors: FailedPrecondition when the topic's end is not
  // where this sink's records must start (someone else wrote to it), the log's.
  Status AfterCommit() override;
  // Reloads committed records and appends what the topic lacks (see the header comment).
  Status Restore(StateStore& store) override;

  const std::string& topic() const { return options_.topic; }
  // Records appended by this sink object (for metrics and tests).
  uint64_t records_written() const { return records_written_.load(std::memory_order_relaxed); }

 private:
  struct Record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    bool operator==(const Record&) const = default;
  };

  OutputTopicSink(OutputTopicSinkOptions options, std::shared_ptr<log::Partition> partition);
  Status ProcessUpsert(const sql::Chunk& chunk);
  void ProcessDebezium(const sql::Chunk& chunk);
  // Appends committed_[from..] at the partition's end, which must be committed_start_ + from.
  Status AppendCommitted(size_t from);
  // How many of committed_ the partition holds at committed_start_ (error: not ours).
  Result<size_t> CountAlreadyWritten();

  OutputTopicSinkOptions options_;
  std::shared_ptr<log::Partition> partition_;
  RowJsonEncoder encoder_;
  // This epoch's records; upsert: the record index of each key changed.
  std::vector<Record> epoch_;
  absl::flat_hash_map<std::string, size_t> epoch_slot_;
  // Records in a committed (or being committed) checkpoint, not yet appended, to start at
  // committed_start_ with timestamp committed_time_.
  std::vector<Record> committed_;
  Offset committed_start_{0};
  TimestampMs committed_time_{-1};
  // Where this sink's next records start: the partition's end after its last append.
  Offset next_offset_{0};
  // The store holds records (committed_ or appended since): the next checkpoint clears them.
  bool store_has_records_ = false;
  std::atomic<uint64_t> records_written_{0};
  std::string key_buf_, value_buf_;
};

}  // namespace oxbow::stream
