#include "server/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "net/host_port.h"
#include "toml++/toml.h"

namespace oxbow::server {
namespace {

constexpr std::string_view kConfigFileEnv = "OXBOW_CONFIG";
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
constexpr int64_t kMaxPartitions = 100000;

// The settings that are not topic defaults.
constexpr SettingDef kServerSettings[] = {
    {"data-dir", "", SettingKind::kString,
     "data directory: topics, their segments and the lock file"},
    {"log-level", "", SettingKind::kString,
     "trace, debug, info, warn, error or off (default: info for serve, warn for the others)"},
    {"default-partitions", "", SettingKind::kInteger,
     "partitions of a topic created without a count (1..100000)"},
    {"maintenance-interval-ms", "", SettingKind::kInteger,
     "how often background maintenance visits every partition (flush.ms, segment.ms), ms"},
    {"cleanup-interval-ms", "", SettingKind::kInteger,
     "how often background maintenance runs retention and compaction, ms"},
    {"kafka-listener", "", SettingKind::kString,
     "address the Kafka API listens on, HOST:PORT (0.0.0.0: every interface; port 0: any free "
     "port)"},
    {"kafka-advertised-listener", "", SettingKind::kString,
     "address Kafka clients are told to connect to, HOST:PORT (default: the listener, with "
     "127.0.0.1 for 0.0.0.0)"},
    {"socket-request-max-bytes", "", SettingKind::kInteger,
     "largest Kafka request accepted, bytes; a larger one closes the connection"},
    {"fetch-max-bytes", "", SettingKind::kInteger,
     "most record bytes in one Kafka Fetch response, whatever the client asks (a first batch "
     "larger than this still goes whole), bytes (1024..)"},
    {"auto-create-topics", "", SettingKind::kBool,
     "create a topic when a Kafka client asks for one that does not exist (true or false)"},
    {"kafka-io-threads", "", SettingKind::kInteger,
     "threads serving Kafka API connections (1..256)"},
    {"kafka-blocking-threads", "", SettingKind::kInteger,
     "threads doing the Kafka API's disk work: appends and their fsync, reads (1..1024)"},
    {"connections-max-idle-ms", "", SettingKind::kInteger,
     "close a Kafka connection that sends no request for this long, ms (-1: never)"},
    {"max-connections", "", SettingKind::kInteger,
     "most Kafka connections open at once; one more is closed at once (0: no limit)"},
    {"offsets-retention-minutes", "", SettingKind::kInteger,
     "delete a consumer group's committed offsets once it has had no member and no commit "
     "for this long, minutes (-1: never)"},
    {"group-min-session-timeout-ms", "", SettingKind::kInteger,
     "smallest session timeout a consumer group member may ask for, ms"},
    {"group-max-session-timeout-ms", "", SettingKind::kInteger,
     "largest session timeout a consumer group member may ask for, ms"},
    {"group-initial-rebalance-delay-ms", "", SettingKind::kInteger,
     "how long a new consumer group waits for more members before its first rebalance, ms"},
    {"rest-listener", "", SettingKind::kString,
     "address the REST proxy listens on, HOST:PORT; empty: no REST proxy"},
    {"schema-registry-listener", "", SettingKind::kString,
     "address the schema registry listens on, HOST:PORT; empty: no schema registry"},
    {"admin-listener", "", SettingKind::kString,
     "address the admin API (status, health, Prometheus metrics) listens on, HOST:PORT; "
     "empty: no admin API"},
    {"pg-listener", "", SettingKind::kString,
     "address the PostgreSQL wire protocol server listens on, HOST:PORT; empty: none"},
    {"pg-auth", "", SettingKind::kString,
     "how pgwire clients not on loopback authenticate: trust, password or scram-sha-256"},
    {"pg-local-auth", "", SettingKind::kString,
     "how pgwire clients on loopback (127.0.0.0/8, ::1) authenticate: trust, password or "
     "scram-sha-256"},
    {"pg-users", "", SettingKind::kString,
     "pgwire users, NAME:PASSWORD[,NAME:PASSWORD..]; a password may be a SCRAM-SHA-256$... "
     "verifier"},
    {"view-state-memory", "", SettingKind::kString,
     "memory for each materialized view's operator state, e.g. 512MiB (B, KiB, MiB, GiB, TiB; "
     "a plain number is bytes; at least 1MiB); state beyond it stays in RocksDB and is read back "
     "when needed"},
    {"demo", "", SettingKind::kBool,
     "serve: run the quickstart demo (a clickstream generator, demo tables and views; true or "
     "false)"},
    {"bootstrap-server", "", SettingKind::kString,
     "topic commands: reach a server through its Kafka API at HOST:PORT[,HOST:PORT..] instead "
     "of the data directory (default: the data directory, or the Kafka API of the server that "
     "holds it)"},
};

SettingKind TopicKeyKind(std::string_view key) {
  if (key == "cleanup.policy" || key == "message.timestamp.type") return SettingKind::kString;
  if (key == "min.cleanable.dirty.ratio") return SettingKind::kNumber;
  if (key.ends_with(".schema.validation")) return SettingKind::kBool;
  return SettingKind::kInteger;
}

std::string Replace(std::string s, char from, char to) {
  for (char& c : s) {
    if (c == from) c = to;
  }
  return s;
}

// A setting's value as found in one source, with how the user spelled the setting there
// (for error messages).
struct RawValue {
  std::string value;
  ConfigSource source;
  std::string where;  // "--log-retention-ms", "OXBOW_LOG_RETENTION_MS", "log.x at f.toml:3"
};

using RawValues = std::map<std::string, RawValue>;  // by flag name

std::string_view TomlTypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

std::string_view ExpectedTomlType(SettingKind kind) {
  switch (kind) {
    case SettingKind::kString:
      return "a string";
    case SettingKind::kInteger:
      return "an integer";
    case SettingKind::kNumber:
      return "a number";
    case SettingKind::kBool:
      return "a boolean";
  }
  return "";
}

// Converts a TOML value to the string form the setting's parser takes, checking its type.
Result<std::string> TomlValueString(const toml::node& node, SettingKind kind) {
  if (kind == SettingKind::kString && node.is_string()) return *node.value<std::string>();
  if (kind != SettingKind::kString && node.is_integer()) {
    return std::to_string(*node.value<int64_t>());
  }
  if (kind == SettingKind::kNumber && node.is_floating_point()) {
    return fmt::format("{}", *node.value<double>());
  }
  if (kind == SettingKind::kBool && node.is_boolean()) {
    return std::string(*node.value<bool>() ? "true" : "false");
  }
  return absl::InvalidArgumentError(
      fmt::format("expected {}, got {}", ExpectedTomlType(kind), TomlTypeName(node.type())));
}

std::string KnownKeys(bool topic_table) {
  std::string out;
  for (const SettingDef& def : Settings()) {
    if (def.topic_key.empty() == topic_table) continue;
    std::string path = TomlPath(def);
    if (topic_table) path = path.substr(4);  // strip "log."
    out += fmt::format("{}{}", out.empty() ? "" : ", ", path);
  }
  return out;
}

const SettingDef* FindByTomlPath(std::string_view path) {
  for (const SettingDef& def : Settings()) {
    if (TomlPath(def) == path) return &def;
  }
  return nullptr;
}

// Reads one key of the file into `out`; unknown keys and wrong types are errors.
Status ReadTomlKey(const std::string& file, const std::string& path, const toml::node& node,
                   RawValues& out) {
  int line = static_cast<int>(node.source().begin.line);
  const SettingDef* def = FindByTomlPath(path);
  if (def == nullptr) {
    bool in_log = path.starts_with("log.");
    return absl::InvalidArgumentError(
        fmt::format("config file {}: unknown key '{}' (line {}); known keys {}: {}", file, path,
                    line, in_log ? "in the [log] table" : "at the top level",
                    in_log ? KnownKeys(true) : KnownKeys(false) + ", and the [log] table"));
  }
  Result<std::string> value = TomlValueString(node, def->kind);
  if (!value.ok()) {
    return absl::InvalidArgumentError(fmt::format("config file {}: key '{}' (line {}): {}", file,
                                                  path, line, value.status().message()));
  }
  out[std::string(def->flag)] = {*value, ConfigSource::kFile,
                                 fmt::format("{} at {}:{}", path, file, line)};
  return absl::OkStatus();
}

Result<RawValues> ReadTomlFile(const std::string& file) {
  if (!std::ifstream(file).good()) {
    return absl::InvalidArgumentError(
        fmt::format("config file {}: cannot be read (does it exist?)", file));
  }
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("config file {}: line {}, column {}: {}", file,
                                                  e.source().begin.line, e.source().begin.column,
                                                  e.description()));
  }
  RawValues out;
  for (const auto& [key, node] : root) {
    std::string name(key.str());
    if (name == "log" && node.is_table()) {
      for (const auto& [sub, subnode] : *node.as_table()) {
        RETURN_IF_ERROR(ReadTomlKey(file, fmt::format("log.{}", sub.str()), subnode, out));
      }
      continue;
    }
    if (name == "log") {
      return absl::InvalidArgumentError(
          fmt::format("config file {}: key 'log' (line {}): expected a table ([log]), got {}", file,
                      node.source().begin.line, TomlTypeName(node.type())));
    }
    RETURN_IF_ERROR(ReadTomlKey(file, name, node, out));
  }
  return out;
}

Result<int64_t> ParseInteger(std::string_view value, std::string_view where, int64_t min,
                             int64_t max) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value '{}' for {}: expected an integer", value, where));
  }
  if (v < min || v > max) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value {} for {}: must be between {} and {}", v, where, min, max));
  }
  return v;
}

// "512MiB", "1 GiB", "1048576": a count of bytes with an optional binary unit (B, KiB, MiB,
// GiB, TiB), between min and max bytes.
Result<uint64_t> ParseByteSize(std::string_view value, std::string_view where, uint64_t min,
                               uint64_t max) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(fmt::format(
        "invalid value '{}' for {}: expected a size such as 512MiB (B, KiB, MiB, GiB or TiB)",
        value, where));
  };
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr == value.data()) return invalid();
  std::string_view unit(ptr, static_cast<size_t>(value.data() + value.size() - ptr));
  if (unit.starts_with(' ')) unit.remove_prefix(1);
  constexpr std::pair<std::string_view, int> kUnits[] = {{"", 0},     {"B", 0},    {"KiB", 10},
                                                         {"MiB", 20}, {"GiB", 30}, {"TiB", 40}};
  const auto* u = std::find_if(std::begin(kUnits), std::end(kUnits),
                               [&](const auto& k) { return k.first == unit; });
  if (u == std::end(kUnits)) return invalid();
  if (n > (max >> u->second) || (n << u->second) < min) {
    auto exact = [&](uint64_t bytes) {  // in the largest unit that divides it
      const auto* k = std::end(kUnits) - 1;
      while (k->second > 0 && bytes % (uint64_t{1} << k->second) != 0) --k;
      return fmt::format("{}{}", bytes >> k->second, k->second == 0 ? "B" : k->first);
    };
    return absl::InvalidArgumentError(
        fmt::format("invalid value '{}' for {}: must be between {} and {}", value, where,
                    exact(min), exact(max)));
  }
  return n << u->second;
}

Result<bool> ParseBool(std::string_view value, std::string_view where) {
  if (value == "true") return true;
  if (value == "false") return false;
  return absl::InvalidArgumentError(
      fmt::format("invalid value '{}' for {}: expected true or false", value, where));
}

Result<net::HostPort> ParseListener(std::string_view value, std::string_view where) {
  Result<net::HostPort> parsed = net::ParseHostPort(value);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid value '{}' for {}: {}", value, where, parsed.status().message()));
  }
  return parsed;
}

// The Kafka API's settings (see ApplyServerSetting).
Status ApplyKafkaSetting(std::string_view flag, const RawValue& raw, ServerConfig& config) {
  const std::string& v = raw.value;
  kafka::KafkaServerOptions& kafka = config.kafka;
  if (flag == "kafka-listener") {
    ASSIGN_OR_RETURN(net::HostPort listener, ParseListener(v, raw.where));
    kafka.listen_host = listener.host;
    kafka.listen_port = listener.port;
  } else if (flag == "kafka-advertised-listener") {
    net::HostPort advertised;  // empty: derived from the listener when the server starts
    if (!v.empty()) {
      ASSIGN_OR_RETURN(advertised, ParseListener(v, raw.where));
    }
    kafka.advertised_host = advertised.host;
    kafka.advertised_port = advertised.port;
  } else if (flag == "socket-request-max-bytes") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, INT32_MAX));
    kafka.socket_request_max_bytes = static_cast<int32_t>(n);
  } else if (flag == "fetch-max-bytes") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1024, INT32_MAX));
    kafka.fetch_max_bytes = static_cast<int32_t>(n);
  } else if (flag == "auto-create-topics") {
    ASSIGN_OR_RETURN(kafka.auto_create_topics, ParseBool(v, raw.where));
  } else if (flag == "kafka-io-threads") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, 256));
    kafka.io_threads = static_cast<size_t>(n);
  } else if (flag == "kafka-blocking-threads") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, 1024));
    kafka.blocking_threads = static_cast<size_t>(n);
  } else if (flag == "connections-max-idle-ms") {
    ASSIGN_OR_RETURN(kafka.connections_max_idle_ms, ParseInteger(v, raw.where, -1, INT64_MAX));
  } else if (flag == "max-connections") {
    ASSIGN_OR_RETURN(kafka.max_connections, ParseInteger(v, raw.where, 0, INT32_MAX));
  } else if (flag == "offsets-retention-minutes") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, -1, INT32_MAX));
    kafka.offsets_retention_ms = n * 60000;
  } else if (flag == "group-min-session-timeout-ms") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, INT32_MAX));
    kafka.group_min_session_timeout_ms = static_cast<int32_t>(n);
  } else if (flag == "group-max-session-timeout-ms") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, INT32_MAX));
    kafka.group_max_session_timeout_ms = static_cast<int32_t>(n);
  } else if (flag == "group-initial-rebalance-delay-ms") {
    ASSIGN_OR_RETURN(kafka.group_initial_rebalance_delay_ms,
                     ParseInteger(v, raw.where, 0, INT32_MAX));
  } else if (flag == "bootstrap-server") {
    // librdkafka takes a comma-separated list; each address is checked here so that a typo
    // is a usage error rather than a connection timeout.
    for (std::string_view rest = v; !rest.empty();) {
      std::string_view item = rest.substr(0, rest.find(','));
      rest.remove_prefix(std::min(rest.size(), item.size() + 1));
      ASSIGN_OR_RETURN(net::HostPort address, ParseListener(item, raw.where));
      if (address.port == 0) {
        return absl::InvalidArgumentError(fmt::format(
            "invalid value '{}' for {}: port 0 is not an address to connect to", v, raw.where));
      }
    }
    config.bootstrap_server = v;
  }
  return absl::OkStatus();
}

// Applies a topic default through TopicConfig::Apply, so the rules (and the wording of what
// is allowed) are the log's; the message is reworded to name the setting as the user wrote it.
Status ApplyTopicDefault(const SettingDef& def, const RawValue& raw, ServerConfig& config) {
  std::string key(def.topic_key);
  Status s = config.log.defaults.Apply({{key, raw.value}});
  if (s.ok()) {
    config.topic_defaults[key] = raw.value;
    config.kafka.configured_topic_keys.insert(key);
    return s;
  }
  std::string msg(ToStd(s.message()));
  std::string needle = fmt::format(" for {}", key);
  size_t at = msg.find(needle);
  if (at == std::string::npos) {
    return absl::InvalidArgumentError(fmt::format("{} ({}): {}", raw.where, key, msg));
  }
  msg.replace(at, needle.size(), fmt::format(" for {} ({})", raw.where, key));
  return absl::InvalidArgumentError(msg);
}

Status ApplyServerSetting(const SettingDef& def, const RawValue& raw, ServerConfig& config) {
  std::string_view flag = def.flag;
  const std::string& v = raw.value;
  if (flag == "data-dir") {
    if (v.empty()) {
      return absl::InvalidArgumentError(fmt::format("{} must not be empty", raw.where));
    }
    config.log.data_dir = v;
  } else if (flag == "log-level") {
    bool known = false;
    for (std::string_view level : kLogLevels) known = known || level == v;
    if (!known) {
      return absl::InvalidArgumentError(
          fmt::format("invalid value '{}' for {}: expected trace, debug, info, warn, error or off",
                      v, raw.where));
    }
    config.log_level = v;
  } else if (flag == "default-partitions") {
    ASSIGN_OR_RETURN(int64_t n, ParseInteger(v, raw.where, 1, kMaxPartitions));
    config.log.default_partitions = static_cast<int32_t>(n);
  } else if (flag == "maintenance-interval-ms") {
    ASSIGN_OR_RETURN(config.log.maintenance_interval_ms,
                     ParseInteger(v, raw.where, 1, 24LL * 3600 * 1000));
  } else if (flag == "cleanup-interval-ms") {
    ASSIGN_OR_RETURN(config.log.cleanup_interval_ms, ParseInteger(v, raw.where, 1, INT64_MAX));
  } else if (flag == "rest-listener") {
    config.rest.enabled = !v.empty();
    if (config.rest.enabled) {
      ASSIGN_OR_RETURN(net::HostPort listener, ParseListener(v, raw.where));
      config.rest.listen_host = listener.host;
      config.rest.listen_port = listener.port;
    }
  } else if (flag == "schema-registry-listener") {
    config.schema_registry.enabled = !v.empty();
    if (config.schema_registry.enabled) {
      ASSIGN_OR_RETURN(net::HostPort listener, ParseListener(v, raw.where));
      config.schema_registry.listen_host = listener.host;
      config.schema_registry.listen_port = listener.port;
    }
  } else if (flag == "admin-listener") {
    config.admin.enabled = !v.empty();
    if (config.admin.enabled) {
      ASSIGN_OR_RETURN(net::HostPort listener, ParseListener(v, raw.where));
      config.admin.listen_host = listener.host;
      config.admin.listen_port = listener.port;
    }
  } else if (flag == "pg-listener") {
    config.pgwire.enabled = !v.empty();
    if (config.pgwire.enabled) {
      ASSIGN_OR_RETURN(net::HostPort listener, ParseListener(v, raw.where));
      config.pgwire.listen_host = listener.host;
      config.pgwire.listen_port = listener.port;
    }
  } else if (flag == "pg-auth" || flag == "pg-local-auth") {
    Result<pgwire::AuthMethod> method = pgwire::ParseAuthMethod(v);
    if (!method.ok()) {
      return absl::InvalidArgumentError(fmt::format(
          "invalid value '{}' for {}: expected trust, password or scram-sha-256", v, raw.where));
    }
    (flag == "pg-auth" ? config.pgwire.auth.remote : config.pgwire.auth.local) = *method;
  } else if (flag == "view-state-memory") {
    ASSIGN_OR_RETURN(config.view_state_memory_bytes,
                     ParseByteSize(v, raw.where, uint64_t{1} << 20, uint64_t{1} << 40));
  } else if (flag == "demo") {
    ASSIGN_OR_RETURN(config.demo, ParseBool(v, raw.where));
  } else if (flag == "pg-users") {
    Result<pgwire::UserTable> users = pgwire::UserTable::Parse(v);
    if (!users.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("invalid {}: {}", raw.where, users.status().message()));
    }
    config.pgwire.auth.users = std::move(*users);
  } else {
    return ApplyKafkaSetting(flag, raw, config);
  }
  return absl::OkStatus();
}

// The highest-precedence value of a setting, if any source has one.
std::optional<RawValue> Lookup(const SettingDef& def, const ConfigFlags& flags,
                               const Environment& env, const RawValues& file) {
  std::string flag(def.flag);
  if (auto it = flags.values.find(flag); it != flags.values.end()) {
    return RawValue{it->second, ConfigSource::kFlag, "--" + flag};
  }
  std::string env_name = EnvName(def);
  if (auto it = env.find(env_name); it != env.end() && !it->second.empty()) {
    return RawValue{it->second, ConfigSource::kEnvironment, env_name};
  }
  if (auto it = file.find(flag); it != file.end()) return it->second;
  return std::nullopt;
}

std::string TypeName(const SettingDef& def) {
  if (def.flag == "data-dir") return "DIR";
  if (def.flag == "log-level") return "LEVEL";
  if (def.flag.ends_with("listener")) return "HOST:PORT";
  switch (def.kind) {
    case SettingKind::kString:
      return "TEXT";
    case SettingKind::kInteger:
      return "INT";
    case SettingKind::kNumber:
      return "NUMBER";
    case SettingKind::kBool:
      return "BOOL";
  }
  return "";
}

}  // namespace

std::string_view ConfigSourceName(ConfigSource source) {
  switch (source) {
    case ConfigSource::kDefault:
      return "default";
    case ConfigSource::kFile:
      return "config file";
    case ConfigSource::kEnvironment:
      return "environment";
    case ConfigSource::kFlag:
      return "flag";
  }
  return "";
}

std::span<const SettingDef> Settings() {
  // Built once from the server settings and the log's table of topic config keys, so a new
  // topic config key gets its --log-* flag, variable and TOML key without changes here.
  struct Table {
    std::deque<std::string> names;  // owns the flag names the defs point into; never moves
    std::vector<SettingDef> defs;
  };
  static Table table;
  static std::once_flag once;
  std::call_once(once, [] {
    table.defs.assign(std::begin(kServerSettings), std::end(kServerSettings));
    for (const log::TopicConfigDef& topic : log::TopicConfigDefs()) {
      table.names.push_back("log-" + Replace(std::string(topic.name), '.', '-'));
      table.defs.push_back({table.names.back(), topic.name, TopicKeyKind(topic.name), topic.doc});
    }
  });
  return table.defs;
}

std::string EnvName(const SettingDef& def) {
  std::string name = "OXBOW_" + Replace(std::string(def.flag), '-', '_');
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string TomlPath(const SettingDef& def) {
  if (!def.topic_key.empty()) return "log." + Replace(std::string(def.topic_key), '.', '_');
  return Replace(std::string(def.flag), '-', '_');
}

std::string DefaultValue(const SettingDef& def) {
  if (!def.topic_key.empty()) return log::TopicConfig().Get(def.topic_key);
  log::LogOptions defaults;
  if (def.flag == "data-dir") return "./data";
  if (def.flag == "log-level") return "info";
  if (def.flag == "default-partitions") return std::to_string(defaults.default_partitions);
  if (def.flag == "maintenance-interval-ms") {
    return std::to_string(defaults.maintenance_interval_ms);
  }
  if (def.flag == "cleanup-interval-ms") return std::to_string(defaults.cleanup_interval_ms);
  kafka::KafkaServerOptions kafka;
  if (def.flag == "kafka-listener")
    return net::FormatHostPort(kafka.listen_host, kafka.listen_port);
  if (def.flag == "socket-request-max-bytes") return std::to_string(kafka.socket_request_max_bytes);
  if (def.flag == "fetch-max-bytes") return std::to_string(kafka.fetch_max_bytes);
  if (def.flag == "auto-create-topics") return kafka.auto_create_topics ? "true" : "false";
  if (def.flag == "kafka-io-threads") return std::to_string(kafka.io_threads);
  if (def.flag == "kafka-blocking-threads") return std::to_string(kafka.blocking_threads);
  if (def.flag == "connections-max-idle-ms") return std::to_string(kafka.connections_max_idle_ms);
  if (def.flag == "max-connections") return std::to_string(kafka.max_connections);
  if (def.flag == "offsets-retention-minutes") {
    return std::to_string(kafka.offsets_retention_ms / 60000);
  }
  if (def.flag == "group-min-session-timeout-ms") {
    return std::to_string(kafka.group_min_session_timeout_ms);
  }
  if (def.flag == "group-max-session-timeout-ms") {
    return std::to_string(kafka.group_max_session_timeout_ms);
  }
  if (def.flag == "group-initial-rebalance-delay-ms") {
    return std::to_string(kafka.group_initial_rebalance_delay_ms);
  }
  http::RestProxyOptions rest;
  if (def.flag == "rest-listener") return net::FormatHostPort(rest.listen_host, rest.listen_port);
  registry::SchemaRegistryServerOptions schema_registry;
  if (def.flag == "schema-registry-listener") {
    return net::FormatHostPort(schema_registry.listen_host, schema_registry.listen_port);
  }
  admin::AdminOptions admin;
  if (def.flag == "admin-listener")
    return net::FormatHostPort(admin.listen_host, admin.listen_port);
  pgwire::PgServerOptions pg;
  if (def.flag == "pg-listener") return net::FormatHostPort(pg.listen_host, pg.listen_port);
  if (def.flag == "pg-auth") return std::string(pgwire::AuthMethodName(pg.auth.remote));
  if (def.flag == "pg-local-auth") return std::string(pgwire::AuthMethodName(pg.auth.local));
  if (def.flag == "demo") return "false";
  if (def.flag == "view-state-memory") return "1GiB";
  return "";
}

void AddConfigOptions(CLI::App& app, ConfigFlags& flags, bool config_file_only_long) {
  constexpr std::string_view kServerGroup = "Server options";
  constexpr std::string_view kTopicGroup =
      "Server-wide topic defaults (a topic's own overrides win; TOML: [log] table, key = the "
      "topic config key with '.' -> '_')";
  app.add_option_function<std::string>(
         config_file_only_long ? "--config-file" : "--config,--config-file",
         [&flags](const std::string& v) { flags.values["config"] = v; },
         fmt::format("TOML configuration file (env {}); flags and OXBOW_* variables override it",
                     kConfigFileEnv))
      ->type_name("FILE")
      ->group(std::string(kServerGroup));
  for (const SettingDef& def : Settings()) {
    std::string flag(def.flag);
    std::string doc =
        def.topic_key.empty()
            ? fmt::format("{} (env {}, TOML {})", def.doc, EnvName(def), TomlPath(def))
            : fmt::format("{}: {} (env {})", def.topic_key, def.doc, EnvName(def));
    CLI::Option* option =
        app.add_option_function<std::string>(
               "--" + flag,
               [&flags, flag, boolean = def.kind == SettingKind::kBool](const std::string& v) {
                 // A boolean given without a value (--demo) means true.
                 flags.values[flag] = boolean && v.empty() ? "true" : v;
               },
               doc)
            ->type_name(TypeName(def))
            ->default_str(DefaultValue(def))
            ->group(std::string(def.topic_key.empty() ? kServerGroup : kTopicGroup));
    // A boolean alone (--demo) means true. (Without a default string: CLI11 would pass it
    // for a value-less option.)
    if (def.kind == SettingKind::kBool) {
      option->expected(0, 1)->default_str("")->description(
          fmt::format("{} [default: {}]", doc, DefaultValue(def)));
    }
  }
}

Result<ServerConfig> ResolveConfig(const ConfigFlags& flags, const Environment& env) {
  ServerConfig config;
  config.log.data_dir = "./data";
  if (auto it = flags.values.find("config"); it != flags.values.end()) {
    config.config_file = it->second;
  } else if (auto it = env.find(kConfigFileEnv); it != env.end()) {
    config.config_file = it->second;
  }
  RawValues file;
  if (!config.config_file.empty()) {
    ASSIGN_OR_RETURN(file, ReadTomlFile(config.config_file));
  }
  for (const SettingDef& def : Settings()) {
    std::optional<RawValue> raw = Lookup(def, flags, env, file);
    config.sources[std::string(def.flag)] = raw ? raw->source : ConfigSource::kDefault;
    if (!raw) continue;
    RETURN_IF_ERROR(def.topic_key.empty() ? ApplyServerSetting(def, *raw, config)
                                          : ApplyTopicDefault(def, *raw, config));
  }
  if (config.kafka.group_min_session_timeout_ms > config.kafka.group_max_session_timeout_ms) {
    return absl::InvalidArgumentError(fmt::format(
        "group-min-session-timeout-ms ({}) is above group-max-session-timeout-ms ({}): no "
        "consumer could join a group",
        config.kafka.group_min_session_timeout_ms, config.kafka.group_max_session_timeout_ms));
  }
  config.kafka.auto_create_partitions = config.log.default_partitions;
  // The REST proxy creates topics as the Kafka API does, and reports the same node id.
  config.rest.auto_create_topics = config.kafka.auto_create_topics;
  config.rest.auto_create_partitions = config.log.default_partitions;
  config.rest.node_id = config.kafka.node_id;
  return config;
}

Result<ServerConfig> LoadConfig(int argc, const char* const* argv, const Environment& env) {
  CLI::App app;
  ConfigFlags flags;
  AddConfigOptions(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return ResolveConfig(flags, env);
}

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with("OXBOW_")) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

}  // namespace oxbow::server
