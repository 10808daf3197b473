// The streaming SQL engine of a server: runs every materialized view of the catalog as a
// pipeline (src/stream) over the log, executes DDL (starting and stopping views with it),
// INSERT, and ad-hoc SELECTs over tables, streams and views.
//
// Views:
//   - Each materialized view is a Pipeline compiled from its plan (dataflow_builder.h),
//     driven by its own thread (view_runner.h). It starts from the earliest offset of its
//     sources (history first, then live), is woken by appends to the topics it reads, and
//     checkpoints every `checkpoint_interval` (every 100 ms at most once it has caught up with
//     its sources, so a checkpoint's pause stays short; while it catches up on a backlog,
//     every `catch_up_checkpoint_records` records instead) into the engine's RocksDB state store
//     (<data>/state), so a restart resumes where the last checkpoint stopped (exactly-once,
//     docs/design/dataflow.md).
//   - A view reading another materialized view compiles the other's plan into its own
//     pipeline (its state is its own): views never wait for each other, and each is
//     exactly-once on its own.
//   - A view whose pipeline fails (an operator error such as numeric overflow in an
//     aggregate) stops; its status says why, and it restarts from its last checkpoint when the
//     engine is opened again. Records that cannot be decoded do not stop a view: they go to
//     the source topic's dead-letter topic.
//
// Reading: ReadView returns the view's current content (what its pipeline has processed so
// far, possibly ahead of the last checkpoint). WaitForViews blocks until every running view
// has consumed its sources up to their ends as of the call — what a test or a client that
// just produced waits on instead of sleeping.
//
// Ad-hoc SELECT compiles the query like a view but over a private in-memory state store,
// reads every source up to its current end (materialized views: their current content),
// then sorts and limits. One snapshot per source; not isolated across sources.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/query_cursor.h"
#include "engine/subscription.h"
#include "log/log_manager.h"
#include "sql/catalog.h"
#include "sql/ddl.h"
#include "sql/plan.h"
#include "sql/statement.h"
#include "sql/types/value.h"
#include "stream/error_sink.h"
#include "stream/schema_lookup.h"
#include "stream/state_store.h"

namespace oxbow::engine {

struct DataflowContext;  // dataflow_builder.h
class ViewRunner;        // view_runner.h

struct EngineOptions {
  // Both outlive the engine.
  log::LogManager* log = nullptr;
  sql::Catalog* catalog = nullptr;
  // The RocksDB state store's directory (created if missing). Empty: an in-memory store
  // (tests; nothing survives the engine).
  std::string state_dir;
  // The RocksDB store's options (block cache, when batches are ingested as files).
  stream::RocksDbOptions state_store;
  std::chrono::milliseconds checkpoint_interval{1000};
  // While a view catches up on a backlog, it checkpoints every this many input records (at
  // least every max(checkpoint_interval, 10 s)) rather than every checkpoint_interval:
  // fewer, larger epochs, the number independent of the machine's speed (PipelineOptions::
  // catch_up_checkpoint_records). One million: what a second of input is for a view at the
  // engine's targets (docs/benchmarks.md); the work redone after a crash stays about a
  // second's. Zero: by time, as when live.
  uint64_t catch_up_checkpoint_records = 1'000'000;
  // Each view's in-memory state budget; state beyond it lives in RocksDB and is read back on
  // demand (stream/state_cache.h).
  size_t state_memory_bytes = size_t{1} << 30;
  // Start the catalog's materialized views in Open (false: views exist but do not run,
  // e.g. for `oxbow` commands that only inspect).
  bool run_views = true;
  // Where Avro tables' writer schemas are found by id (the schema registry); null when the
  // registry is off, and then views over Avro tables cannot run (55000). Outlives the engine.
  stream::SchemaLookup* schemas = nullptr;
};

struct QueryOptions {
  // When set, stops the query with 57014.
  const std::atomic<bool>* cancel = nullptr;
  // Wait first until each materialized view the query reads has processed everything its
  // sources held when the query started (a client that just produced sees its effect); a
  // failed view is 55000.
  bool real_time_recency = false;
  // $1, $2, …: each binds as a constant of its value's type; an unknown-typed value (a
  // parameter the client sent as text without a declared type) is read as a literal of the
  // type its context needs, as PostgreSQL reads an unknown literal.
  std::vector<sql::Value> params;
};

// How far a view has read one of its source partitions.
struct SourceProgress {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset the view reads
  int64_t end = 0;     // the partition's high watermark when the status was taken
};

struct ViewStatus {
  std::string name;
  enum class State : uint8_t { kRunning, kFailed, kStopped } state = State::kRunning;
  std::string error;   // why it failed
  uint64_t epoch = 0;  // checkpoints committed
  // A checkpoint is taken (readable) and its sync to disk still running: `epoch` counts it
  // once the sync is done.
  bool checkpoint_syncing = false;
  uint64_t records_in = 0;  // records consumed since the engine started
  // Sum over the view's source partitions of (high watermark − next offset to read).
  uint64_t lag = 0;
  // Records consumed per second, measured over windows of about a second (decaying towards
  // 0 while the view is idle).
  double events_per_second = 0;
  // The last checkpoint committed since the engine started: how long it took (barrier to
  // durable) and when it committed (ms since the Unix epoch; -1: none yet).
  double checkpoint_duration_seconds = 0;
  int64_t last_checkpoint_unix_ms = -1;
  // Every source partition (empty for a view that failed to start).
  std::vector<SourceProgress> sources;
  // Event time: the lowest of its sources' watermarks (ms since the Unix epoch; -1 while a
  // source has none yet), and the records its sources dropped as late (sent to the DLQ)
  // since the engine started.
  int64_t watermark_unix_ms = -1;
  uint64_t late_records = 0;
};

class Engine {
 public:
  // Opens the state store and starts every materialized view of the catalog (unless
  // !run_views). A view that cannot be compiled or restored is reported as failed in
  // Views() and logged; it does not fail Open. Errors: the state store's.
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options);
  // Stops every view (after a last checkpoint) and closes the store.
  ~Engine();

  // Whether Execute handles `statement`: DDL (sql/ddl.h), INSERT and SELECT.
  static bool Handles(const sql::Statement& statement);

  // Executes DDL, INSERT (command tag "INSERT 0 n") or SELECT (rows as text, for callers
  // that want a StatementResult; pgwire uses Query for typed rows). CREATE MATERIALIZED VIEW
  // starts the view; DROP stops dropped views and deletes their state.
  Result<sql::StatementResult> Execute(const sql::Statement& statement);

  // Runs an ad-hoc SELECT (the statement's query) and returns its rows. Errors: the
  // binder's (42P01, 42703, 42P02 for a missing parameter, …), 0A000 for what ad-hoc queries
  // cannot do yet, execution errors (22003, …), 57014 when `options.cancel` is set.
  Result<QueryResult> Query(const sql::Statement& statement, const QueryOptions& options = {});
  // The same, with the rows pulled as the caller sends them: a query that only reads one
  // materialized view through WHERE, the select list and LIMIT/OFFSET decodes the view's
  // rows chunk by chunk from one copy of its stored rows (view_scan.h); other queries run to
  // completion first. `options.cancel` must outlive the cursor.
  Result<std::unique_ptr<QueryCursor>> OpenQuery(const sql::Statement& statement,
                                                 const QueryOptions& options = {});

  // INSERT INTO table [(cols)] VALUES … / SELECT …: encodes each row in the table's format
  // and appends it to the table's topic (keyed by the primary key for changelog tables).
  // Returns the number of rows written. Errors: 42P01, 42809 (not a table), 42703, 42804
  // and 23502 (NULL in a NOT NULL or key column), 0A000 for formats INSERT cannot write.
  Result<uint64_t> Insert(const sql::Statement& statement);

  // The current content of materialized view `name` (rows in no particular order), with
  // its column names and types. 42P01 when there is no such view; 55000 when it failed.
  Result<QueryResult> ReadView(const std::string& name);

  // Waits until every running view has consumed its sources up to the ends they had when
  // this was called, or `timeout` passes (DeadlineExceeded naming the views behind). A
  // failed view is an error (FailedPrecondition with its reason).
  Status WaitForViews(std::chrono::milliseconds timeout);

  // SUBSCRIBE: the view's content now, then its changes as they happen (subscription.h).
  // 42P01 when there is no such view; 55000 when it is not running.
  Result<std::unique_ptr<Subscription>> Subscribe(const std::string& name,
                                                  size_t max_queued = 1'000'000);

  // Every materialized view's status, sorted by name.
  std::vector<ViewStatus> Views() const;

  // SHOW PROGRESS: a row per view and source partition — view, topic, partition, offset
  // (next to read), end_offset (high watermark), percent (offset / end, 100 for an empty
  // partition), events_per_second (the view's), eta_seconds (the view's lag over its rate;
  // 0 when caught up, NULL when it lags with no rate yet). Views that failed to start have
  // no rows.
  QueryResult Progress() const;

  // Records the views' sources could not decode, sent to dead-letter topics since the
  // engine started, by source topic.
  std::map<std::string, uint64_t> DeadLetterCounts() const;

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  // The context of an ad-hoc statement (SELECT, INSERT … SELECT): a bounded snapshot whose
  // materialized views are read (or looked up by key) from the running views.
  DataflowContext AdhocContext(stream::ErrorSink* errors, const std::atomic<bool>* cancel,
                               bool real_time_recency);
  // The running view `name`: 42P01 when there is no such view, 55000 when it is not
  // running or failed.
  Result<ViewRunner*> RunningView(const std::string& name);
  // Plans `statement`; a view scan's cursor when the plan is one (view_scan.h), else the
  // plan in `plan` and a null cursor.
  Result<std::unique_ptr<QueryCursor>> OpenViewScan(const sql::Statement& statement,
                                                    const QueryOptions& options,
                                                    sql::PlanPtr& plan);
  std::unique_ptr<Impl> impl_;
};

}  // namespace oxbow::engine
