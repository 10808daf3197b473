#include "log/topic_config.h"

#include <charconv>

#include "fmt/format.h"

namespace oxbow::log {
namespace {

constexpr TopicConfigDef kDefs[] = {
    {"cleanup.policy", "delete, compact or compact,delete"},
    {"confluent.key.schema.validation",
     "true: keys must be Confluent-framed with a schema of subject <topic>-key"},
    {"confluent.value.schema.validation",
     "true: values must be Confluent-framed with a schema of subject <topic>-value"},
    {"delete.retention.ms", "how long tombstones survive compaction, ms"},
    {"flush.bytes", "fsync once this many bytes are unflushed; -1 disables"},
    {"flush.messages", "fsync once this many records are unflushed; 1 = every append; -1 disables"},
    {"flush.ms", "fsync data older than this many ms in the background; -1 disables"},
    {"index.interval.bytes", "bytes of log between sparse index entries"},
    {"max.message.bytes", "largest record batch accepted, bytes"},
    {"message.timestamp.type", "CreateTime or LogAppendTime"},
    {"min.cleanable.dirty.ratio", "compact when dirty/total bytes reaches this (0..1)"},
    {"min.compaction.lag.ms", "records younger than this are not compacted, ms"},
    {"retention.bytes", "delete old segments beyond this size per partition; -1 = unlimited"},
    {"retention.ms", "delete segments older than this, ms; -1 = forever"},
    {"segment.bytes", "roll the active segment at this size, bytes (14..2147483647)"},
    {"segment.ms", "roll the active segment after this many ms"},
};

Result<int64_t> ParseInt(std::string_view key, std::string_view value, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value '{}' for {}: expected an integer", value, key));
  }
  if (v < min || v > max) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value {} for {}: must be between {} and {}", v, key, min, max));
  }
  return v;
}

// -1 (disabled/unlimited) or a value >= min.
Result<int64_t> ParseLimit(std::string_view key, std::string_view value, int64_t min) {
  ASSIGN_OR_RETURN(int64_t v, ParseInt(key, value, INT64_MIN, INT64_MAX));
  if (v != -1 && v < min) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value {} for {}: must be -1 or at least {}", v, key, min));
  }
  return v;
}

Status ApplyOne(TopicConfig& c, std::string_view key, std::string_view value) {
  auto set_int = [&](int64_t& field, int64_t min, int64_t max) -> Status {
    ASSIGN_OR_RETURN(field, ParseInt(key, value, min, max));
    return absl::OkStatus();
  };
  auto set_limit = [&](int64_t& field, int64_t min) -> Status {
    ASSIGN_OR_RETURN(field, ParseLimit(key, value, min));
    return absl::OkStatus();
  };
  if (key == "cleanup.policy") {
    if (value == "delete") {
      c.delete_policy = true, c.compact_policy = false;
    } else if (value == "compact") {
      c.delete_policy = false, c.compact_policy = true;
    } else if (value == "compact,delete" || value == "delete,compact") {
      c.delete_policy = true, c.compact_policy = true;
    } else {
      return absl::InvalidArgumentError(fmt::format(
          "invalid value '{}' for cleanup.policy: expected delete, compact or compact,delete",
          value));
    }
    return absl::OkStatus();
  }
  if (key == "message.timestamp.type") {
    if (value == "CreateTime") {
      c.timestamp_type = TimestampType::kCreateTime;
    } else if (value == "LogAppendTime") {
      c.timestamp_type = TimestampType::kLogAppendTime;
    } else {
      return absl::InvalidArgumentError(fmt::format(
          "invalid value '{}' for message.timestamp.type: expected CreateTime or LogAppendTime",
          value));
    }
    return absl::OkStatus();
  }
  if (key == "min.cleanable.dirty.ratio") {
    double v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size() || v < 0 || v > 1) {
      return absl::InvalidArgumentError(fmt::format(
          "invalid value '{}' for min.cleanable.dirty.ratio: expected a number from 0 to 1",
          value));
    }
    c.min_cleanable_dirty_ratio = v;
    return absl::OkStatus();
  }
  if (key == "confluent.key.schema.validation" || key == "confluent.value.schema.validation") {
    bool& field = key == "confluent.key.schema.validation" ? c.key_schema_validation
                                                           : c.value_schema_validation;
    if (value == "true") {
      field = true;
    } else if (value == "false") {
      field = false;
    } else {
      return absl::InvalidArgumentError(
          fmt::format("invalid value '{}' for {}: expected true or false", value, key));
    }
    return absl::OkStatus();
  }
  if (key == "retention.ms") return set_limit(c.retention_ms, 0);
  if (key == "retention.bytes") return set_limit(c.retention_bytes, 0);
  if (key == "segment.bytes") return set_int(c.segment_bytes, 14, INT32_MAX);
  if (key == "segment.ms") return set_int(c.segment_ms, 1, INT64_MAX);
  if (key == "index.interval.bytes") return set_int(c.index_interval_bytes, 0, INT32_MAX);
  if (key == "delete.retention.ms") return set_int(c.delete_retention_ms, 0, INT64_MAX);
  if (key == "min.compaction.lag.ms") return set_int(c.min_compaction_lag_ms, 0, INT64_MAX);
  if (key == "max.message.bytes") return set_int(c.max_message_bytes, 0, INT32_MAX);
  if (key == "flush.messages") return set_limit(c.flush_messages, 1);
  if (key == "flush.bytes") return set_limit(c.flush_bytes, 1);
  if (key == "flush.ms") return set_limit(c.flush_ms, 0);
  std::string known;
  for (const auto& d : kDefs) known += fmt::format("{}{}", known.empty() ? "" : ", ", d.name);
  return absl::InvalidArgumentError(
      fmt::format("unknown topic config '{}': known keys are {}", key, known));
}

}  // namespace

Status TopicConfig::Apply(const ConfigMap& overrides) {
  TopicConfig next = *this;
  for (const auto& [key, value] : overrides) RETURN_IF_ERROR(ApplyOne(next, key, value));
  RETURN_IF_ERROR(next.Validate());
  *this = next;
  return absl::OkStatus();
}

Status TopicConfig::Validate() const {
  if (!delete_policy && !compact_policy) {
    return absl::InvalidArgumentError("cleanup.policy must include delete or compact");
  }
  return absl::OkStatus();
}

std::string TopicConfig::Get(std::string_view key) const {
  auto m = ToMap();
  auto it = m.find(std::string(key));
  return it == m.end() ? std::string() : it->second;
}

ConfigMap TopicConfig::ToMap() const {
  ConfigMap m;
  m["cleanup.policy"] = delete_policy && compact_policy ? "compact,delete"
                        : compact_policy                ? "compact"
                                                        : "delete";
  m["confluent.key.schema.validation"] = key_schema_validation ? "true" : "false";
  m["confluent.value.schema.validation"] = value_schema_validation ? "true" : "false";
  m["delete.retention.ms"] = std::to_string(delete_retention_ms);
  m["flush.bytes"] = std::to_string(flush_bytes);
  m["flush.messages"] = std::to_string(flush_messages);
  m["flush.ms"] = std::to_string(flush_ms);
  m["index.interval.bytes"] = std::to_string(index_interval_bytes);
  m["max.message.bytes"] = std::to_string(max_message_bytes);
  m["message.timestamp.type"] =
      timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
  m["min.cleanable.dirty.ratio"] = fmt::format("{}", min_cleanable_dirty_ratio);
  m["min.compaction.lag.ms"] = std::to_string(min_compaction_lag_ms);
  m["retention.bytes"] = std::to_string(retention_bytes);
  m["retention.ms"] = std::to_string(retention_ms);
  m["segment.bytes"] = std::to_string(segment_bytes);
  m["segment.ms"] = std::to_string(segment_ms);
  return m;
}

std::span<const TopicConfigDef> TopicConfigDefs() { return kDefs; }

Status ValidateTopicName(std::string_view name) {
  if (name.empty() || name.size() > 249) {
    return absl::InvalidArgumentError(
        fmt::format("invalid topic name '{}': must be 1 to 249 characters", name));
  }
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError("invalid topic name: '.' and '..' are not allowed");
  }
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    if (!ok) {
      return absl::InvalidArgumentError(fmt::format(
          "invalid topic name '{}': only ASCII letters, digits, '.', '_' and '-' are allowed",
          name));
    }
  }
  return absl::OkStatus();
}

}  // namespace oxbow::log
