// How the `oxbow topic` commands reach topics: the data directory itself (LocalTopicBackend),
// or a running server through the Kafka API (KafkaTopicBackend). The commands print from
// what these return, so their output is the same either way; OpenTopicBackend is the one
// place that chooses.
//
// Errors are the log's codes in both backends (the Kafka one maps Kafka error codes to
// them; kafka_client.h): NotFound for a missing topic, AlreadyExists, InvalidArgument for a
// bad name, count or config, Unavailable when the server cannot be reached.
//
// Threads: a backend and what it opens are used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "log/log_manager.h"
#include "log/record_batch.h"
#include "server/config.h"
#include "server/record_format.h"
#include "server/signals.h"

namespace oxbow::server {

struct PartitionState {
  PartitionId id;
  Offset log_start;
  Offset high_watermark;
  // Known only from the data directory: Kafka's protocol (as librdkafka 2.0 speaks it) has
  // no request for them.
  std::optional<uint64_t> size_bytes;
  std::optional<uint64_t> segments;
};

// Where a topic's effective config value comes from.
enum class ConfigOrigin { kDefault, kServer, kTopic };

struct ConfigValue {
  std::string value;
  ConfigOrigin origin;
};

struct TopicDescription {
  std::string name;
  std::vector<PartitionState> partitions;  // by id
  std::map<std::string, ConfigValue> config;
};

// What one partition received from a RecordWriter.
struct ProducedRange {
  int64_t records = 0;
  Offset first{-1};
  Offset last{-1};
};

struct OutgoingRecord {
  std::optional<std::string_view> key;  // nullopt: a null key
  std::string_view value;
  std::span<const log::RecordHeader> headers;
};

// Writes records to chosen partitions of one topic, in batches; the timestamp is the time
// of Write (CreateTime).
class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  // Queues a record; may write a batch. A failed write is returned by this or a later call.
  virtual Status Write(PartitionId partition, const OutgoingRecord& record) = 0;
  // Writes everything queued and waits until it is acknowledged (appended). Returns the
  // first failure of any write; the records that were written are in progress() either way.
  virtual Status Flush() = 0;
  // By partition id, the partitions written to.
  virtual std::map<int32_t, ProducedRange> progress() const = 0;
};

// Called with each record read; returns false to stop.
using ConsumeFn = std::function<bool(const ConsumedRecord&)>;

// Reads records of one topic in offset order per partition.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads `partition` from `start` up to `end` (exclusive; the high watermark the caller
  // saw), or until `fn` returns false. Returns whether `fn` asked to stop.
  virtual Result<bool> ReadRange(PartitionId partition, Offset start, Offset end,
                                 const ConsumeFn& fn) = 0;
  // Reads every partition of `starts` (id -> first offset) as records arrive, until `fn`
  // returns false or SIGINT/SIGTERM arrives on `signals`.
  virtual Status Follow(const std::map<int32_t, Offset>& starts, const ConsumeFn& fn,
                        ShutdownSignals& signals) = 0;
};

class TopicBackend {
 public:
  virtual ~TopicBackend() = default;

  // Creates a topic (partitions <= 0: the server's default count); returns its partition
  // count.
  virtual Result<int32_t> CreateTopic(const std::string& name, int32_t partitions,
                                      const log::ConfigMap& overrides) = 0;
  // Topic names, sorted.
  virtual Result<std::vector<std::string>> ListTopics() = 0;
  // Partitions with their offsets, and (with_config) the effective config.
  virtual Result<TopicDescription> DescribeTopic(const std::string& name, bool with_config) = 0;
  virtual Status DeleteTopic(const std::string& name) = 0;
  // Applies `changes` to the topic's overrides (an empty value removes one); returns the
  // overrides afterwards.
  virtual Result<log::ConfigMap> AlterTopicConfig(const std::string& name,
                                                  const log::ConfigMap& changes) = 0;
  // The first offset of `partition` with a timestamp at or after `ts`; nullopt if none.
  virtual Result<std::optional<Offset>> OffsetForTimestamp(const std::string& topic,
                                                           PartitionId partition,
                                                           TimestampMs ts) = 0;
  virtual Result<std::unique_ptr<RecordWriter>> OpenWriter(const std::string& topic,
                                                           log::Compression compression,
                                                           int32_t batch_size) = 0;
  virtual Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& topic) = 0;
  // Releases the data directory or the connection. Writers and readers must be gone.
  virtual Status Close() = 0;
};

// The backend for this invocation:
//  - with --bootstrap-server, the Kafka API there;
//  - otherwise the data directory, when no other process holds it;
//  - when a running server holds it, that server's Kafka API at its configured
//    --kafka-listener (as this invocation's configuration resolves it, from the same flags,
//    environment and file the server reads). If that fails, the error names both the lock
//    and the address that could not be reached.
Result<std::unique_ptr<TopicBackend>> OpenTopicBackend(const ServerConfig& config);

// For the commands that need the files themselves (compact, verify): the data directory, or
// FailedPrecondition saying why `command` cannot work through a server, with `why` (e.g.
// "the server compacts in the background") and what to do instead.
Result<std::unique_ptr<log::LogManager>> OpenDataDirOnly(const ServerConfig& config,
                                                         std::string_view command,
                                                         std::string_view why);

}  // namespace oxbow::server
