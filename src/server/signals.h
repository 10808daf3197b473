// SIGINT and SIGTERM as readable events, so no work ever runs in a signal handler.
//
// Install() blocks the two signals in the calling thread and opens a signalfd for them;
// Wait() reads it. Call Install() on the main thread before any other thread starts:
// threads inherit the signal mask, and a signal delivered to a thread that does not block
// it would take its default action (terminating the process) instead of being read here.
//
// Threads: Wait() may be called from any thread, by one thread at a time.
#pragma once

#include <memory>

#include "base/status.h"

namespace oxbow::server {

class ShutdownSignals {
 public:
  static Result<std::unique_ptr<ShutdownSignals>> Install();
  // Closes the signalfd. The signals stay blocked: unblocking would deliver a pending one
  // (say a second Ctrl-C during shutdown) with its default action after all.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Waits up to timeout_ms (-1: forever) for SIGINT or SIGTERM. Returns the signal number,
  // or 0 when the time ran out.
  Result<int> Wait(int timeout_ms);

 private:
  explicit ShutdownSignals(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace oxbow::server
