// The `oxbow` binary: parses the command line and runs the chosen command.
#include <iostream>

#include "CLI/CLI.hpp"
#include "server/command.h"

int main(int argc, char** argv) {
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
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.run ? ctx.run() : kExitUsage;
}
