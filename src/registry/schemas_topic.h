// The `_schemas` topic as the registry's RecordStore: a compacted topic of one partition in
// the server's own log, as Confluent's registry keeps its state in Kafka.
//
// Threads: Append and ReadAll may be called from any thread; SchemaRegistry calls Append
// from one writer at a time (a second one would wait for the partition's append lock).
#pragma once

#include <memory>
#include <string>

#include "log/log_manager.h"
#include "registry/record_store.h"

namespace oxbow::registry {

inline constexpr char kSchemasTopic[] = "_schemas";

class SchemasTopic : public RecordStore {
 public:
  // Opens `topic` in `log`, creating it (1 partition, cleanup.policy=compact) if it does not
  // exist. FailedPrecondition if it exists with more than one partition (the registry's
  // order of changes is the order of one partition). `log` must outlive the store.
  static Result<std::unique_ptr<SchemasTopic>> Open(log::LogManager& log,
                                                    const std::string& topic = kSchemasTopic);

  // One record batch, appended and fsynced before it returns (Partition::Append fsyncs
  // when the topic's flush.messages is 1, the default; otherwise Flush does).
  Status Append(std::span<const RegistryRecord> records) override;
  // Reads the partition from its start to its high watermark.
  Status ReadAll(RecordFn fn) override;

 private:
  explicit SchemasTopic(std::shared_ptr<log::Partition> partition)
      : partition_(std::move(partition)) {}

  std::shared_ptr<log::Partition> partition_;
};

}  // namespace oxbow::registry
