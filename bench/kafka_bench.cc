// The Kafka API under librdkafka (Debian's 2.0.2) on loopback: producer and consumer
// throughput and produce latency, as issue 3's targets state them.
//
//   kafka_bench [--broker HOST:PORT] [--dir DIR] [--messages N] [--size BYTES]
//               [--partitions P] [--rate MSGS_PER_S] [--topic-config KEY=VALUE ...]
//               [--producer-config KEY=VALUE ...] [--consumer-config KEY=VALUE ...]
//               [--consume-runs K] [--server-fetch-max-bytes N]
//
// Without --broker it starts an Oxbow Kafka server in-process on an ephemeral port over
// DIR (the topic defaults: fsync per append, flush.messages=1). Produce uses acks=all.
// The consumer uses librdkafka's defaults (1 MiB per partition and Fetch) except
// queued.max.messages.kbytes (1 GiB, so that the bench's reading never pauses fetching);
// --producer-config / --consumer-config add or override librdkafka settings (debug=fetch
// shows each Fetch's round trip). --consume-runs consumes the topic K times, one consumer
// after the other, after producing it once. --server-fetch-max-bytes sets the in-process
// server's fetch_max_bytes (the cap on a Fetch response; default: the server's, 1 MiB).
// --rate > 0 runs the latency test instead: that many messages per second for
// --messages messages, reporting delivery latency percentiles.
// Output: one line of JSON per measurement with the CPU the clients and the in-process
// server used (load-independent, unlike the rates); consume also gives the time to the
// first message, the CPU of librdkafka's broker threads alone (client_io_cpu_s: socket
// reads and parsing), the clients' page faults and the server's fetch_max_bytes.
#include <dirent.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "io/file.h"
#include "kafka/server/handlers/handlers.h"
#include "kafka/server/kafka_server.h"
#include "log/log_manager.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string broker;
  std::string dir = "./bench-data/kafka";
  int64_t messages = 1000000;
  size_t size = 1024;
  int partitions = 1;
  int64_t rate = 0;
  int consume_runs = 1;  // consumers run one after the other over the topic produced once
  int32_t server_fetch_max_bytes = 0;  // 0: the server's default (-1 in the output: --broker)
  std::map<std::string, std::string> topic_config;
  // librdkafka settings added to (or overriding) the bench's own, e.g. debug=fetch.
  std::vector<std::pair<std::string, std::string>> producer_config, consumer_config;
};

std::pair<std::string, std::string> KeyValue(const std::string& v) {
  size_t eq = v.find('=');
  if (eq == std::string::npos) {
    std::fprintf(stderr, "expected KEY=VALUE, got %s\n", v.c_str());
    std::exit(2);
  }
  return {v.substr(0, eq), v.substr(eq + 1)};
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--broker")
      a.broker = v;
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--messages")
      a.messages = std::stoll(v);
    else if (k == "--size")
      a.size = std::stoul(v);
    else if (k == "--partitions")
      a.partitions = std::stoi(v);
    else if (k == "--server-fetch-max-bytes")
      a.server_fetch_max_bytes = std::stoi(v);
    else if (k == "--consume-runs")
      a.consume_runs = std::stoi(v);
    else if (k == "--rate")
      a.rate = std::stoll(v);
    else if (k == "--topic-config")
      a.topic_config.insert(KeyValue(v));
    else if (k == "--producer-config")
      a.producer_config.push_back(KeyValue(v));
    else if (k == "--consumer-config")
      a.consumer_config.push_back(KeyValue(v));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

// `extra` (the command line's) is applied after `conf` (the bench's), so it overrides it.
rd_kafka_t* Client(rd_kafka_type_t type, const std::string& broker,
                   std::vector<std::pair<std::string, std::string>> conf,
                   const std::vector<std::pair<std::string, std::string>>& extra,
                   void (*dr)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr) {
  rd_kafka_conf_t* c = rd_kafka_conf_new();
  char err[512];
  conf.emplace_back("bootstrap.servers", broker);
  conf.insert(conf.end(), extra.begin(), extra.end());
  for (const auto& [k, v] : conf) {
    if (rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s\n", err);
      std::exit(1);
    }
  }
  if (dr != nullptr) rd_kafka_conf_set_dr_msg_cb(c, dr);
  rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "%s\n", err);
    std::exit(1);
  }
  return rk;
}

// CPU seconds used so far by this process's threads, split into the Kafka clients'
// (librdkafka's "rdk:" threads and the main thread, which drives them) and the in-process
// server's (the rest). On a machine shared with other work the wall-clock rates swing with
// the load; CPU per byte does not. Also the clients' minor page faults (first touches of
// memory), which tell how the client's buffers are reused.
struct CpuSplit {
  double client = 0;
  double server = 0;
  double client_io = 0;  // of `client`: librdkafka's broker threads (socket I/O, parsing)
  uint64_t client_faults = 0;
};

CpuSplit ThreadCpu() {
  CpuSplit out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const std::string self = std::to_string(getpid());
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return out;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::FILE* f = std::fopen(fmt::format("/proc/self/task/{}/stat", e->d_name).c_str(), "r");
    if (f == nullptr) continue;  // the thread has just exited
    char buf[1024];
    size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // "tid (comm) state ..." — comm may hold spaces; fields after it are space-separated.
    std::string_view stat(buf, n);
    size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos) continue;
    std::string_view comm = stat.substr(open + 1, close - open - 1);
    // Fields 3.. after the comm: state is field 3, minflt 10, utime 14, stime 15.
    unsigned long long minflt = 0, utime = 0, stime = 0;
    if (std::sscanf(buf + close + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %*u %*u %llu %llu",
                    &minflt, &utime, &stime) != 3) {
      continue;
    }
    // schedstat's first field is the thread's time on a CPU in ns: stat's utime and stime
    // are sampled at the scheduler tick, too coarse for the short runs compared here.
    double secs = static_cast<double>(utime + stime) / tick;
    if (std::FILE* sf =
            std::fopen(fmt::format("/proc/self/task/{}/schedstat", e->d_name).c_str(), "r")) {
      unsigned long long ns = 0;
      if (std::fscanf(sf, "%llu", &ns) == 1) secs = static_cast<double>(ns) / 1e9;
      std::fclose(sf);
    }
    if (comm.starts_with("rdk:") || self == e->d_name) {
      out.client += secs;
      out.client_faults += minflt;
      if (comm.starts_with("rdk:broker")) out.client_io += secs;
    } else {
      out.server += secs;
    }
  }
  closedir(dir);
  return out;
}

std::atomic<int64_t> g_failed{0};
std::vector<int64_t>* g_latencies = nullptr;

void CountFailure(const rd_kafka_message_t* m) {
  // The first few errors are printed: a benchmark that fails silently measures nothing.
  if (g_failed.fetch_add(1) < 5) {
    std::fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
  }
}

void CountFailures(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) CountFailure(m);
}

void RecordLatency(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) {
    CountFailure(m);
    return;
  }
  auto sent = reinterpret_cast<intptr_t>(m->_private);
  int64_t now =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
          .count();
  g_latencies->push_back(now - sent);
}

void Produce(const Args& a, const std::string& topic) {
  rd_kafka_t* p = Client(RD_KAFKA_PRODUCER, a.broker,
                         {{"acks", "all"},
                          {"linger.ms", "5"},
                          {"batch.size", "1000000"},
                          {"queue.buffering.max.messages", "1000000"},
                          {"queue.buffering.max.kbytes", "2097151"}},
                         a.producer_config, CountFailures);
  std::string value(a.size, 'v');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  CpuSplit cpu0 = ThreadCpu();
  auto t0 = Clock::now();
  for (int64_t i = 0; i < a.messages; ++i) {
    int32_t partition = static_cast<int32_t>(i % a.partitions);
    while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_VALUE(value.data(), value.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(p, 1);
    }
    if (i % 1000 == 0) rd_kafka_poll(p, 0);
  }
  rd_kafka_flush(p, 600000);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  CpuSplit cpu = ThreadCpu();
  double bytes = static_cast<double>(a.messages) * a.size;
  std::printf(
      "{\"bench\":\"produce\",\"acks\":\"all\",\"partitions\":%d,\"size\":%zu,"
      "\"messages\":%lld,\"failed\":%lld,\"seconds\":%.3f,\"msgs_per_s\":%.0f,"
      "\"mb_per_s\":%.1f,\"server_cpu_s\":%.2f,\"client_cpu_s\":%.2f}\n",
      a.partitions, a.size, static_cast<long long>(a.messages),
      static_cast<long long>(g_failed.load()), secs, a.messages / secs, bytes / 1e6 / secs,
      cpu.server - cpu0.server, cpu.client - cpu0.client);
  rd_kafka_destroy(p);
}

void Consume(const Args& a, const std::string& topic) {
  rd_kafka_t* c = Client(RD_KAFKA_CONSUMER, a.broker, {{"queued.max.messages.kbytes", "1048576"}},
                         a.consumer_config);
  rd_kafka_topic_t* t = rd_kafka_topic_new(c, topic.c_str(), nullptr);
  rd_kafka_queue_t* q = rd_kafka_queue_new(c);
  // Learn the partitions' leader before starting: a partition started before librdkafka has
  // the topic's metadata queries its start offset only when a 500 ms retry timer fires (a
  // constant of librdkafka's, whatever the broker), which would be counted as consume time.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(c, 0, t, &md, 10000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "metadata: %s\n", rd_kafka_err2str(err));
    std::exit(1);
  }
  rd_kafka_metadata_destroy(md);
  CpuSplit cpu0 = ThreadCpu();
  auto t0 = Clock::now();
  for (int p = 0; p < a.partitions; ++p) {
    rd_kafka_consume_start_queue(t, p, RD_KAFKA_OFFSET_BEGINNING, q);
  }
  int64_t got = 0, bytes = 0;
  std::vector<rd_kafka_message_t*> batch(10000);
  std::optional<Clock::time_point> first;
  while (got < a.messages) {
    ssize_t n = rd_kafka_consume_batch_queue(q, 1000, batch.data(), batch.size());
    if (n > 0 && !first) first = Clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      if (!batch[i]->err) {
        ++got;
        bytes += static_cast<int64_t>(batch[i]->len);
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  auto t1 = Clock::now();
  double secs = std::chrono::duration<double>(t1 - t0).count();
  double startup = first ? std::chrono::duration<double>(*first - t0).count() : 0;
  CpuSplit cpu = ThreadCpu();
  std::printf(
      "{\"bench\":\"consume\",\"partitions\":%d,\"size\":%zu,\"messages\":%lld,"
      "\"seconds\":%.3f,\"msgs_per_s\":%.0f,\"mb_per_s\":%.1f,\"first_message_s\":%.3f,"
      "\"server_cpu_s\":%.2f,\"client_cpu_s\":%.2f,\"client_io_cpu_s\":%.2f,"
      "\"client_page_faults\":%llu,\"server_fetch_max_bytes\":%d}\n",
      a.partitions, a.size, static_cast<long long>(got), secs, got / secs, bytes / 1e6 / secs,
      startup, cpu.server - cpu0.server, cpu.client - cpu0.client, cpu.client_io - cpu0.client_io,
      static_cast<unsigned long long>(cpu.client_faults - cpu0.client_faults),
      a.server_fetch_max_bytes);
  for (int p = 0; p < a.partitions; ++p) rd_kafka_consume_stop(t, p);
  rd_kafka_queue_destroy(q);
  rd_kafka_topic_destroy(t);
  rd_kafka_destroy(c);
}

void Latency(const Args& a, const std::string& topic) {
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(a.messages));
  g_latencies = &latencies;
  rd_kafka_t* p = Client(RD_KAFKA_PRODUCER, a.broker, {{"acks", "all"}, {"linger.ms", "0"}},
                         a.producer_config, RecordLatency);
  std::string value(a.size, 'v');
  // Steady state, not the client's start: one message per partition, delivered, before the
  // clock starts (connection and first metadata: 1–2 ms here, but not part of the latency
  // a running producer sees).
  for (int32_t part = 0; part < a.partitions; ++part) {
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(part),
                      RD_KAFKA_V_VALUE(value.data(), value.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(nullptr),
                      RD_KAFKA_V_END);
  }
  rd_kafka_flush(p, 60000);
  latencies.clear();
  CpuSplit cpu0 = ThreadCpu();
  auto start = Clock::now();
  for (int64_t i = 0; i < a.messages; ++i) {
    // Paced: message i leaves at start + i / rate.
    auto due = start + std::chrono::microseconds(i * 1000000 / a.rate);
    // Sleep rather than spin: on a small machine a spinning client takes a CPU from the
    // broker it measures. Delivery reports are served between messages.
    rd_kafka_poll(p, 0);
    std::this_thread::sleep_until(due);
    int64_t now =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
            .count();
    rd_kafka_producev(
        p, RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_PARTITION(static_cast<int32_t>(i % a.partitions)),
        RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(now))), RD_KAFKA_V_END);
  }
  rd_kafka_flush(p, 60000);
  CpuSplit cpu = ThreadCpu();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[static_cast<size_t>(q * (latencies.size() - 1))] / 1000.0;
  };
  std::printf(
      "{\"bench\":\"latency\",\"acks\":\"all\",\"rate\":%lld,\"partitions\":%d,"
      "\"size\":%zu,\"messages\":%zu,\"failed\":%lld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f,\"server_cpu_us_per_msg\":%.1f,\"client_cpu_us_per_msg\":%.1f}\n",
      static_cast<long long>(a.rate), a.partitions, a.size, latencies.size(),
      static_cast<long long>(g_failed.load()), pct(0.5), pct(0.99), pct(1.0),
      (cpu.server - cpu0.server) * 1e6 / static_cast<double>(a.messages),
      (cpu.client - cpu0.client) * 1e6 / static_cast<double>(a.messages));
  rd_kafka_destroy(p);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace oxbow;
  InitLogging();
  (void)SetLogLevel("warn");
  Args a = Parse(argc, argv);
  std::unique_ptr<log::LogManager> log;
  std::unique_ptr<kafka::KafkaServer> server;
  if (!a.broker.empty()) a.server_fetch_max_bytes = -1;  // not ours to know
  if (a.broker.empty()) {
    (void)io::FileSystem::Default().RemoveAll(a.dir);
    log::LogOptions lo;
    lo.data_dir = a.dir;
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    OXBOW_CHECK(m.ok(), "{}", m.status());
    log = std::move(*m);
    log->StartBackground();
    kafka::KafkaServerOptions so;
    so.listen_host = "127.0.0.1";
    so.listen_port = 0;
    if (a.server_fetch_max_bytes > 0) so.fetch_max_bytes = a.server_fetch_max_bytes;
    a.server_fetch_max_bytes = so.fetch_max_bytes;  // reported with each consume run
    server = std::make_unique<kafka::KafkaServer>(so, *log, kafka::HandlerRegistry());
    kafka::AddAllHandlers(server->registry(), {log.get(), &server->options()});
    OXBOW_CHECK(server->Start().ok(), "start");
    a.broker = "127.0.0.1:" + std::to_string(server->bound_port());
  }
  std::string topic = "bench-" + std::to_string(a.size) + "-" + std::to_string(a.partitions) + "-" +
                      std::to_string(Clock::now().time_since_epoch().count());
  if (log) OXBOW_CHECK(log->CreateTopic(topic, a.partitions, a.topic_config).ok(), "create");
  if (a.rate > 0) {
    Latency(a, topic);
  } else {
    Produce(a, topic);
    for (int i = 0; i < a.consume_runs; ++i) Consume(a, topic);
  }
  if (server) server->Stop();
  return 0;
}
