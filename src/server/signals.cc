#include "server/signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

namespace oxbow::server {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

Result<std::unique_ptr<ShutdownSignals>> ShutdownSignals::Install() {
  sigset_t set = ShutdownSet();
  int err = pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (err != 0) return ErrnoError(err, "pthread_sigmask", "SIGINT/SIGTERM");
  int fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "signalfd", "SIGINT/SIGTERM");
  return std::unique_ptr<ShutdownSignals>(new ShutdownSignals(fd));
}

ShutdownSignals::~ShutdownSignals() { ::close(fd_); }

Result<int> ShutdownSignals::Wait(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  int n;
  do {
    n = ::poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoError(errno, "poll", "signalfd");
  if (n == 0) return 0;
  signalfd_siginfo info;
  ssize_t r;
  do {
    r = ::read(fd_, &info, sizeof(info));
  } while (r < 0 && errno == EINTR);
  if (r != static_cast<ssize_t>(sizeof(info))) return ErrnoError(errno, "read", "signalfd");
  return static_cast<int>(info.ssi_signo);
}

}  // namespace oxbow::server
