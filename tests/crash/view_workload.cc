#include "view_workload.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "fmt/format.h"
#include "format/avro_decoder.h"
#include "format/avro_encoder.h"
#include "format/avro_value.h"
#include "format/confluent_framing.h"
#include "io/file.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"
#include "stream/avro_sql_value.h"
#include "stream/row_encoder.h"

namespace oxbow::crash {
namespace {

struct Target {
  const char* topic;
  int32_t partition;
};
// Where a batch goes: accounts (2 partitions, keyed by id % 2), owners, clicks (2), items
// (Avro, 2 partitions, keyed by id % 2).
constexpr std::array<Target, 7> kTargets = {{
    {"accounts_in", 0},
    {"accounts_in", 1},
    {"owners_in", 0},
    {"clicks_in", 0},
    {"clicks_in", 1},
    {"items_in", 0},
    {"items_in", 1},
}};
constexpr size_t kItemsTarget = 5;
constexpr int32_t kAccountsPerPartition = 1000;
constexpr int32_t kItemsPerPartition = 5000;
// Owners 0..kOwners-1; accounts name owners 0..kOwners+19 (some have none): about four
// accounts per owner, so an owner's change updates a few joined rows, not hundreds.
constexpr int kOwners = 500;
constexpr int64_t kBaseTimestamp = 1600000000000;
// While the views run, the producer waits for them after this many batches.
constexpr int64_t kBatchesPerWait = 20;

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

size_t TargetOf(uint64_t seed, int64_t batch) {
  // accounts 40%, owners 10%, clicks 30%, items 20%.
  const uint64_t r = Mix(seed * 31 + static_cast<uint64_t>(batch) * 2 + 1) % 20;
  if (r < 8) return r % 2;
  if (r < 10) return 2;
  if (r < 16) return 3 + r % 2;
  return kItemsTarget + r % 2;
}

// The Avro table's schemas (subjects items_in-key and items_in-value): the key is an Avro
// int, the value a record without the key (it comes from the key); the second value schema
// adds a field with a default, which BACKWARD (the registry's default level) accepts.
constexpr char kItemKeySchema[] = R"("int")";
constexpr char kItemValueSchemaV1[] =
    R"({"type":"record","name":"Item","namespace":"oxbow.crash","fields":[)"
    R"({"name":"cat","type":"string"},{"name":"qty","type":"int"},)"
    R"({"name":"price","type":"long"},{"name":"owner","type":"int"},)"
    R"({"name":"note","type":["null","string"],"default":null}]})";
constexpr char kItemValueSchemaV2[] =
    R"({"type":"record","name":"Item","namespace":"oxbow.crash","fields":[)"
    R"({"name":"cat","type":"string"},{"name":"qty","type":"int"},)"
    R"({"name":"price","type":"long"},{"name":"owner","type":"int"},)"
    R"({"name":"note","type":["null","string"],"default":null},)"
    R"({"name":"bonus","type":"int","default":0}]})";

std::string Framed(int32_t id, const format::AvroValue& value, const registry::AvroSchema& schema,
                   Status& status) {
  ByteBuffer out;
  format::AppendConfluentHeader(id, &out);
  if (Status s = format::EncodeAvro(value, schema, &out); !s.ok()) status = s;
  return std::string(AsString(out.view()));
}

// A deterministic sequence of draws from a seed: take(n) is the next number in [0, n).
class Draws {
 public:
  explicit Draws(uint64_t seed) : r_(seed) {}
  uint64_t operator()(uint64_t n) {
    uint64_t v = r_ % n;
    r_ = Mix(r_);
    return v;
  }

 private:
  uint64_t r_;
};

testing::TestRecord MakeEvent(uint64_t seed, size_t target, int64_t event) {
  Draws take(Mix(seed ^ Mix(static_cast<uint64_t>(event))));
  testing::TestRecord rec;
  rec.timestamp = kBaseTimestamp + event;
  const int32_t partition = kTargets[target].partition;
  switch (target) {
    case 0:
    case 1: {  // accounts: id has the partition's parity
      const int64_t id = static_cast<int64_t>(take(kAccountsPerPartition)) * 2 + partition;
      rec.key = std::to_string(id);
      if (take(10) == 0) break;  // a tombstone
      std::string tag = take(20) == 0 ? "null" : fmt::format("\"t{}\"", take(15));
      rec.value = fmt::format(R"({{"region":"r{}","owner":{},"balance":{},"tag":{}}})", take(10),
                              take(kOwners + 20), static_cast<int64_t>(take(200000)) - 50000, tag);
      break;
    }
    case 2: {  // owners
      rec.key = std::to_string(take(kOwners));
      if (take(7) == 0) break;
      rec.value = fmt::format(R"({{"manager":"m{}","weight":{}}})", take(5), take(100));
      break;
    }
    default: {  // clicks: an append-only stream; event time = the record's timestamp
      const int64_t ms = rec.timestamp;
      const time_t seconds = static_cast<time_t>(ms / 1000);
      std::tm tm{};
      gmtime_r(&seconds, &tm);
      rec.value = fmt::format(
          R"({{"user_id":{},"url":"/p{}","ms":{},"ts":"{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}"}})",
          take(5000), take(60), take(3000), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
          tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
    }
  }
  return rec;
}

// An event of the Avro table `items`, encoded with `key` and `value` (the second schema has
// the `bonus` field). Status: an encoding failure (a bug here).
testing::TestRecord MakeItem(uint64_t seed, int32_t partition, int64_t event, int32_t key_id,
                             const registry::AvroSchema& key, int32_t value_id,
                             const registry::AvroSchema& value, bool with_bonus, Status& status) {
  Draws take(Mix(seed ^ Mix(static_cast<uint64_t>(event) + 0x5bd1e995)));
  testing::TestRecord rec;
  rec.timestamp = kBaseTimestamp + event;
  const auto id = static_cast<int32_t>(take(kItemsPerPartition) * 2 + partition);
  rec.key = Framed(key_id, format::AvroValue::Int(id), key, status);
  if (take(10) == 0) return rec;  // a tombstone
  std::vector<format::AvroValue> fields;
  fields.push_back(format::AvroValue::String(fmt::format("c{}", take(40))));
  fields.push_back(format::AvroValue::Int(static_cast<int32_t>(take(100))));
  fields.push_back(format::AvroValue::Long(static_cast<int64_t>(take(1000000)) - 1000));
  fields.push_back(format::AvroValue::Int(static_cast<int32_t>(take(kOwners + 20))));
  fields.push_back(take(3) == 0 ? format::AvroValue::Union(0, format::AvroValue::Null())
                                : format::AvroValue::Union(
                                      1, format::AvroValue::String(fmt::format("n{}", take(8)))));
  if (with_bonus) fields.push_back(format::AvroValue::Int(static_cast<int32_t>(take(50))));
  rec.value = Framed(value_id, format::AvroValue::Record(std::move(fields)), value, status);
  return rec;
}

const char* const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, region text, owner int, "
    "balance bigint, tag text) WITH (topic = 'accounts_in')",
    // Avro: the id from the Avro key; `bonus` only in the second writer schema (NULL before).
    "CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, cat text, qty int, price bigint, "
    "owner int, note text, bonus int) WITH (topic = 'items_in', format = 'avro')",
    "CREATE TABLE IF NOT EXISTS owners (owner int PRIMARY KEY, manager text, weight int) "
    "WITH (topic = 'owners_in')",
    // Event times rise with the event number in both partitions, so no click is late
    // whatever the interleaving; partitions never count as idle (a timing-dependent jump).
    "CREATE TABLE IF NOT EXISTS clicks (user_id int, url text, ms bigint, ts timestamp) "
    "WITH (topic = 'clicks_in', event_time = 'ts', watermark_delay = '50 milliseconds', "
    "idle_timeout = '1 day')",
    // Aggregates with retractions (updates and tombstones), incl. min/max and count DISTINCT.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS region_stats "
    "WITH (output_topic = 'region_stats_out', format = 'json') AS "
    "SELECT region, count(*) AS n, sum(balance) AS total, min(balance) AS lo, "
    "max(balance) AS hi, count(DISTINCT tag) AS tags FROM accounts GROUP BY region",
    // Table–table joins.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS acct_mgr "
    "WITH (output_topic = 'acct_mgr_out', format = 'debezium_json') AS "
    "SELECT a.id, a.balance, o.manager FROM accounts a JOIN owners o ON a.owner = o.owner",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS acct_weight AS "
    "SELECT a.id, a.owner, o.weight FROM accounts a LEFT JOIN owners o ON a.owner = o.owner",
    // A stream aggregate.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS url_stats "
    "WITH (output_topic = 'url_stats_out', format = 'debezium_json') AS "
    "SELECT url, count(*) AS n, sum(ms) AS ms, max(user_id) AS top_user FROM clicks GROUP BY url",
    // Top-N (order keys unique within a partition) and DISTINCT.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS top3 AS "
    "SELECT region, id, balance, rn FROM (SELECT region, id, balance, ROW_NUMBER() OVER "
    "(PARTITION BY region ORDER BY balance DESC, id) AS rn FROM accounts) t WHERE rn <= 3",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS region_tags AS "
    "SELECT DISTINCT region, tag FROM accounts",
    // Event-time windows: closed windows emitted once (emit on close, with an output topic),
    // and a hopping window aggregate updated as clicks arrive; both expire their state.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS url_seconds "
    "WITH (emit = 'on_window_close', output_topic = 'url_seconds_out', format = 'json') AS "
    "SELECT window_end, url, count(*) AS n, max(ms) AS top_ms "
    "FROM TUMBLE(clicks, ts, INTERVAL '1 second') GROUP BY window_end, url",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS hop_users AS "
    "SELECT window_start, count(*) AS n, count(DISTINCT user_id) AS users "
    "FROM HOP(clicks, ts, INTERVAL '500 milliseconds', INTERVAL '2 seconds') "
    "GROUP BY window_start",
    // An interval join (Nexmark q7's shape): the clicks with the highest ms of their second;
    // the clicks side is append-only, kept in time-bucketed blocks that expire.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS top_clicks AS "
    "SELECT c.user_id, c.url, c.ms, c.ts FROM clicks c JOIN (SELECT max(ms) AS top, window_end "
    "FROM TUMBLE(clicks, ts, INTERVAL '1 second') GROUP BY window_end) w ON c.ms = w.top "
    "AND c.ts BETWEEN w.window_end - INTERVAL '1 second' AND w.window_end",
    // A filter over the stream: append-only, its rows kept as a log of blocks.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS slow_clicks AS "
    "SELECT user_id, url, ms, ts FROM clicks WHERE ms >= 2500",
    // A view on a view.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS mgr_totals "
    "WITH (output_topic = 'mgr_totals_out', format = 'json') AS "
    "SELECT manager, count(*) AS n, sum(balance) AS total FROM acct_mgr GROUP BY manager",
    // Over the Avro table, to Avro output topics (upserts, tombstones for groups that go):
    // an aggregate with retractions incl. min/max and the evolved field, and one over its
    // join with a JSON table.
    "CREATE MATERIALIZED VIEW IF NOT EXISTS cat_stats "
    "WITH (output_topic = 'cat_stats_out', format = 'avro') AS "
    "SELECT cat, count(*) AS n, sum(qty) AS qty, min(price) AS lo, max(price) AS hi, "
    "count(note) AS notes, count(bonus) AS evolved, sum(bonus) AS bonus FROM items GROUP BY cat",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS item_mgr "
    "WITH (output_topic = 'item_mgr_out', format = 'avro') AS "
    "SELECT o.manager, count(*) AS n, sum(i.qty) AS qty, max(i.note) AS note "
    "FROM items i JOIN owners o ON i.owner = o.owner GROUP BY o.manager",
};

std::string NormalizeJson(std::string_view text) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  return j.is_discarded() ? std::string(text) : j.dump();
}

}  // namespace

const std::vector<OutputTopic>& OutputTopics() {
  using F = OutputTopic::Format;
  static const std::vector<OutputTopic> topics = {
      {"region_stats", "region_stats_out", F::kJson}, {"acct_mgr", "acct_mgr_out", F::kDebezium},
      {"url_stats", "url_stats_out", F::kDebezium},   {"mgr_totals", "mgr_totals_out", F::kJson},
      {"url_seconds", "url_seconds_out", F::kJson},   {"cat_stats", "cat_stats_out", F::kAvro},
      {"item_mgr", "item_mgr_out", F::kAvro},
  };
  return topics;
}

const std::vector<std::string>& ViewNames() {
  static const std::vector<std::string> names = {
      "region_stats", "acct_mgr",    "acct_weight", "url_stats",  "top3",
      "region_tags",  "url_seconds", "hop_users",   "mgr_totals", "slow_clicks",
      "cat_stats",    "item_mgr",    "top_clicks"};
  return names;
}

ViewNode::ViewNode(std::string dir, ViewWorkloadOptions options)
    : dir_(std::move(dir)), options_(options), fs_(io::FileSystem::Default()) {}

ViewNode::~ViewNode() { Close(); }

Status ViewNode::Open() {
  log::LogOptions o;
  o.data_dir = io::JoinPath(dir_, "data");
  ASSIGN_OR_RETURN(log_, log::LogManager::Open(fs_, std::move(o)));
  ASSIGN_OR_RETURN(std::unique_ptr<sql::CatalogTopic> store, sql::CatalogTopic::Open(*log_));
  ASSIGN_OR_RETURN(catalog_, sql::Catalog::Open(std::move(store)));
  // The schema registry as a server runs it: its state in the log's `_schemas` topic.
  ASSIGN_OR_RETURN(schemas_topic_, registry::SchemasTopic::Open(*log_));
  ASSIGN_OR_RETURN(registry_, registry::SchemaRegistry::Open(*schemas_topic_));
  topic_schemas_ = std::make_unique<format::TopicSchemas>(*registry_);
  schema_lookup_ = std::make_unique<stream::RegistrySchemaLookup>(*topic_schemas_);
  engine::EngineOptions e;
  e.schemas = schema_lookup_.get();
  e.log = log_.get();
  e.catalog = catalog_.get();
  e.state_dir = io::JoinPath(dir_, "state");
  e.checkpoint_interval = options_.checkpoint_interval;
  e.catch_up_checkpoint_records = options_.catch_up_checkpoint_records;
  e.state_store.ingest_min_entries = options_.state_ingest_min_entries;
  ASSIGN_OR_RETURN(engine_, engine::Engine::Open(std::move(e)));
  return absl::OkStatus();
}

void ViewNode::CloseEngine() { engine_.reset(); }

void ViewNode::Close() {
  engine_.reset();
  catalog_.reset();
  schema_lookup_.reset();
  topic_schemas_.reset();
  registry_.reset();
  schemas_topic_.reset();
  item_key_ = item_v1_ = item_v2_ = {};
  decoders_.clear();
  if (log_) {
    if (Status s = log_->Close(); !s.ok()) fmt::print(stderr, "closing the log: {}\n", s);
    log_.reset();
  }
}

int64_t BatchCount(const ViewWorkloadOptions& options) {
  return (options.events + kViewBatchSize - 1) / kViewBatchSize;
}

int64_t InitialBatches(const ViewWorkloadOptions& options) {
  const int64_t total = BatchCount(options);
  return std::min<int64_t>(
      total, static_cast<int64_t>(std::ceil(static_cast<double>(total) * options.initial_share)));
}

int64_t EvolutionBatch(const ViewWorkloadOptions& options) {
  const int64_t initial = InitialBatches(options);
  return initial + (BatchCount(options) - initial) / 2;
}

Status ViewNode::EnsureTopics() {
  const log::ConfigMap config = {
      {"retention.ms", "-1"},
      // The events' timestamps are in 2020: only size may roll segments.
      {"segment.ms", std::to_string(std::numeric_limits<int64_t>::max())},
      {"segment.bytes", std::to_string(4 << 20)},
  };
  std::map<std::string, int32_t> partitions;
  for (const Target& t : kTargets)
    partitions[t.topic] = std::max(partitions[t.topic], t.partition + 1);
  for (const auto& [topic, count] : partitions) {
    if (!log_->HasTopic(topic)) RETURN_IF_ERROR(log_->CreateTopic(topic, count, config));
  }
  return absl::OkStatus();
}

Result<int64_t> ViewNode::NextBatch() {
  std::array<int64_t, kTargets.size()> present{};
  for (size_t t = 0; t < kTargets.size(); ++t) {
    if (!log_->HasTopic(kTargets[t].topic)) continue;
    ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                     log_->GetPartition(kTargets[t].topic, PartitionId(kTargets[t].partition)));
    const int64_t hw = p->high_watermark().value();
    if (hw % kViewBatchSize != 0) {
      return absl::DataLossError(fmt::format("{}/{}: high watermark {} is not a whole batch",
                                             kTargets[t].topic, kTargets[t].partition, hw));
    }
    present[t] = hw / kViewBatchSize;
  }
  std::array<int64_t, kTargets.size()> used{};
  int64_t b = 0;
  for (;; ++b) {
    const size_t t = TargetOf(options_.seed, b);
    if (used[t] == present[t]) break;
    ++used[t];
  }
  if (used != present) {
    return absl::DataLossError(
        fmt::format("the source topics hold batches beyond batch {} "
                    "while batch {} is missing",
                    b, b));
  }
  return b;
}

Status ViewNode::EnsureItemSchemas(int64_t batch) {
  auto ensure = [this](WriterSchema& w, const char* subject, const char* text) -> Status {
    if (w.id != 0) return absl::OkStatus();
    // As a producer's serializer does: registering a schema the subject has returns its id.
    ASSIGN_OR_RETURN(w.id, schema_lookup_->RegisterAvroSchema(subject, text));
    ASSIGN_OR_RETURN(w.schema, schema_lookup_->AvroSchemaById(w.id));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(ensure(item_key_, "items_in-key", kItemKeySchema));
  RETURN_IF_ERROR(ensure(item_v1_, "items_in-value", kItemValueSchemaV1));
  if (batch >= EvolutionBatch(options_)) {
    RETURN_IF_ERROR(ensure(item_v2_, "items_in-value", kItemValueSchemaV2));
  }
  return absl::OkStatus();
}

Status ViewNode::ProduceBatch(int64_t batch) {
  const size_t t = TargetOf(options_.seed, batch);
  std::vector<testing::TestRecord> records;
  records.reserve(kViewBatchSize);
  if (t >= kItemsTarget) {
    RETURN_IF_ERROR(EnsureItemSchemas(batch));
    const WriterSchema& value = item_v2_.id != 0 ? item_v2_ : item_v1_;
    Status status;
    for (int64_t i = 0; i < kViewBatchSize; ++i) {
      records.push_back(MakeItem(options_.seed, kTargets[t].partition, batch * kViewBatchSize + i,
                                 item_key_.id, *item_key_.schema, value.id, *value.schema,
                                 item_v2_.id != 0, status));
    }
    RETURN_IF_ERROR(status);
  } else {
    for (int64_t i = 0; i < kViewBatchSize; ++i) {
      records.push_back(MakeEvent(options_.seed, t, batch * kViewBatchSize + i));
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                   log_->GetPartition(kTargets[t].topic, PartitionId(kTargets[t].partition)));
  return testing::AppendCopy(*p, testing::BuildBatch(records).view(), records.back().timestamp)
      .status();
}

Status ViewNode::Execute(const std::string& sql) {
  ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseStatements(sql));
  for (const sql::Statement& s : statements) {
    Result<sql::StatementResult> r = engine_->Execute(s);
    if (!r.ok()) return Status(r.status().code(), fmt::format("{}: {}", sql, r.status().message()));
  }
  return absl::OkStatus();
}

Status ViewNode::EnsureSchema() {
  for (const char* sql : kSchema) RETURN_IF_ERROR(Execute(sql));
  return absl::OkStatus();
}

Status ViewNode::Run(const std::function<void(const std::string&)>& progress) {
  RETURN_IF_ERROR(EnsureTopics());
  ASSIGN_OR_RETURN(int64_t next, NextBatch());
  const int64_t total = BatchCount(options_);
  const int64_t initial = InitialBatches(options_);
  for (; next < initial; ++next) RETURN_IF_ERROR(ProduceBatch(next));
  progress("initial-input");
  RETURN_IF_ERROR(EnsureSchema());
  progress("views");
  for (; next < total; ++next) {
    RETURN_IF_ERROR(ProduceBatch(next));
    // Paced by the views: input keeps arriving while they run, rather than all before.
    if (next % kBatchesPerWait == kBatchesPerWait - 1) {
      RETURN_IF_ERROR(engine_->WaitForViews(std::chrono::minutes(30)));
      progress(fmt::format("produced {}", next + 1));
    }
  }
  progress("all-input");
  RETURN_IF_ERROR(engine_->WaitForViews(std::chrono::minutes(30)));
  // WaitForViews skips views that could not start (e.g. whose state did not restore).
  for (const engine::ViewStatus& v : engine_->Views()) {
    if (v.state != engine::ViewStatus::State::kRunning) {
      return absl::FailedPreconditionError(
          fmt::format("materialized view \"{}\" is not running: {}", v.name, v.error));
    }
  }
  progress("caught-up");
  return absl::OkStatus();
}

Result<std::map<std::string, RowSet>> ViewNode::ReadViews() {
  std::map<std::string, RowSet> views;
  for (const std::string& name : ViewNames()) {
    ASSIGN_OR_RETURN(engine::QueryResult r, engine_->ReadView(name));
    std::vector<stream::SourceColumn> columns;
    for (size_t i = 0; i < r.column_names.size(); ++i) {
      columns.push_back(stream::SourceColumn{r.column_names[i], r.column_types[i]});
    }
    stream::RowJsonEncoder encoder(std::move(columns));
    RowSet& rows = views[name];
    for (const std::vector<sql::Value>& row : r.rows) {
      std::string json;
      encoder.EncodeRow(row, &json);
      rows.push_back(NormalizeJson(json));
    }
    std::sort(rows.begin(), rows.end());
  }
  return views;
}

Result<std::string> ViewNode::AvroAsJson(const std::string& bytes) {
  ASSIGN_OR_RETURN(format::ConfluentFrame frame, format::ParseConfluentFrame(AsBytes(bytes)));
  auto it = decoders_.find(frame.schema_id);
  if (it == decoders_.end()) {
    ASSIGN_OR_RETURN(std::shared_ptr<const registry::AvroSchema> schema,
                     schema_lookup_->AvroSchemaById(frame.schema_id));
    ASSIGN_OR_RETURN(format::AvroDecoder decoder, format::AvroDecoder::Compile(*schema));
    it = decoders_.emplace(frame.schema_id, std::pair(std::move(schema), std::move(decoder))).first;
  }
  const auto& [schema, decoder] = it->second;
  format::AvroValue value;
  RETURN_IF_ERROR(decoder.Decode(frame.payload, &value));
  std::string json;
  RETURN_IF_ERROR(stream::AppendAvroAsJson(value, schema->root(), json));
  return NormalizeJson(json);
}

Result<int64_t> ViewNode::DeadLetters() {
  int64_t records = 0;
  std::set<std::string> topics;
  for (const Target& t : kTargets) topics.insert(fmt::format("{}.dlq", t.topic));
  for (const std::string& topic : topics) {
    if (!log_->HasTopic(topic)) continue;
    ASSIGN_OR_RETURN(int32_t partitions, log_->PartitionCount(topic));
    for (int32_t i = 0; i < partitions; ++i) {
      ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                       log_->GetPartition(topic, PartitionId(i)));
      records += p->high_watermark().value() - p->log_start_offset().value();
    }
  }
  return records;
}

Result<RowSet> ViewNode::ReadOutputTopic(const OutputTopic& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                   log_->GetPartition(out.topic, PartitionId(0)));
  ASSIGN_OR_RETURN(std::vector<testing::ReadRecord> records, testing::ReadAll(*p));
  std::map<std::string, std::optional<std::string>> latest;  // upsert
  std::multiset<std::string> content;                        // debezium
  std::map<std::string, std::string> by_key;                 // debezium, keyed views
  for (const testing::ReadRecord& rec : records) {
    const auto& [key, value] = std::pair(rec.record.key, rec.record.value);
    auto bad = [&](std::string_view why) {
      return absl::DataLossError(fmt::format("{} offset {}: {}: key {} value {}", out.topic,
                                             rec.offset, why, key.value_or("null"),
                                             value.value_or("null")));
    };
    if (out.format == OutputTopic::Format::kJson) {
      latest[key.value_or("")] = value ? std::optional(NormalizeJson(*value)) : std::nullopt;
      continue;
    }
    if (out.format == OutputTopic::Format::kAvro) {
      if (!key) return bad("an Avro upsert without a key");
      Result<std::string> key_json = AvroAsJson(*key);
      if (!key_json.ok()) return bad(fmt::format("key: {}", key_json.status().message()));
      if (!value) {
        latest[*key_json] = std::nullopt;
        continue;
      }
      Result<std::string> row = AvroAsJson(*value);
      if (!row.ok()) return bad(fmt::format("value: {}", row.status().message()));
      // The key record is the value's key columns.
      const nlohmann::ordered_json k = nlohmann::ordered_json::parse(*key_json);
      const nlohmann::ordered_json v = nlohmann::ordered_json::parse(*row);
      for (const auto& [name, column] : k.items()) {
        if (!v.contains(name) || v[name] != column) return bad("the key is not the row's key");
      }
      latest[*key_json] = std::move(*row);
      continue;
    }
    if (!value) {  // the tombstone after a keyed delete, for compaction
      if (key && by_key.contains(*key)) return bad("a tombstone for a row still present");
      continue;
    }
    nlohmann::ordered_json envelope = nlohmann::ordered_json::parse(*value, nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object() || !envelope.contains("op")) {
      return bad("not a Debezium envelope");
    }
    const std::string op = envelope["op"].get<std::string>();
    const bool has_before = envelope.contains("before") && !envelope["before"].is_null();
    const bool has_after = envelope.contains("after") && !envelope["after"].is_null();
    if (has_before != (op != "c") || has_after != (op != "d")) return bad("malformed envelope");
    if (has_before) {
      auto it = content.find(envelope["before"].dump());
      if (it == content.end()) return bad("removes a row that is not there");
      content.erase(it);
      if (key) {
        if (by_key[*key] != envelope["before"].dump()) return bad("before image differs");
        by_key.erase(*key);
      }
    }
    if (has_after) {
      if (key && by_key.contains(*key)) return bad("adds a key that is already there");
      content.insert(envelope["after"].dump());
      if (key) by_key[*key] = envelope["after"].dump();
    }
  }
  RowSet rows(content.begin(), content.end());
  for (const auto& [key, value] : latest) {
    if (value) rows.push_back(*value);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace oxbow::crash
