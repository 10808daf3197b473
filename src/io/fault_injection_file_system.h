// A FileSystem wrapper for tests that fails I/O on command, to prove the log's behaviour
// when the disk misbehaves: a write that fails half-way (a torn write), a failing fsync,
// a full disk. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "io/file.h"

namespace oxbow::io {

class FaultInjectionFileSystem final : public FileSystem {
 public:
  explicit FaultInjectionFileSystem(FileSystem& base) : base_(base) {}

  // After `bytes` more bytes have been appended (across all files), the append that crosses
  // the limit writes only the bytes up to it and fails, like a disk filling up mid-write.
  // Negative: no limit.
  void FailAppendsAfter(int64_t bytes) { append_budget_.store(bytes); }
  // Makes every Sync() fail (true) or succeed (false).
  void FailSyncs(bool fail) { fail_syncs_.store(fail); }
  // File syncs (fdatasync) made through this file system so far, failed ones included.
  int64_t file_syncs() const { return file_syncs_.load(); }

  Result<std::shared_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) override { return base_.Exists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return base_.FileSize(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_.ListDir(path);
  }
  Status CreateDirs(const std::string& path) override { return base_.CreateDirs(path); }
  Status Remove(const std::string& path) override { return base_.Remove(path); }
  Status RemoveAll(const std::string& path) override { return base_.RemoveAll(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_.Rename(from, to);
  }
  Status SyncDir(const std::string& path) override { return base_.SyncDir(path); }

 private:
  friend class FaultyFile;

  FileSystem& base_;
  std::atomic<int64_t> append_budget_{-1};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<int64_t> file_syncs_{0};
};

}  // namespace oxbow::io
