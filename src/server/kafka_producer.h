// A Kafka producer (librdkafka) for `oxbow topic produce` against a server: acks=all, in
// order, records sent to the partition the caller chose, each one's fate counted from its
// delivery report.
//
// Threads: one thread uses a KafkaProducer; delivery reports run on it, inside Produce and
// Flush.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/status.h"
#include "log/record_batch.h"
#include "server/kafka_client.h"

namespace oxbow::server {

class KafkaProducer {
 public:
  struct Options {
    std::string compression = "none";  // none, gzip, snappy, lz4, zstd
    int32_t batch_size = 1000;         // most records per batch
    // The largest batch to send: the topic's max.message.bytes, which the broker enforces.
    int64_t max_batch_bytes = 1000000;
  };
  // What the broker acknowledged for one partition.
  struct Acked {
    int64_t records = 0;
    Offset first{-1};
    Offset last{-1};
  };

  static Result<std::unique_ptr<KafkaProducer>> Connect(const std::string& bootstrap,
                                                        const std::string& topic,
                                                        const Options& options);

  // Queues a record for `partition` (waiting while librdkafka's queue is full). Returns the
  // first delivery failure seen so far, if any.
  Status Produce(PartitionId partition, std::optional<std::string_view> key, std::string_view value,
                 std::span<const log::RecordHeader> headers);
  // Waits until every queued record is acknowledged or failed; returns the first failure.
  Status Flush();
  // By partition id.
  const std::map<int32_t, Acked>& acked() const { return acked_; }

 private:
  KafkaProducer(std::string topic) : topic_(std::move(topic)) {}
  void OnDelivery(const rd_kafka_message_t& m);

  std::string topic_;
  std::unique_ptr<KafkaClient> client_;
  std::map<int32_t, Acked> acked_;
  Status failure_;  // the first failed delivery
};

}  // namespace oxbow::server
