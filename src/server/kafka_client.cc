#include "server/kafka_client.h"

#include <chrono>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::server {
namespace {

// The slice of the connect timeout one Metadata attempt waits, so that a refused
// connection (reported through the error callback) ends the wait early.
constexpr int kConnectSliceMs = 200;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};

void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  OXBOW_LOG_DEBUG("librdkafka {} ({}): {}", fac, level, buf);
}

}  // namespace

Status KafkaStatus(rd_kafka_resp_err_t err, std::string_view message) {
  std::string text = message.empty() ? std::string(rd_kafka_err2str(err)) : std::string(message);
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return absl::OkStatus();
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(text);
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return absl::AlreadyExistsError(text);
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return absl::InvalidArgumentError(text);
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
      return absl::UnavailableError(text);
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
      return absl::PermissionDeniedError(text);
    default:
      return absl::UnknownError(fmt::format("{} ({})", text, rd_kafka_err2name(err)));
  }
}

Result<std::unique_ptr<KafkaClient>> KafkaClient::Connect(Type type, const std::string& bootstrap,
                                                          const Settings& settings,
                                                          DeliveryFn on_delivery) {
  std::unique_ptr<KafkaClient> client(new KafkaClient(bootstrap, std::move(on_delivery)));
  std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
  char err[512];
  Settings all = {{"bootstrap.servers", bootstrap},
                  {"client.id", "oxbow-cli"},
                  // The commands create topics only when asked (as the local path does).
                  {"allow.auto.create.topics", "false"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof(err)) !=
        RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(
          fmt::format("Kafka client setting {}={}: {}", key, value, static_cast<const char*>(err)));
    }
  }
  rd_kafka_conf_set_opaque(conf.get(), client.get());
  rd_kafka_conf_set_log_cb(conf.get(), OnLog);
  rd_kafka_conf_set_error_cb(conf.get(), OnError);
  if (client->on_delivery_) rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(type == Type::kProducer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER,
                                conf.get(), err, sizeof(err));
  if (rk == nullptr) {
    return absl::InternalError(
        fmt::format("cannot create a Kafka client: {}", static_cast<const char*>(err)));
  }
  conf.release();  // rd_kafka_new took it
  client->rk_ = rk;
  RETURN_IF_ERROR(client->WaitForBroker());
  return client;
}

KafkaClient::~KafkaClient() {
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

std::string KafkaClient::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

Status KafkaClient::WaitForBroker() {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kKafkaConnectTimeoutMs);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    err = rd_kafka_metadata(rk_, /*all_topics=*/0, nullptr, &md, kConnectSliceMs);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(md);
      return absl::OkStatus();
    }
    Poll(0);  // serves the error callback
    if (all_brokers_down()) break;
  }
  std::string reason = last_error();
  if (reason.empty()) {
    reason = fmt::format("no answer within {} s ({})", kKafkaConnectTimeoutMs / 1000,
                         rd_kafka_err2str(err));
  }
  return absl::UnavailableError(
      fmt::format("cannot reach the Kafka API at {}: {}", bootstrap_, reason));
}

void KafkaClient::OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaClient*>(opaque);
  {
    absl::MutexLock lock(&self->mu_);
    // "1/1 brokers are down" follows the error that says why; keep that one.
    if (err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || self->last_error_.empty()) {
      self->last_error_ = reason;
    }
  }
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->all_brokers_down_.store(true);
}

void KafkaClient::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  static_cast<KafkaClient*>(opaque)->on_delivery_(*m);
}

}  // namespace oxbow::server
