// SchemaRegistry: soft and permanent deletes of subjects and versions.
#include "fmt/format.h"
#include "registry/schema_registry.h"

namespace oxbow::registry {
namespace {

RegistryError ReadOnly(const std::string& subject) {
  return RegistryError::OperationNotPermitted(
      fmt::format("Subject {} is in read-only mode", subject));
}

}  // namespace

RegistryResult<std::vector<int32_t>> SchemaRegistry::DeleteSubject(const std::string& subject,
                                                                   bool permanent) {
  absl::MutexLock write(&write_mu_);
  std::vector<int32_t> deleted;
  std::vector<RegistryRecord> records;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    const SubjectState* s = state_.FindSubject(subject);
    if (s == nullptr || !s->HasVersions(true)) return RegistryError::SubjectNotFound(subject);
    if (EffectiveMode(subject) == Mode::kReadOnly) return ReadOnly(subject);
    if (!permanent && !s->HasVersions(false)) return RegistryError::SubjectSoftDeleted(subject);
    for (const auto& [version, state] : s->versions) {
      if (permanent && !state.deleted) return RegistryError::SubjectNotSoftDeleted(subject);
      if (permanent || !state.deleted) deleted.push_back(version);
    }
    if (auto e = CheckNotReferenced(subject, deleted)) return *e;
    if (permanent) {
      for (int32_t version : deleted) {
        records.push_back(RegistryRecord::SchemaTombstone(subject, version));
      }
      records.push_back(RegistryRecord::MaxId(state_.max_id()));
    } else {
      records.push_back(RegistryRecord::DeleteSubject(subject, deleted.back()));
      // The subject is gone for clients: its settings go with it (as in Confluent).
      if (s->compatibility) records.push_back(RegistryRecord::Config(subject, std::nullopt));
      if (s->mode) records.push_back(RegistryRecord::ModeSetting(subject, std::nullopt));
    }
  }
  RegistryResult<bool> committed = Commit(std::move(records));
  if (!committed.ok()) return committed.error();
  return deleted;
}

RegistryResult<int32_t> SchemaRegistry::DeleteVersion(const std::string& subject, VersionSpec spec,
                                                      bool permanent) {
  absl::MutexLock write(&write_mu_);
  int32_t version = 0;
  std::vector<RegistryRecord> records;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    const SubjectState* s = state_.FindSubject(subject);
    if (s == nullptr || !s->HasVersions(true)) return RegistryError::SubjectNotFound(subject);
    if (EffectiveMode(subject) == Mode::kReadOnly) return ReadOnly(subject);
    // "latest" is the newest version a soft delete could apply to; a permanent delete may
    // remove a soft-deleted one.
    RegistryResult<int32_t> v = ResolveVersion(subject, spec, /*include_deleted=*/true);
    if (spec.latest && !permanent) v = ResolveVersion(subject, spec, false);
    if (!v.ok()) return v.error();
    version = *v;
    const VersionState& state = s->versions.at(version);
    if (!permanent && state.deleted) return RegistryError::VersionSoftDeleted(subject, version);
    if (permanent && !state.deleted) return RegistryError::VersionNotSoftDeleted(subject, version);
    int32_t one[] = {version};
    if (auto e = CheckNotReferenced(subject, one)) return *e;
    if (permanent) {
      records.push_back(RegistryRecord::SchemaTombstone(subject, version));
      records.push_back(RegistryRecord::MaxId(state_.max_id()));
    } else {
      const StoredSchema* schema = state_.FindSchema(state.id);
      SchemaValue value{subject, version, state.id, SchemaType::kAvro, {}, {}, true};
      if (schema != nullptr) {
        value.type = schema->type;
        value.schema = schema->schema;
        value.references = schema->references;
      }
      records.push_back(RegistryRecord::Schema(std::move(value)));
      bool last = true;
      for (const auto& [other, other_state] : s->versions) {
        if (other != version && !other_state.deleted) last = false;
      }
      if (last && s->compatibility) {
        records.push_back(RegistryRecord::Config(subject, std::nullopt));
      }
      if (last && s->mode) records.push_back(RegistryRecord::ModeSetting(subject, std::nullopt));
    }
  }
  RegistryResult<bool> committed = Commit(std::move(records));
  if (!committed.ok()) return committed.error();
  return version;
}

}  // namespace oxbow::registry
