// `oxbow topic create | list | describe | delete | alter`: topic administration on a data
// directory, without a server (the Kafka API's CreateTopics and friends come later).
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "server/command.h"

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
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  RETURN_IF_ERROR(log->CreateTopic(args.topic, args.partitions, overrides));
  ASSIGN_OR_RETURN(int32_t partitions, log->PartitionCount(args.topic));
  fmt::print("created topic {} with {} partition{}\n", args.topic, partitions,
             partitions == 1 ? "" : "s");
  return log->Close();
}

Status List(const CommandContext& ctx) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  for (const std::string& name : log->ListTopics()) fmt::print("{}\n", name);
  return log->Close();
}

// The config table of `describe`: every key with its effective value, marked with where a
// non-default value comes from.
void PrintConfig(const log::TopicInfo& info, const ServerConfig& config) {
  fmt::print(
      "Config (effective; [topic] = topic override, [server] = server-wide default "
      "from flags, environment or config file):\n");
  size_t width = 0;
  for (const auto& [key, value] : info.config.ToMap()) width = std::max(width, key.size());
  for (const auto& [key, value] : info.config.ToMap()) {
    std::string_view mark = info.overrides.contains(key)          ? "  [topic]"
                            : config.topic_defaults.contains(key) ? "  [server]"
                                                                  : "";
    fmt::print("  {:<{}} = {}{}\n", key, width, value, mark);
  }
}

Status Describe(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  ASSIGN_OR_RETURN(log::TopicInfo info, log->DescribeTopic(topic));
  uint64_t total_bytes = 0;
  for (const log::PartitionInfo& p : info.partitions) total_bytes += p.size_bytes;
  fmt::print("Topic: {}\nPartitions: {}\nSize: {}\n\n", info.name, info.partitions.size(),
             FormatBytes(total_bytes));
  fmt::print("{:>9}  {:>14}  {:>14}  {:>14}  {:>8}\n", "PARTITION", "LOG-START", "HIGH-WATERMARK",
             "SIZE-BYTES", "SEGMENTS");
  for (const log::PartitionInfo& p : info.partitions) {
    fmt::print("{:>9}  {:>14}  {:>14}  {:>14}  {:>8}\n", p.id, p.log_start_offset, p.high_watermark,
               p.size_bytes, p.segments);
  }
  fmt::print("\n");
  PrintConfig(info, config);
  return log->Close();
}

Status Delete(const CommandContext& ctx, const std::string& topic) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  RETURN_IF_ERROR(log->DeleteTopic(topic));
  fmt::print("deleted topic {}\n", topic);
  return log->Close();
}

Status Alter(const CommandContext& ctx, const AlterArgs& args) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(log::ConfigMap changes, ParseKeyValues(args.configs, "--config"));
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  RETURN_IF_ERROR(log->AlterTopicConfig(args.topic, changes));
  ASSIGN_OR_RETURN(log::TopicInfo info, log->DescribeTopic(args.topic));
  fmt::print("altered topic {}; its overrides are now:{}\n", args.topic,
             info.overrides.empty() ? " none" : "");
  for (const auto& [key, value] : info.overrides) fmt::print("  {} = {}\n", key, value);
  return log->Close();
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
