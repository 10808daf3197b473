// A librdkafka client handle (rd_kafka_t), owned: the base of the topic commands' Kafka
// backend (kafka_admin_client.h, kafka_producer.h, kafka_consumer.h).
//
// librdkafka's own threads do the network work. Its log lines go to our log at debug level:
// left on stderr they would mix with a command's output and repeat every reconnect.
//
// Threads: one thread uses a KafkaClient; the callbacks run on that thread, inside Poll()
// and librdkafka's blocking calls.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"

namespace oxbow::server {

// How long a topic command waits for a server: to answer at all (connecting), and for one
// request.
inline constexpr int kKafkaConnectTimeoutMs = 10000;
inline constexpr int kKafkaRequestTimeoutMs = 30000;

// A Kafka error code as a Status with the code the commands map to exit statuses, as the
// log's own errors would be: NotFound (unknown topic or partition), AlreadyExists,
// InvalidArgument (invalid config, partitions, replication factor, topic name, request,
// policy violation, record too large), Unavailable (transport, timeouts, no broker),
// PermissionDenied (authorization), Unknown otherwise. The message is `message` when it is
// not empty (brokers explain their errors), else librdkafka's description of the code.
Status KafkaStatus(rd_kafka_resp_err_t err, std::string_view message = {});

class KafkaClient {
 public:
  enum class Type { kProducer, kConsumer };
  using Settings = std::vector<std::pair<std::string, std::string>>;
  // A producer's delivery report (rd_kafka_conf_set_dr_msg_cb), served by Poll and Flush.
  using DeliveryFn = std::function<void(const rd_kafka_message_t&)>;

  // Creates a client of the cluster at `bootstrap` ("HOST:PORT[,HOST:PORT..]") with
  // `settings` (librdkafka properties; InvalidArgument for a bad one), and waits until a
  // broker answers. Unavailable when none does within kKafkaConnectTimeoutMs, or at once when
  // every broker refused the connection, with librdkafka's reason.
  static Result<std::unique_ptr<KafkaClient>> Connect(Type type, const std::string& bootstrap,
                                                      const Settings& settings,
                                                      DeliveryFn on_delivery = nullptr);
  ~KafkaClient();
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;

  rd_kafka_t* get() const { return rk_; }
  const std::string& bootstrap() const { return bootstrap_; }

  // Serves queued callbacks, waiting up to timeout_ms for one.
  void Poll(int timeout_ms) { rd_kafka_poll(rk_, timeout_ms); }
  // Set by librdkafka's error callback when every broker is down (connection refused, host
  // unknown, …); with the reason it gave.
  bool all_brokers_down() const { return all_brokers_down_.load(); }
  std::string last_error() const;

 private:
  KafkaClient(std::string bootstrap, DeliveryFn on_delivery)
      : bootstrap_(std::move(bootstrap)), on_delivery_(std::move(on_delivery)) {}
  Status WaitForBroker();
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

  std::string bootstrap_;
  DeliveryFn on_delivery_;
  rd_kafka_t* rk_ = nullptr;
  std::atomic<bool> all_brokers_down_{false};
  mutable absl::Mutex mu_;  // the error callback may run on librdkafka's threads
  std::string last_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::server
