#include "registry/registry_record.h"

#include <array>

#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

constexpr std::array<std::string_view, 3> kModeNames = {"READWRITE", "READONLY", "IMPORT"};

struct KindName {
  RecordKind kind;
  std::string_view name;
  int magic;
};
constexpr std::array<KindName, 7> kKinds = {{
    {RecordKind::kSchema, "SCHEMA", 1},
    {RecordKind::kConfig, "CONFIG", 0},
    {RecordKind::kMode, "MODE", 0},
    {RecordKind::kDeleteSubject, "DELETE_SUBJECT", 0},
    {RecordKind::kClearSubject, "CLEAR_SUBJECT", 0},
    {RecordKind::kNoop, "NOOP", 0},
    {RecordKind::kMaxId, "MAX_ID", 0},
}};

const KindName& Describe(RecordKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[5];
}

std::string Dump(const OrderedJson& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Field readers that say what is wrong instead of throwing.
Result<std::string> StringField(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) {
    return absl::InvalidArgumentError(fmt::format("\"{}\" is missing or not a string", name));
  }
  return it->get<std::string>();
}

Result<int32_t> IntField(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() < INT32_MIN ||
      it->get<int64_t>() > INT32_MAX) {
    return absl::InvalidArgumentError(
        fmt::format("\"{}\" is missing or not a 32-bit integer", name));
  }
  return static_cast<int32_t>(it->get<int64_t>());
}

Result<std::vector<SchemaReference>> ReferencesField(const Json& obj) {
  std::vector<SchemaReference> refs;
  auto it = obj.find("references");
  if (it == obj.end() || it->is_null()) return refs;
  if (!it->is_array()) return absl::InvalidArgumentError("\"references\" is not an array");
  for (const Json& r : *it) {
    if (!r.is_object()) return absl::InvalidArgumentError("a reference is not an object");
    SchemaReference ref;
    ASSIGN_OR_RETURN(ref.name, StringField(r, "name"));
    ASSIGN_OR_RETURN(ref.subject, StringField(r, "subject"));
    ASSIGN_OR_RETURN(ref.version, IntField(r, "version"));
    refs.push_back(std::move(ref));
  }
  return refs;
}

Result<SchemaValue> DecodeSchemaValue(const Json& v) {
  SchemaValue s;
  ASSIGN_OR_RETURN(s.subject, StringField(v, "subject"));
  ASSIGN_OR_RETURN(s.version, IntField(v, "version"));
  ASSIGN_OR_RETURN(s.id, IntField(v, "id"));
  ASSIGN_OR_RETURN(s.schema, StringField(v, "schema"));
  if (auto t = v.find("schemaType"); t != v.end() && !t->is_null()) {
    std::optional<SchemaType> type =
        t->is_string() ? SchemaTypeFromName(t->get<std::string>()) : std::nullopt;
    if (!type) {
      return absl::InvalidArgumentError(fmt::format("unsupported schemaType {}", t->dump()));
    }
    s.type = *type;
  }
  ASSIGN_OR_RETURN(s.references, ReferencesField(v));
  if (auto d = v.find("deleted"); d != v.end() && d->is_boolean()) s.deleted = d->get<bool>();
  return s;
}

Result<RecordValue> DecodeValue(const RecordKey& key, const Json& v) {
  if (!v.is_object()) return absl::InvalidArgumentError("the value is not a JSON object");
  switch (key.kind) {
    case RecordKind::kSchema:
      return DecodeSchemaValue(v);
    case RecordKind::kConfig: {
      ASSIGN_OR_RETURN(std::string name, StringField(v, "compatibilityLevel"));
      ASSIGN_OR_RETURN(CompatibilityLevel level, ParseCompatibilityLevel(name));
      return ConfigValue{level};
    }
    case RecordKind::kMode: {
      ASSIGN_OR_RETURN(std::string name, StringField(v, "mode"));
      std::optional<Mode> mode = ModeFromName(name);
      if (!mode) return absl::InvalidArgumentError(fmt::format("unknown mode \"{}\"", name));
      return ModeValue{*mode};
    }
    case RecordKind::kDeleteSubject: {
      DeleteSubjectValue d;
      ASSIGN_OR_RETURN(d.subject, StringField(v, "subject"));
      ASSIGN_OR_RETURN(d.version, IntField(v, "version"));
      return d;
    }
    case RecordKind::kClearSubject: {
      ClearSubjectValue c;
      ASSIGN_OR_RETURN(c.subject, StringField(v, "subject"));
      return c;
    }
    case RecordKind::kMaxId: {
      ASSIGN_OR_RETURN(int32_t max_id, IntField(v, "maxId"));
      return MaxIdValue{max_id};
    }
    case RecordKind::kNoop:
      return RecordValue{};
  }
  return RecordValue{};
}

Result<RecordKey> DecodeKey(std::string_view text) {
  ASSIGN_OR_RETURN(Json k, ParseJsonText(text));
  if (!k.is_object()) return absl::InvalidArgumentError("the key is not a JSON object");
  ASSIGN_OR_RETURN(std::string type, StringField(k, "keytype"));
  RecordKey key;
  const KindName* kind = nullptr;
  for (const KindName& candidate : kKinds) {
    if (candidate.name == type) kind = &candidate;
  }
  if (kind == nullptr) {
    return absl::InvalidArgumentError(fmt::format("unknown keytype \"{}\"", type));
  }
  key.kind = kind->kind;
  if (auto s = k.find("subject"); s != k.end() && s->is_string()) {
    key.subject = s->get<std::string>();
  }
  bool needs_subject = key.kind == RecordKind::kSchema || key.kind == RecordKind::kDeleteSubject ||
                       key.kind == RecordKind::kClearSubject;
  if (needs_subject && !key.subject) {
    return absl::InvalidArgumentError(fmt::format("a {} key without a subject", type));
  }
  if (key.kind == RecordKind::kSchema) {
    ASSIGN_OR_RETURN(key.version, IntField(k, "version"));
  }
  return key;
}

}  // namespace

std::string_view ModeName(Mode mode) { return kModeNames[static_cast<size_t>(mode)]; }

std::optional<Mode> ModeFromName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  for (size_t i = 0; i < kModeNames.size(); ++i) {
    if (kModeNames[i] == upper) return static_cast<Mode>(i);
  }
  return std::nullopt;
}

RegistryRecord RegistryRecord::Schema(SchemaValue value) {
  RecordKey key{RecordKind::kSchema, value.subject, value.version};
  return RegistryRecord{std::move(key), std::move(value)};
}

RegistryRecord RegistryRecord::SchemaTombstone(std::string subject, int32_t version) {
  return RegistryRecord{RecordKey{RecordKind::kSchema, std::move(subject), version}, {}};
}

RegistryRecord RegistryRecord::Config(std::optional<std::string> subject,
                                      std::optional<CompatibilityLevel> level) {
  RegistryRecord r{RecordKey{RecordKind::kConfig, std::move(subject), 0}, {}};
  if (level) r.value = ConfigValue{*level};
  return r;
}

RegistryRecord RegistryRecord::ModeSetting(std::optional<std::string> subject,
                                           std::optional<Mode> mode) {
  RegistryRecord r{RecordKey{RecordKind::kMode, std::move(subject), 0}, {}};
  if (mode) r.value = ModeValue{*mode};
  return r;
}

RegistryRecord RegistryRecord::DeleteSubject(std::string subject, int32_t up_to_version) {
  RecordKey key{RecordKind::kDeleteSubject, subject, 0};
  return RegistryRecord{std::move(key), DeleteSubjectValue{std::move(subject), up_to_version}};
}

RegistryRecord RegistryRecord::MaxId(int32_t max_id) {
  return RegistryRecord{RecordKey{RecordKind::kMaxId, std::nullopt, 0}, MaxIdValue{max_id}};
}

std::string EncodeRecordKey(const RecordKey& key) {
  const KindName& kind = Describe(key.kind);
  OrderedJson j;
  j["keytype"] = kind.name;
  if (key.subject) j["subject"] = *key.subject;
  if (key.kind == RecordKind::kSchema) j["version"] = key.version;
  j["magic"] = kind.magic;
  return Dump(j);
}

std::optional<std::string> EncodeRecordValue(const RegistryRecord& record) {
  struct Visitor {
    std::optional<std::string> operator()(std::monostate) const { return std::nullopt; }
    std::optional<std::string> operator()(const SchemaValue& s) const {
      OrderedJson refs = OrderedJson::array();
      for (const SchemaReference& r : s.references) {
        refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
      }
      return Dump(OrderedJson{{"subject", s.subject},
                              {"version", s.version},
                              {"id", s.id},
                              {"schemaType", SchemaTypeName(s.type)},
                              {"references", std::move(refs)},
                              {"schema", s.schema},
                              {"deleted", s.deleted}});
    }
    std::optional<std::string> operator()(const ConfigValue& c) const {
      return Dump(OrderedJson{{"compatibilityLevel", CompatibilityLevelName(c.compatibility)}});
    }
    std::optional<std::string> operator()(const ModeValue& m) const {
      return Dump(OrderedJson{{"mode", ModeName(m.mode)}});
    }
    std::optional<std::string> operator()(const DeleteSubjectValue& d) const {
      return Dump(OrderedJson{{"subject", d.subject}, {"version", d.version}});
    }
    std::optional<std::string> operator()(const ClearSubjectValue& c) const {
      return Dump(OrderedJson{{"subject", c.subject}});
    }
    std::optional<std::string> operator()(const MaxIdValue& m) const {
      return Dump(OrderedJson{{"maxId", m.max_id}});
    }
  };
  return std::visit(Visitor{}, record.value);
}

Result<RegistryRecord> DecodeRecord(std::optional<std::string_view> key,
                                    std::optional<std::string_view> value) {
  if (!key) return absl::InvalidArgumentError("a record without a key");
  Result<RecordKey> k = DecodeKey(*key);
  if (!k.ok()) {
    return absl::InvalidArgumentError(fmt::format("key {}: {}", *key, k.status().message()));
  }
  RegistryRecord record{std::move(*k), {}};
  if (!value || record.key.kind == RecordKind::kNoop) return record;
  Result<Json> v = ParseJsonText(*value);
  Result<RecordValue> decoded = v.ok() ? DecodeValue(record.key, *v) : v.status();
  if (!decoded.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("key {}: value: {}", *key, decoded.status().message()));
  }
  record.value = std::move(*decoded);
  return record;
}

}  // namespace oxbow::registry
