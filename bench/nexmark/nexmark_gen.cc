// nexmark_gen: writes Nexmark events (generator.h) as JSON records (event_json.h), either
//   --out-dir DIR   JSON-lines files DIR/nexmark-{person,auction,bid}.jsonl, one record value
//                   per line; with --key-delimiter C, people and auctions are "id<C>value"
//                   lines (bids stay bare values: no key), as `kcat -P -K C` reads them
//   --log-dir DIR   appended to the embedded log in DIR (an `oxbow serve --data-dir DIR`
//                   data directory; the server must not be running on it)
//
//   nexmark_gen --events N [--seed S] [--rate EVENTS_PER_S]
//               [--first-time 2024-01-01T00:00:00Z] (--out-dir DIR | --log-dir DIR)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "nexmark/event_json.h"
#include "nexmark/generator.h"
#include "nexmark/log_writer.h"

using namespace oxbow;

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "nexmark_gen: %s\n", what.c_str());
  return 1;
}

int WriteFiles(const nexmark::Generator& gen, int64_t events, const std::string& dir,
               const std::string& key_delimiter) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(fmt::format("cannot create {}: {}", dir, ec.message()));
  std::ofstream out[3];
  for (int i = 0; i < 3; ++i) {
    std::string_view topic = i == 0   ? nexmark::kPersonTopic
                             : i == 1 ? nexmark::kAuctionTopic
                                      : nexmark::kBidTopic;
    std::string path = fmt::format("{}/{}.jsonl", dir, topic);
    out[i].open(path, std::ios::trunc);
    if (!out[i]) return Fail(fmt::format("cannot write {}", path));
  }
  std::string line;
  for (int64_t n = 0; n < events; ++n) {
    nexmark::Event e = gen.Make(n);
    line.clear();
    if (std::optional<int64_t> key = nexmark::KeyOf(e); key && !key_delimiter.empty()) {
      line += fmt::format("{}{}", *key, key_delimiter);
    }
    nexmark::AppendJson(e, &line);
    line.push_back('\n');
    out[e.index()] << line;
  }
  for (auto& f : out) {
    f.close();
    if (!f) return Fail(fmt::format("writing into {} failed", dir));
  }
  return 0;
}

int WriteLog(const nexmark::Generator& gen, int64_t events, const std::string& dir) {
  log::LogOptions lo;
  lo.data_dir = dir;
  auto log = log::LogManager::Open(io::FileSystem::Default(), lo);
  if (!log.ok()) return Fail(fmt::format("log {}: {}", dir, log.status()));
  auto counts = nexmark::AppendEvents(**log, gen, 0, events);
  Status closed = (*log)->Close();
  if (!counts.ok()) return Fail(fmt::format("append: {}", counts.status()));
  if (!closed.ok()) return Fail(fmt::format("close: {}", closed));
  std::printf("%lld people, %lld auctions, %lld bids, %lld bytes of JSON into %s\n",
              (long long)counts->people, (long long)counts->auctions, (long long)counts->bids,
              (long long)counts->bytes, dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  InitLogging();
  (void)SetLogLevel("warn");
  CLI::App app("Nexmark events as JSON records (bench/nexmark/README.md)", "nexmark_gen");
  int64_t events = 0;
  nexmark::GeneratorConfig config;
  std::string first_time = "2024-01-01T00:00:00Z", out_dir, log_dir, key_delimiter;
  app.add_option("--events", events, "number of events")->required()->check(CLI::PositiveNumber);
  app.add_option("--seed", config.seed, "random seed");
  app.add_option("--rate", config.events_per_second, "events per second of event time")
      ->check(CLI::PositiveNumber);
  app.add_option("--first-time", first_time, "event time of the first event (RFC 3339)");
  auto* files = app.add_option("--out-dir", out_dir, "write JSON-lines files here");
  auto* logs = app.add_option("--log-dir", log_dir, "append to this embedded log");
  app.add_option("--key-delimiter", key_delimiter, "with --out-dir: prefix keys and this")
      ->needs(files);
  files->excludes(logs);
  CLI11_PARSE(app, argc, argv);
  if (out_dir.empty() && log_dir.empty()) return Fail("one of --out-dir, --log-dir is needed");
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, first_time, &t, &err)) {
    return Fail(fmt::format("--first-time {}: {}", first_time, err));
  }
  config.first_event_us = absl::ToUnixMicros(t);
  nexmark::Generator gen(config);
  return out_dir.empty() ? WriteLog(gen, events, log_dir)
                         : WriteFiles(gen, events, out_dir, key_delimiter);
}
