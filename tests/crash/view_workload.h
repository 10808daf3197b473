// The workload of view_crash_test: an Oxbow node (log, catalog, engine) on a data directory,
// a fixed set of source tables and materialized views, and a deterministic event sequence
// (a pure function of the seed) produced into the tables' topics in numbered batches.
//
// Input: batch b holds events [b·kBatchSize, (b+1)·kBatchSize) and goes, whole, as one log
// batch, to one partition chosen by b: `accounts` and `owners` are changelog tables
// (upserts and tombstones; a key always goes to the same partition), `clicks` is an
// append-only stream, `items` a changelog table in Avro: Confluent-framed keys and values
// whose writer schemas are registered in the node's schema registry (the `_schemas` topic of
// its log, as a server's), as Confluent's serializers do; partway through the input a second
// value schema (a field added with a default, BACKWARD compatible) replaces the first. A log batch
// survives a kill whole or not at all, and batches are appended one at a time in order, so the
// batches present after a crash are 0..n-1 for some n, which NextBatch reads off the partitions'
// high watermarks: a restarted producer resumes with exactly the sequence an uninterrupted one
// writes.
//
// Views cover the stateful operators: GROUP BY with count/sum/min/max/count DISTINCT over a
// changelog table, inner and left table–table joins, a stream aggregate, Top-N, DISTINCT,
// event-time windows, a view on a view, and aggregates over the Avro table (one joined with
// a JSON table); seven write output topics (JSON upserts, Debezium, Avro upserts).
//
// Thread safety: a ViewNode is used by one thread (the engine runs its own).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/engine.h"
#include "format/avro_decoder.h"
#include "format/topic_schemas.h"
#include "log/log_manager.h"
#include "registry/schema_registry.h"
#include "registry/schemas_topic.h"
#include "sql/catalog.h"
#include "stream/registry_schema_lookup.h"
#include "testing/log_test_util.h"

namespace oxbow::crash {

constexpr int64_t kViewBatchSize = 250;

struct ViewWorkloadOptions {
  uint64_t seed = 1;
  int64_t events = 100000;
  // The share of the input written before the views are created (the rest is appended while
  // they run).
  double initial_share = 0.3;
  std::chrono::milliseconds checkpoint_interval{20};
  // Views catching up on history checkpoint every this many records (the engine's default
  // is a million, which would leave the history phase with a checkpoint or two): many
  // epochs, so that kills land mid-epoch and mid-checkpoint there too.
  uint64_t catch_up_checkpoint_records = 2000;
  // Checkpoint batches of at least this many keys are ingested as table files (the
  // engine's default is 100,000, which these small epochs never reach): both write paths
  // of the state store are killed mid-way, the catching-up epochs on this one.
  size_t state_ingest_min_entries = 500;
};

// A view with an output topic and how its records are encoded.
struct OutputTopic {
  enum class Format : uint8_t { kJson, kDebezium, kAvro };
  std::string view;
  std::string topic;
  Format format = Format::kJson;
};
const std::vector<OutputTopic>& OutputTopics();
// Every materialized view of the workload, in creation order.
const std::vector<std::string>& ViewNames();

// The input's batches, and how many of them are written before the views are created.
int64_t BatchCount(const ViewWorkloadOptions& options);
int64_t InitialBatches(const ViewWorkloadOptions& options);
// The first batch whose Avro records are written with the second value schema (registered
// when it is produced): halfway through the input appended while the views run.
int64_t EvolutionBatch(const ViewWorkloadOptions& options);

// A view's rows (or an output topic's applied rows) as normalized JSON objects, sorted.
using RowSet = std::vector<std::string>;

class ViewNode {
 public:
  ViewNode(std::string dir, ViewWorkloadOptions options);
  ~ViewNode();

  // Opens log, catalog, schema registry and engine (the views start and resume from their
  // checkpoints).
  Status Open();
  // Engine (after its last checkpoint, which appends its output records), catalog, schema
  // registry, log.
  void Close();
  // Closes the engine only (its last checkpoint), keeping the log and the registry open for
  // ReadOutputTopic.
  void CloseEngine();

  // Runs the workload from wherever the directory stands: the initial input, the tables and
  // views (those missing), the rest of the input (waiting for the views every few batches,
  // so that it arrives while they run), then waits until the views have consumed it all.
  // `progress` is called with "initial-input", "views", "all-input" and "caught-up" as each
  // step completes, and with "produced <n>" each time the views have consumed batches 0..n-1.
  Status Run(const std::function<void(const std::string&)>& progress);

  // Every view's content, by name.
  Result<std::map<std::string, RowSet>> ReadViews();
  // The rows an output topic adds up to, read from its start and applied in order (upsert:
  // the latest value per key; Debezium: `before` removed, `after` added; Avro: upserts whose
  // keys and values are decoded with their writer schemas from the registry, unions as their
  // branch's value). Errors: DataLoss for a record that applies twice or to a row that is
  // not there (a Debezium "c" of a key present, a "u"/"d" whose before image is missing), or
  // an Avro record that does not decode (or whose key is not its value's key columns).
  Result<RowSet> ReadOutputTopic(const OutputTopic& out);
  // Records in the source topics' dead-letter topics (`<topic>.dlq`): input the views could
  // not read, which would make them agree by ignoring it.
  Result<int64_t> DeadLetters();

  // Batches present in the source topics (the next batch to produce).
  Result<int64_t> NextBatch();

 private:
  Status EnsureTopics();
  Status EnsureSchema();
  Status ProduceBatch(int64_t batch);
  Status Execute(const std::string& sql);
  // Registers (or finds) the Avro table's key and first value schema, and the second value
  // schema once `batch` reaches EvolutionBatch.
  Status EnsureItemSchemas(int64_t batch);
  // A Confluent-framed Avro datum as normalized JSON, decoded with its writer schema.
  Result<std::string> AvroAsJson(const std::string& bytes);

  struct WriterSchema {
    int32_t id = 0;  // 0: not registered yet
    std::shared_ptr<const registry::AvroSchema> schema;
  };

  std::string dir_;
  ViewWorkloadOptions options_;
  testing::NoSyncFileSystem fs_;  // kill -9 keeps the page cache: fsyncs are not the point
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<sql::Catalog> catalog_;
  std::unique_ptr<registry::SchemasTopic> schemas_topic_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<format::TopicSchemas> topic_schemas_;
  std::unique_ptr<stream::RegistrySchemaLookup> schema_lookup_;
  std::unique_ptr<engine::Engine> engine_;
  WriterSchema item_key_, item_v1_, item_v2_;
  // AvroAsJson's decoders, by schema id.
  std::map<int32_t, std::pair<std::shared_ptr<const registry::AvroSchema>, format::AvroDecoder>>
      decoders_;
};

}  // namespace oxbow::crash
