#include "registry/registry_state.h"

#include <algorithm>

#include "fmt/format.h"

namespace oxbow::registry {

std::optional<int32_t> SubjectState::Latest(bool include_deleted) const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (include_deleted || !it->second.deleted) return it->first;
  }
  return std::nullopt;
}

const SubjectState* RegistryState::FindSubject(std::string_view subject) const {
  auto it = subjects_.find(subject);
  return it == subjects_.end() ? nullptr : &it->second;
}

const StoredSchema* RegistryState::FindSchema(int32_t id) const {
  auto it = schemas_.find(id);
  return it == schemas_.end() ? nullptr : &it->second;
}

std::optional<int32_t> RegistryState::FindId(const std::string& identity) const {
  auto it = ids_by_identity_.find(identity);
  if (it == ids_by_identity_.end()) return std::nullopt;
  return it->second;
}

std::string RegistryState::Identity(SchemaType type, std::string_view normalized,
                                    const std::vector<SchemaReference>& references) {
  // The normalized form is JSON, so it never contains a raw newline: the separator is safe.
  std::string out = fmt::format("{}\n{}", SchemaTypeName(type), normalized);
  for (const SchemaReference& r : references) {
    out += fmt::format("\n{}\n{}\n{}", r.name, r.subject, r.version);
  }
  return out;
}

Result<std::vector<std::shared_ptr<const ParsedSchema>>> RegistryState::ResolveReferences(
    const std::vector<SchemaReference>& references) const {
  std::vector<std::shared_ptr<const ParsedSchema>> out;
  for (const SchemaReference& r : references) {
    const SubjectState* subject = FindSubject(r.subject);
    const VersionState* version = nullptr;
    if (subject != nullptr) {
      auto v = subject->versions.find(r.version);
      if (v != subject->versions.end()) version = &v->second;
    }
    if (version == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("reference \"{}\" names version {} of subject \"{}\", which does not exist",
                      r.name, r.version, r.subject));
    }
    const StoredSchema* schema = FindSchema(version->id);
    if (schema == nullptr || schema->parsed == nullptr) {
      return absl::InvalidArgumentError(fmt::format(
          "reference \"{}\" names a schema that does not parse (id {})", r.name, version->id));
    }
    out.push_back(schema->parsed);
  }
  return out;
}

void RegistryState::RemoveUser(int32_t id, const std::string& subject, int32_t version) {
  auto it = schemas_.find(id);
  if (it == schemas_.end()) return;
  it->second.users.erase({subject, version});
  if (!it->second.users.empty()) return;
  std::string identity = Identity(
      it->second.type, it->second.parsed ? it->second.parsed->normalized() : it->second.schema,
      it->second.references);
  auto by_identity = ids_by_identity_.find(identity);
  if (by_identity != ids_by_identity_.end() && by_identity->second == id) {
    ids_by_identity_.erase(by_identity);
  }
  schemas_.erase(it);
}

void RegistryState::EraseIfEmpty(const std::string& subject) {
  auto it = subjects_.find(subject);
  if (it != subjects_.end() && it->second.versions.empty() && !it->second.compatibility &&
      !it->second.mode) {
    subjects_.erase(it);
  }
}

Status RegistryState::ApplySchema(const std::string& subject, int32_t version,
                                  const SchemaValue* value) {
  SubjectState& s = subjects_[subject];
  auto existing = s.versions.find(version);
  if (existing != s.versions.end() && (value == nullptr || existing->second.id != value->id)) {
    RemoveUser(existing->second.id, subject, version);
  }
  if (value == nullptr) {  // a permanent delete
    if (existing != s.versions.end()) s.versions.erase(existing);
    EraseIfEmpty(subject);
    return absl::OkStatus();
  }
  s.versions[version] = VersionState{value->id, value->deleted};
  max_id_ = std::max(max_id_, value->id);
  Status warning;
  auto [it, inserted] = schemas_.try_emplace(value->id);
  StoredSchema& stored = it->second;
  if (inserted) {
    stored.id = value->id;
    stored.type = value->type;
    stored.schema = value->schema;
    stored.references = value->references;
    Result<std::vector<std::shared_ptr<const ParsedSchema>>> refs =
        ResolveReferences(value->references);
    Result<std::shared_ptr<const ParsedSchema>> parsed =
        refs.ok() ? ParsedSchema::Parse(value->type, value->schema, std::move(*refs))
                  : Result<std::shared_ptr<const ParsedSchema>>(refs.status());
    if (parsed.ok()) {
      stored.parsed = std::move(*parsed);
    } else {
      warning = absl::InvalidArgumentError(
          fmt::format("schema id {} (subject \"{}\" version {}) does not parse: {}", value->id,
                      subject, version, parsed.status().message()));
    }
    std::string identity =
        Identity(stored.type, stored.parsed ? stored.parsed->normalized() : stored.schema,
                 stored.references);
    ids_by_identity_.try_emplace(std::move(identity), value->id);
  } else if (stored.type != value->type || stored.schema != value->schema) {
    warning = absl::InvalidArgumentError(fmt::format(
        "subject \"{}\" version {} names id {}, which is another schema; the first one is kept",
        subject, version, value->id));
  }
  stored.users.insert({subject, version});
  return warning;
}

Status RegistryState::Apply(const RegistryRecord& record) {
  const RecordKey& key = record.key;
  switch (key.kind) {
    case RecordKind::kSchema:
      return ApplySchema(*key.subject, key.version, std::get_if<SchemaValue>(&record.value));
    case RecordKind::kConfig: {
      const auto* v = std::get_if<ConfigValue>(&record.value);
      std::optional<CompatibilityLevel> level;
      if (v != nullptr) level = v->compatibility;
      if (!key.subject) {
        global_compatibility_ = level;
      } else {
        subjects_[*key.subject].compatibility = level;
        EraseIfEmpty(*key.subject);
      }
      return absl::OkStatus();
    }
    case RecordKind::kMode: {
      const auto* v = std::get_if<ModeValue>(&record.value);
      std::optional<Mode> mode;
      if (v != nullptr) mode = v->mode;
      if (!key.subject) {
        global_mode_ = mode;
      } else {
        subjects_[*key.subject].mode = mode;
        EraseIfEmpty(*key.subject);
      }
      return absl::OkStatus();
    }
    case RecordKind::kDeleteSubject: {
      const auto* v = std::get_if<DeleteSubjectValue>(&record.value);
      auto it = subjects_.find(*key.subject);
      if (v == nullptr || it == subjects_.end()) return absl::OkStatus();
      for (auto& [version, state] : it->second.versions) {
        if (version <= v->version) state.deleted = true;
      }
      return absl::OkStatus();
    }
    case RecordKind::kClearSubject: {
      auto it = subjects_.find(*key.subject);
      if (record.tombstone() || it == subjects_.end()) return absl::OkStatus();
      std::vector<int32_t> gone;
      for (const auto& [version, state] : it->second.versions) {
        if (state.deleted) gone.push_back(version);
      }
      for (int32_t version : gone) {
        Status s = ApplySchema(*key.subject, version, nullptr);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case RecordKind::kMaxId:
      if (const auto* v = std::get_if<MaxIdValue>(&record.value)) {
        max_id_ = std::max(max_id_, v->max_id);
      }
      return absl::OkStatus();
    case RecordKind::kNoop:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace oxbow::registry
