#include "registry/registry_error.h"

#include "fmt/format.h"

namespace oxbow::registry {

RegistryError RegistryError::SubjectNotFound(std::string_view subject) {
  return {404, kSubjectNotFound, fmt::format("Subject '{}' not found.", subject)};
}

RegistryError RegistryError::VersionNotFound(int64_t version) {
  return {404, kVersionNotFound, fmt::format("Version {} not found.", version)};
}

RegistryError RegistryError::SchemaNotFound() { return {404, kSchemaNotFound, "Schema not found"}; }

RegistryError RegistryError::SchemaIdNotFound(int64_t id) {
  return {404, kSchemaNotFound, fmt::format("Schema {} not found", id)};
}

RegistryError RegistryError::SubjectSoftDeleted(std::string_view subject) {
  return {404, kSubjectSoftDeleted,
          fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete permanently",
                      subject)};
}

RegistryError RegistryError::SubjectNotSoftDeleted(std::string_view subject) {
  return {
      404, kSubjectNotSoftDeleted,
      fmt::format("Subject '{}' was not deleted first before being permanently deleted", subject)};
}

RegistryError RegistryError::VersionSoftDeleted(std::string_view subject, int32_t version) {
  return {404, kVersionSoftDeleted,
          fmt::format("Subject '{}' Version {} was soft deleted.Set permanent=true to delete "
                      "permanently",
                      subject, version)};
}

RegistryError RegistryError::VersionNotSoftDeleted(std::string_view subject, int32_t version) {
  return {404, kVersionNotSoftDeleted,
          fmt::format("Subject '{}' Version {} was not deleted first before being permanently "
                      "deleted",
                      subject, version)};
}

RegistryError RegistryError::CompatibilityNotConfigured(std::string_view subject) {
  return {
      404, kSubjectCompatibilityNotConfigured,
      fmt::format("Subject '{}' does not have subject-level compatibility configured", subject)};
}

RegistryError RegistryError::ModeNotConfigured(std::string_view subject) {
  return {404, kSubjectModeNotConfigured,
          fmt::format("Subject '{}' does not have subject-level mode configured", subject)};
}

RegistryError RegistryError::Incompatible(std::string_view subject, std::string_view details) {
  return {409, kIncompatibleSchema,
          fmt::format("Schema being registered is incompatible with an earlier schema for "
                      "subject \"{}\", details: {}",
                      subject, details)};
}

RegistryError RegistryError::InvalidSchema(std::string_view details) {
  return {422, kInvalidSchema, fmt::format("Invalid schema: {}", details)};
}

RegistryError RegistryError::InvalidVersion(std::string_view version) {
  return {422, kInvalidVersion,
          fmt::format("The specified version '{}' is not a valid version id. Allowed values are "
                      "between [1, 2^31-1] and the string \"latest\"",
                      version)};
}

RegistryError RegistryError::InvalidCompatibilityLevel() {
  return {422, kInvalidCompatibilityLevel,
          "Invalid compatibility level. Valid values are none, backward, forward, full, "
          "backward_transitive, forward_transitive, and full_transitive"};
}

RegistryError RegistryError::InvalidMode() {
  return {422, kInvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT."};
}

RegistryError RegistryError::OperationNotPermitted(std::string message) {
  return {422, kOperationNotPermitted, std::move(message)};
}

RegistryError RegistryError::ReferenceExists(std::string message) {
  return {422, kReferenceExists, std::move(message)};
}

RegistryError RegistryError::StoreError(std::string_view what) {
  return {500, kStoreError, fmt::format("Error in the backend data store: {}", what)};
}

RegistryError RegistryError::Http(int status, std::string message) {
  return {status, status, std::move(message)};
}

}  // namespace oxbow::registry
