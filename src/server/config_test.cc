#include "server/config.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace oxbow::server {
namespace {

using ::testing::HasSubstr;

class ConfigTest : public ::testing::Test {
 protected:
  // Writes `text` to a TOML file in the test's directory and returns its path.
  std::string WriteToml(const std::string& text) {
    std::string path = dir_.path() + "/oxbow.toml";
    std::ofstream(path) << text;
    return path;
  }

  Result<ServerConfig> Load(std::vector<std::string> args, const Environment& env = {}) {
    args.insert(args.begin(), "oxbow");
    std::vector<const char*> argv;
    argv.reserve(args.size());
    for (const std::string& a : args) argv.push_back(a.c_str());
    return LoadConfig(static_cast<int>(argv.size()), argv.data(), env);
  }

  // The error message of a load that must fail.
  std::string Error(std::vector<std::string> args, const Environment& env = {}) {
    Result<ServerConfig> c = Load(std::move(args), env);
    EXPECT_FALSE(c.ok());
    if (c.ok()) return "";
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(ToStd(c.status().message()));
  }

  testing::TempDir dir_;
};

TEST_F(ConfigTest, DefaultsWithoutAnySource) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "./data");
  EXPECT_EQ(c->log_level, "");  // each command picks its own
  EXPECT_EQ(c->config_file, "");
  EXPECT_EQ(c->log.default_partitions, 1);
  EXPECT_EQ(c->log.maintenance_interval_ms, 1000);
  EXPECT_EQ(c->log.cleanup_interval_ms, 30000);
  EXPECT_EQ(c->log.defaults.ToMap(), log::TopicConfig().ToMap());
  EXPECT_TRUE(c->topic_defaults.empty());
  EXPECT_EQ(c->sources.size(), Settings().size());
  for (const auto& [flag, source] : c->sources) EXPECT_EQ(source, ConfigSource::kDefault) << flag;
}

TEST_F(ConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  std::string file = WriteToml(
      "data_dir = \"/from/file\"\n"
      "default_partitions = 2\n"
      "log_level = \"error\"\n"
      "[log]\n"
      "retention_ms = 1000\n"
      "segment_bytes = 4096\n"
      "cleanup_policy = \"compact\"\n");
  Environment env = {{"OXBOW_DATA_DIR", "/from/env"},
                     {"OXBOW_LOG_RETENTION_MS", "2000"},
                     {"OXBOW_DEFAULT_PARTITIONS", "3"}};

  // Only the file: its values, the rest default.
  Result<ServerConfig> c = Load({"--config", file});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config_file, file);
  EXPECT_EQ(c->log.data_dir, "/from/file");
  EXPECT_EQ(c->log.default_partitions, 2);
  EXPECT_EQ(c->log_level, "error");
  EXPECT_EQ(c->log.defaults.retention_ms, 1000);
  EXPECT_EQ(c->log.defaults.segment_bytes, 4096);
  EXPECT_TRUE(c->log.defaults.compact_policy);
  EXPECT_FALSE(c->log.defaults.delete_policy);
  EXPECT_EQ(c->log.defaults.flush_messages, 1);
  EXPECT_EQ(c->sources["log-retention-ms"], ConfigSource::kFile);
  EXPECT_EQ(c->sources["log-flush-messages"], ConfigSource::kDefault);

  // The environment beats the file, setting by setting.
  c = Load({"--config", file}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "/from/env");
  EXPECT_EQ(c->log.default_partitions, 3);
  EXPECT_EQ(c->log.defaults.retention_ms, 2000);
  EXPECT_EQ(c->log.defaults.segment_bytes, 4096);  // only in the file
  EXPECT_EQ(c->sources["log-retention-ms"], ConfigSource::kEnvironment);
  EXPECT_EQ(c->sources["log-segment-bytes"], ConfigSource::kFile);

  // Flags beat both.
  c = Load({"--config", file, "--data-dir", "/from/flag", "--log-retention-ms", "3000"}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "/from/flag");
  EXPECT_EQ(c->log.defaults.retention_ms, 3000);
  EXPECT_EQ(c->log.default_partitions, 3);
  EXPECT_EQ(c->sources["data-dir"], ConfigSource::kFlag);
  EXPECT_EQ(c->sources["log-retention-ms"], ConfigSource::kFlag);
  EXPECT_EQ(c->topic_defaults, (log::ConfigMap{{"cleanup.policy", "compact"},
                                               {"retention.ms", "3000"},
                                               {"segment.bytes", "4096"}}));
}

TEST_F(ConfigTest, EverySettingHasAFlagAVariableAndATomlKey) {
  for (const SettingDef& def : Settings()) {
    std::string value = def.kind == SettingKind::kString ? DefaultValue(def) : "7";
    if (def.flag == "log-min-cleanable-dirty-ratio") value = "0.25";
    if (def.flag == "log-segment-bytes") value = "1000";
    if (def.flag == "fetch-max-bytes") value = "4096";
    if (def.flag == "kafka-advertised-listener") value = "broker.example.com:19092";
    if (def.flag == "bootstrap-server") value = "localhost:9092";
    if (def.flag == "pg-users") value = "alice:secret";
    if (def.flag == "group-max-session-timeout-ms") value = "7000";  // not below the minimum
    if (def.kind == SettingKind::kBool) value = "false";
    std::string toml_value = def.kind == SettingKind::kString ? "\"" + value + "\"" : value;
    std::string path = TomlPath(def);
    std::string file = path.starts_with("log.")
                           ? WriteToml("[log]\n" + path.substr(4) + " = " + toml_value + "\n")
                           : WriteToml(path + " = " + toml_value + "\n");
    std::string flag(def.flag);
    for (int source = 0; source < 3; ++source) {
      Result<ServerConfig> c = source == 0   ? Load({"--" + flag, value})
                               : source == 1 ? Load({}, {{EnvName(def), value}})
                                             : Load({"--config", file});
      ASSERT_TRUE(c.ok()) << flag << " from source " << source << ": " << c.status();
      EXPECT_NE(c->sources[flag], ConfigSource::kDefault) << flag;
      if (!def.topic_key.empty()) {
        EXPECT_EQ(c->log.defaults.Get(def.topic_key), value) << flag;
      }
    }
  }
}

TEST_F(ConfigTest, KafkaSettings) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kafka.listen_host, "0.0.0.0");
  EXPECT_EQ(c->kafka.listen_port, 9092);
  EXPECT_EQ(c->kafka.advertised_host, "");  // derived when the server starts
  EXPECT_EQ(c->kafka.advertised_port, 0);
  EXPECT_EQ(c->kafka.socket_request_max_bytes, 104857600);
  EXPECT_EQ(c->kafka.fetch_max_bytes, 1048576);
  EXPECT_TRUE(c->kafka.auto_create_topics);
  EXPECT_EQ(c->kafka.auto_create_partitions, 1);
  EXPECT_EQ(c->kafka.io_threads, 2u);
  EXPECT_EQ(c->kafka.blocking_threads, 4u);

  std::string file = WriteToml(
      "kafka_listener = \"127.0.0.1:0\"\n"
      "auto_create_topics = false\n"
      "default_partitions = 3\n");
  c = Load({"--config", file, "--kafka-advertised-listener", "[::1]:19092",
            "--socket-request-max-bytes", "1048576", "--kafka-io-threads", "4"},
           {{"OXBOW_KAFKA_BLOCKING_THREADS", "16"}, {"OXBOW_FETCH_MAX_BYTES", "8388608"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kafka.listen_host, "127.0.0.1");
  EXPECT_EQ(c->kafka.listen_port, 0);
  EXPECT_EQ(c->kafka.advertised_host, "::1");
  EXPECT_EQ(c->kafka.advertised_port, 19092);
  EXPECT_EQ(c->kafka.socket_request_max_bytes, 1048576);
  EXPECT_EQ(c->kafka.fetch_max_bytes, 8388608);
  EXPECT_FALSE(c->kafka.auto_create_topics);
  EXPECT_EQ(c->kafka.auto_create_partitions, 3);  // --default-partitions
  EXPECT_EQ(c->kafka.io_threads, 4u);
  EXPECT_EQ(c->kafka.blocking_threads, 16u);
  EXPECT_EQ(c->sources["auto-create-topics"], ConfigSource::kFile);

  EXPECT_EQ(Error({"--kafka-listener", "9092"}),
            "invalid value '9092' for --kafka-listener: expected HOST:PORT, e.g. 0.0.0.0:9092");
  EXPECT_THAT(Error({}, {{"OXBOW_KAFKA_ADVERTISED_LISTENER", "host:99999"}}),
              HasSubstr("for OXBOW_KAFKA_ADVERTISED_LISTENER: expected HOST:PORT with a port"));
  EXPECT_EQ(Error({"--auto-create-topics", "yes"}),
            "invalid value 'yes' for --auto-create-topics: expected true or false");
  EXPECT_EQ(Error({"--kafka-io-threads", "0"}),
            "invalid value 0 for --kafka-io-threads: must be between 1 and 256");
  EXPECT_THAT(Error({"--socket-request-max-bytes", "4294967296"}),
              HasSubstr("must be between 1 and 2147483647"));
  EXPECT_THAT(Error({"--fetch-max-bytes", "1000"}),
              HasSubstr("must be between 1024 and 2147483647"));
  file = WriteToml("auto_create_topics = \"true\"\n");
  EXPECT_THAT(Error({"--config", file}),
              HasSubstr("key 'auto_create_topics' (line 1): expected a boolean, got a string"));
}

TEST_F(ConfigTest, ConnectionAndGroupLimits) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kafka.connections_max_idle_ms, 600000);  // Kafka's defaults
  EXPECT_EQ(c->kafka.group_min_session_timeout_ms, 6000);
  EXPECT_EQ(c->kafka.group_max_session_timeout_ms, 1800000);
  EXPECT_EQ(c->kafka.group_initial_rebalance_delay_ms, 3000);
  EXPECT_EQ(c->kafka.max_connections, 0);
  EXPECT_EQ(c->kafka.offsets_retention_ms, 7 * 24 * 60 * 60000LL);  // 10080 minutes
  c = Load({"--connections-max-idle-ms", "-1", "--group-min-session-timeout-ms", "1000",
            "--group-initial-rebalance-delay-ms", "0", "--max-connections", "100",
            "--offsets-retention-minutes", "60"},
           {{"OXBOW_GROUP_MAX_SESSION_TIMEOUT_MS", "60000"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kafka.connections_max_idle_ms, -1);
  EXPECT_EQ(c->kafka.group_min_session_timeout_ms, 1000);
  EXPECT_EQ(c->kafka.group_max_session_timeout_ms, 60000);
  EXPECT_EQ(c->kafka.group_initial_rebalance_delay_ms, 0);
  EXPECT_EQ(c->kafka.max_connections, 100);
  EXPECT_EQ(c->kafka.offsets_retention_ms, 3600000);
  EXPECT_THAT(
      Error({"--group-min-session-timeout-ms", "70000", "--group-max-session-timeout-ms", "60000"}),
      HasSubstr("group-min-session-timeout-ms (70000) is above "
                "group-max-session-timeout-ms (60000)"));
  EXPECT_THAT(Error({"--group-initial-rebalance-delay-ms", "-5"}),
              HasSubstr("must be between 0 and"));
}

TEST_F(ConfigTest, AdminListener) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->admin.enabled);
  EXPECT_EQ(c->admin.listen_host, "0.0.0.0");
  EXPECT_EQ(c->admin.listen_port, 9644);
  c = Load({"--admin-listener", "127.0.0.1:19644"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->admin.listen_host, "127.0.0.1");
  EXPECT_EQ(c->admin.listen_port, 19644);
  c = Load({}, {{"OXBOW_ADMIN_LISTENER", "[::1]:0"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->admin.listen_host, "::1");
  EXPECT_EQ(c->admin.listen_port, 0);
  c = Load({"--config", WriteToml("admin_listener = \"\"\n")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->admin.enabled);
  EXPECT_THAT(Error({"--admin-listener", "9644"}), HasSubstr("9644"));
}

TEST_F(ConfigTest, RestProxyListenerAndWhatItSharesWithTheKafkaApi) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->rest.enabled);
  EXPECT_EQ(c->rest.listen_host, "0.0.0.0");
  EXPECT_EQ(c->rest.listen_port, 8082);
  EXPECT_TRUE(c->rest.auto_create_topics);
  EXPECT_EQ(c->rest.auto_create_partitions, 1);

  c = Load({"--rest-listener", "[::1]:18082", "--auto-create-topics", "false",
            "--default-partitions", "4"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->rest.enabled);
  EXPECT_EQ(c->rest.listen_host, "::1");
  EXPECT_EQ(c->rest.listen_port, 18082);
  EXPECT_FALSE(c->rest.auto_create_topics);
  EXPECT_EQ(c->rest.auto_create_partitions, 4);

  // Empty disables it, from a flag or the file (an empty variable counts as unset).
  c = Load({"--rest-listener", ""});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->rest.enabled);
  c = Load({"--config", WriteToml("rest_listener = \"\"\n")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->rest.enabled);
  c = Load({}, {{"OXBOW_REST_LISTENER", "127.0.0.1:0"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->rest.listen_port, 0);

  EXPECT_EQ(Error({"--rest-listener", "8082"}),
            "invalid value '8082' for --rest-listener: expected HOST:PORT, e.g. 0.0.0.0:9092");
}

TEST_F(ConfigTest, SchemaRegistryListener) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->schema_registry.enabled);
  EXPECT_EQ(c->schema_registry.listen_host, "0.0.0.0");
  EXPECT_EQ(c->schema_registry.listen_port, 8081);
  c = Load({"--schema-registry-listener", "127.0.0.1:18081"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->schema_registry.listen_host, "127.0.0.1");
  EXPECT_EQ(c->schema_registry.listen_port, 18081);
  c = Load({"--schema-registry-listener", ""});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->schema_registry.enabled);
  c = Load({"--config", WriteToml("schema_registry_listener = \"\"\n")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->schema_registry.enabled);
  c = Load({}, {{"OXBOW_SCHEMA_REGISTRY_LISTENER", "127.0.0.1:0"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->schema_registry.listen_port, 0);
  EXPECT_EQ(Error({"--schema-registry-listener", "8081"}),
            "invalid value '8081' for --schema-registry-listener: expected HOST:PORT, e.g. "
            "0.0.0.0:9092");
}

// The topic commands' Kafka API address: a list of HOST:PORT, checked up front.
TEST_F(ConfigTest, BootstrapServer) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bootstrap_server, "");
  c = Load({}, {{"OXBOW_BOOTSTRAP_SERVER", "localhost:9092,[::1]:19092"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bootstrap_server, "localhost:9092,[::1]:19092");
  EXPECT_EQ(c->sources["bootstrap-server"], ConfigSource::kEnvironment);
  std::string file = WriteToml("bootstrap_server = \"b:1\"\n");
  c = Load({"--config", file, "--bootstrap-server", "a:2"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->bootstrap_server, "a:2");

  EXPECT_THAT(Error({"--bootstrap-server", "localhost"}),
              HasSubstr("invalid value 'localhost' for --bootstrap-server: expected HOST:PORT"));
  EXPECT_THAT(Error({"--bootstrap-server", "a:1,,b:2"}), HasSubstr("for --bootstrap-server"));
  EXPECT_EQ(Error({"--bootstrap-server", "a:0"}),
            "invalid value 'a:0' for --bootstrap-server: port 0 is not an address to connect to");
}

TEST_F(ConfigTest, ConfigFileFromEnvironmentAndFlagWins) {
  std::string a = WriteToml("data_dir = \"a\"\n");
  std::string b = dir_.path() + "/other.toml";
  std::ofstream(b) << "data_dir = \"b\"\n";
  Result<ServerConfig> c = Load({}, {{"OXBOW_CONFIG", a}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "a");
  c = Load({"--config-file", b}, {{"OXBOW_CONFIG", a}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "b");
}

TEST_F(ConfigTest, EmptyVariableCountsAsUnset) {
  Result<ServerConfig> c = Load({}, {{"OXBOW_DATA_DIR", ""}, {"OXBOW_KEEP_TEST_DIRS", "1"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->log.data_dir, "./data");
}

TEST_F(ConfigTest, BadTopicDefaultNamesTheSettingAsWrittenAndWhatIsAllowed) {
  EXPECT_EQ(Error({"--log-retention-ms", "abc"}),
            "invalid value 'abc' for --log-retention-ms (retention.ms): expected an integer");
  EXPECT_EQ(Error({}, {{"OXBOW_LOG_FLUSH_MESSAGES", "0"}}),
            "invalid value 0 for OXBOW_LOG_FLUSH_MESSAGES (flush.messages): must be -1 or at "
            "least 1");
  EXPECT_THAT(Error({}, {{"OXBOW_LOG_RETENTION_MS", "-5"}}),
              HasSubstr("invalid value -5 for OXBOW_LOG_RETENTION_MS (retention.ms): must be"));
  EXPECT_EQ(Error({"--log-cleanup-policy", "keep"}),
            "invalid value 'keep' for --log-cleanup-policy (cleanup.policy): expected delete, "
            "compact or compact,delete");
  EXPECT_THAT(Error({"--log-segment-bytes", "10"}),
              HasSubstr("for --log-segment-bytes (segment.bytes): must be between 14 and"));
  EXPECT_THAT(Error({"--log-min-cleanable-dirty-ratio", "2"}),
              HasSubstr("expected a number from 0 to 1"));
  EXPECT_THAT(Error({"--log-message-timestamp-type", "Now"}),
              HasSubstr("expected CreateTime or LogAppendTime"));

  std::string file = WriteToml("[log]\n\nflush_bytes = 0\n");
  EXPECT_EQ(Error({"--config", file}),
            fmt::format("invalid value 0 for log.flush_bytes at {}:3 (flush.bytes): must be -1 or "
                        "at least 1",
                        file));
}

TEST_F(ConfigTest, BadServerSettingsAreRejected) {
  EXPECT_EQ(Error({"--log-level", "loud"}),
            "invalid value 'loud' for --log-level: expected trace, debug, info, warn, error or "
            "off");
  EXPECT_EQ(Error({"--default-partitions", "0"}),
            "invalid value 0 for --default-partitions: must be between 1 and 100000");
  EXPECT_EQ(Error({}, {{"OXBOW_MAINTENANCE_INTERVAL_MS", "1s"}}),
            "invalid value '1s' for OXBOW_MAINTENANCE_INTERVAL_MS: expected an integer");
  EXPECT_EQ(Error({"--data-dir", ""}), "--data-dir must not be empty");
}

TEST_F(ConfigTest, ViewStateMemoryTakesASizeWithAUnit) {
  Result<ServerConfig> c = Load({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->view_state_memory_bytes, uint64_t{1} << 30);
  c = Load({"--view-state-memory", "512MiB"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->view_state_memory_bytes, uint64_t{512} << 20);
  c = Load({}, {{"OXBOW_VIEW_STATE_MEMORY", "2 GiB"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->view_state_memory_bytes, uint64_t{2} << 30);
  c = Load({"--config", WriteToml("view_state_memory = \"3145728\"\n")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->view_state_memory_bytes, uint64_t{3} << 20);

  EXPECT_EQ(Error({"--view-state-memory", "512MB"}),
            "invalid value '512MB' for --view-state-memory: expected a size such as 512MiB (B, "
            "KiB, MiB, GiB or TiB)");
  EXPECT_THAT(Error({"--view-state-memory", "MiB"}), HasSubstr("expected a size"));
  EXPECT_THAT(Error({"--view-state-memory", "-1GiB"}), HasSubstr("expected a size"));
  EXPECT_EQ(Error({"--view-state-memory", "1KiB"}),
            "invalid value '1KiB' for --view-state-memory: must be between 1MiB and 1TiB");
  EXPECT_THAT(Error({"--view-state-memory", "2048GiB"}), HasSubstr("must be between"));
  // Overflowing the unit's shift is out of range, not a wrapped small number.
  EXPECT_THAT(Error({"--view-state-memory", "18014398509481984TiB"}), HasSubstr("must be between"));
}

TEST_F(ConfigTest, UnknownTomlKeysAreRejectedByName) {
  std::string file = WriteToml("data_dir = \"x\"\ndata_dri = \"y\"\n");
  std::string msg = Error({"--config", file});
  EXPECT_THAT(msg, HasSubstr("unknown key 'data_dri' (line 2)"));
  EXPECT_THAT(msg, HasSubstr("data_dir, log_level, default_partitions"));

  file = WriteToml("[log]\nretension_ms = 5\n");
  msg = Error({"--config", file});
  EXPECT_THAT(msg, HasSubstr("unknown key 'log.retension_ms' (line 2)"));
  EXPECT_THAT(msg, HasSubstr("known keys in the [log] table: cleanup_policy,"));
  EXPECT_THAT(msg, HasSubstr("retention_ms"));

  file = WriteToml("[server]\nport = 1\n");
  EXPECT_THAT(Error({"--config", file}), HasSubstr("unknown key 'server' (line 1)"));
}

TEST_F(ConfigTest, WrongTomlTypesNameKeyAndExpectedType) {
  std::string file = WriteToml("[log]\nretention_ms = \"7d\"\n");
  EXPECT_EQ(Error({"--config", file}),
            fmt::format("config file {}: key 'log.retention_ms' (line 2): expected an integer, "
                        "got a string",
                        file));
  file = WriteToml("data_dir = 5\n");
  EXPECT_THAT(Error({"--config", file}),
              HasSubstr("key 'data_dir' (line 1): expected a string, got an integer"));
  file = WriteToml("log = 5\n");
  EXPECT_THAT(Error({"--config", file}),
              HasSubstr("key 'log' (line 1): expected a table ([log]), got an integer"));
  // A float is fine where a number is expected, and an integer too.
  file = WriteToml("[log]\nmin_cleanable_dirty_ratio = 0.1\n");
  Result<ServerConfig> c = Load({"--config", file});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(c->log.defaults.min_cleanable_dirty_ratio, 0.1);
}

TEST_F(ConfigTest, UnreadableOrMalformedFile) {
  std::string missing = dir_.path() + "/missing.toml";
  EXPECT_EQ(Error({"--config", missing}),
            fmt::format("config file {}: cannot be read (does it exist?)", missing));
  std::string file = WriteToml("data_dir = \"x\"\n[log\n");
  EXPECT_THAT(Error({"--config", file}), HasSubstr(fmt::format("config file {}: line 2", file)));
}

TEST_F(ConfigTest, UsageErrorsCarryCli11Message) {
  EXPECT_THAT(Error({"--no-such-flag"}), HasSubstr("--no-such-flag"));
  EXPECT_THAT(Error({"--data-dir"}), HasSubstr("--data-dir"));
}

// docs/configuration.md is the reference; it must mention every spelling of every setting.
TEST_F(ConfigTest, DocsDescribeEverySetting) {
  std::ifstream in("docs/configuration.md");
  ASSERT_TRUE(in.good()) << "run from the source root (CTest does)";
  std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const SettingDef& def : Settings()) {
    EXPECT_THAT(docs, HasSubstr("--" + std::string(def.flag)));
    EXPECT_THAT(docs, HasSubstr(EnvName(def)));
    std::string path = TomlPath(def);
    EXPECT_THAT(docs, HasSubstr(path.starts_with("log.") ? path.substr(4) : path));
  }
}

}  // namespace
}  // namespace oxbow::server
