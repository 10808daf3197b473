#include "log/topic_config.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::log {
namespace {

using ::testing::HasSubstr;

std::string Msg(const Status& s) { return std::string(ToStd(s.message())); }

TEST(TopicConfigTest, DefaultsAreKafkas) {
  TopicConfig c;
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_EQ(c.Get("cleanup.policy"), "delete");
  EXPECT_EQ(c.Get("retention.ms"), "604800000");
  EXPECT_EQ(c.Get("retention.bytes"), "-1");
  EXPECT_EQ(c.Get("segment.bytes"), "1073741824");
  EXPECT_EQ(c.Get("max.message.bytes"), "1048588");
  EXPECT_EQ(c.Get("message.timestamp.type"), "CreateTime");
  EXPECT_EQ(c.Get("flush.messages"), "1");
  EXPECT_EQ(c.Get("no.such.key"), "");
}

TEST(TopicConfigTest, EveryKeyParses) {
  TopicConfig c;
  ConfigMap m = {{"cleanup.policy", "compact,delete"},
                 {"delete.retention.ms", "1000"},
                 {"flush.bytes", "4096"},
                 {"flush.messages", "10"},
                 {"flush.ms", "250"},
                 {"index.interval.bytes", "128"},
                 {"max.message.bytes", "2048"},
                 {"message.timestamp.type", "LogAppendTime"},
                 {"min.cleanable.dirty.ratio", "0.25"},
                 {"min.compaction.lag.ms", "60000"},
                 {"retention.bytes", "1000000"},
                 {"retention.ms", "3600000"},
                 {"segment.bytes", "65536"},
                 {"segment.ms", "600000"}};
  ASSERT_TRUE(c.Apply(m).ok());
  EXPECT_TRUE(c.delete_policy);
  EXPECT_TRUE(c.compact_policy);
  EXPECT_EQ(c.delete_retention_ms, 1000);
  EXPECT_EQ(c.flush_bytes, 4096);
  EXPECT_EQ(c.flush_messages, 10);
  EXPECT_EQ(c.flush_ms, 250);
  EXPECT_EQ(c.index_interval_bytes, 128);
  EXPECT_EQ(c.max_message_bytes, 2048);
  EXPECT_EQ(c.timestamp_type, TimestampType::kLogAppendTime);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.25);
  EXPECT_EQ(c.min_compaction_lag_ms, 60000);
  EXPECT_EQ(c.retention_bytes, 1000000);
  EXPECT_EQ(c.retention_ms, 3600000);
  EXPECT_EQ(c.segment_bytes, 65536);
  EXPECT_EQ(c.segment_ms, 600000);
  // ToMap gives back what was set, and covers every documented key.
  ConfigMap back = c.ToMap();
  for (const auto& [k, v] : m) EXPECT_EQ(back[k], v) << k;
  EXPECT_EQ(back.size(), TopicConfigDefs().size());
  for (const TopicConfigDef& d : TopicConfigDefs()) {
    EXPECT_TRUE(back.contains(std::string(d.name))) << d.name;
    EXPECT_FALSE(d.doc.empty()) << d.name;
  }
  // Round trip: applying ToMap() to defaults gives the same config.
  TopicConfig again;
  ASSERT_TRUE(again.Apply(back).ok());
  EXPECT_EQ(again.ToMap(), back);
}

TEST(TopicConfigTest, CleanupPolicies) {
  for (auto [value, del, compact] :
       {std::tuple{"delete", true, false}, std::tuple{"compact", false, true},
        std::tuple{"compact,delete", true, true}, std::tuple{"delete,compact", true, true}}) {
    TopicConfig c;
    ASSERT_TRUE(c.Apply({{"cleanup.policy", value}}).ok()) << value;
    EXPECT_EQ(c.delete_policy, del) << value;
    EXPECT_EQ(c.compact_policy, compact) << value;
  }
}

TEST(TopicConfigTest, MinusOneMeansUnlimited) {
  TopicConfig c;
  ASSERT_TRUE(c.Apply({{"retention.ms", "-1"},
                       {"retention.bytes", "-1"},
                       {"flush.messages", "-1"},
                       {"flush.bytes", "-1"},
                       {"flush.ms", "-1"}})
                  .ok());
  EXPECT_EQ(c.retention_ms, -1);
  EXPECT_EQ(c.retention_bytes, -1);
  EXPECT_EQ(c.flush_messages, -1);
}

struct BadValue {
  std::string key;
  std::string value;
  std::string expected;  // a substring of the error
};

TEST(TopicConfigTest, BadValuesNameKeyAndAllowedRange) {
  const BadValue cases[] = {
      {"cleanup.policy", "purge", "delete, compact or compact,delete"},
      {"confluent.value.schema.validation", "yes", "expected true or false"},
      {"confluent.key.schema.validation", "TRUE", "expected true or false"},
      {"message.timestamp.type", "createtime", "CreateTime or LogAppendTime"},
      {"min.cleanable.dirty.ratio", "1.5", "from 0 to 1"},
      {"min.cleanable.dirty.ratio", "-0.1", "from 0 to 1"},
      {"min.cleanable.dirty.ratio", "half", "from 0 to 1"},
      {"retention.ms", "-2", "-1 or at least 0"},
      {"retention.ms", "10s", "expected an integer"},
      {"retention.bytes", "", "expected an integer"},
      {"segment.bytes", "13", "between 14 and 2147483647"},
      {"segment.bytes", "2147483648", "between 14 and 2147483647"},
      {"segment.ms", "0", "between 1 and"},
      {"index.interval.bytes", "-1", "between 0 and"},
      {"delete.retention.ms", "-1", "between 0 and"},
      {"min.compaction.lag.ms", "-5", "between 0 and"},
      {"max.message.bytes", "-1", "between 0 and"},
      {"flush.messages", "0", "-1 or at least 1"},
      {"flush.bytes", "0", "-1 or at least 1"},
      {"flush.ms", "-3", "-1 or at least 0"},
      {"segment.bytes", "99999999999999999999", "expected an integer"},
      {"segment.bytes", " 100", "expected an integer"},
  };
  for (const BadValue& c : cases) {
    TopicConfig config;
    TopicConfig before = config;
    Status s = config.Apply({{c.key, c.value}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.key << "=" << c.value;
    EXPECT_THAT(Msg(s), HasSubstr(c.key)) << c.value;
    EXPECT_THAT(Msg(s), HasSubstr(c.expected)) << c.key << "=" << c.value;
    // A failed Apply changes nothing.
    EXPECT_EQ(config.ToMap(), before.ToMap()) << c.key;
  }
}

TEST(TopicConfigTest, SchemaValidationKeys) {
  TopicConfig c;
  EXPECT_FALSE(c.value_schema_validation);
  EXPECT_EQ(c.Get("confluent.value.schema.validation"), "false");
  ASSERT_TRUE(c.Apply({{"confluent.value.schema.validation", "true"}}).ok());
  EXPECT_TRUE(c.value_schema_validation);
  EXPECT_FALSE(c.key_schema_validation);
  EXPECT_EQ(c.Get("confluent.value.schema.validation"), "true");
  ASSERT_TRUE(c.Apply({{"confluent.key.schema.validation", "true"},
                       {"confluent.value.schema.validation", "false"}})
                  .ok());
  EXPECT_TRUE(c.key_schema_validation);
  EXPECT_FALSE(c.value_schema_validation);
}

TEST(TopicConfigTest, ApplyIsAllOrNothing) {
  TopicConfig c;
  Status s = c.Apply({{"retention.ms", "1000"}, {"segment.bytes", "1"}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(c.retention_ms, TopicConfig().retention_ms);
}

TEST(TopicConfigTest, UnknownKeyListsKnownKeys) {
  TopicConfig c;
  Status s = c.Apply({{"retention.hours", "5"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("retention.hours"));
  for (const TopicConfigDef& d : TopicConfigDefs()) EXPECT_THAT(Msg(s), HasSubstr(d.name));
}

TEST(TopicConfigTest, ValidateTopicName) {
  for (std::string ok : std::vector<std::string>{"a", "orders", "Orders.v2", "my_topic-1",
                                                 std::string(249, 'x'), "..."}) {
    EXPECT_TRUE(ValidateTopicName(ok).ok()) << ok;
  }
  for (std::string bad : std::vector<std::string>{"", ".", "..", "a b", "a/b", "ä", "topic!",
                                                  std::string(250, 'x'), std::string("a\0b", 3)}) {
    Status s = ValidateTopicName(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Msg(s), HasSubstr("topic name")) << bad;
  }
}

}  // namespace
}  // namespace oxbow::log
