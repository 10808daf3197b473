// The catalog's durable store: the compacted internal topic `__oxbow_catalog` (one
// partition) in the server's own log, written through log::Partition.
//
// Durability: Append writes one record batch and returns after it is fsynced (whatever the
// topic's flush settings), so a DDL statement that succeeded survives a crash.
// Threads: Append and ReadAll may be called from any thread (the partition serializes
// appends).
#pragma once

#include <memory>
#include <string>

#include "log/log_manager.h"
#include "sql/catalog_store.h"

namespace oxbow::sql {

inline constexpr char kCatalogTopic[] = "__oxbow_catalog";

class CatalogTopic : public CatalogStore {
 public:
  // Opens `topic` in `log`, creating it (1 partition, cleanup.policy=compact) when missing.
  // FailedPrecondition if it has more than one partition (the catalog's changes are one
  // ordered history). `log` must outlive the store.
  static Result<std::unique_ptr<CatalogTopic>> Open(log::LogManager& log,
                                                    const std::string& topic = kCatalogTopic);

  Status Append(std::span<const CatalogRecord> records) override;
  // Reads the partition from its log start offset to its high watermark. DataLoss, naming
  // the offset, for a batch that fails validation.
  Status ReadAll(RecordFn fn) override;

 private:
  explicit CatalogTopic(std::shared_ptr<log::Partition> partition)
      : partition_(std::move(partition)) {}

  std::shared_ptr<log::Partition> partition_;
};

}  // namespace oxbow::sql
