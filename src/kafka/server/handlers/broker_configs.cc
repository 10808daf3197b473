#include "kafka/server/handlers/broker_configs.h"

#include <array>
#include <utility>

namespace oxbow::kafka {

std::string_view BrokerKeyFor(std::string_view topic_key) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kNames = {{
      {"cleanup.policy", "log.cleanup.policy"},
      {"delete.retention.ms", "log.cleaner.delete.retention.ms"},
      {"flush.bytes", "oxbow.log.flush.bytes"},
      {"flush.messages", "log.flush.interval.messages"},
      {"flush.ms", "log.flush.interval.ms"},
      {"index.interval.bytes", "log.index.interval.bytes"},
      {"max.message.bytes", "message.max.bytes"},
      {"message.timestamp.type", "log.message.timestamp.type"},
      {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"},
      {"min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"},
      {"retention.bytes", "log.retention.bytes"},
      {"retention.ms", "log.retention.ms"},
      {"segment.bytes", "log.segment.bytes"},
      {"segment.ms", "log.roll.ms"},
  }};
  for (const auto& [topic, broker] : kNames) {
    if (topic == topic_key) return broker;
  }
  return "";
}

}  // namespace oxbow::kafka
