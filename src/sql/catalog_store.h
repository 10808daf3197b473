// Where the catalog's changes are made durable: the `__oxbow_catalog` topic in a server
// (catalog_topic.h), memory or a faulty store in tests.
//
// A change is a record: key = object name, value = the object's JSON (catalog_object.h), or
// no value (a tombstone) when the object is dropped. Replaying the records in order from the
// beginning rebuilds the catalog; a compacted topic keeps only the latest record per name.
//
// Thread safety: the Catalog calls Append under its write lock (one caller at a time) and
// ReadAll once, before it is shared.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "base/status.h"

namespace oxbow::sql {

struct CatalogRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: tombstone
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Appends `records` in order, atomically (one record batch): when it returns OK all of
  // them are durable, on error none is applied by the catalog. Errors are the storage's.
  virtual Status Append(std::span<const CatalogRecord> records) = 0;

  // Calls `fn` with every record from the beginning, in order. Errors: the storage's, e.g.
  // DataLoss for a damaged batch.
  using RecordFn =
      absl::FunctionRef<Status(std::string_view key, std::optional<std::string_view> value)>;
  virtual Status ReadAll(RecordFn fn) = 0;
};

// Keeps the records in memory (tests; a catalog without a data directory).
class MemoryCatalogStore : public CatalogStore {
 public:
  Status Append(std::span<const CatalogRecord> records) override {
    if (fail_appends_) return absl::UnavailableError("injected append failure");
    records_.insert(records_.end(), records.begin(), records.end());
    return absl::OkStatus();
  }
  Status ReadAll(RecordFn fn) override {
    for (const CatalogRecord& r : records_) {
      std::optional<std::string_view> value;
      if (r.value) value = *r.value;
      RETURN_IF_ERROR(fn(r.key, value));
    }
    return absl::OkStatus();
  }

  const std::vector<CatalogRecord>& records() const { return records_; }
  void set_fail_appends(bool fail) { fail_appends_ = fail; }

 private:
  std::vector<CatalogRecord> records_;
  bool fail_appends_ = false;
};

}  // namespace oxbow::sql
