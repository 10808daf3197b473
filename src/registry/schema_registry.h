// The schema registry service: subjects → versions → schema ids, compatibility settings and
// modes, with Confluent Schema Registry's rules, made durable in a RecordStore (the
// `_schemas` topic in a server). The HTTP API (registry_api.h) is a thin layer over it.
//
// Rules (Confluent's):
//  - The same schema — same type, normalized form (parsed_schema.h) and references — has one
//    global id in every subject. Registering a schema a subject already has (not
//    soft-deleted) returns its id and version without a new version, in any mode.
//  - A new version must pass the subject's compatibility level (its own setting, else the
//    global one, else BACKWARD) against the versions that are not soft-deleted.
//  - Versions count up from 1 per subject, past soft-deleted ones; a permanently deleted
//    subject starts again at 1. Ids are never reused, also after permanent deletes and
//    restarts (the highest id given is durable, see registry_record.h's MAX_ID).
//  - Modes: READONLY refuses registrations and deletes (42205); IMPORT takes registrations
//    only with an explicit id (and optionally version), without compatibility checks, and
//    may be entered only while no subject (or the subject) has versions, unless forced;
//    READWRITE takes registrations without ids only.
//  - Deletes: a soft delete hides versions (listed with include_deleted); a permanent
//    delete needs a soft delete first (40405, 40407) and removes them. Soft-deleting a
//    soft-deleted subject or version is 40404 / 40406. A soft delete that leaves a subject
//    without versions also drops its compatibility and mode settings. Versions referenced
//    by another schema cannot be deleted (42206).
//
// Durability: every change is appended to the store (and, for the _schemas topic, fsynced)
// before it is applied to the state and answered; a failed append changes nothing and is
// 50001. Open() rebuilds the state by replaying the store from its beginning.
//
// Threads: every method is thread-safe. Changes are serialized (one at a time, each waiting
// for its append); reads never wait for the store and see the state after the last applied
// change. Methods that parse a schema (Register, Lookup, CheckCompatibility) and every
// change should run off I/O threads; the other reads are in-memory lookups.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "registry/compatibility.h"
#include "registry/parsed_schema.h"
#include "registry/record_store.h"
#include "registry/registry_error.h"
#include "registry/registry_record.h"
#include "registry/registry_state.h"

namespace oxbow::registry {

// A version as the API names it: a number in [1, 2^31-1], or "latest" (also "-1").
struct VersionSpec {
  bool latest = false;
  int32_t number = 0;

  // 42202 for anything else (0, "abc", "99999999999").
  static RegistryResult<VersionSpec> Parse(std::string_view text);
  static VersionSpec Latest() { return {true, 0}; }
  static VersionSpec Number(int32_t n) { return {false, n}; }
};

// A schema as a request gives it.
struct SchemaRequest {
  std::string schema;
  SchemaType type = SchemaType::kAvro;
  std::vector<SchemaReference> references;
};

struct RegisterRequest : SchemaRequest {
  std::optional<int32_t> id;       // IMPORT mode only
  std::optional<int32_t> version;  // must be the next version, except in IMPORT mode
};

// One version of a subject.
struct SchemaVersionInfo {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  SchemaType type = SchemaType::kAvro;
  std::string schema;
  std::vector<SchemaReference> references;
  bool deleted = false;
};

struct SchemaByIdInfo {
  int32_t id = 0;
  SchemaType type = SchemaType::kAvro;
  std::string schema;
  std::vector<SchemaReference> references;
};

struct SubjectVersion {
  std::string subject;
  int32_t version = 0;
};

struct RegisterResult {
  int32_t id = 0;
  int32_t version = 0;
};

struct CompatibilityResult {
  bool compatible = true;
  // One line per problem (CompatibilityReport::Messages); empty when compatible.
  std::vector<std::string> messages;
};

struct SchemaRegistryOptions {
  // The global compatibility level while none is set (Confluent's
  // schema.compatibility.level).
  CompatibilityLevel default_compatibility = kDefaultCompatibilityLevel;
};

class SchemaRegistry {
 public:
  // Replays `store` from its beginning and returns the registry in the state it describes.
  // Records that do not decode (another program's, or a key type Oxbow does not know) are
  // skipped with a warning in the log. Errors: the store's (e.g. DataLoss). `store` must
  // outlive the registry.
  static Result<std::unique_ptr<SchemaRegistry>> Open(RecordStore& store,
                                                      SchemaRegistryOptions options = {});

  // --- Schemas and versions ---------------------------------------------------------------

  // POST /subjects/{s}/versions. 42201 invalid schema (or empty, or an unknown reference, or
  // a version that is not the next one), 409 incompatible, 42205 not permitted by the mode
  // or an explicit id that is another schema, 50001 store error.
  RegistryResult<RegisterResult> Register(const std::string& subject,
                                          const RegisterRequest& request);
  // POST /subjects/{s}: the version of `subject` holding this schema. 42201, 40401 (no such
  // subject), 40403 (the subject does not have it).
  RegistryResult<SchemaVersionInfo> Lookup(const std::string& subject, const SchemaRequest& request,
                                           bool include_deleted);
  // GET /subjects/{s}/versions/{v}. 40401, 40402.
  RegistryResult<SchemaVersionInfo> GetVersion(const std::string& subject, VersionSpec version,
                                               bool include_deleted) const;
  // GET /subjects/{s}/versions, ascending. 40401 when the subject has none.
  RegistryResult<std::vector<int32_t>> ListVersions(const std::string& subject,
                                                    bool include_deleted) const;
  // GET /subjects: subjects with a version (soft-deleted ones count with include_deleted)
  // whose name starts with `prefix`, sorted.
  std::vector<std::string> ListSubjects(bool include_deleted, std::string_view prefix = {}) const;
  // GET /schemas/ids/{id}. 40403.
  RegistryResult<SchemaByIdInfo> GetSchemaById(int64_t id) const;
  // GET /schemas/ids/{id}/subjects and /versions. 40403 when none.
  RegistryResult<std::vector<std::string>> SubjectsForId(int64_t id, bool include_deleted) const;
  RegistryResult<std::vector<SubjectVersion>> VersionsForId(int64_t id, bool include_deleted) const;
  // GET /subjects/{s}/versions/{v}/referencedby: ids of the schemas that reference it.
  RegistryResult<std::vector<int32_t>> ReferencedBy(const std::string& subject,
                                                    VersionSpec version) const;
  // DELETE /subjects/{s}[?permanent=true]: the versions deleted. 40401, 40404, 40405,
  // 42205 (read-only), 42206, 50001.
  RegistryResult<std::vector<int32_t>> DeleteSubject(const std::string& subject, bool permanent);
  // DELETE /subjects/{s}/versions/{v}[?permanent=true]: the version deleted. 40401, 40402,
  // 40406, 40407, 42205, 42206, 50001.
  RegistryResult<int32_t> DeleteVersion(const std::string& subject, VersionSpec version,
                                        bool permanent);
  // POST /compatibility/subjects/{s}/versions[/{v}]: the schema against one version
  // (`version`; "latest" of a subject without versions is compatible) or, without one,
  // against the versions the subject's level checks. 40401, 40402 (a numbered version that
  // does not exist), 42201 (invalid schema; with `verbose` it is a message instead).
  RegistryResult<CompatibilityResult> CheckCompatibility(const std::string& subject,
                                                         std::optional<VersionSpec> version,
                                                         const SchemaRequest& request,
                                                         bool verbose);

  // --- Compatibility settings (nullopt subject: the global one) ------------------------------

  // GET /config: the global level. GET /config/{s}: the subject's own level; with
  // default_to_global its effective one; 40408 when it has none.
  CompatibilityLevel GlobalCompatibility() const;
  RegistryResult<CompatibilityLevel> SubjectCompatibility(const std::string& subject,
                                                          bool default_to_global) const;
  // PUT /config[/{s}]. 50001.
  RegistryResult<CompatibilityLevel> SetCompatibility(const std::optional<std::string>& subject,
                                                      CompatibilityLevel level);
  // DELETE /config[/{s}]: removes the setting and returns the level it had (the global one
  // goes back to the default). 40401 when the subject has no setting.
  RegistryResult<CompatibilityLevel> DeleteCompatibility(const std::optional<std::string>& subject);

  // --- Modes -------------------------------------------------------------------------------

  Mode GlobalMode() const;
  // GET /mode/{s}: as SubjectCompatibility, 40409 when none.
  RegistryResult<Mode> SubjectMode(const std::string& subject, bool default_to_global) const;
  // PUT /mode[/{s}]. Entering IMPORT while (the subject / any subject) has versions is 42205
  // unless `force`.
  RegistryResult<Mode> SetMode(const std::optional<std::string>& subject, Mode mode, bool force);
  // DELETE /mode/{s}: the mode it had. 40401 when it has none.
  RegistryResult<Mode> DeleteMode(const std::string& subject);

 private:
  SchemaRegistry(RecordStore& store, SchemaRegistryOptions options)
      : store_(store), options_(options) {}

  // Appends `records` and applies them. Call with write_mu_ held.
  RegistryResult<bool> Commit(std::vector<RegistryRecord> records)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Parses a request's schema with its references resolved against the current state.
  RegistryResult<std::shared_ptr<const ParsedSchema>> ParseRequest(
      const SchemaRequest& request) const;
  CompatibilityLevel EffectiveCompatibility(const std::string& subject) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  Mode EffectiveMode(const std::string& subject) const ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  // The version `spec` names, or 40401 / 40402.
  RegistryResult<int32_t> ResolveVersion(const std::string& subject, VersionSpec spec,
                                         bool include_deleted) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  SchemaVersionInfo VersionInfo(const std::string& subject, int32_t version) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  // 42206 if a live schema references a version of `subject` among `versions`.
  std::optional<RegistryError> CheckNotReferenced(const std::string& subject,
                                                  std::span<const int32_t> versions) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  // The compatibility of `candidate` with the given versions of `subject` under `level`.
  CompatibilityResult CheckAgainst(const ParsedSchema& candidate, const std::string& subject,
                                   std::span<const int32_t> versions,
                                   CompatibilityLevel level) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_);
  RegistryResult<RegisterResult> RegisterLocked(const std::string& subject,
                                                const RegisterRequest& request,
                                                const ParsedSchema& parsed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  RecordStore& store_;
  const SchemaRegistryOptions options_;
  // Serializes changes: compute the records, append them, apply them.
  absl::Mutex write_mu_;
  mutable absl::Mutex state_mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  RegistryState state_ ABSL_GUARDED_BY(state_mu_);
};

}  // namespace oxbow::registry
