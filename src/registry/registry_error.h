// The registry's errors in Confluent Schema Registry's shape and codes, so that Confluent's
// clients and serializers understand them: {"error_code": N, "message": "..."} with an HTTP
// status (404 for 404xx, 422 for 422xx, 409, 500 for 500xx). The messages are Confluent's
// where clients or people may match on them ("Subject 'x' not found.").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace oxbow::registry {

// Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors).
inline constexpr int kSubjectNotFound = 40401;
inline constexpr int kVersionNotFound = 40402;
inline constexpr int kSchemaNotFound = 40403;
inline constexpr int kSubjectSoftDeleted = 40404;
inline constexpr int kSubjectNotSoftDeleted = 40405;
inline constexpr int kVersionSoftDeleted = 40406;
inline constexpr int kVersionNotSoftDeleted = 40407;
inline constexpr int kSubjectCompatibilityNotConfigured = 40408;
inline constexpr int kSubjectModeNotConfigured = 40409;
inline constexpr int kIncompatibleSchema = 409;
inline constexpr int kInvalidSchema = 42201;
inline constexpr int kInvalidVersion = 42202;
inline constexpr int kInvalidCompatibilityLevel = 42203;
inline constexpr int kInvalidMode = 42204;
inline constexpr int kOperationNotPermitted = 42205;
inline constexpr int kReferenceExists = 42206;
inline constexpr int kStoreError = 50001;

struct RegistryError {
  int http_status = 500;
  int error_code = kStoreError;
  std::string message;

  static RegistryError SubjectNotFound(std::string_view subject);
  static RegistryError VersionNotFound(int64_t version);
  static RegistryError SchemaNotFound();  // a lookup by schema text
  static RegistryError SchemaIdNotFound(int64_t id);
  static RegistryError SubjectSoftDeleted(std::string_view subject);
  static RegistryError SubjectNotSoftDeleted(std::string_view subject);
  static RegistryError VersionSoftDeleted(std::string_view subject, int32_t version);
  static RegistryError VersionNotSoftDeleted(std::string_view subject, int32_t version);
  static RegistryError CompatibilityNotConfigured(std::string_view subject);
  static RegistryError ModeNotConfigured(std::string_view subject);
  // "Schema being registered is incompatible with an earlier schema for subject "s",
  // details: [...]".
  static RegistryError Incompatible(std::string_view subject, std::string_view details);
  static RegistryError InvalidSchema(std::string_view details);
  static RegistryError InvalidVersion(std::string_view version);
  static RegistryError InvalidCompatibilityLevel();
  static RegistryError InvalidMode();
  static RegistryError OperationNotPermitted(std::string message);
  static RegistryError ReferenceExists(std::string message);
  // The _schemas topic refused a write (disk full, I/O error): 500 50001.
  static RegistryError StoreError(std::string_view what);
  // A plain HTTP error with the status as its code (400 bad JSON, 404 unknown path, 415).
  static RegistryError Http(int status, std::string message);
};

// A value or the error to answer instead.
template <typename T>
class RegistryResult {
 public:
  RegistryResult(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  RegistryResult(RegistryError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const T& operator*() const { return value(); }
  T& operator*() { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const RegistryError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, RegistryError> v_;
};

}  // namespace oxbow::registry
