// The SQL engine end to end (issue 5's performance targets): SQL text → Engine (CREATE TABLE,
// CREATE MATERIALIZED VIEW) → the view's runner thread → the view, over JSON events in the
// embedded log.
//
//   engine_bench filter|groupby|join [--events N] [--keys K] [--table-rows R] [--dir D]
//   engine_bench latency [--events N] [--rate R] [--dir D] [--topic-config K=V ...]
//   (both: [--checkpoint-ms MS], the engine's checkpoint interval, default 1000 as serve's;
//   [--catch-up-records N], records per checkpoint while a view catches up, default the
//   engine's 1,000,000; 0: every --checkpoint-ms, as before volume-based catch-up)
//
// Throughput modes append N events {"user_id": i % K, "url": "/page/…", "amount": i % 100}
// to a stream table's topic first (batches of 1000, uncompressed), then create the view and
// time until Engine::WaitForViews returns. The state store is RocksDB (as in `oxbow serve`)
// with the default 1 s checkpoint interval, so the checkpoints made while the view catches up
// are included. Rates are given per wall second and per CPU-second of the view's thread (the
// thread that ran the most during the run, from /proc/self/task/*/schedstat) and of the
// whole process.
//   filter   SELECT url, amount * 2 FROM clicks WHERE amount >= 10        (keeps 90%)
//   groupby  SELECT user_id, count(*) FROM clicks WHERE amount >= 10 GROUP BY user_id
//   join     SELECT c.url, c.amount, u.tier FROM clicks c JOIN users u ON c.user_id = u.id,
//            users a PRIMARY KEY table of R rows (a stream–table join); the view
//            first catches up on the table, then the N events are appended (pre-built
//            batches) and the timing starts at that append
//
// latency: an in-process Kafka server over the same log; a librdkafka producer (acks=all,
// linger.ms=0) sends N events at R events/s to a stream table read by a view
// (SELECT id, amount FROM ev WHERE amount >= 0). Per event: the time from produce() to the
// moment the view's records_in (Engine::Views, updated after the view's content) covers it,
// observed by a thread polling every 200 µs. One partition, so offsets follow produce order.
// --topic-config sets the topic's config (e.g. flush.messages=-1 flush.ms=100).
// Output: one line of JSON per run.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "base/logging.h"
#include "cpu_usage.h"
#include "engine/engine.h"
#include "fmt/format.h"
#include "io/file.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "log/record_batch_builder.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"

using namespace oxbow;
using Clock = std::chrono::steady_clock;

namespace {

using bench::ProcessCpu;
using bench::ThreadCpu;

struct Args {
  std::string mode;
  int64_t events = 1'000'000;
  int64_t keys = 1'000'000;
  int64_t table_rows = 100'000;
  int64_t rate = 10'000;
  int64_t checkpoint_ms = 1000;
  int64_t catch_up_records = -1;  // -1: the engine's default
  std::string dir = "/tmp/oxbow-engine-bench";
  log::ConfigMap topic_config;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "engine_bench: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(fmt::format("{}: {}", what, s.ToString()));
}

double LoadAverage() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : -1;
}

struct Env {
  std::unique_ptr<log::LogManager> log;
  std::unique_ptr<sql::Catalog> catalog;
  std::unique_ptr<engine::Engine> engine;

  void Open(const std::string& dir, int64_t checkpoint_ms, int64_t catch_up_records) {
    (void)io::FileSystem::Default().RemoveAll(dir);
    log::LogOptions lo;
    lo.data_dir = io::JoinPath(dir, "data");
    auto l = log::LogManager::Open(io::FileSystem::Default(), lo);
    Check(l.status(), "log");
    log = std::move(*l);
    auto topic = sql::CatalogTopic::Open(*log);
    Check(topic.status(), "catalog topic");
    auto c = sql::Catalog::Open(std::move(*topic));
    Check(c.status(), "catalog");
    catalog = std::move(*c);
    engine::EngineOptions eo;
    eo.log = log.get();
    eo.catalog = catalog.get();
    eo.state_dir = io::JoinPath(lo.data_dir, "state");
    eo.checkpoint_interval = std::chrono::milliseconds(checkpoint_ms);
    if (catch_up_records >= 0) eo.catch_up_checkpoint_records = catch_up_records;
    auto e = engine::Engine::Open(eo);
    Check(e.status(), "engine");
    engine = std::move(*e);
  }
  void Close() {
    engine.reset();
    catalog.reset();
    if (log) (void)log->Close();
    log.reset();
  }
  void Sql(const std::string& text) {
    auto s = sql::ParseStatement(text);
    Check(s.status(), text.c_str());
    Check(engine->Execute(*s).status(), text.c_str());
  }
  void Append(const std::string& topic, std::vector<ByteBuffer> batches) {
    auto p = log->GetPartition(topic, PartitionId(0));
    Check(p.status(), "partition");
    for (ByteBuffer& buf : batches) {
      Check((*p)->Append(MutableByteView(buf.mutable_data(), buf.size()), TimestampMs(0)).status(),
            "append");
    }
  }
};

// `n` records made by `make(i)` (key or empty, value) as batches of 1000.
template <typename F>
std::vector<ByteBuffer> Batches(int64_t n, F make) {
  std::vector<ByteBuffer> out;
  for (int64_t i = 0; i < n;) {
    log::RecordBatchBuilder b{log::BatchOptions()};
    for (int j = 0; j < 1000 && i < n; ++j, ++i) {
      auto [k, v] = make(i);
      auto view = [](const std::string& s) {
        return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
      };
      b.Add(TimestampMs(i), k.empty() ? std::nullopt : std::optional(view(k)), view(v));
    }
    auto batch = b.Build();
    Check(batch.status(), "batch");
    out.push_back(std::move(*batch));
  }
  return out;
}

void Throughput(const Args& a) {
  Env env;
  env.Open(a.dir, a.checkpoint_ms, a.catch_up_records);
  // The topics fsync only in the background: loading the input is not what is measured.
  log::ConfigMap lazy = {{"flush.messages", "-1"}, {"flush.ms", "1000"}};
  Check(env.log->CreateTopic("clicks", 1, lazy), "topic");
  env.Sql(
      "CREATE TABLE clicks (user_id bigint, url text, amount bigint) WITH (topic = 'clicks', "
      "format = 'json')");
  std::string view;
  if (a.mode == "filter") {
    view = "SELECT url, amount * 2 AS a2 FROM clicks WHERE amount >= 10";
  } else if (a.mode == "groupby") {
    view = "SELECT user_id, count(*) AS n FROM clicks WHERE amount >= 10 GROUP BY user_id";
  } else {
    Check(env.log->CreateTopic("users", 1, lazy), "topic");
    env.Sql(
        "CREATE TABLE users (id bigint PRIMARY KEY, name text, tier text) WITH (topic = "
        "'users', format = 'json')");
    env.Append("users", Batches(a.table_rows, [](int64_t i) {
                 return std::pair(fmt::format(R"({{"id": {}}})", i),
                                  fmt::format(R"({{"id": {}, "name": "user{}", "tier": "{}"}})", i,
                                              i, i % 3 == 0 ? "gold" : "silver"));
               }));
    view =
        "SELECT c.url, c.amount, u.tier FROM clicks c JOIN users u ON c.user_id = u.id WHERE "
        "c.amount >= 10";
  }
  const int64_t keys = a.mode == "join" ? a.table_rows : a.keys;
  std::vector<ByteBuffer> clicks = Batches(a.events, [&](int64_t i) {
    return std::pair(std::string(),
                     fmt::format(R"({{"user_id": {}, "url": "/page/{}", "amount": {}}})", i % keys,
                                 i % 977, i % 100));
  });
  // A stream–table join meets the table as it is when each event is processed: the table
  // is loaded (and the view caught up on it) before the stream's events are appended, and
  // the timing starts at the append. Otherwise the events are in the log before the view.
  const bool join = a.mode == "join";
  if (!join) env.Append("clicks", std::move(clicks));
  double load = LoadAverage();
  auto cpu0 = ThreadCpu();
  double pcpu0 = ProcessCpu();
  auto t0 = Clock::now();
  env.Sql("CREATE MATERIALIZED VIEW v AS " + view);
  if (join) {
    Check(env.engine->WaitForViews(std::chrono::minutes(10)), "wait");
    cpu0 = ThreadCpu();
    pcpu0 = ProcessCpu();
    t0 = Clock::now();
    env.Append("clicks", std::move(clicks));
  }
  Check(env.engine->WaitForViews(std::chrono::minutes(10)), "wait");
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  double pcpu = ProcessCpu() - pcpu0;
  auto cpu1 = ThreadCpu();
  // The view's thread: the one that ran most, not counting this one (which appends in join).
  double view_cpu = 0;
  for (const auto& [tid, c] : cpu1) {
    if (tid == gettid()) continue;
    auto it = cpu0.find(tid);
    view_cpu = std::max(view_cpu, c - (it == cpu0.end() ? 0 : it->second));
  }
  // The view's last checkpoint (taken when it caught up, within the timing) may still be
  // syncing to disk: its epoch counts once that is done. Wait for it, untimed, so that
  // "epochs" is every checkpoint the run took.
  std::vector<engine::ViewStatus> st = env.engine->Views();
  for (auto deadline = Clock::now() + std::chrono::seconds(60);
       st[0].checkpoint_syncing && Clock::now() < deadline; st = env.engine->Views()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto rows = env.engine->ReadView("v");
  Check(rows.status(), "read view");
  std::printf(
      "{\"bench\":\"%s\",\"events\":%lld,\"keys\":%lld,\"table_rows\":%lld,\"view_rows\":%zu,"
      "\"epochs\":%llu,\"wall_s\":%.3f,\"view_thread_cpu_s\":%.3f,\"process_cpu_s\":%.3f,"
      "\"events_per_s_wall\":%.0f,\"events_per_view_cpu_s\":%.0f,\"events_per_process_cpu_s\":"
      "%.0f,\"load1\":%.2f}\n",
      a.mode.c_str(), (long long)a.events, (long long)keys, (long long)a.table_rows,
      rows->rows.size(), (unsigned long long)st[0].epoch, wall, view_cpu, pcpu, a.events / wall,
      a.events / view_cpu, a.events / pcpu, load);
  env.Close();
  (void)io::FileSystem::Default().RemoveAll(a.dir);
}

void DeliveryReport(rd_kafka_t*, const rd_kafka_message_t* m, void* failed) {
  if (m->err) ++*static_cast<std::atomic<int64_t>*>(failed);
}

void Latency(const Args& a) {
  Env env;
  env.Open(a.dir, a.checkpoint_ms, a.catch_up_records);
  env.log->StartBackground();
  kafka::KafkaServerOptions so;
  so.listen_host = "127.0.0.1";
  so.listen_port = 0;
  kafka::KafkaServer server(so, *env.log, kafka::HandlerRegistry());
  kafka::AddAllHandlers(server.registry(), {env.log.get(), &server.options()});
  Check(server.Start(), "kafka server");
  std::string broker = fmt::format("127.0.0.1:{}", server.bound_port());
  Check(env.log->CreateTopic("ev", 1, a.topic_config), "topic");
  env.Sql("CREATE TABLE ev (id bigint, amount bigint) WITH (topic = 'ev', format = 'json')");
  env.Sql("CREATE MATERIALIZED VIEW v AS SELECT id, amount FROM ev WHERE amount >= 0");

  std::atomic<int64_t> failed{0};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", broker}, {"acks", "all"}, {"linger.ms", "0"}}) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      Die(err);
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryReport);
  rd_kafka_conf_set_opaque(conf, &failed);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (producer == nullptr) Die(err);

  const int64_t n = a.events;
  std::vector<std::atomic<int64_t>> sent(static_cast<size_t>(n));
  std::vector<int64_t> latency_ns(static_cast<size_t>(n), -1);
  auto ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
  };
  // Warm-up: one event through the producer (connection, metadata) and the view, untimed.
  {
    std::string v = R"({"id": -1, "amount": 0})";
    rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("ev"), RD_KAFKA_V_PARTITION(0),
                      RD_KAFKA_V_VALUE(v.data(), v.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    auto t = Clock::now();
    rd_kafka_flush(producer, 30000);
    Check(env.engine->WaitForViews(std::chrono::seconds(30)), "wait");
    if (getenv("ENGINE_BENCH_TRACE") != nullptr) {
      std::fprintf(stderr, "warm-up: %.1f ms\n",
                   std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
  }
  const int64_t base = static_cast<int64_t>(env.engine->Views()[0].records_in);
  std::atomic<bool> done{false};
  // The observer: the view's records_in covers event i once its content does.
  std::thread observer([&] {
    int64_t seen = 0;
    while (seen < n && !done.load()) {
      std::vector<engine::ViewStatus> st = env.engine->Views();
      int64_t in = std::min<int64_t>(n, static_cast<int64_t>(st[0].records_in) - base);
      int64_t now = ns();
      for (; seen < in; ++seen) latency_ns[seen] = now - sent[seen].load();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  double load = LoadAverage();
  auto start = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    auto due = start + std::chrono::microseconds(i * 1000000 / a.rate);
    rd_kafka_poll(producer, 0);
    std::this_thread::sleep_until(due);
    std::string v = fmt::format(R"({{"id": {}, "amount": {}}})", i, i % 100);
    sent[i].store(ns());
    rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("ev"), RD_KAFKA_V_PARTITION(0),
                      RD_KAFKA_V_VALUE(v.data(), v.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  }
  rd_kafka_flush(producer, 60000);
  Check(env.engine->WaitForViews(std::chrono::seconds(60)), "wait");
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && latency_ns[n - 1] < 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  done = true;
  observer.join();
  rd_kafka_destroy(producer);
  if (getenv("ENGINE_BENCH_TRACE") != nullptr) {
    // Per 100 ms of produce time: the largest latency, where it exceeds 10 ms.
    const int64_t per = a.rate / 10;
    for (int64_t b = 0; b * per < n; ++b) {
      int64_t worst = 0;
      for (int64_t i = b * per; i < std::min(n, (b + 1) * per); ++i) {
        worst = std::max(worst, latency_ns[i]);
      }
      if (worst > 10'000'000) {
        std::fprintf(stderr, "%.1f s: max %.1f ms\n", b / 10.0, worst / 1e6);
      }
    }
  }
  std::vector<int64_t> l;
  for (int64_t x : latency_ns) {
    if (x >= 0) l.push_back(x);
  }
  std::sort(l.begin(), l.end());
  auto pct = [&](double q) {
    return l.empty() ? 0.0 : l[static_cast<size_t>(q * (l.size() - 1))] / 1e6;
  };
  std::string cfg;
  for (const auto& [k, v] : a.topic_config)
    cfg += fmt::format("{}{}={}", cfg.empty() ? "" : " ", k, v);
  std::printf(
      "{\"bench\":\"latency\",\"rate\":%lld,\"events\":%lld,\"measured\":%zu,\"failed\":%lld,"
      "\"topic_config\":\"%s\",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
      "\"load1\":%.2f}\n",
      (long long)a.rate, (long long)n, l.size(), (long long)failed.load(), cfg.c_str(), pct(0.5),
      pct(0.99), pct(0.999), pct(1.0), load);
  server.Stop();
  env.Close();
  (void)io::FileSystem::Default().RemoveAll(a.dir);
}

}  // namespace

int main(int argc, char** argv) {
  InitLogging();
  (void)SetLogLevel("warn");
  Args a;
  if (argc < 2) Die("usage: engine_bench filter|groupby|join|latency [options] (see the header)");
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--events")
      a.events = std::stoll(v);
    else if (k == "--keys")
      a.keys = std::stoll(v);
    else if (k == "--table-rows")
      a.table_rows = std::stoll(v);
    else if (k == "--rate")
      a.rate = std::stoll(v);
    else if (k == "--checkpoint-ms")
      a.checkpoint_ms = std::stoll(v);
    else if (k == "--catch-up-records")
      a.catch_up_records = std::stoll(v);
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--topic-config")
      a.topic_config[v.substr(0, v.find('='))] = v.substr(v.find('=') + 1);
    else
      Die("unknown option " + k);
  }
  if (a.mode == "latency") {
    Latency(a);
  } else if (a.mode == "filter" || a.mode == "groupby" || a.mode == "join") {
    Throughput(a);
  } else {
    Die("unknown mode " + a.mode);
  }
  return 0;
}
