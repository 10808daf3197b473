// Per-topic configuration: Kafka's topic config names and meanings, validated.
//
// A topic stores only its overrides (topic.json); its effective config is the server's
// defaults with the overrides applied, so changing a server default reaches every topic
// that did not override it (as in Kafka). The table of definitions (TopicConfigDefs) is the
// single source for validation, `oxbow topic describe`, --help text and, later, the Kafka
// DescribeConfigs API.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "log/record_batch.h"

namespace oxbow::log {

using ConfigMap = std::map<std::string, std::string>;

struct TopicConfig {
  // cleanup.policy: "delete", "compact" or "compact,delete".
  bool delete_policy = true;
  bool compact_policy = false;
  // retention.ms / retention.bytes: -1 keeps data forever.
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  int64_t retention_bytes = -1;
  // segment.bytes / segment.ms: when the active segment rolls.
  int64_t segment_bytes = 1LL << 30;
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;
  // index.interval.bytes: bytes between sparse index entries.
  int64_t index_interval_bytes = 4096;
  // delete.retention.ms: how long tombstones survive compaction (so consumers see them).
  int64_t delete_retention_ms = 24LL * 3600 * 1000;
  // min.compaction.lag.ms: records younger than this are not compacted.
  int64_t min_compaction_lag_ms = 0;
  // min.cleanable.dirty.ratio: compact when dirty bytes / total bytes reaches this.
  double min_cleanable_dirty_ratio = 0.5;
  // max.message.bytes: the largest record batch accepted.
  int64_t max_message_bytes = 1048588;
  // message.timestamp.type: CreateTime (the producer's) or LogAppendTime (the broker's).
  TimestampType timestamp_type = TimestampType::kCreateTime;
  // Durability (see docs/design/durability.md). An append is fsynced before it is
  // acknowledged once flush.messages records or flush.bytes bytes are unflushed; the
  // background flusher fsyncs data older than flush.ms. The default, flush.messages=1,
  // fsyncs every append: an acknowledged write survives power loss.
  int64_t flush_messages = 1;
  int64_t flush_bytes = -1;
  int64_t flush_ms = -1;
  // confluent.key.schema.validation / confluent.value.schema.validation (Confluent Server's
  // names): every record's key / value must be Confluent-framed with a schema id registered
  // under the subject <topic>-key / <topic>-value and decode with that schema. Enforced by
  // the Kafka API and the REST proxy (docs/registry.md, "Validation"), not by the log.
  bool key_schema_validation = false;
  bool value_schema_validation = false;

  // Applies `overrides` (key → value) to this config, validating each. Unknown keys and
  // invalid values are InvalidArgument errors that say which key and what is allowed.
  Status Apply(const ConfigMap& overrides);
  // Validates cross-field constraints (e.g. at least one cleanup policy).
  Status Validate() const;
  // The value of `key` in the form a user writes it.
  std::string Get(std::string_view key) const;
  // Every key with its effective value, sorted by key.
  ConfigMap ToMap() const;
};

struct TopicConfigDef {
  std::string_view name;
  std::string_view doc;
};

// The topic config keys Oxbow understands, with their documentation.
std::span<const TopicConfigDef> TopicConfigDefs();

// Topic names follow Kafka's rules: 1–249 characters of [a-zA-Z0-9._-], not "." or "..".
Status ValidateTopicName(std::string_view name);

}  // namespace oxbow::log
