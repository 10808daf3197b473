// A test helper for kafka_idempotent_kill_test.sh: an idempotent librdkafka producer
// (enable.idempotence=true, acks=all) that streams numbered messages until told to stop,
// riding out broker restarts on librdkafka's retries.
//
// Usage: idempotent_producer BROKER TOPIC PARTITIONS STOP_FILE ACKED_FILE
//   Message n (0, 1, 2, ...) has the value "n" and goes to partition n % PARTITIONS, so each
//   partition holds an increasing sequence. About every 5000 acknowledgements it prints
//   "acked N" (N: the total so far). Once STOP_FILE exists it stops producing, waits for
//   every delivery report (up to 120 s), writes the acknowledged numbers to ACKED_FILE, one
//   per line, and prints "produced P acked A failed F". Exit status 0 when every message was
//   acknowledged, 1 otherwise (the first error is printed).
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct State {
  std::vector<int64_t> acked;
  int64_t failed = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* st = static_cast<State*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (st->failed++ == 0) st->first_error = rd_kafka_err2str(m->err);
    return;
  }
  std::string v(static_cast<const char*>(m->payload), m->len);
  st->acked.push_back(std::strtoll(v.c_str(), nullptr, 10));
  if (st->acked.size() % 5000 == 0) {
    std::printf("acked %zu\n", st->acked.size());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s BROKER TOPIC PARTITIONS STOP_FILE ACKED_FILE\n", argv[0]);
    return 2;
  }
  const std::string broker = argv[1], topic = argv[2], stop_file = argv[4], acked_file = argv[5];
  const int partitions = std::atoi(argv[3]);
  State st;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : std::vector<std::pair<const char*, const char*>>{
           {"bootstrap.servers", broker.c_str()},
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"linger.ms", "2"},
           // Long enough to outlast a broker restart: retries continue meanwhile.
           {"message.timeout.ms", "120000"},
           {"reconnect.backoff.max.ms", "200"}}) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s: %s\n", k, err);
      return 2;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &st);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "rd_kafka_new: %s\n", err);
    return 2;
  }
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  int64_t produced = 0;
  // About 50k messages a second: a steady stream, so that the broker is killed mid-stream.
  while (access(stop_file.c_str(), F_OK) != 0) {
    for (int i = 0; i < 100; ++i) {
      std::string v = std::to_string(produced);
      if (rd_kafka_produce(t, static_cast<int32_t>(produced % partitions), RD_KAFKA_MSG_F_COPY,
                           v.data(), v.size(), nullptr, 0, nullptr) != 0) {
        break;  // queue full: poll and retry this number
      }
      ++produced;
    }
    rd_kafka_poll(rk, 2);
  }
  rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, 120000);
  rd_kafka_topic_destroy(t);
  rd_kafka_destroy(rk);

  FILE* out = std::fopen(acked_file.c_str(), "w");
  if (out == nullptr) {
    std::perror(acked_file.c_str());
    return 2;
  }
  for (int64_t n : st.acked) std::fprintf(out, "%lld\n", static_cast<long long>(n));
  std::fclose(out);
  std::printf("produced %lld acked %zu failed %lld\n", static_cast<long long>(produced),
              st.acked.size(), static_cast<long long>(st.failed));
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::printf("flush: %s\n", rd_kafka_err2str(flushed));
    return 1;
  }
  if (st.failed > 0) {
    std::printf("first error: %s\n", st.first_error.c_str());
    return 1;
  }
  return static_cast<int64_t>(st.acked.size()) == produced ? 0 : 1;
}
