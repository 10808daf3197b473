// The server's configuration: where each setting comes from and how it is validated.
//
// Every setting has one name, its flag ("log-retention-ms"), from which the other spellings
// follow mechanically (see docs/configuration.md):
//   flag         --log-retention-ms
//   environment  OXBOW_LOG_RETENTION_MS        (upper case, '-' -> '_')
//   TOML         [log] retention_ms            (--log-X -> key X in the [log] table)
//                data_dir, log_level, ...      (the other settings, at the top level)
//   topic key    retention.ms                  (--log-X -> X with '-' -> '.')
// Precedence, highest first: flags, OXBOW_* environment variables, the TOML file named by
// --config (or OXBOW_CONFIG), built-in defaults.
//
// The --log-* settings are server-wide topic defaults: a topic's effective config is these
// with the topic's own overrides applied (LogManager). They are validated by
// TopicConfig::Apply, so the rules live in one place.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "admin/admin_options.h"
#include "base/status.h"
#include "http/rest_proxy_options.h"
#include "kafka/server/kafka_server_options.h"
#include "log/log_manager.h"
#include "log/topic_config.h"
#include "pgwire/pg_server_options.h"
#include "registry/registry_server_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace oxbow::server {

// Environment variables by name. Tests pass a fake one; main passes ProcessEnvironment().
using Environment = std::map<std::string, std::string, std::less<>>;

// Where a setting's value came from, lowest precedence first.
enum class ConfigSource { kDefault, kFile, kEnvironment, kFlag };
std::string_view ConfigSourceName(ConfigSource source);

struct ServerConfig {
  // The TOML file that was read; empty when none.
  std::string config_file;
  // serve: each materialized view's in-memory state budget (engine::EngineOptions::
  // state_memory_bytes), --view-state-memory.
  uint64_t view_state_memory_bytes = uint64_t{1} << 30;
  // serve: run the quickstart demo (server/demo.h).
  bool demo = false;
  // trace, debug, info, warn, error or off. Empty when no source set it: each command
  // picks its own default (serve logs at info, the one-shot commands at warn).
  std::string log_level;
  // data_dir, the server-wide topic defaults, default_partitions and the maintenance
  // intervals, ready for LogManager::Open.
  log::LogOptions log;
  // The topic config keys the server configuration set (from any source but the
  // built-in defaults), with their values: `topic describe` marks these.
  log::ConfigMap topic_defaults;
  // The Kafka API: listener, advertised address, request size limit, threads, automatic
  // topic creation (auto_create_partitions is default_partitions).
  kafka::KafkaServerOptions kafka;
  // The REST proxy: listener (disabled by an empty --rest-listener); topic auto-creation and
  // node id follow the Kafka API's.
  http::RestProxyOptions rest;
  // The schema registry: listener (disabled by an empty --schema-registry-listener).
  registry::SchemaRegistryServerOptions schema_registry;
  // The admin API (status, health, metrics): listener (disabled by an empty
  // --admin-listener).
  admin::AdminOptions admin;
  // The PostgreSQL wire protocol server: listener (disabled by an empty --pg-listener) and
  // authentication (--pg-auth, --pg-local-auth, --pg-users).
  pgwire::PgServerOptions pgwire;
  // The topic commands' Kafka API address (--bootstrap-server); empty: the data directory,
  // or the Kafka API of the server that holds it.
  std::string bootstrap_server;
  // Where each setting came from, by flag name ("data-dir", "log-retention-ms"). Every
  // setting has an entry.
  std::map<std::string, ConfigSource> sources;
};

// The configuration options as given on the command line, by flag name without dashes
// ("log-retention-ms" -> "86400000"). Filled by the options AddConfigOptions registers.
struct ConfigFlags {
  std::map<std::string, std::string> values;
};

// The kind of value a setting takes, which decides its TOML type and how it is checked.
// kBool takes true or false (a TOML boolean in the file).
enum class SettingKind { kString, kInteger, kNumber, kBool };

struct SettingDef {
  std::string_view flag;       // without dashes, e.g. "log-retention-ms"
  std::string_view topic_key;  // e.g. "retention.ms"; empty for non-topic settings
  SettingKind kind;
  std::string_view doc;
};

// Every setting, in the order --help and the docs list them. The config file option
// itself (--config / OXBOW_CONFIG) is not a setting: it cannot appear in the file.
std::span<const SettingDef> Settings();
// The other spellings of a setting (see the file comment).
std::string EnvName(const SettingDef& def);
// "data_dir" or "log.retention_ms": the dotted TOML path.
std::string TomlPath(const SettingDef& def);
// The built-in default, as a user would write it.
std::string DefaultValue(const SettingDef& def);

// Registers the configuration options (every setting, plus the TOML file option) on `app`,
// in two help groups, with their defaults in the help text. Values land in `flags`.
// The file option is "--config" and "--config-file"; with config_file_only_long = true it is
// only "--config-file", for commands where --config means a topic config (topic create,
// topic alter, as in Kafka's kafka-topics).
void AddConfigOptions(CLI::App& app, ConfigFlags& flags, bool config_file_only_long = false);

// Merges flags, environment, the TOML file and the defaults (highest first) and validates
// every setting. Errors are InvalidArgument and name the setting as the user spelled it
// (flag, variable, or file key with its line) and what is allowed, e.g.
//   invalid value 'abc' for --log-retention-ms (retention.ms): expected an integer
// An empty environment variable counts as unset. OXBOW_* variables that are not settings
// are ignored (other tools, e.g. tests, use the prefix too).
Result<ServerConfig> ResolveConfig(const ConfigFlags& flags, const Environment& env);

// Parses a command line made only of configuration options (argv[0] is the program name)
// and resolves it. Usage errors (unknown options, missing values) are InvalidArgument with
// CLI11's message. For tests and tools.
Result<ServerConfig> LoadConfig(int argc, const char* const* argv, const Environment& env);

// The OXBOW_* variables of this process.
Environment ProcessEnvironment();

}  // namespace oxbow::server
