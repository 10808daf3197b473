#include "engine/engine.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "base/logging.h"
#include "dlq/dead_letter_queue.h"
#include "engine/adhoc_query.h"
#include "engine/dataflow_builder.h"
#include "engine/insert.h"
#include "engine/output_topic.h"
#include "engine/view_derivation.h"
#include "engine/view_runner.h"
#include "engine/view_scan.h"
#include "fmt/format.h"
#include "sql/binder.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"
#include "stream/dead_letter_error_sink.h"
#include "stream/materialized_view.h"
#include "stream/output_topic_sink.h"
#include "stream/state_store.h"
#include "stream/window_close_buffer.h"

namespace oxbow::engine {
namespace {

// State ids: the engine's own namespace below kViewIdSpan; a view with catalog oid N owns
// [N * kViewIdSpan, (N + 1) * kViewIdSpan): its pipeline's epoch at the first id, then one id
// per stateful operator. Oids are never reused while an object lives, and a dropped view's
// range is deleted with it (or by the sweep in Open after a crash in between).
constexpr stream::StateId kViewIdSpan = 4096;
constexpr stream::StateId kEngineStateId = 1;
constexpr uint32_t kMaxViewOid = (0xFFFFFFFFu / kViewIdSpan) - 1;
constexpr std::chrono::milliseconds kLiveCheckpointInterval{100};
constexpr std::chrono::milliseconds kCatchUpMaxInterval{10'000};

std::string ViewMetaKey(uint32_t oid) { return fmt::format("view/{:010d}", oid); }

// An ad-hoc query's sources skip undecodable records (the views reading the topic put them
// in its dead-letter topic; a query must not add them again each time it runs) and tell the
// client how many, per topic.
class CountingErrorSink final : public stream::ErrorSink {
 public:
  Status Report(stream::RecordError error) override {
    ++counts_[error.topic];
    if (!first_.contains(error.topic)) first_[error.topic] = error.reason;
    return Status();
  }
  std::vector<std::string> Notices() const {
    std::vector<std::string> out;
    for (const auto& [topic, n] : counts_) {
      out.push_back(
          fmt::format("{} record(s) of topic \"{}\" could not be decoded and were "
                      "skipped (first: {})",
                      n, topic, first_.at(topic)));
    }
    return out;
  }

 private:
  std::map<std::string, uint64_t> counts_;
  std::map<std::string, std::string> first_;
};

// emit = 'on_window_close': the output column whose value says when a row is final — a
// column the watermark bounds, window_end if there is one. Errors: 22023 for a view without
// one (no window, or its end not selected).
Result<stream::StateExpiry> WindowColumnOf(const sql::PlanNode& plan, const Dataflow& dataflow) {
  int best = -1;
  for (size_t i = 0; i < dataflow.bounds.size(); ++i) {
    if (!dataflow.bounds[i]) continue;
    if (best < 0 || plan.schema[i].name == "window_end") best = static_cast<int>(i);
  }
  if (best < 0) {
    return sql::WithHint(
        sql::SqlError(sql::sqlstate::kInvalidParameterValue,
                      "emit = 'on_window_close' needs a view over event-time windows whose "
                      "rows carry the window's end"),
        "Group by window_start and window_end of a TUMBLE, HOP or SESSION window over "
        "the table's event time, and select window_end.");
  }
  return stream::StateExpiry{best, *dataflow.bounds[best]};
}

}  // namespace

// The log's append observer outlives the engine (observers cannot be removed): it reaches the
// engine through this hub, which the engine detaches when it goes.
struct AppendHub {
  absl::Mutex mu;
  std::map<std::string, ViewRunner*>* runners ABSL_GUARDED_BY(mu) = nullptr;
};

struct Engine::Impl {
  EngineOptions options;
  std::unique_ptr<stream::StateStore> store;
  std::unique_ptr<sql::DdlExecutor> ddl;
  std::unique_ptr<dlq::DeadLetterQueue> dlq;
  std::shared_ptr<AppendHub> hub = std::make_shared<AppendHub>();

  // Serializes DDL with the starting and stopping of views (Reconcile).
  absl::Mutex ddl_mu;
  // The running views, by name; guarded by hub->mu (the append observer reads it).
  std::map<std::string, ViewRunner*> runners;
  // Shared with waiters (WaitForView, WaitForViews), which must not hold ddl_mu while they
  // wait: a stopped runner wakes them.
  std::map<std::string, std::shared_ptr<ViewRunner>> owned ABSL_GUARDED_BY(ddl_mu);
  // Views that could not be started: name → why.
  std::map<std::string, Status> failed ABSL_GUARDED_BY(hub->mu);

  Status SweepDroppedState();
  Status StartView(const sql::CatalogObject& object);
  void StopView(const std::string& name, bool delete_state);
  // Starts the catalog's views that are not running and stops those the catalog no longer
  // has (DROP), deleting their state.
  void Reconcile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(ddl_mu);
  Status DeleteViewState(uint32_t oid);
  // A dataflow context over this engine's log, catalog and schemas, reporting to `errors`.
  DataflowContext Context(stream::ErrorSink* errors) const {
    DataflowContext context;
    context.log = options.log;
    context.catalog = options.catalog;
    context.errors = errors;
    context.schemas = options.schemas;
    return context;
  }
  // EXPLAIN CREATE MATERIALIZED VIEW: appends the compiled dataflow's operators to `result`.
  Status ExplainDataflow(const sql::Statement& inner, sql::StatementResult& result);
  // Compiles `plan` into a throwaway pipeline: the errors a view would fail with.
  Status CheckCompiles(const sql::PlanNode& plan,
                       const std::map<std::string, std::string>& view_options);
  ViewRunner* FindRunner(const std::string& name);
  // Waits until view `name` has read its sources up to their ends now (real-time recency).
  // 57014 when `cancel` is set meanwhile; 55000 when the view failed or is not running.
  Status WaitForView(const std::string& name, const std::atomic<bool>* cancel);
};

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options) {
  if (options.log == nullptr || options.catalog == nullptr) {
    return absl::InvalidArgumentError("engine: a log and a catalog are required");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.state_dir.empty()) {
    impl->store = stream::NewMemoryStateStore();
  } else {
    ASSIGN_OR_RETURN(impl->store,
                     stream::OpenRocksDbStateStore(options.state_dir, options.state_store));
  }
  impl->ddl = std::make_unique<sql::DdlExecutor>(*options.catalog, options.log);
  impl->dlq = std::make_unique<dlq::DeadLetterQueue>(*options.log);
  RETURN_IF_ERROR(impl->SweepDroppedState());
  {
    absl::MutexLock lock(&impl->hub->mu);
    impl->hub->runners = &impl->runners;
  }
  options.log->AddAppendObserver([hub = impl->hub](const log::Partition& p) {
    absl::ReaderMutexLock lock(&hub->mu);
    if (hub->runners == nullptr) return;
    for (auto& [name, runner] : *hub->runners) runner->OnAppend(p.topic());
  });
  std::unique_ptr<Engine> engine(new Engine(std::move(impl)));
  if (options.run_views) {
    absl::MutexLock lock(&engine->impl_->ddl_mu);
    engine->impl_->Reconcile();
  }
  return engine;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() {
  absl::MutexLock lock(&impl_->ddl_mu);
  {
    absl::MutexLock hub_lock(&impl_->hub->mu);
    impl_->hub->runners = nullptr;
    impl_->runners.clear();
  }
  for (auto& [name, runner] : impl_->owned) runner->Stop(/*checkpoint=*/true);
  impl_->owned.clear();
}

Status Engine::Impl::SweepDroppedState() {
  std::vector<uint32_t> dead;
  RETURN_IF_ERROR(store->Scan(kEngineStateId, "view/", [&](std::string_view key, std::string_view) {
    uint32_t oid = static_cast<uint32_t>(std::stoul(std::string(key.substr(5))));
    bool live = false;
    for (const sql::CatalogObjectPtr& o :
         options.catalog->List(sql::ObjectType::kMaterializedView)) {
      live |= o->oid == oid;
    }
    if (!live) dead.push_back(oid);
    return Status();
  }));
  for (uint32_t oid : dead) RETURN_IF_ERROR(DeleteViewState(oid));
  return Status();
}

Status Engine::Impl::DeleteViewState(uint32_t oid) {
  std::unique_ptr<stream::StateWriteBatch> batch = store->NewBatch();
  for (stream::StateId id = oid * kViewIdSpan; id < (oid + 1) * kViewIdSpan; ++id) {
    batch->DeleteAll(id);
  }
  batch->Delete(kEngineStateId, ViewMetaKey(oid));
  return store->Commit(*batch);
}

Status Engine::Impl::StartView(const sql::CatalogObject& object) {
  if (object.oid > kMaxViewOid) {
    return absl::ResourceExhaustedError(
        fmt::format("materialized view \"{}\": oid {} is too large", object.name, object.oid));
  }
  ASSIGN_OR_RETURN(sql::PlanPtr plan, PlanMaterializedView(object, *options.catalog));
  stream::StateId base = object.oid * kViewIdSpan;
  stream::PipelineOptions po;
  po.id = base;
  po.checkpoint_interval = options.checkpoint_interval;
  // Live views checkpoint every 100 ms: the pause of a checkpoint (building and applying an
  // epoch's batch on the view's thread) is what produce-to-view p99 latency is made of, and
  // it scales with the epoch's changes. Catching up on history keeps the interval above.
  po.live_checkpoint_interval = std::min(options.checkpoint_interval, kLiveCheckpointInterval);
  po.catch_up_checkpoint_records = options.catch_up_checkpoint_records;
  po.catch_up_max_interval = std::max(options.checkpoint_interval, kCatchUpMaxInterval);
  po.state_memory_bytes = options.state_memory_bytes;
  // A view's thread does not stall on the state store's fsync (produce-to-view latency);
  // the sync's end wakes it to complete the epoch. Set once the runner exists: a background
  // sync starts only after Start.
  po.sync_in_background = true;
  auto wake = std::make_shared<std::atomic<ViewRunner*>>(nullptr);
  po.on_synced = [wake] {
    if (ViewRunner* r = wake->load()) r->Wake();
  };
  auto pipeline = std::make_unique<stream::Pipeline>(po, *store);
  auto errors = std::make_unique<stream::DeadLetterErrorSink>(*dlq, object.name);
  DataflowContext context = Context(errors.get());
  context.next_state_id = base + 1;
  context.end_state_id = base + kViewIdSpan - 2;
  ASSIGN_OR_RETURN(Dataflow dataflow, BuildDataflow(*plan, context, *pipeline));
  const sql::ViewDefinition& view = *object.view();
  if (auto emit = view.options.find("emit");
      emit != view.options.end() && emit->second == "on_window_close") {
    ASSIGN_OR_RETURN(stream::StateExpiry window, WindowColumnOf(*plan, dataflow));
    if (context.next_state_id >= context.end_state_id) {
      return sql::SqlError(sql::sqlstate::kProgramLimitExceeded,
                           "the query has too many stateful operators");
    }
    stream::Operator* buffer = pipeline->Add(std::make_unique<stream::WindowCloseBuffer>(
        context.next_state_id++, dataflow.types, window));
    pipeline->Connect(dataflow.output, buffer);
    dataflow.output = buffer;
  }
  stream::MaterializedView* sink = pipeline->Add(
      std::make_unique<stream::MaterializedView>(base + kViewIdSpan - 1, dataflow.types));
  pipeline->Connect(dataflow.output, sink);
  // Rows kept by the view's key: an update changes one entry, and point queries by the key
  // read it instead of scanning the view.
  // Without a key, rows that are never retracted are an append-only log: a checkpoint writes
  // a block of them, not a store key each.
  // A GROUP BY view's rows are its groups' state seen through HAVING and the select list:
  // the view reads them from the aggregate rather than keeping them again.
  if (!plan->key.empty()) {
    sink->IndexBy(plan->key);
    DeriveViewRows(*pipeline, dataflow.output, plan->key, *sink);
  } else if (plan->append_only) {
    sink->StoreAppendOnly();
  }
  std::vector<std::string> column_names;
  for (const sql::CatalogColumn& c : view.columns) column_names.push_back(c.name);
  ASSIGN_OR_RETURN(
      std::optional<stream::OutputTopicSinkOptions> output,
      OutputTopicOptions(object.name, view.options, *plan, column_names, options.schemas));
  if (output) {
    // The JSON encoder writes values by the dataflow's physical types.
    for (size_t i = 0; i < output->columns.size() && i < dataflow.types.size(); ++i) {
      output->columns[i].type = dataflow.types[i];
    }
    output->id = base + kViewIdSpan - 2;
    output->log = options.log;
    ASSIGN_OR_RETURN(std::unique_ptr<stream::OutputTopicSink> sink,
                     stream::OutputTopicSink::Create(std::move(*output)));
    pipeline->Connect(dataflow.output, pipeline->Add(std::move(sink)));
  }
  // Record the view's range before it writes state, so a drop after a crash finds it.
  {
    std::unique_ptr<stream::StateWriteBatch> batch = store->NewBatch();
    batch->Put(kEngineStateId, ViewMetaKey(object.oid), object.name);
    RETURN_IF_ERROR(store->Commit(*batch));
  }
  RETURN_IF_ERROR(pipeline->Restore());
  auto runner =
      std::make_unique<ViewRunner>(object.name, object.oid, std::move(errors), std::move(pipeline),
                                   std::move(dataflow), sink, options.checkpoint_interval);
  ViewRunner* raw = runner.get();
  wake->store(raw);
  owned[object.name] = std::move(runner);
  {
    absl::MutexLock lock(&hub->mu);
    runners[object.name] = raw;
    failed.erase(object.name);
  }
  raw->Start();
  return Status();
}

void Engine::Impl::StopView(const std::string& name, bool delete_state) {
  auto it = owned.find(name);
  if (it == owned.end()) return;
  {
    absl::MutexLock lock(&hub->mu);
    runners.erase(name);
  }
  it->second->Stop(/*checkpoint=*/!delete_state);
  owned.erase(it);
}

void Engine::Impl::Reconcile() {
  std::vector<sql::CatalogObjectPtr> views =
      options.catalog->List(sql::ObjectType::kMaterializedView);
  // Stop views that were dropped (or dropped and created again: a new oid).
  std::vector<std::string> stale;
  for (auto& [name, runner] : owned) {
    sql::CatalogObjectPtr now = options.catalog->Find(name);
    bool live = now != nullptr && now->type == sql::ObjectType::kMaterializedView;
    if (!live || runner->oid() != now->oid) stale.push_back(name);
  }
  for (const std::string& name : stale) {
    uint32_t oid = owned[name]->oid();
    StopView(name, /*delete_state=*/true);
    if (Status s = DeleteViewState(oid); !s.ok()) {
      OXBOW_LOG_ERROR("deleting the state of dropped view \"{}\": {}", name, s.ToString());
    }
  }
  {
    // The catalog is asked without hub->mu held: the catalog appends to its topic under its
    // own lock, and appends take hub->mu (the append observer), so the other order deadlocks.
    std::vector<std::string> failed_names;
    {
      absl::MutexLock lock(&hub->mu);
      for (const auto& [name, status] : failed) failed_names.push_back(name);
    }
    std::vector<std::string> dropped;
    for (const std::string& name : failed_names) {
      if (options.catalog->Find(name) == nullptr) dropped.push_back(name);
    }
    absl::MutexLock lock(&hub->mu);
    for (const std::string& name : dropped) failed.erase(name);
  }
  for (const sql::CatalogObjectPtr& view : views) {
    if (owned.contains(view->name)) continue;
    {
      absl::MutexLock lock(&hub->mu);
      if (failed.contains(view->name)) continue;
    }
    if (Status s = StartView(*view); !s.ok()) {
      OXBOW_LOG_ERROR("materialized view \"{}\" cannot run: {}", view->name, s.ToString());
      absl::MutexLock lock(&hub->mu);
      failed[view->name] = s;
    }
  }
}

Status Engine::Impl::ExplainDataflow(const sql::Statement& inner, sql::StatementResult& result) {
  const auto* create = inner.As<sql::CreateViewStatement>();
  if (create == nullptr || !create->materialized) return Status();
  sql::PlanOptions plan_options;
  plan_options.materialized_view = true;
  ASSIGN_OR_RETURN(sql::PlanPtr plan,
                   sql::PlanQuery(*create->query, inner, *options.catalog, plan_options));
  std::unique_ptr<stream::StateStore> scratch = stream::NewMemoryStateStore();
  stream::Pipeline pipeline(stream::PipelineOptions{}, *scratch);
  CountingErrorSink errors;
  DataflowContext context = Context(&errors);
  context.next_state_id = 1;
  context.end_state_id = kViewIdSpan - 2;
  ASSIGN_OR_RETURN(Dataflow dataflow, BuildDataflow(*plan, context, pipeline));
  pipeline.Connect(dataflow.output,
                   pipeline.Add(std::make_unique<stream::MaterializedView>(0, dataflow.types)));
  result.rows.push_back({std::string()});
  result.rows.push_back({std::string("Dataflow (operators in the order they run):")});
  for (std::string& line : pipeline.Describe()) result.rows.push_back({"  " + line});
  return Status();
}

Status Engine::Impl::CheckCompiles(const sql::PlanNode& plan,
                                   const std::map<std::string, std::string>& view_options) {
  std::unique_ptr<stream::StateStore> scratch = stream::NewMemoryStateStore();
  stream::Pipeline pipeline(stream::PipelineOptions{}, *scratch);
  CountingErrorSink errors;
  DataflowContext context = Context(&errors);
  context.next_state_id = 1;
  context.end_state_id = kViewIdSpan - 1;
  ASSIGN_OR_RETURN(Dataflow dataflow, BuildDataflow(plan, context, pipeline));
  if (auto emit = view_options.find("emit");
      emit != view_options.end() && emit->second == "on_window_close") {
    RETURN_IF_ERROR(WindowColumnOf(plan, dataflow).status());
  }
  return Status();
}

ViewRunner* Engine::Impl::FindRunner(const std::string& name) {
  absl::ReaderMutexLock lock(&hub->mu);
  auto it = runners.find(name);
  return it == runners.end() ? nullptr : it->second;
}

Status Engine::Impl::WaitForView(const std::string& name, const std::atomic<bool>* cancel) {
  std::shared_ptr<ViewRunner> runner;
  {
    absl::MutexLock lock(&ddl_mu);
    auto it = owned.find(name);
    if (it == owned.end()) return Status();  // ReadView reports why
    runner = it->second;
  }
  const ViewRunner::Ends ends = runner->CurrentEnds();
  while (true) {
    // In slices, so that a cancel request is seen promptly.
    ASSIGN_OR_RETURN(bool caught_up, runner->WaitUntil(ends, std::chrono::steady_clock::now() +
                                                                 std::chrono::milliseconds(100)));
    if (caught_up) return Status();
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return sql::SqlError("57014", "canceling statement due to user request");
    }
    if (runner->status().state != ViewStatus::State::kRunning) {
      return sql::SqlError(sql::sqlstate::kObjectNotInPrerequisiteState,
                           fmt::format("materialized view \"{}\" is not running", name));
    }
  }
}

bool Engine::Handles(const sql::Statement& statement) {
  return sql::DdlExecutor::Handles(statement) || statement.As<sql::SelectStatement>() != nullptr ||
         statement.As<sql::InsertStatement>() != nullptr ||
         statement.As<sql::ShowProgressStatement>() != nullptr;
}

Result<sql::StatementResult> Engine::Execute(const sql::Statement& statement) {
  const bool progress = statement.As<sql::ShowProgressStatement>() != nullptr;
  if (progress || statement.As<sql::SelectStatement>() != nullptr) {
    QueryResult q;
    if (progress) {
      q = Progress();
    } else {
      ASSIGN_OR_RETURN(q, Query(statement));
    }
    sql::StatementResult result;
    result.command_tag = progress ? "SHOW" : fmt::format("SELECT {}", q.rows.size());
    result.column_names = q.column_names;
    for (const std::vector<sql::Value>& row : q.rows) {
      std::vector<std::optional<std::string>> text;
      for (const sql::Value& v : row) {
        text.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(v.ToString()));
      }
      result.rows.push_back(std::move(text));
    }
    return result;
  }
  if (statement.As<sql::InsertStatement>() != nullptr) {
    ASSIGN_OR_RETURN(uint64_t n, Insert(statement));
    sql::StatementResult result;
    result.command_tag = fmt::format("INSERT 0 {}", n);
    return result;
  }
  absl::MutexLock lock(&impl_->ddl_mu);
  if (const auto* create = statement.As<sql::CreateViewStatement>();
      create != nullptr && create->materialized) {
    // Refuse a view that cannot run before it is recorded (the binder's own errors are
    // reported by the DDL executor, positioned).
    sql::PlanOptions options;
    options.materialized_view = true;
    Result<sql::PlanPtr> plan =
        sql::PlanQuery(*create->query, statement, *impl_->options.catalog, options);
    if (plan.ok()) {
      // The output topic's format must suit the view, and its Avro schemas register (the
      // options themselves are checked by the DDL executor). Not for a name already taken:
      // the DDL executor refuses that statement.
      sql::ViewDefinition view;
      for (const sql::WithOption& o : create->options) {
        view.options[o.name] =
            o.name == "format" || o.name == "emit" ? absl::AsciiStrToLower(o.value) : o.value;
      }
      RETURN_IF_ERROR(impl_->CheckCompiles(**plan, view.options));
      if (impl_->options.catalog->Find(create->name.name) == nullptr) {
        RETURN_IF_ERROR(OutputTopicOptions(create->name.name, view.options, **plan,
                                           create->column_names, impl_->options.schemas)
                            .status());
      }
    }
  }
  Result<sql::StatementResult> result = impl_->ddl->Execute(statement);
  if (impl_->options.run_views) impl_->Reconcile();
  if (const auto* explain = statement.As<sql::ExplainStatement>();
      explain != nullptr && result.ok()) {
    RETURN_IF_ERROR(impl_->ExplainDataflow(*explain->statement, *result));
  }
  return result;
}

DataflowContext Engine::AdhocContext(stream::ErrorSink* errors, const std::atomic<bool>* cancel,
                                     bool real_time_recency) {
  DataflowContext context = impl_->Context(errors);
  context.bounded = true;
  context.view_rows = [this, cancel, real_time_recency](
                          const std::string& name) -> Result<std::vector<std::vector<sql::Value>>> {
    if (real_time_recency) RETURN_IF_ERROR(impl_->WaitForView(name, cancel));
    ASSIGN_OR_RETURN(QueryResult view, ReadView(name));
    return std::move(view.rows);
  };
  context.view_lookup = [this, cancel, real_time_recency](const std::string& name,
                                                          const std::vector<sql::Value>& key)
      -> Result<std::optional<std::vector<std::vector<sql::Value>>>> {
    using Rows = std::optional<std::vector<std::vector<sql::Value>>>;
    std::shared_ptr<ViewRunner> runner;
    {
      absl::MutexLock lock(&impl_->ddl_mu);
      auto it = impl_->owned.find(name);
      if (it == impl_->owned.end()) return Rows();  // view_rows reports why
      runner = it->second;
    }
    if (!runner->sink().indexed() || !runner->error().ok()) return Rows();
    if (real_time_recency) RETURN_IF_ERROR(impl_->WaitForView(name, cancel));
    ASSIGN_OR_RETURN(std::vector<std::vector<sql::Value>> rows, runner->sink().Lookup(key));
    return Rows(std::move(rows));
  };
  return context;
}

Result<std::unique_ptr<QueryCursor>> Engine::OpenViewScan(const sql::Statement& statement,
                                                          const QueryOptions& options,
                                                          sql::PlanPtr& plan) {
  const auto* select = statement.As<sql::SelectStatement>();
  if (select == nullptr) {
    return absl::InvalidArgumentError("engine: Query needs a SELECT statement");
  }
  sql::PlanOptions plan_options;
  plan_options.params = options.params;
  ASSIGN_OR_RETURN(
      plan, sql::PlanQuery(*select->query, statement, *impl_->options.catalog, plan_options));
  const sql::ScanOp* scan = MatchViewScan(*plan);
  if (scan == nullptr) return std::unique_ptr<QueryCursor>();
  if (options.real_time_recency) {
    RETURN_IF_ERROR(impl_->WaitForView(scan->relation, options.cancel));
  }
  ASSIGN_OR_RETURN(ViewRunner * runner, RunningView(scan->relation));
  std::string rows;
  RETURN_IF_ERROR(runner->sink().SnapshotEncoded(&rows));
  return NewViewScanCursor(std::move(plan), std::move(rows), options.cancel);
}

Result<std::unique_ptr<QueryCursor>> Engine::OpenQuery(const sql::Statement& statement,
                                                       const QueryOptions& options) {
  sql::PlanPtr plan;
  ASSIGN_OR_RETURN(std::unique_ptr<QueryCursor> cursor, OpenViewScan(statement, options, plan));
  if (cursor != nullptr) return cursor;
  CountingErrorSink errors;
  DataflowContext context = AdhocContext(&errors, options.cancel, options.real_time_recency);
  ASSIGN_OR_RETURN(QueryResult result, RunAdhocQuery(*plan, std::move(context), options.cancel));
  result.notices = errors.Notices();
  return CursorOverRows(std::move(result));
}

Result<QueryResult> Engine::Query(const sql::Statement& statement, const QueryOptions& options) {
  sql::PlanPtr plan;
  ASSIGN_OR_RETURN(std::unique_ptr<QueryCursor> cursor, OpenViewScan(statement, options, plan));
  if (cursor != nullptr) return DrainCursor(*cursor);
  CountingErrorSink errors;
  DataflowContext context = AdhocContext(&errors, options.cancel, options.real_time_recency);
  ASSIGN_OR_RETURN(QueryResult result, RunAdhocQuery(*plan, std::move(context), options.cancel));
  result.notices = errors.Notices();
  return result;
}

Result<ViewRunner*> Engine::RunningView(const std::string& name) {
  sql::CatalogObjectPtr object = impl_->options.catalog->Find(name);
  if (object == nullptr) {
    return sql::SqlError(sql::sqlstate::kUndefinedTable,
                         fmt::format("materialized view \"{}\" does not exist", name));
  }
  if (object->type != sql::ObjectType::kMaterializedView) {
    return sql::WrongObjectType(name, sql::ObjectType::kMaterializedView, object->type);
  }
  ViewRunner* runner = impl_->FindRunner(name);
  if (runner == nullptr || runner->oid() != object->oid) {
    absl::ReaderMutexLock lock(&impl_->hub->mu);
    auto it = impl_->failed.find(name);
    return sql::SqlError(
        sql::sqlstate::kObjectNotInPrerequisiteState,
        fmt::format("materialized view \"{}\" is not running{}", name,
                    it == impl_->failed.end() ? "" : ": " + std::string(it->second.message())));
  }
  if (Status failed = runner->error(); !failed.ok()) {
    return sql::WithHint(
        sql::SqlError(sql::sqlstate::kObjectNotInPrerequisiteState,
                      fmt::format("materialized view \"{}\" failed: {}", name, failed.message())),
        "Fix the cause and recreate the view (DROP and CREATE); it restarts from its last "
        "checkpoint when the server restarts.");
  }
  return runner;
}

Result<QueryResult> Engine::ReadView(const std::string& name) {
  ASSIGN_OR_RETURN(ViewRunner * runner, RunningView(name));
  QueryResult result;
  sql::CatalogObjectPtr object = impl_->options.catalog->Find(name);
  if (object != nullptr && object->view() != nullptr) {
    for (const sql::CatalogColumn& c : object->view()->columns) {
      result.column_names.push_back(c.name);
      result.column_types.push_back(c.type);
    }
  }
  ASSIGN_OR_RETURN(result.rows, runner->sink().Snapshot());
  return result;
}

Status Engine::WaitForViews(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<ViewRunner>> runners;
  {
    absl::MutexLock lock(&impl_->ddl_mu);
    for (auto& [name, runner] : impl_->owned) runners.push_back(runner);
  }
  std::vector<std::string> behind;
  for (const std::shared_ptr<ViewRunner>& runner : runners) {
    ASSIGN_OR_RETURN(bool caught_up, runner->WaitCaughtUp(deadline));
    if (!caught_up) behind.push_back(runner->name());
  }
  {
    // Views that could not start (compile or restore errors) have no runner to wait on.
    absl::ReaderMutexLock lock(&impl_->hub->mu);
    if (!impl_->failed.empty()) {
      const auto& [name, why] = *impl_->failed.begin();
      return absl::FailedPreconditionError(
          fmt::format("materialized view \"{}\" could not start: {}", name, why.message()));
    }
  }
  if (!behind.empty()) {
    return absl::DeadlineExceededError(
        fmt::format("views still catching up: {}", fmt::join(behind, ", ")));
  }
  return Status();
}

Result<std::unique_ptr<Subscription>> Engine::Subscribe(const std::string& name,
                                                        size_t max_queued) {
  ASSIGN_OR_RETURN(QueryResult view, ReadView(name));  // 42P01 / 55000
  std::shared_ptr<ViewRunner> runner;
  {
    absl::MutexLock lock(&impl_->ddl_mu);
    auto it = impl_->owned.find(name);
    if (it == impl_->owned.end()) {
      return sql::SqlError(sql::sqlstate::kObjectNotInPrerequisiteState,
                           fmt::format("materialized view \"{}\" is not running", name));
    }
    runner = it->second;
  }
  auto queue = std::make_shared<Subscription::Queue>();
  queue->max_queued = max_queued;
  auto now = [] {
    int64_t unix_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    return sql::Value::TimestampTz(unix_micros - sql::kUnixEpochOffsetMicros);
  };
  auto listener = [queue, now](const sql::Chunk& chunk) -> bool {
    std::lock_guard lock(queue->mu);
    if (queue->closed || queue->overflow) return false;
    sql::Value time = now();
    for (size_t r = 0; r < chunk.num_rows(); ++r) {
      std::vector<sql::Value> row{
          time, sql::Value::Text(chunk.op(r) == sql::RowOp::kInsert ? "insert" : "delete")};
      for (size_t c = 0; c < chunk.num_columns(); ++c) row.push_back(chunk.column(c).GetValue(r));
      queue->rows.push_back(std::move(row));
    }
    if (queue->rows.size() > queue->max_queued) {
      queue->overflow = true;
      queue->rows.clear();
    }
    queue->cv.notify_all();
    return !queue->overflow;
  };
  sql::Value start = now();
  ASSIGN_OR_RETURN(std::vector<std::vector<sql::Value>> snapshot,
                   runner->sink().SnapshotAndSubscribe(listener));
  {
    // The snapshot precedes every change the listener may have queued since.
    std::lock_guard lock(queue->mu);
    std::deque<std::vector<sql::Value>> rows;
    for (std::vector<sql::Value>& r : snapshot) {
      std::vector<sql::Value> row{start, sql::Value::Text("insert")};
      for (sql::Value& v : r) row.push_back(std::move(v));
      rows.push_back(std::move(row));
    }
    for (std::vector<sql::Value>& r : queue->rows) rows.push_back(std::move(r));
    queue->rows = std::move(rows);
  }
  std::vector<std::string> names{"time", "op"};
  std::vector<sql::Type> types{sql::Type::TimestampTz(), sql::Type::Text()};
  names.insert(names.end(), view.column_names.begin(), view.column_names.end());
  types.insert(types.end(), view.column_types.begin(), view.column_types.end());
  return std::make_unique<Subscription>(name, std::move(runner), std::move(queue), std::move(names),
                                        std::move(types));
}

std::vector<ViewStatus> Engine::Views() const {
  std::vector<ViewStatus> out;
  absl::ReaderMutexLock lock(&impl_->hub->mu);
  for (auto& [name, runner] : impl_->runners) out.push_back(runner->status());
  for (auto& [name, why] : impl_->failed) {
    ViewStatus s;
    s.name = name;
    s.state = ViewStatus::State::kFailed;
    s.error = std::string(why.message());
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(),
            [](const ViewStatus& a, const ViewStatus& b) { return a.name < b.name; });
  return out;
}

QueryResult Engine::Progress() const {
  QueryResult out;
  out.column_names = {"view",       "topic",   "partition",         "offset",
                      "end_offset", "percent", "events_per_second", "eta_seconds"};
  out.column_types = {sql::Type::Text(),    sql::Type::Text(),   sql::Type::Int32(),
                      sql::Type::Int64(),   sql::Type::Int64(),  sql::Type::Float64(),
                      sql::Type::Float64(), sql::Type::Float64()};
  for (const ViewStatus& view : Views()) {
    // The view reads its partitions in turn, so its whole lag drains at its whole rate.
    sql::Value eta =
        view.lag == 0 ? sql::Value::Float64(0)
        : view.events_per_second > 0
            ? sql::Value::Float64(static_cast<double>(view.lag) / view.events_per_second)
            : sql::Value::Null(sql::Type::Float64());
    for (const SourceProgress& p : view.sources) {
      double percent = p.end <= 0 ? 100.0 : 100.0 * static_cast<double>(p.offset) / p.end;
      out.rows.push_back({sql::Value::Text(view.name), sql::Value::Text(p.topic),
                          sql::Value::Int32(p.partition), sql::Value::Int64(p.offset),
                          sql::Value::Int64(p.end), sql::Value::Float64(percent),
                          sql::Value::Float64(view.events_per_second), eta});
    }
  }
  return out;
}

std::map<std::string, uint64_t> Engine::DeadLetterCounts() const { return impl_->dlq->Counts(); }

Result<uint64_t> Engine::Insert(const sql::Statement& statement) {
  CountingErrorSink errors;
  return ExecuteInsert(statement,
                       AdhocContext(&errors, /*cancel=*/nullptr, /*real_time_recency=*/false));
}

}  // namespace oxbow::engine
