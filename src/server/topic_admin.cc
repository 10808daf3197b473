// `oxbow topic create | list | describe | delete | alter`: topic administration, on the data
// directory or through a running server's Kafka API (topic_backend.h).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "server/command.h"
#include "server/topic_backend.h"

namespace oxbow::server {
namespace {

struct CreateArgs {
  std::string topic;
  int32_t partitions = 0;
  std::vector<std::string> configs;
};

struct AlterArgs {
  std::string topic;
  std::vector<std::string> configs;
};

Status Create(const CommandContext& ctx, const CreateArgs& args) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(log::ConfigMap overrides, ParseKeyValues(args.configs, "--config"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  ASSIGN_OR_RETURN(int32_t partitions, topics->CreateTopic(args.topic, args.partitions, overrides));
  fmt::print("created topic {} with {} partition{}\n", args.topic, partitions,
             partitions == 1 ? "" : "s");
  return topics->Close();
}

Status List(const CommandContext& ctx) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  ASSIGN_OR_RETURN(std::vector<std::string> names, topics->ListTopics());
  for (const std::string& name : names) fmt::print("{}\n", name);
  return topics->Close();
}

// The config table of `describe`: every key with its effective value, marked with where a
// non-default value comes from.
void PrintConfig(const TopicDescription& info) {
  fmt::print(
      "Config (effective; [topic] = topic override, [server] = server-wide default "
      "from flags, environment or config file):\n");
  size_t width = 0;
  for (const auto& [key, value] : info.config) width = std::max(width, key.size());
  for (const auto& [key, value] : info.config) {
    std::string_view mark = value.origin == ConfigOrigin::kTopic    ? "  [topic]"
                            : value.origin == ConfigOrigin::kServer ? "  [server]"
                                                                    : "";
    fmt::print("  {:<{}} = {}{}\n", key, width, value.value, mark);
  }
}

// Size and segment counts are known only from the data directory; through the Kafka API
// they print as "-", in the same columns.
template <typename T>
std::string OrDash(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string("-");
}

Status Describe(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  ASSIGN_OR_RETURN(TopicDescription info, topics->DescribeTopic(topic, /*with_config=*/true));
  std::optional<uint64_t> total_bytes = 0;
  for (const PartitionState& p : info.partitions) {
    total_bytes =
        p.size_bytes && total_bytes ? std::optional(*total_bytes + *p.size_bytes) : std::nullopt;
  }
  fmt::print("Topic: {}\nPartitions: {}\nSize: {}\n\n", info.name, info.partitions.size(),
             total_bytes ? FormatBytes(*total_bytes) : "-");
  fmt::print("{:>9}  {:>14}  {:>14}  {:>14}  {:>8}\n", "PARTITION", "LOG-START", "HIGH-WATERMARK",
             "SIZE-BYTES", "SEGMENTS");
  for (const PartitionState& p : info.partitions) {
    fmt::print("{:>9}  {:>14}  {:>14}  {:>14}  {:>8}\n", p.id, p.log_start, p.high_watermark,
               OrDash(p.size_bytes), OrDash(p.segments));
  }
  fmt::print("\n");
  PrintConfig(info);
  return topics->Close();
}

Status Delete(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  RETURN_IF_ERROR(topics->DeleteTopic(topic));
  fmt::print("deleted topic {}\n", topic);
  return topics->Close();
}

Status Alter(const CommandContext& ctx, const AlterArgs& args) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(log::ConfigMap changes, ParseKeyValues(args.configs, "--config"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  ASSIGN_OR_RETURN(log::ConfigMap overrides, topics->AlterTopicConfig(args.topic, changes));
  fmt::print("altered topic {}; its overrides are now:{}\n", args.topic,
             overrides.empty() ? " none" : "");
  for (const auto& [key, value] : overrides) fmt::print("  {} = {}\n", key, value);
  return topics->Close();
}

std::string ConfigKeysHelp() {
  std::string out = "Topic config keys (the --log-* options set their server-wide defaults):\n";
  for (const log::TopicConfigDef& def : log::TopicConfigDefs()) {
    out += fmt::format("  {:<26} {} (default {})\n", def.name, def.doc,
                       log::TopicConfig().Get(def.name));
  }
  return out;
}

}  // namespace

void AddTopicAdminCommands(CLI::App& topic, CommandContext& ctx) {
  auto create = std::make_shared<CreateArgs>();
  CLI::App* cmd = AddDataCommand(
      topic, ctx, "create", "Create a topic", [&ctx, create] { return Create(ctx, *create); },
      /*config_file_only_long=*/true);
  cmd->add_option("name", create->topic, "Topic name: 1-249 of [a-zA-Z0-9._-]")->required();
  cmd->add_option("-p,--partitions", create->partitions,
                  "Number of partitions (default: --default-partitions)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("-c,--config", create->configs,
                  "Topic config override key=value; repeat for several (keys below)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->footer(ConfigKeysHelp());

  AddDataCommand(topic, ctx, "list", "List the topics, one name per line",
                 [&ctx] { return List(ctx); });

  auto describe = std::make_shared<std::string>();
  cmd = AddDataCommand(
      topic, ctx, "describe",
      "Show a topic's partitions (log start, high watermark, size, segments) and its effective "
      "config, with overrides marked",
      [&ctx, describe] { return Describe(ctx, *describe); });
  cmd->add_option("name", *describe, "Topic name")->required();

  auto del = std::make_shared<std::string>();
  cmd = AddDataCommand(topic, ctx, "delete", "Delete a topic and all its data",
                       [&ctx, del] { return Delete(ctx, *del); });
  cmd->add_option("name", *del, "Topic name")->required();

  auto alter = std::make_shared<AlterArgs>();
  cmd = AddDataCommand(
      topic, ctx, "alter", "Change a topic's config overrides",
      [&ctx, alter] { return Alter(ctx, *alter); }, /*config_file_only_long=*/true);
  cmd->add_option("name", alter->topic, "Topic name")->required();
  cmd->add_option("-c,--config", alter->configs,
                  "key=value sets an override, key= (empty value) removes it and the "
                  "server-wide default applies again; repeat for several")
      ->type_name("KEY=VALUE")
      ->required()
      ->allow_extra_args(false);
  cmd->footer(ConfigKeysHelp());
}

}  // namespace oxbow::server
