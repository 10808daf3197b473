#include "server/command.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::server {

CLI::App* AddDataCommand(CLI::App& parent, CommandContext& ctx, const std::string& name,
                         const std::string& description, std::function<Status()> body,
                         bool config_file_only_long) {
  CLI::App* cmd = parent.add_subcommand(name, description);
  AddConfigOptions(*cmd, ctx.flags, config_file_only_long);
  cmd->callback([&ctx, body = std::move(body)] { ctx.run = [body] { return RunCommand(body); }; });
  return cmd;
}

int RunCommand(const std::function<Status()>& body) {
  Status s = body();
  std::fflush(stdout);
  if (s.ok()) return kExitOk;
  fmt::print(stderr, "oxbow: error: {}\n", s.message());
  return s.code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Result<ServerConfig> SetUp(const CommandContext& ctx, std::string_view default_level) {
  InitLogging();
  ASSIGN_OR_RETURN(ServerConfig config, ResolveConfig(ctx.flags, ctx.env));
  RETURN_IF_ERROR(SetLogLevel(config.log_level.empty() ? default_level : config.log_level));
  return config;
}

Result<log::ConfigMap> ParseKeyValues(std::span<const std::string> items, std::string_view option) {
  log::ConfigMap out;
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          fmt::format("invalid {} '{}': expected key=value", option, item));
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr std::string_view kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  for (v /= 1024; v >= 1024 && unit + 1 < std::size(kUnits); v /= 1024) ++unit;
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

}  // namespace oxbow::server
