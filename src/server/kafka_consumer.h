// A Kafka consumer (librdkafka) for `oxbow topic consume` against a server: partitions are
// assigned with their start offsets, never subscribed, so there is no group membership and
// nothing is committed. (librdkafka wants a group.id for assign() all the same; it only
// names the client's group coordinator, which is never joined.)
//
// Threads: one thread uses a KafkaConsumer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "log/record_batch.h"
#include "server/kafka_client.h"
#include "server/record_format.h"

namespace oxbow::server {

class KafkaConsumer {
 public:
  static Result<std::unique_ptr<KafkaConsumer>> Connect(const std::string& bootstrap,
                                                        const std::string& topic);
  ~KafkaConsumer();

  // Reads exactly these partitions (id -> first offset), replacing what was assigned. A
  // start offset that retention removed meanwhile continues at the log start, as the local
  // path does.
  Status Assign(const std::map<int32_t, Offset>& starts);

  struct Polled {
    enum class Kind { kNothing, kRecord, kEnd };
    Kind kind = Kind::kNothing;
    // kRecord: valid until the next Poll.
    ConsumedRecord record;
    // kEnd: the partition reached the high watermark `end`.
    PartitionId partition;
    Offset end;
  };
  // Waits up to timeout_ms for a record or the end of a partition. Errors: the topic or
  // partition is gone (NotFound), the server went away (Unavailable), librdkafka failed
  // fatally.
  Result<Polled> Poll(int timeout_ms);

 private:
  explicit KafkaConsumer(std::string topic) : topic_(std::move(topic)) {}
  struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };

  std::string topic_;
  std::unique_ptr<KafkaClient> client_;
  // The last record polled, which Polled::record points into.
  std::unique_ptr<rd_kafka_message_t, MessageDeleter> message_;
  std::vector<log::RecordHeader> headers_;
};

}  // namespace oxbow::server
