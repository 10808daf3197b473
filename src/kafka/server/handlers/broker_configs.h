// The broker-level names of the topic defaults (Kafka's log.retention.ms for a topic's
// retention.ms, …), for DescribeConfigs on the broker resource and topic config synonyms.
#pragma once

#include <string>
#include <string_view>

namespace oxbow::kafka {

// The broker config that sets the default of topic config `topic_key` ("" if none).
std::string_view BrokerKeyFor(std::string_view topic_key);

// Kafka's resource types and config sources (DescribeConfigs).
inline constexpr int8_t kResourceTopic = 2;
inline constexpr int8_t kResourceBroker = 4;
inline constexpr int8_t kSourceTopicOverride = 1;  // DYNAMIC_TOPIC_CONFIG
inline constexpr int8_t kSourceStaticBroker = 4;   // STATIC_BROKER_CONFIG
inline constexpr int8_t kSourceDefault = 5;        // DEFAULT_CONFIG

}  // namespace oxbow::kafka
