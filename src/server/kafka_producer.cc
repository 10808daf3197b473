#include "server/kafka_producer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace oxbow::server {
namespace {

constexpr int kQueueFullWaitMs = 50;

}  // namespace

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Connect(const std::string& bootstrap,
                                                              const std::string& topic,
                                                              const Options& options) {
  std::unique_ptr<KafkaProducer> p(new KafkaProducer(topic));
  // librdkafka accepts 1000..1000000000 bytes; the broker's limit is the one that matters.
  int64_t max_bytes = std::clamp<int64_t>(options.max_batch_bytes, 1000, 1000000000);
  KafkaClient::Settings settings = {
      // In order, as the local path appends: one request in flight per connection, so a
      // retried batch cannot overtake the next. (Idempotence would also rule out duplicates
      // after a retry, but needs InitProducerId, which the embedded broker does not offer
      // yet: librdkafka would fail fatally against it.)
      {"acks", "all"},
      {"max.in.flight.requests.per.connection", "1"},
      {"compression.codec", options.compression},
      {"batch.num.messages", std::to_string(options.batch_size)},
      {"batch.size", std::to_string(max_bytes)},
      {"message.max.bytes", std::to_string(max_bytes)},
      {"linger.ms", "5"},
      {"message.timeout.ms", std::to_string(kKafkaRequestTimeoutMs)},
  };
  KafkaProducer* self = p.get();
  ASSIGN_OR_RETURN(p->client_, KafkaClient::Connect(
                                   KafkaClient::Type::kProducer, bootstrap, settings,
                                   [self](const rd_kafka_message_t& m) { self->OnDelivery(m); }));
  return p;
}

Status KafkaProducer::Produce(PartitionId partition, std::optional<std::string_view> key,
                              std::string_view value, std::span<const log::RecordHeader> headers) {
  std::vector<rd_kafka_vu_t> args(4 + headers.size());
  args[0].vtype = RD_KAFKA_VTYPE_TOPIC;
  args[0].u.cstr = topic_.c_str();
  args[1].vtype = RD_KAFKA_VTYPE_PARTITION;
  args[1].u.i32 = partition.value();
  args[2].vtype = RD_KAFKA_VTYPE_VALUE;
  args[2].u.mem = {const_cast<char*>(value.data()), value.size()};
  args[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  args[3].u.i = RD_KAFKA_MSG_F_COPY;
  std::vector<std::string> names;  // header names must be NUL-terminated
  names.reserve(headers.size());
  for (size_t i = 0; i < headers.size(); ++i) {
    const log::RecordHeader& h = headers[i];
    names.emplace_back(h.key);
    rd_kafka_vu_t& a = args[4 + i];
    a.vtype = RD_KAFKA_VTYPE_HEADER;  // copied by librdkafka
    a.u.header = {names.back().c_str(), h.value ? h.value->data() : nullptr,
                  h.value ? static_cast<ssize_t>(h.value->size()) : -1};
  }
  if (key) {  // left out: a null key
    rd_kafka_vu_t& a = args.emplace_back();
    a.vtype = RD_KAFKA_VTYPE_KEY;
    a.u.mem = {const_cast<char*>(key->data()), key->size()};
  }
  while (true) {
    rd_kafka_error_t* error = rd_kafka_produceva(client_->get(), args.data(), args.size());
    if (error == nullptr) break;
    rd_kafka_resp_err_t err = rd_kafka_error_code(error);
    std::string message = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return KafkaStatus(err, fmt::format("producing to {}-{}: {}", topic_, partition, message));
    }
    client_->Poll(kQueueFullWaitMs);  // delivery reports make room
  }
  client_->Poll(0);
  return failure_;
}

Status KafkaProducer::Flush() {
  rd_kafka_resp_err_t err = rd_kafka_flush(client_->get(), kKafkaRequestTimeoutMs + 5000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && failure_.ok()) {
    failure_ = KafkaStatus(err, fmt::format("waiting for the server to acknowledge records: {}",
                                            rd_kafka_err2str(err)));
  }
  return failure_;
}

void KafkaProducer::OnDelivery(const rd_kafka_message_t& m) {
  if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (failure_.ok()) {
      failure_ = KafkaStatus(m.err, fmt::format("producing to {}-{}: {}", topic_, m.partition,
                                                rd_kafka_err2str(m.err)));
    }
    return;
  }
  Acked& a = acked_[m.partition];
  Offset offset(m.offset);
  if (a.records == 0 || offset < a.first) a.first = offset;
  if (a.records == 0 || offset > a.last) a.last = offset;
  ++a.records;
}

}  // namespace oxbow::server
