// Dataflow runtime throughput: JSON events in the embedded log → Source → Filter →
// HashAggregate (GROUP BY key, count(*)) → MaterializedView, on one thread (one core).
//
//   stream_bench [--events N] [--keys K] [--dir D] [--rocksdb] [--stateless]
//                [--output upsert|debezium] [--format json|debezium|avro]
//                [--state-memory BYTES]
//
// Events are {"user_id": i % K, "url": "/page/…", "amount": i % 100} appended as batches of
// 1000 records; the filter keeps amount >= 10 (90%). --stateless replaces the aggregate by a
// Project (url, amount * 2) into a counting sink. --rocksdb checkpoints into RocksDB at the end
// (included in the time) instead of an in-memory store. --output adds an OutputTopicSink
// writing to a topic of an embedded LogManager: upsert after the aggregate (one record per
// group and epoch), debezium after the project (one "c" envelope per row); its records are
// appended by the checkpoint, so the checkpoint time includes them. --format writes the
// events as Debezium "c" envelopes ({"before": null, "after": {…}, "op": "c"}) or as
// Confluent-framed Avro (record of long, string, long; writer schema id 1) and reads them
// with that table format. --state-memory sets the pipeline's state memory budget (default:
// unlimited; state_cache.h): beyond it clean groups and view rows are evicted and read back
// from the store, and dirty state over the budget makes the pipeline checkpoint early —
// those checkpoints are part of the processing time. Prints events/s.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "format/avro_encoder.h"
#include "format/confluent_framing.h"
#include "io/posix_file_system.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "log/record_batch_builder.h"
#include "registry/avro_parser.h"
#include "sql/expr/expr.h"
#include "stream/hash_aggregate.h"
#include "stream/materialized_view.h"
#include "stream/output_topic_sink.h"
#include "stream/pipeline.h"
#include "stream/stateless_operators.h"

using namespace oxbow;
using sql::Type;

namespace {

// CPU time of this thread: on a shared machine, events per CPU-second is what one core does.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

class CountingSink final : public stream::Operator {
 public:
  CountingSink() : Operator("CountingSink", {}) {}
  Status Process(int, const sql::Chunk& chunk) override {
    rows += chunk.num_rows();
    return Status();
  }
  size_t rows = 0;
};

int Fail(const Status& s) {
  std::fprintf(stderr, "stream_bench: %s\n", std::string(s.message()).c_str());
  return 1;
}

// The one writer schema of --format avro, as id 1.
class OneSchema final : public stream::SchemaLookup {
 public:
  explicit OneSchema(std::shared_ptr<const registry::AvroSchema> s) : schema_(std::move(s)) {}
  Result<std::shared_ptr<const registry::AvroSchema>> AvroSchemaById(int32_t id) override {
    if (id != 1) return absl::NotFoundError("unknown schema id");
    return schema_;
  }

 private:
  std::shared_ptr<const registry::AvroSchema> schema_;
};

}  // namespace

int main(int argc, char** argv) {
  int64_t events = 1'000'000, keys = 1'000'000;
  std::string dir = "/tmp/oxbow-stream-bench";
  bool rocks = false, stateless = false;
  size_t state_memory = stream::kUnlimitedStateMemory;
  std::optional<stream::OutputFormat> output;
  stream::SourceFormat format = stream::SourceFormat::kJson;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--events" && i + 1 < argc)
      events = std::stoll(argv[++i]);
    else if (a == "--keys" && i + 1 < argc)
      keys = std::stoll(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--rocksdb")
      rocks = true;
    else if (a == "--stateless")
      stateless = true;
    else if (a == "--state-memory" && i + 1 < argc)
      state_memory = std::stoull(argv[++i]);
    else if (a == "--output" && i + 1 < argc) {
      auto f = stream::ParseOutputFormat(argv[++i]);
      if (!f.ok()) return Fail(f.status());
      output = *f;
    } else if (a == "--format" && i + 1 < argc) {
      std::string f = argv[++i];
      if (f == "avro") {
        format = stream::SourceFormat::kAvro;
      } else if (f == "debezium") {
        format = stream::SourceFormat::kDebeziumJson;
      } else if (f != "json") {
        return Fail(absl::InvalidArgumentError("--format: json, debezium or avro"));
      }
    } else {
      std::fprintf(
          stderr,
          "usage: stream_bench [--events N] [--keys K] [--dir D] [--rocksdb] [--stateless] "
          "[--output upsert|debezium] [--format json|debezium|avro] [--state-memory BYTES]\n");
      return 2;
    }
  }
  io::PosixFileSystem fs;
  (void)fs.RemoveAll(dir);
  if (Status s = fs.CreateDirs(dir); !s.ok()) return Fail(s);
  auto part = log::Partition::Open(fs, {dir + "/t-0", "t", PartitionId(0), log::TopicConfig()});
  if (!part.ok()) return Fail(part.status());
  std::shared_ptr<log::Partition> p(std::move(*part));

  auto avro_schema = registry::ParseAvroSchema(
      R"({"type": "record", "name": "Event", "fields": [{"name": "user_id", "type": "long"},)"
      R"({"name": "url", "type": "string"}, {"name": "amount", "type": "long"}]})");
  if (!avro_schema.ok()) return Fail(avro_schema.status());
  OneSchema schemas(std::make_shared<const registry::AvroSchema>(std::move(*avro_schema)));
  for (int64_t i = 0; i < events;) {
    log::RecordBatchBuilder b{log::BatchOptions()};
    for (int j = 0; j < 1000 && i < events; ++j, ++i) {
      std::string url = fmt::format("/page/{}", i % 977);
      std::string v;
      if (format == stream::SourceFormat::kAvro) {
        ByteBuffer out;
        format::AppendConfluentHeader(1, &out);
        Status s = format::EncodeAvro(format::AvroValue::Record({format::AvroValue::Long(i % keys),
                                                                 format::AvroValue::String(url),
                                                                 format::AvroValue::Long(i % 100)}),
                                      *schemas.AvroSchemaById(1).value(), &out);
        if (!s.ok()) return Fail(s);
        v.assign(reinterpret_cast<const char*>(out.data()), out.size());
      } else {
        v = fmt::format(R"({{"user_id": {}, "url": "{}", "amount": {}}})", i % keys, url, i % 100);
        if (format == stream::SourceFormat::kDebeziumJson) {
          v = fmt::format(R"({{"before": null, "after": {}, "op": "c"}})", v);
        }
      }
      b.Add(TimestampMs(i), std::nullopt,
            ByteView(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
    }
    auto batch = b.Build();
    if (!batch.ok()) return Fail(batch.status());
    ByteBuffer buf = std::move(*batch);
    if (auto r = p->Append(MutableByteView(buf.mutable_data(), buf.size()), TimestampMs(0));
        !r.ok()) {
      return Fail(r.status());
    }
  }

  std::unique_ptr<stream::StateStore> store;
  if (rocks) {
    auto r = stream::OpenRocksDbStateStore(dir + "/state");
    if (!r.ok()) return Fail(r.status());
    store = std::move(*r);
  } else {
    store = stream::NewMemoryStateStore();
  }
  std::unique_ptr<log::LogManager> out_log;
  if (output) {
    log::LogOptions lo;
    lo.data_dir = dir + "/log";
    auto l = log::LogManager::Open(fs, lo);
    if (!l.ok()) return Fail(l.status());
    out_log = std::move(*l);
  }
  stream::OutputTopicSink* out_sink = nullptr;
  // The sink of --output after `from`, whose columns are `names` (key: the first if keyed).
  auto add_output = [&](stream::Pipeline& pl, stream::Operator* from,
                        std::vector<std::string> names, bool keyed) -> Status {
    stream::OutputTopicSinkOptions so;
    so.id = 9;
    so.log = out_log.get();
    so.topic = "out";
    so.format = *output;
    for (size_t c = 0; c < names.size(); ++c) {
      so.columns.push_back({names[c], from->output_types()[c]});
    }
    if (keyed) so.key_columns = {0};
    ASSIGN_OR_RETURN(std::unique_ptr<stream::OutputTopicSink> s,
                     stream::OutputTopicSink::Create(std::move(so)));
    out_sink = pl.Add(std::move(s));
    pl.Connect(from, out_sink);
    return Status();
  };
  stream::PipelineOptions po{1, std::chrono::hours(1)};
  po.state_memory_bytes = state_memory;
  stream::Pipeline pipeline(po, *store);
  stream::CollectingErrorSink errors;
  stream::SourceOptions o;
  o.id = 2;
  o.topic = "t";
  o.partitions = {p};
  o.columns = {{"user_id", Type::Int64()}, {"url", Type::Text()}, {"amount", Type::Int64()}};
  o.errors = &errors;
  o.format = format;
  o.schemas = &schemas;
  auto* src = pipeline.Add(std::make_unique<stream::Source>(std::move(o)));
  auto pred = sql::MakeOperator(">=", sql::MakeColumnRef(2, Type::Int64()),
                                sql::MakeConstant(sql::Value::Int64(10)))
                  .value();
  auto* filter =
      pipeline.Add(std::make_unique<stream::Filter>(src->output_types(), std::move(pred)));
  pipeline.Connect(src, filter);
  CountingSink* sink = nullptr;
  stream::MaterializedView* view = nullptr;
  stream::HashAggregate* aggregate = nullptr;
  if (stateless) {
    std::vector<sql::ExprPtr> exprs;
    exprs.push_back(sql::MakeColumnRef(1, Type::Text()));
    exprs.push_back(sql::MakeOperator("*", sql::MakeColumnRef(2, Type::Int64()),
                                      sql::MakeConstant(sql::Value::Int64(2)))
                        .value());
    auto* project = pipeline.Add(std::make_unique<stream::Project>(std::move(exprs)));
    pipeline.Connect(filter, project);
    sink = pipeline.Add(std::make_unique<CountingSink>());
    pipeline.Connect(project, sink);
    if (output) {
      if (Status s = add_output(pipeline, project, {"url", "amount2"}, false); !s.ok()) {
        return Fail(s);
      }
    }
  } else {
    std::vector<stream::AggregateCall> calls;
    calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
    auto* agg = pipeline.Add(std::make_unique<stream::HashAggregate>(
        3, src->output_types(), std::vector<int>{0}, std::move(calls)));
    aggregate = agg;
    pipeline.Connect(filter, agg);
    view = pipeline.Add(std::make_unique<stream::MaterializedView>(4, agg->output_types()));
    pipeline.Connect(agg, view);
    if (output) {
      if (Status s = add_output(pipeline, agg, {"user_id", "n"}, true); !s.ok()) return Fail(s);
    }
  }
  if (Status s = pipeline.Restore(); !s.ok()) return Fail(s);

  // Processing (every event through the DAG) and the final checkpoint (state of every
  // group written to the store) are timed apart: the first is per event, the second per
  // changed key and epoch.
  auto start = std::chrono::steady_clock::now();
  double cpu_start = ThreadCpuSeconds();
  while (!src->CaughtUp()) {
    if (auto r = pipeline.Step(); !r.ok()) return Fail(r.status());
  }
  auto processed = std::chrono::steady_clock::now();
  double cpu_processed = ThreadCpuSeconds();
  if (Status s = pipeline.Checkpoint(); !s.ok()) return Fail(s);
  auto done = std::chrono::steady_clock::now();
  double cpu_done = ThreadCpuSeconds();
  double secs = std::chrono::duration<double>(processed - start).count();
  double ckpt = std::chrono::duration<double>(done - processed).count();
  size_t out = stateless ? sink->rows : view->num_distinct_rows();
  std::printf(
      "%s: %lld events, %lld keys: %.3f s, %.0f events/s (%.0f per CPU-second); checkpoint "
      "(%s) %.3f s (%.3f CPU-s); with it %.0f events/s (%.0f per CPU-second) (output %zu %s)\n",
      stateless ? "filter+project" : "filter+group-by count", (long long)events, (long long)keys,
      secs, events / secs, events / (cpu_processed - cpu_start), rocks ? "rocksdb" : "memory", ckpt,
      cpu_done - cpu_processed, events / (secs + ckpt), events / (cpu_done - cpu_start), out,
      stateless ? "rows" : "groups");
  if (aggregate != nullptr && state_memory != stream::kUnlimitedStateMemory) {
    std::printf(
        "state memory %zu bytes: %zu groups and %zu view rows resident, %llu groups read back, "
        "%llu evicted, %llu early checkpoints\n",
        state_memory, aggregate->num_resident_groups(), view->num_resident_rows(),
        (unsigned long long)aggregate->cache().loads(),
        (unsigned long long)aggregate->cache().evictions(),
        (unsigned long long)pipeline.memory_checkpoints());
  }
  if (out_sink != nullptr) {
    std::printf("output topic (%s): %llu records written by the checkpoint\n",
                *output == stream::OutputFormat::kUpsert ? "upsert" : "debezium",
                (unsigned long long)out_sink->records_written());
    (void)out_log->Close();
  }
  (void)p->Close();
  (void)fs.RemoveAll(dir);
  return errors.errors().empty() ? 0 : 1;
}
