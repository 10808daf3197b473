#include "dlq/dead_letter_queue.h"

#include <algorithm>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "log/record_batch_builder.h"
#include "log/topic_config.h"

namespace oxbow::dlq {
namespace {

// Room for the dead-letter headers and the record framing on top of the source topic's
// max.message.bytes: a letter whose key and value fitted in the source fits here.
constexpr int64_t kHeaderRoom = 64 * 1024;

// `message` cut to kMaxDeadLetterMessageBytes at a character boundary.
std::string_view Clip(std::string_view message, std::string& storage) {
  if (message.size() <= kMaxDeadLetterMessageBytes) return message;
  size_t end = kMaxDeadLetterMessageBytes - 3;
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;
  storage = fmt::format("{}...", message.substr(0, end));
  return storage;
}

}  // namespace

Result<std::string> DeadLetterTopicFor(std::string_view source_topic) {
  if (source_topic.empty()) {
    return absl::InvalidArgumentError("a dead letter needs its source topic");
  }
  std::string name = fmt::format("{}.dlq", source_topic);
  Status valid = log::ValidateTopicName(name);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("no dead-letter topic for {}: {}", source_topic, valid.message()));
  }
  return name;
}

Result<int32_t> DeadLetterQueue::EnsureTopic(const std::string& source, const std::string& dlq) {
  Result<int32_t> count = log_.PartitionCount(dlq);
  if (count.ok()) return count;
  int32_t partitions = 1;
  log::ConfigMap overrides;
  if (Result<log::TopicInfo> info = log_.DescribeTopic(source); info.ok()) {
    partitions = std::max<int32_t>(1, static_cast<int32_t>(info->partitions.size()));
    int64_t max_bytes = info->config.max_message_bytes + kHeaderRoom;
    overrides["max.message.bytes"] = std::to_string(std::min<int64_t>(max_bytes, INT32_MAX));
  }
  Status created = log_.CreateTopic(dlq, partitions, overrides);
  if (created.ok()) {
    OXBOW_LOG_INFO("dead letters: created topic {} ({} partition{})", dlq, partitions,
                   partitions == 1 ? "" : "s");
  } else if (created.code() != absl::StatusCode::kAlreadyExists) {
    return Status(created.code(),
                  fmt::format("cannot create dead-letter topic {}: {}", dlq, created.message()));
  }
  return log_.PartitionCount(dlq);
}

Status DeadLetterQueue::Append(std::span<const DeadLetter> letters) {
  // Letters grouped by dead-letter topic and partition, in call order within each.
  struct Target {
    std::string source;
    std::string topic;
    int32_t partition;
    std::vector<const DeadLetter*> letters;
  };
  std::vector<Target> targets;
  std::map<std::string, int32_t> partition_counts;  // by dead-letter topic
  for (const DeadLetter& letter : letters) {
    ASSIGN_OR_RETURN(std::string topic, DeadLetterTopicFor(letter.source_topic));
    auto [it, inserted] = partition_counts.try_emplace(topic, 0);
    if (inserted) {
      ASSIGN_OR_RETURN(it->second, EnsureTopic(letter.source_topic, topic));
    }
    int32_t partition = letter.source_partition > 0 ? letter.source_partition % it->second : 0;
    auto target = std::find_if(targets.begin(), targets.end(), [&](const Target& t) {
      return t.topic == topic && t.partition == partition;
    });
    if (target == targets.end()) {
      targets.push_back({letter.source_topic, topic, partition, {}});
      target = targets.end() - 1;
    }
    target->letters.push_back(&letter);
  }

  Status first_error;
  for (const Target& target : targets) {
    Result<std::shared_ptr<log::Partition>> partition =
        log_.GetPartition(target.topic, PartitionId(target.partition));
    if (!partition.ok()) {
      first_error.Update(partition.status());
      continue;
    }
    const size_t max_bytes = static_cast<size_t>((*partition)->config().max_message_bytes);
    const TimestampMs now = log::NowMs();
    log::RecordBatchBuilder builder({});
    ByteBuffer record_set;
    Status built;
    auto flush = [&] {
      if (builder.record_count() == 0) return;
      Result<ByteBuffer> batch = builder.Build();
      if (!batch.ok()) {
        built.Update(batch.status());
        return;
      }
      record_set.Append(batch->view());
    };
    for (const DeadLetter* l : target.letters) {
      std::string clipped;
      std::string partition_text = std::to_string(l->source_partition);
      std::string offset_text = std::to_string(l->source_offset);
      std::vector<log::RecordHeader> headers = {
          {kHeaderSourceTopic, AsBytes(l->source_topic)},
          {kHeaderSourcePartition, AsBytes(partition_text)},
          {kHeaderSourceOffset, AsBytes(offset_text)},
          {kHeaderErrorClass, AsBytes(l->error_class)},
          {kHeaderErrorMessage, AsBytes(Clip(l->error_message, clipped))},
      };
      if (!l->view.empty()) headers.push_back({kHeaderView, AsBytes(l->view)});
      size_t size = 512 + (l->key ? l->key->size() : 0) + (l->value ? l->value->size() : 0);
      for (const auto& [k, v] : l->headers) {
        headers.push_back({k, v ? std::optional<ByteView>(AsBytes(*v)) : std::nullopt});
        size += k.size() + (v ? v->size() : 0) + 10;
      }
      if (builder.record_count() > 0 && builder.estimated_size() + size > max_bytes) flush();
      auto view = [](const std::optional<std::string>& s) {
        return s ? std::optional<ByteView>(AsBytes(*s)) : std::nullopt;
      };
      builder.Add(l->timestamp_ms >= 0 ? TimestampMs(l->timestamp_ms) : now, view(l->key),
                  view(l->value), headers);
    }
    flush();
    Result<log::AppendResult> appended =
        built.ok()
            ? (*partition)
                  ->Append(MutableByteView(record_set.mutable_data(), record_set.size()), now)
            : Result<log::AppendResult>(built);
    if (!appended.ok()) {
      first_error.Update(
          Status(appended.status().code(),
                 fmt::format("cannot append to dead-letter topic {}-{}: {}", target.topic,
                             target.partition, appended.status().message())));
      continue;
    }
    absl::MutexLock lock(&mu_);
    counts_[target.source] += target.letters.size();
  }
  return first_error;
}

uint64_t DeadLetterQueue::Count(std::string_view source_topic) const {
  absl::MutexLock lock(&mu_);
  auto it = counts_.find(std::string(source_topic));
  return it == counts_.end() ? 0 : it->second;
}

std::map<std::string, uint64_t> DeadLetterQueue::Counts() const {
  absl::MutexLock lock(&mu_);
  return std::map<std::string, uint64_t>(counts_.begin(), counts_.end());
}

}  // namespace oxbow::dlq
