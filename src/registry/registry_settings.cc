// SchemaRegistry: compatibility levels and modes, global and per subject.
#include "fmt/format.h"
#include "registry/schema_registry.h"

namespace oxbow::registry {

CompatibilityLevel SchemaRegistry::GlobalCompatibility() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return state_.global_compatibility().value_or(options_.default_compatibility);
}

RegistryResult<CompatibilityLevel> SchemaRegistry::SubjectCompatibility(
    const std::string& subject, bool default_to_global) const {
  absl::ReaderMutexLock lock(&state_mu_);
  if (default_to_global) return EffectiveCompatibility(subject);
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr || !s->compatibility) {
    return RegistryError::CompatibilityNotConfigured(subject);
  }
  return *s->compatibility;
}

RegistryResult<CompatibilityLevel> SchemaRegistry::SetCompatibility(
    const std::optional<std::string>& subject, CompatibilityLevel level) {
  absl::MutexLock write(&write_mu_);
  RegistryResult<bool> committed = Commit({RegistryRecord::Config(subject, level)});
  if (!committed.ok()) return committed.error();
  return level;
}

RegistryResult<CompatibilityLevel> SchemaRegistry::DeleteCompatibility(
    const std::optional<std::string>& subject) {
  absl::MutexLock write(&write_mu_);
  CompatibilityLevel old;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    if (subject) {
      const SubjectState* s = state_.FindSubject(*subject);
      if (s == nullptr || !s->compatibility) return RegistryError::SubjectNotFound(*subject);
      old = *s->compatibility;
    } else {
      old = state_.global_compatibility().value_or(options_.default_compatibility);
    }
  }
  RegistryResult<bool> committed = Commit({RegistryRecord::Config(subject, std::nullopt)});
  if (!committed.ok()) return committed.error();
  return old;
}

Mode SchemaRegistry::GlobalMode() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return state_.global_mode().value_or(Mode::kReadWrite);
}

RegistryResult<Mode> SchemaRegistry::SubjectMode(const std::string& subject,
                                                 bool default_to_global) const {
  absl::ReaderMutexLock lock(&state_mu_);
  if (default_to_global) return EffectiveMode(subject);
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr || !s->mode) return RegistryError::ModeNotConfigured(subject);
  return *s->mode;
}

RegistryResult<Mode> SchemaRegistry::SetMode(const std::optional<std::string>& subject, Mode mode,
                                             bool force) {
  absl::MutexLock write(&write_mu_);
  {
    absl::ReaderMutexLock lock(&state_mu_);
    Mode current =
        subject ? EffectiveMode(*subject) : state_.global_mode().value_or(Mode::kReadWrite);
    if (mode == Mode::kImport && current != Mode::kImport && !force) {
      // Importing keeps the ids of another registry: only into an empty one, where they
      // cannot clash with ids already given (force overrides, as in Confluent).
      bool has_versions = false;
      if (subject) {
        const SubjectState* s = state_.FindSubject(*subject);
        has_versions = s != nullptr && s->HasVersions(false);
      } else {
        for (const auto& [name, s] : state_.subjects()) has_versions |= s.HasVersions(false);
      }
      if (has_versions) {
        return RegistryError::OperationNotPermitted("Cannot import since found existing subjects");
      }
    }
  }
  RegistryResult<bool> committed = Commit({RegistryRecord::ModeSetting(subject, mode)});
  if (!committed.ok()) return committed.error();
  return mode;
}

RegistryResult<Mode> SchemaRegistry::DeleteMode(const std::string& subject) {
  absl::MutexLock write(&write_mu_);
  Mode old;
  {
    absl::ReaderMutexLock lock(&state_mu_);
    const SubjectState* s = state_.FindSubject(subject);
    if (s == nullptr || !s->mode) return RegistryError::SubjectNotFound(subject);
    old = *s->mode;
  }
  RegistryResult<bool> committed = Commit({RegistryRecord::ModeSetting(subject, std::nullopt)});
  if (!committed.ok()) return committed.error();
  return old;
}

}  // namespace oxbow::registry
