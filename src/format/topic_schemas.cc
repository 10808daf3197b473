#include "format/topic_schemas.h"

#include <algorithm>
#include <vector>

#include "fmt/format.h"
#include "format/avro_json.h"
#include "format/confluent_framing.h"
#include "log/record_batch.h"

namespace oxbow::format {
namespace {

// References nest; a cycle cannot be registered, but bound the recursion anyway.
constexpr int kMaxReferenceDepth = 32;

Status FromRegistry(const registry::RegistryError& e) {
  absl::StatusCode code = e.http_status == 404   ? absl::StatusCode::kNotFound
                          : e.http_status == 500 ? absl::StatusCode::kInternal
                                                 : absl::StatusCode::kInvalidArgument;
  return Status(code, e.message);
}

bool RegisteredUnder(registry::SchemaRegistry& registry, int32_t id, const std::string& subject) {
  auto subjects = registry.SubjectsForId(id, /*include_deleted=*/false);
  return subjects.ok() && std::find(subjects->begin(), subjects->end(), subject) != subjects->end();
}

}  // namespace

std::string SubjectFor(std::string_view topic, bool is_key) {
  return fmt::format("{}-{}", topic, is_key ? "key" : "value");
}

registry::RegistryResult<int32_t> TopicSchemas::Resolve(std::string_view topic, bool is_key,
                                                        std::string_view schema_text,
                                                        std::optional<int32_t> schema_id) {
  std::string subject = SubjectFor(topic, is_key);
  if (schema_text.empty()) {
    if (!schema_id) {
      return registry::RegistryError::Http(
          422, fmt::format("no {} schema given", is_key ? "key" : "value"));
    }
    auto found = registry_.GetSchemaById(*schema_id);
    if (!found.ok()) return found.error();
    return *schema_id;
  }
  std::string cache_key = fmt::format("{}\n{}", subject, schema_text);
  {
    absl::MutexLock lock(&mu_);
    auto it = registered_.find(cache_key);
    if (it != registered_.end() && RegisteredUnder(registry_, it->second, subject)) {
      return it->second;
    }
  }
  registry::RegisterRequest request;
  request.schema = std::string(schema_text);
  request.type = registry::SchemaType::kAvro;
  auto registered = registry_.Register(subject, request);
  if (!registered.ok()) return registered.error();
  absl::MutexLock lock(&mu_);
  registered_[cache_key] = registered->id;
  return registered->id;
}

Result<std::shared_ptr<const registry::ParsedSchema>> TopicSchemas::Parse(int32_t id, int depth) {
  if (depth > kMaxReferenceDepth) {
    return absl::InvalidArgumentError(
        fmt::format("schema id {}: references nest deeper than {}", id, kMaxReferenceDepth));
  }
  auto info = registry_.GetSchemaById(id);
  if (!info.ok()) return FromRegistry(info.error());
  std::vector<std::shared_ptr<const registry::ParsedSchema>> references;
  for (const registry::SchemaReference& ref : info->references) {
    auto version = registry_.GetVersion(ref.subject, registry::VersionSpec::Number(ref.version),
                                        /*include_deleted=*/true);
    if (!version.ok()) return FromRegistry(version.error());
    ASSIGN_OR_RETURN(references.emplace_back(), Parse(version->id, depth + 1));
  }
  return registry::ParsedSchema::Parse(info->type, info->schema, std::move(references));
}

Result<std::shared_ptr<const TopicSchemas::Compiled>> TopicSchemas::Load(int32_t id) {
  {
    absl::MutexLock lock(&mu_);
    auto it = by_id_.find(id);
    if (it != by_id_.end()) return it->second;
  }
  auto compiled = std::make_shared<Compiled>();
  ASSIGN_OR_RETURN(compiled->schema, Parse(id, 0));
  if (compiled->schema->avro() != nullptr) {
    ASSIGN_OR_RETURN(compiled->decoder, AvroDecoder::Compile(*compiled->schema->avro()));
  }
  absl::MutexLock lock(&mu_);
  return by_id_.try_emplace(id, std::move(compiled)).first->second;
}

Result<std::shared_ptr<const registry::ParsedSchema>> TopicSchemas::SchemaById(int32_t id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Compiled> compiled, Load(id));
  return compiled->schema;
}

Result<std::string> TopicSchemas::EncodeJson(int32_t schema_id, const nlohmann::json& json) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Compiled> compiled, Load(schema_id));
  if (compiled->schema->avro() == nullptr) {
    return absl::FailedPreconditionError(
        fmt::format("schema id {} is a {} schema, not Avro", schema_id,
                    registry::SchemaTypeName(compiled->schema->type())));
  }
  ByteBuffer out;
  RETURN_IF_ERROR(EncodeConfluentAvroJson(json, *compiled->schema->avro(), schema_id, &out));
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

Status TopicSchemas::Validate(std::string_view topic, bool is_key, std::optional<ByteView> bytes) {
  if (!bytes) return absl::OkStatus();
  Result<ConfluentFrame> frame = ParseConfluentFrame(*bytes);
  if (!frame.ok()) return absl::InvalidArgumentError(frame.status().message());
  std::string subject = SubjectFor(topic, is_key);
  if (!RegisteredUnder(registry_, frame->schema_id, subject)) {
    return absl::InvalidArgumentError(
        fmt::format("schema id {} is not registered under subject {}", frame->schema_id, subject));
  }
  Result<std::shared_ptr<const Compiled>> compiled = Load(frame->schema_id);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(fmt::format("schema id {} ({}): {}", frame->schema_id,
                                                  subject, compiled.status().message()));
  }
  if (!(*compiled)->decoder) return absl::OkStatus();  // JSON Schema: framing and id only
  AvroValue value;
  Status decoded = (*compiled)->decoder->Decode(frame->payload, &value);
  if (!decoded.ok()) {
    return absl::InvalidArgumentError(fmt::format("does not decode with schema id {} ({}): {}",
                                                  frame->schema_id, subject, decoded.message()));
  }
  return absl::OkStatus();
}

Status TopicSchemas::ValidateRecordSet(std::string_view topic, const log::TopicConfig& config,
                                       ByteView record_set) {
  if (!config.key_schema_validation && !config.value_schema_validation) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<ByteView> batches, log::SplitRecordSet(record_set));
  for (size_t b = 0; b < batches.size(); ++b) {
    ASSIGN_OR_RETURN(
        log::DecodedBatch batch,
        log::DecodeBatch(batches[b], log::kDefaultMaxUncompressedBytes, log::CrcCheck::kSkip));
    if (batch.header().is_control()) continue;
    const auto& records = batch.records();
    for (size_t r = 0; r < records.size(); ++r) {
      for (bool is_key : {true, false}) {
        if (!(is_key ? config.key_schema_validation : config.value_schema_validation)) continue;
        Status s = Validate(topic, is_key, is_key ? records[r].key : records[r].value);
        if (!s.ok()) {
          return absl::InvalidArgumentError(
              fmt::format("batch {}, record {} (offset delta {}): {}: {}", b, r,
                          records[r].offset_delta, is_key ? "key" : "value", s.message()));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace oxbow::format
