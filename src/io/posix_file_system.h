// The local filesystem through POSIX calls (pread, write, fdatasync, rename).
#pragma once

#include "io/file.h"

namespace oxbow::io {

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::shared_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status Remove(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;
};

}  // namespace oxbow::io
