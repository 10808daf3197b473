// Where the registry's records (registry_record.h) are made durable: the `_schemas` topic in
// a server (schemas_topic.h), an in-memory or faulty store in tests.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "base/status.h"
#include "registry/registry_record.h"

namespace oxbow::registry {

class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // Appends `records` in order, all or nothing. When it returns OK they are durable (on a
  // log: written and fsynced) and a later ReadAll returns them. Errors are the storage's;
  // after an error nothing of `records` is applied by the caller.
  virtual Status Append(std::span<const RegistryRecord> records) = 0;

  // Calls `fn` with the key and value bytes (nullopt: null) of every record from the
  // beginning, in order. Errors: the storage's, e.g. DataLoss for a corrupt batch.
  using RecordFn = absl::FunctionRef<void(std::optional<std::string_view> key,
                                          std::optional<std::string_view> value)>;
  virtual Status ReadAll(RecordFn fn) = 0;
};

}  // namespace oxbow::registry
