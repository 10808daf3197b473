// The `oxbow` binary: parses the command line and runs the chosen command.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "server/command.h"

namespace {

// CLI11 reports both `oxbow` and `oxbow frobnicate` as "A subcommand is required"; say which
// word was not a command, and list the commands. Returns false for other required-errors.
bool ReportMissingCommand(CLI::App& app) {
  CLI::App* level = &app;
  while (!level->get_subcommands().empty()) level = level->get_subcommands().front();
  if (level->get_require_subcommand_min() == 0) return false;
  std::vector<std::string> rest = level->remaining(true);
  std::string commands;
  for (const CLI::App* sub : level->get_subcommands({})) {
    commands += fmt::format("{}{}", commands.empty() ? "" : ", ", sub->get_name());
  }
  std::string what = rest.empty() ? std::string("a command is required")
                                  : fmt::format("unknown command '{}'", rest.front());
  fmt::print(stderr, "oxbow: error: {}; the commands of `{}` are: {}\n", what,
             level == &app ? "oxbow" : "oxbow " + level->get_name(), commands);
  fmt::print(stderr, "Run with --help for more information.\n");
  return true;
}

int Main(int argc, char** argv) {
  using namespace oxbow::server;
  std::ios::sync_with_stdio(false);  // `topic produce` reads stdin with std::getline

  CommandContext ctx;
  ctx.env = ProcessEnvironment();
  CLI::App app("Oxbow: a streaming data warehouse in one binary", "oxbow");
  app.require_subcommand(1);
  app.footer(
      "Configuration precedence: flags > OXBOW_* environment variables > TOML file (--config) "
      "> defaults. The server options may also be given before the command. See "
      "docs/configuration.md.\nRun `oxbow COMMAND --help` for a command's options.");
  // Accepted before the command name too: `oxbow --data-dir d topic list`.
  AddConfigOptions(app, ctx.flags);

  AddVersionCommand(app, ctx);
  AddServeCommand(app, ctx);
  CLI::App* topic = app.add_subcommand("topic", "Create, inspect, write and read topics");
  topic->require_subcommand(1);
  AddTopicAdminCommands(*topic, ctx);
  AddTopicProduceCommand(*topic, ctx);
  AddTopicConsumeCommand(*topic, ctx);
  AddTopicCheckCommands(*topic, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && ReportMissingCommand(app)) {
      return kExitUsage;
    }
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.run ? ctx.run() : kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values everywhere below; an exception reaching here is a library failure
  // (e.g. out of memory), reported rather than ending in std::terminate.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "oxbow: internal error: %s\n", e.what());
    return oxbow::server::kExitFailure;
  }
}
