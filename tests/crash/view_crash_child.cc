// The node that view_crash_test kills. Usage: view_crash_child <dir> <seed> <events>
//
// Opens log, catalog and engine on <dir> (the views resume from their checkpoints) and runs
// the workload (view_workload.h) from wherever the directory stands, writing one line to
// stdout per step completed: "phase initial-input", "phase views", "phase all-input",
// "phase caught-up". Then it waits to be killed: it never exits on its own except on an
// error (a message on stderr, exit status 3), which the parent reports as a failure.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/logging.h"
#include "fmt/format.h"
#include "view_workload.h"

namespace oxbow::crash {
namespace {

[[noreturn]] void Die(std::string_view what, const Status& s) {
  std::string msg = fmt::format("view_crash_child: {}: {}\n", what, s);
  (void)!::write(STDERR_FILENO, msg.data(), msg.size());
  ::_exit(3);
}

void WriteLine(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die("writing to stdout", absl::InternalError(fmt::format("errno {}", errno)));
    done += static_cast<size_t>(n);
  }
}

int Main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: view_crash_child <dir> <seed> <events>\n");
    return 2;
  }
  InitLogging();
  (void)SetLogLevel("error");  // recovery notes are not failures
  ViewWorkloadOptions options;
  options.seed = std::strtoull(argv[2], nullptr, 10);
  options.events = std::strtoll(argv[3], nullptr, 10);
  ViewNode node(argv[1], options);
  if (Status s = node.Open(); !s.ok()) Die("opening", s);
  WriteLine("phase open\n");
  Status s =
      node.Run([](const std::string& phase) { WriteLine(fmt::format("phase {}\n", phase)); });
  if (!s.ok()) Die("running the workload", s);
  for (;;) ::pause();  // the views keep running (and checkpointing) until the kill
}

}  // namespace
}  // namespace oxbow::crash

int main(int argc, char** argv) { return oxbow::crash::Main(argc, argv); }
