// An exclusive, advisory lock on a file (flock), held for the lifetime of the FileLock.
// Two processes must never write the same data directory: the second one to open it gets
// FailedPrecondition naming the holder's pid. The kernel drops the lock when the process
// dies, even by kill -9, so a crash never leaves a stale lock behind.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

namespace oxbow::io {

class FileLock {
 public:
  // Creates `path` if needed, locks it and writes this process's pid into it.
  static Result<std::unique_ptr<FileLock>> Acquire(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace oxbow::io
