// The records of the `_schemas` topic: every change to the registry is one of them, and the
// registry's state is what applying them in order gives (registry_state.h).
//
// Keys and values are JSON in the shapes Confluent Schema Registry writes, so the topic reads
// the same to anyone who knows Confluent's:
//
//   key {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}
//     value {"subject":"s","version":1,"id":7,"schemaType":"AVRO","references":[],
//            "schema":"...","deleted":false}            deleted: a soft-deleted version
//     null: the version is permanently deleted (a tombstone)
//   key {"keytype":"CONFIG","subject":"s","magic":0}   (no "subject": the global config)
//     value {"compatibilityLevel":"FULL"}; null: the setting is removed
//   key {"keytype":"MODE","subject":"s","magic":0}     (no "subject": the global mode)
//     value {"mode":"READONLY"}; null: removed
//   key {"keytype":"DELETE_SUBJECT","subject":"s","magic":0}
//     value {"subject":"s","version":3}: versions up to 3 are soft-deleted
//   key {"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}   (read, never written)
//     value {"subject":"s"}: the soft-deleted versions are gone
//   key {"keytype":"NOOP","magic":0}                  ignored
//   key {"keytype":"MAX_ID","magic":0}                Oxbow's own: value {"maxId":42}
//
// MAX_ID exists because ids must never be reused: a permanent delete removes, after
// compaction, the last record that carried an id, so the highest id ever given is written
// with every permanent delete. Confluent's registry, reading such a topic, logs the unknown
// key type and skips it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "registry/compatibility.h"
#include "registry/parsed_schema.h"

namespace oxbow::registry {

// Confluent's registry modes. READONLY refuses registrations and deletes; IMPORT accepts
// registrations with explicit ids (and versions) and skips compatibility checks.
enum class Mode : uint8_t { kReadWrite, kReadOnly, kImport };
std::string_view ModeName(Mode mode);  // "READWRITE", "READONLY", "IMPORT"
// Ignores ASCII case, as Confluent does; nullopt for anything else.
std::optional<Mode> ModeFromName(std::string_view name);

enum class RecordKind : uint8_t {
  kSchema,
  kConfig,
  kMode,
  kDeleteSubject,
  kClearSubject,
  kNoop,
  kMaxId
};

struct RecordKey {
  RecordKind kind = RecordKind::kNoop;
  std::optional<std::string> subject;  // none: global (CONFIG, MODE) or not applicable
  int32_t version = 0;                 // SCHEMA only
};

struct SchemaValue {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  SchemaType type = SchemaType::kAvro;
  std::string schema;
  std::vector<SchemaReference> references;
  bool deleted = false;
};
struct ConfigValue {
  CompatibilityLevel compatibility = kDefaultCompatibilityLevel;
};
struct ModeValue {
  Mode mode = Mode::kReadWrite;
};
struct DeleteSubjectValue {
  std::string subject;
  int32_t version = 0;  // versions up to this one are deleted
};
struct ClearSubjectValue {
  std::string subject;
};
struct MaxIdValue {
  int32_t max_id = 0;
};

// monostate: a null value (a tombstone, or NOOP's value).
using RecordValue = std::variant<std::monostate, SchemaValue, ConfigValue, ModeValue,
                                 DeleteSubjectValue, ClearSubjectValue, MaxIdValue>;

struct RegistryRecord {
  RecordKey key;
  RecordValue value;

  static RegistryRecord Schema(SchemaValue value);
  static RegistryRecord SchemaTombstone(std::string subject, int32_t version);
  // `subject` none: the global setting. `level` none: a tombstone (the setting is removed).
  static RegistryRecord Config(std::optional<std::string> subject,
                               std::optional<CompatibilityLevel> level);
  static RegistryRecord ModeSetting(std::optional<std::string> subject, std::optional<Mode> mode);
  static RegistryRecord DeleteSubject(std::string subject, int32_t up_to_version);
  static RegistryRecord MaxId(int32_t max_id);

  bool tombstone() const { return std::holds_alternative<std::monostate>(value); }
};

// The key and value bytes of a record (value: nullopt for a tombstone).
std::string EncodeRecordKey(const RecordKey& key);
std::optional<std::string> EncodeRecordValue(const RegistryRecord& record);

// Decodes a record read from the topic. InvalidArgument, saying what, for a key that is not
// one of the shapes above (including key types Oxbow does not know) or a value that does not
// fit its key; the caller decides to skip it.
Result<RegistryRecord> DecodeRecord(std::optional<std::string_view> key,
                                    std::optional<std::string_view> value);

}  // namespace oxbow::registry
