// nexmark_bench: the Nexmark queries over events already in the embedded log (issue 6
// item 8; `make bench-nexmark`; bench/nexmark/README.md).
//
//   nexmark_bench [--events N] [--queries q0,q1,…] [--runs R] [--query-dir bench/nexmark]
//                 [--dir D] [--seed S] [--rate R] [--checkpoint-ms MS]
//
// Loads N events (default 10,000,000) once into the three nexmark-* topics of a fresh log in
// D (generator.h, log_writer.h), creates tables.sql, then for each query and run: CREATE
// MATERIALIZED VIEW (the query's file), Engine::WaitForViews, DROP. Per run it measures
//   - events/s per core: the events of the topics the query reads (each topic once, even
//     when the query scans it twice) per CPU-second of the view's runner thread (the thread of this
//     process that ran the most during the run, from /proc/self/task/*/schedstat), and per
//     CPU-second of the whole process (runner + RocksDB's background threads);
//   - peak memory: the process's peak RSS during the run (VmHWM, reset before each run
//     through /proc/self/clear_refs) minus its RSS before it — the view's state, its
//     operators' buffers and RocksDB's memtables (glibc's free memory is trimmed first).
// A query the engine refuses is printed as "unsupported: <message>" (0A000) or "error:".
// Output: a JSON line per run, then a Markdown table of the medians (docs/benchmarks.md).
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/logging.h"
#include "cpu_usage.h"
#include "engine/engine.h"
#include "fmt/format.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "nexmark/generator.h"
#include "nexmark/log_writer.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

using namespace oxbow;
using Clock = std::chrono::steady_clock;

namespace {

using bench::ProcessCpu;
using bench::ThreadCpu;

struct Args {
  int64_t events = 10'000'000;
  std::vector<std::string> queries = {"q0",  "q1",  "q2",  "q3",  "q4",  "q5",  "q6",
                                      "q7",  "q8",  "q9",  "q10", "q11", "q14", "q15",
                                      "q16", "q17", "q18", "q19", "q20", "q21", "q22"};
  int runs = 3;
  std::string query_dir = "bench/nexmark";
  std::string dir = "/tmp/oxbow-nexmark-bench";
  uint64_t seed = 0;
  int64_t rate = 10'000'000;
  int64_t checkpoint_ms = 1000;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "nexmark_bench: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(fmt::format("{}: {}", what, s.ToString()));
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) Die("cannot read " + path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A field of /proc/self/status in bytes (VmRSS, VmHWM).
int64_t StatusBytes(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  }
  return 0;
}
// Returns the memory freed by earlier runs to the kernel first, so that a run whose state
// fits in what malloc kept from the previous query still shows up in its peak.
void ResetPeakRss() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

struct Run {
  double wall = 0, view_cpu = 0, process_cpu = 0;
  int64_t records = 0, peak_bytes = 0;
};

struct Bench {
  std::unique_ptr<log::LogManager> log;
  std::unique_ptr<sql::Catalog> catalog;
  std::unique_ptr<engine::Engine> engine;

  void Open(const Args& a) {
    (void)io::FileSystem::Default().RemoveAll(a.dir);
    log::LogOptions lo;
    lo.data_dir = io::JoinPath(a.dir, "data");
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
    eo.checkpoint_interval = std::chrono::milliseconds(a.checkpoint_ms);
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
  Status Execute(const std::string& sql) {
    ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseStatements(sql));
    for (const sql::Statement& s : statements) RETURN_IF_ERROR(engine->Execute(s).status());
    return Status();
  }

  // One run of `name`'s view; an error when the engine refuses or fails it.
  Result<Run> RunQuery(const std::string& name, const std::string& sql) {
    Run r;
    ResetPeakRss();
    const int64_t rss0 = StatusBytes("VmRSS");
    const auto cpu0 = ThreadCpu();
    const double pcpu0 = ProcessCpu();
    const auto t0 = Clock::now();
    RETURN_IF_ERROR(Execute(sql));
    Status waited = engine->WaitForViews(std::chrono::minutes(30));
    r.wall = std::chrono::duration<double>(Clock::now() - t0).count();
    r.process_cpu = ProcessCpu() - pcpu0;
    for (const auto& [tid, c] : ThreadCpu()) {
      if (tid == gettid()) continue;
      auto it = cpu0.find(tid);
      r.view_cpu = std::max(r.view_cpu, c - (it == cpu0.end() ? 0 : it->second));
    }
    r.peak_bytes = StatusBytes("VmHWM") - rss0;
    // Events of the topics the query reads, each once: a query reading a topic twice (q5 and
    // q7 scan the bids twice) processes its events once in Nexmark's terms.
    for (const engine::ViewStatus& v : engine->Views()) {
      if (v.name != name) continue;
      std::map<std::pair<std::string, int32_t>, int64_t> read;
      for (const engine::SourceProgress& p : v.sources) {
        int64_t& n = read[{p.topic, p.partition}];
        n = std::max(n, p.offset);
      }
      r.records = 0;
      for (const auto& [partition, n] : read) r.records += n;
    }
    Status dropped = Execute("DROP MATERIALIZED VIEW " + name);
    RETURN_IF_ERROR(waited);
    RETURN_IF_ERROR(dropped);
    return r;
  }
};

// The per-core targets and the published per-vCPU anchors (RisingWave's 2023 report,
// Flink 1.16 on the same machines), events/s; 0 where none is given.
struct Reference {
  double target, risingwave, flink;
};
const std::map<std::string, Reference> kReferences = {{"q0", {1e6, 143e3, 107e3}},
                                                      {"q1", {1e6, 0, 0}},
                                                      {"q2", {1e6, 0, 0}},
                                                      {"q3", {300e3, 126e3, 0}},
                                                      {"q4", {300e3, 23.6e3, 14.5e3}},
                                                      {"q5", {200e3, 11.1e3, 18.4e3}},
                                                      {"q7", {300e3, 37e3, 4.5e3}},
                                                      {"q8", {300e3, 78.4e3, 90.6e3}}};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::string Rate(double r) {
  return r >= 1e6 ? fmt::format("{:.2f} M", r / 1e6) : fmt::format("{:.0f} k", r / 1e3);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (i + 1 >= argc) Die("missing value for " + k);
    std::string v = argv[i + 1];
    try {
      if (k == "--events") {
        a.events = std::stoll(v);
      } else if (k == "--queries") {
        a.queries.clear();
        std::stringstream s(v);
        for (std::string q; std::getline(s, q, ',');) a.queries.push_back(q);
      } else if (k == "--runs") {
        a.runs = std::stoi(v);
      } else if (k == "--query-dir") {
        a.query_dir = v;
      } else if (k == "--dir") {
        a.dir = v;
      } else if (k == "--seed") {
        a.seed = std::stoull(v);
      } else if (k == "--rate") {
        a.rate = std::stoll(v);
      } else if (k == "--checkpoint-ms") {
        a.checkpoint_ms = std::stoll(v);
      } else {
        Die("unknown option " + k + " (see the header of bench/nexmark/nexmark_bench.cc)");
      }
    } catch (const std::exception&) {
      Die(fmt::format("bad value for {}: {}", k, v));
    }
  }
  if (a.events <= 0 || a.runs <= 0 || a.rate <= 0) Die("--events, --runs, --rate must be > 0");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  InitLogging();
  (void)SetLogLevel("warn");
  const Args a = Parse(argc, argv);
  Bench b;
  b.Open(a);

  nexmark::GeneratorConfig config;
  config.seed = a.seed;
  config.events_per_second = a.rate;
  nexmark::Generator gen(config);
  auto t0 = Clock::now();
  auto counts = nexmark::AppendEvents(*b.log, gen, 0, a.events);
  Check(counts.status(), "loading the events");
  std::fprintf(stderr,
               "loaded %lld events (%lld people, %lld auctions, %lld bids, %.0f MB) in %.1f s\n",
               (long long)a.events, (long long)counts->people, (long long)counts->auctions,
               (long long)counts->bids, counts->bytes / 1e6,
               std::chrono::duration<double>(Clock::now() - t0).count());
  Check(b.Execute(ReadFile(a.query_dir + "/tables.sql")), "tables.sql");

  std::vector<std::string> table;
  for (const std::string& q : a.queries) {
    const std::string sql = ReadFile(fmt::format("{}/{}.sql", a.query_dir, q));
    std::vector<Run> runs;
    std::string refused;
    for (int i = 0; i < a.runs && refused.empty(); ++i) {
      double load[1] = {0};
      getloadavg(load, 1);
      Result<Run> r = b.RunQuery(q, sql);
      if (!r.ok()) {
        const std::string state = sql::SqlStateOf(r.status());
        refused = fmt::format("{}: {}", state == "0A000" ? "unsupported" : "error " + state,
                              r.status().message());
        std::printf("{\"query\":\"%s\",\"refused\":\"%s\"}\n", q.c_str(),
                    std::string(r.status().message()).c_str());
        break;
      }
      runs.push_back(*r);
      std::printf(
          "{\"query\":\"%s\",\"run\":%d,\"events\":%lld,\"events_read\":%lld,\"wall_s\":%.3f,"
          "\"view_thread_cpu_s\":%.3f,\"process_cpu_s\":%.3f,\"events_per_view_cpu_s\":%.0f,"
          "\"events_per_process_cpu_s\":%.0f,\"peak_rss_delta_mb\":%.1f,\"load1\":%.2f}\n",
          q.c_str(), i + 1, (long long)a.events, (long long)r->records, r->wall, r->view_cpu,
          r->process_cpu, r->records / r->view_cpu, r->records / r->process_cpu,
          r->peak_bytes / 1e6, load[0]);
      std::fflush(stdout);
    }
    if (!refused.empty()) {
      table.push_back(fmt::format("| {} | {} | | | | | | |", q, refused));
      continue;
    }
    std::vector<double> per_view, per_process, wall, peak;
    for (const Run& r : runs) {
      per_view.push_back(r.records / r.view_cpu);
      per_process.push_back(r.records / r.process_cpu);
      wall.push_back(r.records / r.wall);
      peak.push_back(r.peak_bytes / 1e6);
    }
    std::string target = "—", anchors = "—";
    if (auto it = kReferences.find(q); it != kReferences.end()) {
      const Reference& ref = it->second;
      const double m = Median(per_view);
      target = fmt::format("{} ({:.2f}×)", Rate(ref.target), m / ref.target);
      anchors.clear();
      if (ref.risingwave > 0) anchors += fmt::format("RW {:.1f}×", m / ref.risingwave);
      if (ref.flink > 0)
        anchors += fmt::format("{}Flink {:.1f}×", anchors.empty() ? "" : ", ", m / ref.flink);
      if (anchors.empty()) anchors = "—";
    }
    table.push_back(fmt::format("| {} | {} | {}/s | {}/s | {}/s | {:.0f} MB | {} | {} |", q,
                                runs.front().records, Rate(Median(per_view)),
                                Rate(Median(per_process)), Rate(Median(wall)), Median(peak), target,
                                anchors));
  }
  std::printf(
      "\n| query | events read | events/s per core (view thread) | per process CPU-s | wall "
      "| peak RSS Δ | target (ratio) | vs anchors |\n|---|---|---|---|---|---|---|---|\n");
  for (const std::string& row : table) std::printf("%s\n", row.c_str());
  b.Close();
  (void)io::FileSystem::Default().RemoveAll(a.dir);
  return 0;
}
