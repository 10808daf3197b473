// SchemaRegistry: registering, looking up and checking schemas against a subject.
#include <algorithm>

#include "fmt/format.h"
#include "registry/schema_registry.h"

namespace oxbow::registry {
namespace {

// The version of `subject` that holds schema `id`, preferring the newest; nullopt if none.
std::optional<int32_t> VersionWithId(const SubjectState* subject, int32_t id,
                                     bool include_deleted) {
  if (subject == nullptr) return std::nullopt;
  for (auto it = subject->versions.rbegin(); it != subject->versions.rend(); ++it) {
    if (it->second.id == id && (include_deleted || !it->second.deleted)) return it->first;
  }
  return std::nullopt;
}

std::vector<int32_t> LiveVersions(const SubjectState* subject) {
  std::vector<int32_t> out;
  if (subject == nullptr) return out;
  for (const auto& [version, state] : subject->versions) {
    if (!state.deleted) out.push_back(version);
  }
  return out;
}

}  // namespace

RegistryResult<RegisterResult> SchemaRegistry::Register(const std::string& subject,
                                                        const RegisterRequest& request) {
  RegistryResult<std::shared_ptr<const ParsedSchema>> parsed = ParseRequest(request);
  if (!parsed.ok()) return parsed.error();
  absl::MutexLock write(&write_mu_);
  return RegisterLocked(subject, request, **parsed);
}

RegistryResult<RegisterResult> SchemaRegistry::RegisterLocked(const std::string& subject,
                                                              const RegisterRequest& request,
                                                              const ParsedSchema& parsed) {
  std::vector<RegistryRecord> records;
  RegisterResult result;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    const SubjectState* s = state_.FindSubject(subject);
    std::string identity =
        RegistryState::Identity(parsed.type(), parsed.normalized(), request.references);
    std::optional<int32_t> existing_id = state_.FindId(identity);
    // Already registered under this subject: its id, in any mode (as Confluent answers
    // serializers that register on every start, also against a read-only registry).
    if (existing_id && !request.version && (!request.id || *request.id == *existing_id)) {
      if (std::optional<int32_t> v = VersionWithId(s, *existing_id, false)) {
        return RegisterResult{*existing_id, *v};
      }
    }
    Mode mode = EffectiveMode(subject);
    if (mode == Mode::kReadOnly) {
      return RegistryError::OperationNotPermitted(
          fmt::format("Subject {} is in read-only mode", subject));
    }
    if (request.id && mode != Mode::kImport) {
      return RegistryError::OperationNotPermitted(
          fmt::format("Subject {} is not in import mode", subject));
    }
    if (!request.id && mode != Mode::kReadWrite) {
      return RegistryError::OperationNotPermitted(
          fmt::format("Subject {} is not in read-write mode", subject));
    }

    int32_t next_version = 1;
    if (s != nullptr && !s->versions.empty()) {
      if (s->versions.rbegin()->first == INT32_MAX) {
        return RegistryError::InvalidSchema(
            fmt::format("subject {} has reached the highest version number", subject));
      }
      next_version = s->versions.rbegin()->first + 1;
    }
    if (mode == Mode::kImport) {
      result.version = request.version.value_or(next_version);
      if (result.version < 1) return RegistryError::InvalidVersion(std::to_string(result.version));
    } else {
      if (request.version && *request.version != next_version) {
        return RegistryError::InvalidSchema("Version is not one more than previous version");
      }
      result.version = next_version;
      CompatibilityLevel level = EffectiveCompatibility(subject);
      std::vector<int32_t> live = LiveVersions(s);
      CompatibilityResult compat = CheckAgainst(parsed, subject, live, level);
      if (!compat.compatible) {
        return RegistryError::Incompatible(subject,
                                           fmt::format("[{}]", fmt::join(compat.messages, ", ")));
      }
    }

    if (request.id) {
      const StoredSchema* other = state_.FindSchema(*request.id);
      if (*request.id < 1) {
        return RegistryError::OperationNotPermitted(
            fmt::format("Schema id {} is not a valid id (ids start at 1)", *request.id));
      }
      if (other != nullptr &&
          RegistryState::Identity(other->type,
                                  other->parsed ? other->parsed->normalized() : other->schema,
                                  other->references) != identity) {
        return RegistryError::OperationNotPermitted(
            fmt::format("Overwrite new schema with id {} is not permitted.", *request.id));
      }
      result.id = *request.id;
    } else if (existing_id) {
      result.id = *existing_id;
    } else {
      if (state_.max_id() == INT32_MAX) return RegistryError::StoreError("no schema ids left");
      result.id = state_.max_id() + 1;
    }
    if (s != nullptr) {
      auto taken = s->versions.find(result.version);
      if (taken != s->versions.end()) {
        if (taken->second.id == result.id && !taken->second.deleted) return result;
        return RegistryError::OperationNotPermitted(
            fmt::format("Version {} of subject {} already exists (schema id {})", result.version,
                        subject, taken->second.id));
      }
      // As Confluent does: a soft-deleted earlier version of the same schema is replaced by
      // the new one, so the subject holds each schema once.
      for (const auto& [version, state] : s->versions) {
        if (state.deleted && state.id == result.id && version < result.version) {
          records.push_back(RegistryRecord::SchemaTombstone(subject, version));
        }
      }
    }
  }
  // The normalized form, as Confluent stores its canonical string; but a schema with
  // references keeps its text, since the normalized form writes the referenced types out
  // and would define them twice when parsed again with its references.
  std::string text = request.references.empty() ? parsed.normalized() : request.schema;
  records.push_back(
      RegistryRecord::Schema(SchemaValue{subject, result.version, result.id, parsed.type(),
                                         std::move(text), request.references, false}));
  RegistryResult<bool> committed = Commit(std::move(records));
  if (!committed.ok()) return committed.error();
  return result;
}

RegistryResult<SchemaVersionInfo> SchemaRegistry::Lookup(const std::string& subject,
                                                         const SchemaRequest& request,
                                                         bool include_deleted) {
  RegistryResult<std::shared_ptr<const ParsedSchema>> parsed = ParseRequest(request);
  if (!parsed.ok()) return parsed.error();
  absl::ReaderMutexLock lock(&state_mu_);
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr || !s->HasVersions(include_deleted)) {
    return RegistryError::SubjectNotFound(subject);
  }
  std::optional<int32_t> id = state_.FindId(
      RegistryState::Identity((*parsed)->type(), (*parsed)->normalized(), request.references));
  std::optional<int32_t> version =
      id ? VersionWithId(s, *id, include_deleted) : std::optional<int32_t>();
  if (!version) return RegistryError::SchemaNotFound();
  return VersionInfo(subject, *version);
}

RegistryResult<CompatibilityResult> SchemaRegistry::CheckCompatibility(
    const std::string& subject, std::optional<VersionSpec> version, const SchemaRequest& request,
    bool verbose) {
  RegistryResult<std::shared_ptr<const ParsedSchema>> parsed = ParseRequest(request);
  absl::ReaderMutexLock lock(&state_mu_);
  const SubjectState* s = state_.FindSubject(subject);
  std::vector<int32_t> versions;
  CompatibilityLevel level = EffectiveCompatibility(subject);
  if (!version) {
    versions = LiveVersions(s);
  } else if (version->latest) {
    if (s != nullptr && s->Latest(false)) versions.push_back(*s->Latest(false));
  } else {
    RegistryResult<int32_t> v = ResolveVersion(subject, *version, false);
    if (!v.ok()) return v.error();
    versions.push_back(*v);
    // One named version: the level's directions against it alone.
  }
  if (!parsed.ok()) {
    if (!verbose) return parsed.error();
    return CompatibilityResult{false, {parsed.error().message}};
  }
  return CheckAgainst(**parsed, subject, versions, level);
}

}  // namespace oxbow::registry
