// The registry's state: subjects and their versions, schemas by id, compatibility and mode
// settings. It is exactly what applying the `_schemas` records (registry_record.h) in order
// gives: the service computes the records of a change, makes them durable, then applies
// them here; on start the same Apply replays the topic. So what a restart rebuilds cannot
// differ from what was served.
//
// Threads: none of its own and no locking; SchemaRegistry guards it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "registry/compatibility.h"
#include "registry/parsed_schema.h"
#include "registry/registry_record.h"

namespace oxbow::registry {

struct VersionState {
  int32_t id = 0;
  bool deleted = false;  // soft-deleted
};

// A schema by its global id. It lives while some version record (soft-deleted or not)
// carries its id; GET /schemas/ids/{id} answers it as long as it lives.
struct StoredSchema {
  int32_t id = 0;
  SchemaType type = SchemaType::kAvro;
  std::string schema;  // the normalized form (as registered)
  std::vector<SchemaReference> references;
  // Null when the stored text does not parse (a record written by another program); such a
  // schema is served but takes part in no compatibility check.
  std::shared_ptr<const ParsedSchema> parsed;
  // The (subject, version) records carrying this id.
  std::set<std::pair<std::string, int32_t>> users;
};

struct SubjectState {
  std::map<int32_t, VersionState> versions;  // by version number; empty: no versions
  std::optional<CompatibilityLevel> compatibility;
  std::optional<Mode> mode;

  // The latest version that is not soft-deleted (or, with include_deleted, the latest).
  std::optional<int32_t> Latest(bool include_deleted) const;
  bool HasVersions(bool include_deleted) const { return Latest(include_deleted).has_value(); }
};

class RegistryState {
 public:
  // Applies one record. Records that do not fit the state (a version naming an id that is
  // another schema, a reference to a version that does not exist) are applied as far as
  // they can be; the returned warning says what was odd (for the log). Never fails.
  Status Apply(const RegistryRecord& record);

  const SubjectState* FindSubject(std::string_view subject) const;
  const StoredSchema* FindSchema(int32_t id) const;
  // The id of the schema with this identity (see Identity), if one is registered.
  std::optional<int32_t> FindId(const std::string& identity) const;
  // What makes two registrations the same schema: type, normalized form and references.
  static std::string Identity(SchemaType type, std::string_view normalized,
                              const std::vector<SchemaReference>& references);

  // The parsed schemas `references` name, in order. InvalidArgument naming the first that
  // does not exist (permanently deleted or never registered) or does not parse.
  Result<std::vector<std::shared_ptr<const ParsedSchema>>> ResolveReferences(
      const std::vector<SchemaReference>& references) const;

  const std::map<std::string, SubjectState, std::less<>>& subjects() const { return subjects_; }
  const std::map<int32_t, StoredSchema>& schemas() const { return schemas_; }
  // The highest id ever given (0 before the first); the next new id is one more.
  int32_t max_id() const { return max_id_; }
  std::optional<CompatibilityLevel> global_compatibility() const { return global_compatibility_; }
  std::optional<Mode> global_mode() const { return global_mode_; }

 private:
  Status ApplySchema(const std::string& subject, int32_t version, const SchemaValue* value);
  void RemoveUser(int32_t id, const std::string& subject, int32_t version);
  void EraseIfEmpty(const std::string& subject);

  std::map<std::string, SubjectState, std::less<>> subjects_;
  std::map<int32_t, StoredSchema> schemas_;
  absl::flat_hash_map<std::string, int32_t> ids_by_identity_;
  int32_t max_id_ = 0;
  std::optional<CompatibilityLevel> global_compatibility_;
  std::optional<Mode> global_mode_;
};

}  // namespace oxbow::registry
