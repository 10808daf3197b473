// SchemaRegistry: opening (replay), committing changes, and the reads. Registration is in
// registry_register.cc, deletes in registry_delete.cc, settings in registry_settings.cc.
#include "registry/schema_registry.h"

#include <algorithm>
#include <charconv>

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::registry {

RegistryResult<VersionSpec> VersionSpec::Parse(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  auto lower_equals = [&](std::string_view word) {
    if (t.size() != word.size()) return false;
    for (size_t i = 0; i < t.size(); ++i) {
      char c = t[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (lower_equals("latest")) return Latest();
  int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
    return RegistryError::InvalidVersion(text);
  }
  if (n == -1) return Latest();
  if (n < 1 || n > INT32_MAX) return RegistryError::InvalidVersion(text);
  return Number(static_cast<int32_t>(n));
}

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Open(RecordStore& store,
                                                             SchemaRegistryOptions options) {
  std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry(store, options));
  size_t applied = 0, skipped = 0;
  {
    absl::MutexLock lock(&registry->state_mu_);
    RegistryState& state = registry->state_;
    RETURN_IF_ERROR(store.ReadAll(
        [&](std::optional<std::string_view> key, std::optional<std::string_view> value) {
          Result<RegistryRecord> record = DecodeRecord(key, value);
          if (!record.ok()) {
            ++skipped;
            OXBOW_LOG_WARN("schema registry: skipping a record: {}", record.status().message());
            return;
          }
          ++applied;
          Status warning = state.Apply(*record);
          if (!warning.ok()) OXBOW_LOG_WARN("schema registry: {}", warning.message());
        }));
    OXBOW_LOG_INFO(
        "schema registry: replayed {} record(s) ({} skipped): {} subject(s), {} schema(s), "
        "highest id {}",
        applied, skipped, state.subjects().size(), state.schemas().size(), state.max_id());
  }
  return registry;
}

RegistryResult<bool> SchemaRegistry::Commit(std::vector<RegistryRecord> records) {
  if (records.empty()) return true;
  Status appended = store_.Append(records);
  if (!appended.ok()) {
    OXBOW_LOG_ERROR("schema registry: cannot store a change: {}", appended);
    return RegistryError::StoreError(ToStd(appended.message()));
  }
  absl::MutexLock lock(&state_mu_);
  for (const RegistryRecord& r : records) {
    Status warning = state_.Apply(r);
    if (!warning.ok()) OXBOW_LOG_WARN("schema registry: {}", warning.message());
  }
  return true;
}

RegistryResult<std::shared_ptr<const ParsedSchema>> SchemaRegistry::ParseRequest(
    const SchemaRequest& request) const {
  bool blank = std::all_of(request.schema.begin(), request.schema.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank) return RegistryError::InvalidSchema("Empty schema");
  std::vector<std::shared_ptr<const ParsedSchema>> references;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    Result<std::vector<std::shared_ptr<const ParsedSchema>>> resolved =
        state_.ResolveReferences(request.references);
    if (!resolved.ok()) return RegistryError::InvalidSchema(ToStd(resolved.status().message()));
    references = std::move(*resolved);
  }
  Result<std::shared_ptr<const ParsedSchema>> parsed =
      ParsedSchema::Parse(request.type, request.schema, std::move(references));
  if (!parsed.ok()) return RegistryError::InvalidSchema(ToStd(parsed.status().message()));
  return std::move(*parsed);
}

CompatibilityLevel SchemaRegistry::EffectiveCompatibility(const std::string& subject) const {
  const SubjectState* s = state_.FindSubject(subject);
  if (s != nullptr && s->compatibility) return *s->compatibility;
  return state_.global_compatibility().value_or(options_.default_compatibility);
}

Mode SchemaRegistry::EffectiveMode(const std::string& subject) const {
  const SubjectState* s = state_.FindSubject(subject);
  if (s != nullptr && s->mode) return *s->mode;
  return state_.global_mode().value_or(Mode::kReadWrite);
}

RegistryResult<int32_t> SchemaRegistry::ResolveVersion(const std::string& subject, VersionSpec spec,
                                                       bool include_deleted) const {
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr || !s->HasVersions(include_deleted)) {
    return RegistryError::SubjectNotFound(subject);
  }
  if (spec.latest) return *s->Latest(include_deleted);
  auto it = s->versions.find(spec.number);
  if (it == s->versions.end() || (it->second.deleted && !include_deleted)) {
    return RegistryError::VersionNotFound(spec.number);
  }
  return spec.number;
}

SchemaVersionInfo SchemaRegistry::VersionInfo(const std::string& subject, int32_t version) const {
  const VersionState& v = state_.FindSubject(subject)->versions.at(version);
  SchemaVersionInfo info{subject, version, v.id, SchemaType::kAvro, {}, {}, v.deleted};
  if (const StoredSchema* schema = state_.FindSchema(v.id)) {
    info.type = schema->type;
    info.schema = schema->schema;
    info.references = schema->references;
  }
  return info;
}

CompatibilityResult SchemaRegistry::CheckAgainst(const ParsedSchema& candidate,
                                                 const std::string& subject,
                                                 std::span<const int32_t> versions,
                                                 CompatibilityLevel level) const {
  std::vector<const ParsedSchema*> previous;
  std::vector<std::string> names;
  const SubjectState* s = state_.FindSubject(subject);
  for (int32_t version : versions) {
    const StoredSchema* schema = state_.FindSchema(s->versions.at(version).id);
    if (schema == nullptr || schema->parsed == nullptr) continue;  // logged when replayed
    previous.push_back(schema->parsed.get());
    names.push_back(fmt::format("version {}", version));
  }
  CompatibilityReport report = CheckSchemaCompatibility(level, candidate, previous);
  return CompatibilityResult{report.compatible(), report.Messages(level, names)};
}

std::optional<RegistryError> SchemaRegistry::CheckNotReferenced(
    const std::string& subject, std::span<const int32_t> versions) const {
  for (const auto& [id, schema] : state_.schemas()) {
    for (const SchemaReference& r : schema.references) {
      if (r.subject == subject &&
          std::find(versions.begin(), versions.end(), r.version) != versions.end()) {
        return RegistryError::ReferenceExists(fmt::format(
            "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={},"
            "version={}}} (schema id {} refers to it as \"{}\")",
            subject, r.version, id, r.name));
      }
    }
  }
  return std::nullopt;
}

RegistryResult<SchemaVersionInfo> SchemaRegistry::GetVersion(const std::string& subject,
                                                             VersionSpec version,
                                                             bool include_deleted) const {
  absl::ReaderMutexLock lock(&state_mu_);
  RegistryResult<int32_t> v = ResolveVersion(subject, version, include_deleted);
  if (!v.ok()) return v.error();
  return VersionInfo(subject, *v);
}

RegistryResult<std::vector<int32_t>> SchemaRegistry::ListVersions(const std::string& subject,
                                                                  bool include_deleted) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const SubjectState* s = state_.FindSubject(subject);
  std::vector<int32_t> out;
  if (s != nullptr) {
    for (const auto& [version, state] : s->versions) {
      if (include_deleted || !state.deleted) out.push_back(version);
    }
  }
  if (out.empty()) return RegistryError::SubjectNotFound(subject);
  return out;
}

std::vector<std::string> SchemaRegistry::ListSubjects(bool include_deleted,
                                                      std::string_view prefix) const {
  absl::ReaderMutexLock lock(&state_mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : state_.subjects()) {
    if (name.starts_with(prefix) && s.HasVersions(include_deleted)) out.push_back(name);
  }
  return out;
}

RegistryResult<SchemaByIdInfo> SchemaRegistry::GetSchemaById(int64_t id) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const StoredSchema* s =
      id > 0 && id <= INT32_MAX ? state_.FindSchema(static_cast<int32_t>(id)) : nullptr;
  if (s == nullptr) return RegistryError::SchemaIdNotFound(id);
  return SchemaByIdInfo{s->id, s->type, s->schema, s->references};
}

RegistryResult<std::vector<SubjectVersion>> SchemaRegistry::VersionsForId(
    int64_t id, bool include_deleted) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const StoredSchema* s =
      id > 0 && id <= INT32_MAX ? state_.FindSchema(static_cast<int32_t>(id)) : nullptr;
  std::vector<SubjectVersion> out;
  if (s != nullptr) {
    for (const auto& [subject, version] : s->users) {
      if (include_deleted || !state_.FindSubject(subject)->versions.at(version).deleted) {
        out.push_back({subject, version});
      }
    }
  }
  if (out.empty()) return RegistryError::SchemaIdNotFound(id);
  return out;
}

RegistryResult<std::vector<std::string>> SchemaRegistry::SubjectsForId(int64_t id,
                                                                       bool include_deleted) const {
  RegistryResult<std::vector<SubjectVersion>> versions = VersionsForId(id, include_deleted);
  if (!versions.ok()) return versions.error();
  std::vector<std::string> out;
  for (const SubjectVersion& sv : *versions) {
    if (out.empty() || out.back() != sv.subject) out.push_back(sv.subject);
  }
  return out;
}

RegistryResult<std::vector<int32_t>> SchemaRegistry::ReferencedBy(const std::string& subject,
                                                                  VersionSpec version) const {
  absl::ReaderMutexLock lock(&state_mu_);
  RegistryResult<int32_t> v = ResolveVersion(subject, version, /*include_deleted=*/true);
  if (!v.ok()) return v.error();
  std::vector<int32_t> out;
  for (const auto& [id, schema] : state_.schemas()) {
    for (const SchemaReference& r : schema.references) {
      if (r.subject == subject && r.version == *v) {
        out.push_back(id);
        break;
      }
    }
  }
  return out;
}

}  // namespace oxbow::registry
