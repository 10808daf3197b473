// How `oxbow` commands are registered and run.
//
// main builds one CLI11 App; each command file adds its subcommand(s) with an Add*Command
// function. A subcommand's parse callback only records what to run in the CommandContext;
// main runs it after parsing succeeded, so parsing has no side effects and a command
// returns its exit status instead of throwing it.
//
// Every command that touches a data directory takes the configuration options
// (AddConfigOptions) after its name, and main accepts them before the command name too.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "log/log_manager.h"
#include "server/config.h"

namespace CLI {
class App;
}  // namespace CLI

namespace oxbow::server {

struct CommandContext {
  ConfigFlags flags;  // the configuration options as given
  Environment env;
  std::function<int()> run;  // set by the chosen command's parse callback
};

// Exit statuses of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed, or found damage
inline constexpr int kExitUsage = 2;    // invalid arguments or configuration

void AddVersionCommand(CLI::App& root, CommandContext& ctx);
void AddServeCommand(CLI::App& root, CommandContext& ctx);
// topic create, list, describe, delete, alter.
void AddTopicAdminCommands(CLI::App& topic, CommandContext& ctx);
void AddTopicProduceCommand(CLI::App& topic, CommandContext& ctx);
void AddTopicConsumeCommand(CLI::App& topic, CommandContext& ctx);
// topic compact, verify.
void AddTopicCheckCommands(CLI::App& topic, CommandContext& ctx);

// Adds a subcommand of `parent` whose options include the configuration options, and
// makes `body` what runs when it is chosen (through RunCommand).
CLI::App* AddDataCommand(CLI::App& parent, CommandContext& ctx, const std::string& name,
                         const std::string& description, std::function<Status()> body,
                         bool config_file_only_long = false);

// Runs a command body: prints its error, if any, as "oxbow: error: ..." on stderr and maps
// it to an exit status (InvalidArgument -> kExitUsage, other errors -> kExitFailure).
int RunCommand(const std::function<Status()>& body);

// Resolves the configuration of this invocation and sets the log level (its own, or
// `default_level` when no source set one). Logging goes to stderr.
Result<ServerConfig> SetUp(const CommandContext& ctx, std::string_view default_level);

// Parses "key=value" items of `option` (e.g. --config retention.ms=1000). The value may be
// empty; the key may not.
Result<log::ConfigMap> ParseKeyValues(std::span<const std::string> items, std::string_view option);

// Human-readable byte counts: "512 B", "1.5 KiB", "20.0 MiB".
std::string FormatBytes(uint64_t bytes);

}  // namespace oxbow::server
