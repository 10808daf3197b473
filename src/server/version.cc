// `oxbow version`: what this binary is, for bug reports.
#include "CLI/CLI.hpp"
#include "base/crc32c.h"
#include "fmt/format.h"
#include "server/command.h"

// Set by CMake for this file only (src/server/CMakeLists.txt).
#ifndef OXBOW_VERSION
#error "OXBOW_VERSION must be defined by the build"
#endif

namespace oxbow::server {

void AddVersionCommand(CLI::App& root, CommandContext& ctx) {
  CLI::App* cmd = root.add_subcommand(
      "version", "Print the version, build type, compiler and CRC32C implementation");
  cmd->callback([&ctx] {
    ctx.run = [] {
      fmt::print("oxbow {}\n", OXBOW_VERSION);
      fmt::print("build type: {}\n", OXBOW_BUILD_TYPE);
      fmt::print("compiler: {}\n", OXBOW_COMPILER);
      fmt::print("crc32c: {}\n", crc32c::HardwareAccelerated()
                                     ? "hardware-accelerated (SSE4.2)"
                                     : "software (slicing-by-8; no SSE4.2 on this CPU)");
      return kExitOk;
    };
  });
}

}  // namespace oxbow::server
