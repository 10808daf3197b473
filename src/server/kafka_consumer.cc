#include "server/kafka_consumer.h"

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::server {
namespace {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

// Errors after which reading cannot go on; others (a reset offset, a transient fetch
// failure librdkafka retries) are logged as warnings.
bool IsPermanent(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Connect(const std::string& bootstrap,
                                                              const std::string& topic) {
  std::unique_ptr<KafkaConsumer> c(new KafkaConsumer(topic));
  KafkaClient::Settings settings = {
      {"group.id", "oxbow-cli"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
  };
  ASSIGN_OR_RETURN(c->client_,
                   KafkaClient::Connect(KafkaClient::Type::kConsumer, bootstrap, settings));
  return c;
}

KafkaConsumer::~KafkaConsumer() {
  message_.reset();  // before the handle it belongs to
  if (client_ != nullptr) rd_kafka_consumer_close(client_->get());
}

Status KafkaConsumer::Assign(const std::map<int32_t, Offset>& starts) {
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
      rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
  for (const auto& [id, offset] : starts) {
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), id)->offset = offset.value();
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(client_->get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaStatus(
        err, fmt::format("assigning partitions of {}: {}", topic_, rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

Result<KafkaConsumer::Polled> KafkaConsumer::Poll(int timeout_ms) {
  message_.reset();
  client_->Poll(0);  // serves the error callback
  if (client_->all_brokers_down()) {
    return absl::UnavailableError(
        fmt::format("lost the Kafka API at {}: {}", client_->bootstrap(), client_->last_error()));
  }
  Polled out;
  message_.reset(rd_kafka_consumer_poll(client_->get(), timeout_ms));
  if (message_ == nullptr) return out;
  const rd_kafka_message_t& m = *message_;
  if (m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    out.kind = Polled::Kind::kEnd;
    out.partition = PartitionId(m.partition);
    out.end = Offset(m.offset);
    return out;
  }
  if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string what = rd_kafka_message_errstr(&m);
    if (IsPermanent(m.err)) {
      if (m.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
          m.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
        return absl::NotFoundError(fmt::format("topic '{}' does not exist", topic_));
      }
      return KafkaStatus(m.err, fmt::format("reading {}: {}", topic_, what));
    }
    OXBOW_LOG_WARN("reading {}-{}: {}", topic_, m.partition, what);
    return out;
  }
  headers_.clear();
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      std::optional<ByteView> v;
      if (value != nullptr) v = ByteView(static_cast<const uint8_t*>(value), size);
      headers_.push_back({name, v});
    }
  }
  out.kind = Polled::Kind::kRecord;
  out.record.topic = topic_;
  out.record.partition = PartitionId(m.partition);
  out.record.offset = Offset(m.offset);
  out.record.timestamp = TimestampMs(rd_kafka_message_timestamp(&m, nullptr));
  if (m.key != nullptr) out.record.key = ByteView(static_cast<const uint8_t*>(m.key), m.key_len);
  if (m.payload != nullptr) {
    out.record.value = ByteView(static_cast<const uint8_t*>(m.payload), m.len);
  }
  out.record.headers = headers_;
  return out;
}

}  // namespace oxbow::server
