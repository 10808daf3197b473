// POST /topics/{topic}: records to partitions, partitions to record sets, record sets to
// the log. See rest_proxy.h for the rules.
#include <map>
#include <optional>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "http/rest_proxy.h"
#include "kafka/partitioner.h"
#include "log/record_batch_builder.h"
#include "nlohmann/json.hpp"

namespace oxbow::http {
namespace {

using Json = nlohmann::ordered_json;

// A record's size in a batch of its own is at most this much more than its key and value:
// the batch header (61 bytes) and the record's length, attributes, timestamp and offset
// deltas, key and value lengths and header count (varints, at most 36 bytes).
constexpr size_t kBatchOverhead = 61 + 36;

// Where each record of a request goes.
struct Placement {
  int32_t partition = -1;
  std::optional<RestError> error;  // the record is not appended
  Offset offset{-1};
};

// Encodes one partition's records as batches of at most max_message_bytes each (a record
// too large for any batch gets an error instead) and appends them as one record set: one
// write, one fsync, all or nothing.
void AppendToPartition(log::Partition& partition, const std::vector<size_t>& indexes,
                       const std::vector<ProduceRecord>& records,
                       std::vector<Placement>& placements) {
  const size_t max_bytes = static_cast<size_t>(partition.config().max_message_bytes);
  TimestampMs now = log::NowMs();
  log::RecordBatchBuilder builder({});
  ByteBuffer record_set;
  std::vector<std::pair<size_t, int32_t>> appended;  // record index, offset delta in the set
  int32_t delta = 0;
  Status status;
  auto flush = [&] {
    if (builder.record_count() == 0) return;
    Result<ByteBuffer> batch = builder.Build();
    if (!batch.ok()) {
      status.Update(batch.status());
      return;
    }
    record_set.Append(batch->view());
  };
  for (size_t i : indexes) {
    const ProduceRecord& r = records[i];
    size_t size = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
    if (size + kBatchOverhead > max_bytes) {
      placements[i].error =
          RestError{kKafkaError, fmt::format("the record is {} bytes, more than the topic's "
                                             "max.message.bytes ({}) allows",
                                             size, max_bytes)};
      continue;
    }
    if (builder.record_count() > 0 &&
        builder.estimated_size() + size + kBatchOverhead > max_bytes) {
      flush();
    }
    auto view = [](const std::optional<std::string>& s) {
      return s ? std::optional<ByteView>(AsBytes(*s)) : std::nullopt;
    };
    builder.Add(now, view(r.key), view(r.value));
    appended.emplace_back(i, delta++);
  }
  flush();
  if (appended.empty()) return;
  Result<log::AppendResult> result =
      status.ok()
          ? partition.Append(MutableByteView(record_set.mutable_data(), record_set.size()), now)
          : Result<log::AppendResult>(status);
  for (const auto& [i, d] : appended) {
    if (result.ok()) {
      placements[i].offset = result->base_offset + d;
    } else {
      placements[i].error = RestError{ErrorCodeForAppend(result.status()),
                                      std::string(ToStd(result.status().message()))};
    }
  }
  if (!result.ok()) {
    OXBOW_LOG_WARN("REST proxy: append to {}-{} failed: {}", partition.topic(), partition.id(),
                   result.status());
  }
}

Json ProduceAnswer(const ProduceRequest& req, const std::vector<Placement>& placements) {
  Json offsets = Json::array();
  for (const Placement& p : placements) {
    if (p.error) {
      offsets.push_back({{"partition", p.partition >= 0 ? Json(p.partition) : Json()},
                         {"offset", nullptr},
                         {"error_code", p.error->error_code},
                         {"error", p.error->message}});
    } else {
      offsets.push_back({{"partition", p.partition},
                         {"offset", p.offset.value()},
                         {"error_code", nullptr},
                         {"error", nullptr}});
    }
  }
  auto id = [](std::optional<int32_t> v) { return v ? Json(*v) : Json(); };
  return Json{{"key_schema_id", id(req.key_schema_id)},
              {"value_schema_id", id(req.value_schema_id)},
              {"offsets", std::move(offsets)}};
}

}  // namespace

std::variant<int32_t, RestError> RestProxy::PartitionsOf(std::string_view topic) {
  std::string name(topic);
  if (Status valid = log::ValidateTopicName(name); !valid.ok()) {
    return RestError{kTopicNotFound, fmt::format("Topic {} not found: {}", name, valid.message())};
  }
  if (IsInternalTopic(name)) {
    return RestError{403, fmt::format("Topic {} is internal to the broker; the REST proxy does "
                                      "not write to it",
                                      name)};
  }
  Result<int32_t> count = log_.PartitionCount(name);
  if (count.ok()) return *count;
  if (!options_.auto_create_topics) {
    return RestError{kTopicNotFound,
                     fmt::format("Topic {} not found (automatic topic creation is off: create it "
                                 "with `oxbow topic create {}`)",
                                 name, name)};
  }
  Status created = log_.CreateTopic(name, options_.auto_create_partitions, {});
  if (created.ok()) {
    OXBOW_LOG_INFO("REST proxy: auto-created topic {} ({} partitions)", name,
                   options_.auto_create_partitions);
  }
  count = log_.PartitionCount(name);  // AlreadyExists: someone else created it meanwhile
  if (!count.ok()) {
    return RestError{500, fmt::format("cannot create topic {}: {}", name,
                                      created.ok() ? count.status().message() : created.message())};
  }
  return *count;
}

std::optional<RestError> RestProxy::ValidateSchemas(std::string_view topic, ProduceRequest& req) {
  Result<std::shared_ptr<log::Partition>> partition =
      log_.GetPartition(std::string(topic), PartitionId(0));
  if (!partition.ok()) return std::nullopt;  // deleted meanwhile: the append says so
  log::TopicConfig config = (*partition)->config();
  if (!config.key_schema_validation && !config.value_schema_validation) return std::nullopt;
  if (avro_ == nullptr) {
    return RestError{500, fmt::format("topic {} has schema validation on, but the schema "
                                      "registry is not running (--schema-registry-listener is "
                                      "empty)",
                                      topic)};
  }
  for (size_t i = 0; i < req.records.size(); ++i) {
    ProduceRecord& r = req.records[i];
    for (bool is_key : {true, false}) {
      if (r.error || !(is_key ? config.key_schema_validation : config.value_schema_validation)) {
        continue;
      }
      std::optional<std::string> why = avro_->Validate(topic, is_key, is_key ? r.key : r.value);
      if (why) {
        r.error = RestError{
            kRecordSchemaMismatch,
            fmt::format("records[{}].{}: topic {} validates {}s against the "
                        "schema registry: {}",
                        i, is_key ? "key" : "value", topic, is_key ? "key" : "value", *why)};
      }
    }
  }
  return std::nullopt;
}

net::Response RestProxy::Produce(std::string_view topic, std::string_view media_type,
                                 std::string_view body) {
  auto format = FormatForMediaType(media_type);
  if (auto* e = std::get_if<RestError>(&format)) return e->ToResponse();
  auto parsed = ParseProduceRequest(topic, std::get<EmbeddedFormat>(format), body, avro_);
  if (auto* e = std::get_if<RestError>(&parsed)) return e->ToResponse();
  ProduceRequest& req = std::get<ProduceRequest>(parsed);
  auto partitions = PartitionsOf(topic);
  if (auto* e = std::get_if<RestError>(&partitions)) return e->ToResponse();
  int32_t count = std::get<int32_t>(partitions);

  std::vector<Placement> placements(req.records.size());
  if (auto e = ValidateSchemas(topic, req); e) return e->ToResponse();
  std::map<int32_t, std::vector<size_t>> by_partition;
  uint32_t sticky =
      next_sticky_.fetch_add(1, std::memory_order_relaxed) % static_cast<uint32_t>(count);
  for (size_t i = 0; i < req.records.size(); ++i) {
    const ProduceRecord& r = req.records[i];
    if (r.error) {
      placements[i].error = r.error;
      continue;
    }
    int32_t p = r.partition ? *r.partition
                : r.key     ? kafka::PartitionForKey(AsBytes(*r.key), count).value()
                            : static_cast<int32_t>(sticky);
    placements[i].partition = p;
    if (p >= count) {
      placements[i].error =
          RestError{kPartitionNotFound,
                    fmt::format("Partition {} of topic {} not found (it has {} partition{})", p,
                                topic, count, count == 1 ? "" : "s")};
      continue;
    }
    by_partition[p].push_back(i);
  }
  for (const auto& [p, indexes] : by_partition) {
    Result<std::shared_ptr<log::Partition>> partition =
        log_.GetPartition(std::string(topic), PartitionId(p));
    if (!partition.ok()) {  // the topic was deleted meanwhile
      for (size_t i : indexes) {
        placements[i].error = RestError{ErrorCodeForAppend(partition.status()),
                                        std::string(ToStd(partition.status().message()))};
      }
      continue;
    }
    AppendToPartition(**partition, indexes, req.records, placements);
  }
  std::string content_type = req.format == EmbeddedFormat::kPlainJson
                                 ? "application/json"
                                 : "application/vnd.kafka.v2+json";
  return net::Response{200, content_type, ProduceAnswer(req, placements).dump(), {}};
}

}  // namespace oxbow::http
