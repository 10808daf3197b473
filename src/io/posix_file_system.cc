#include "io/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace oxbow::io {
namespace {

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd, uint64_t size) : File(std::move(path), size), fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }

  Result<size_t> ReadAt(uint64_t position, MutableByteView dst) const override {
    size_t done = 0;
    while (done < dst.size()) {
      ssize_t n =
          ::pread(fd_, dst.data() + done, dst.size() - done, static_cast<off_t>(position + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(errno, "read", path());
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Status Append(ByteView data) override {
    uint64_t pos = size();
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(pos + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(errno, "write", path());
      }
      done += static_cast<size_t>(n);
    }
    set_size(pos + done);
    return absl::OkStatus();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoError(errno, "fdatasync", path());
    return absl::OkStatus();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return ErrnoError(errno, "truncate", path());
    }
    set_size(size);
    return absl::OkStatus();
  }

  int fd() const override { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileSystem& FileSystem::Default() {
  static PosixFileSystem fs;
  return fs;
}

Result<std::shared_ptr<File>> PosixFileSystem::Open(const std::string& path, OpenMode mode) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::kReadOnly:
      flags |= O_RDONLY;
      break;
    case OpenMode::kReadWrite:
      flags |= O_RDWR;
      break;
    case OpenMode::kCreateOrOpen:
      flags |= O_RDWR | O_CREAT;
      break;
    case OpenMode::kCreateExclusive:
      flags |= O_RDWR | O_CREAT | O_EXCL;
      break;
  }
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return ErrnoError(errno, "open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError(err, "stat", path);
  }
  return std::shared_ptr<File>(
      std::make_shared<PosixFile>(path, fd, static_cast<uint64_t>(st.st_size)));
}

bool PosixFileSystem::Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

Result<uint64_t> PosixFileSystem::FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError(errno, "stat", path);
  return static_cast<uint64_t>(st.st_size);
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return ErrnoError(errno, "opendir", path);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixFileSystem::CreateDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return ErrnoError(ec.value(), "mkdir", path);
  return absl::OkStatus();
}

Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return ErrnoError(errno, "unlink", path);
  return absl::OkStatus();
}

Status PosixFileSystem::RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return ErrnoError(ec.value(), "remove", path);
  return absl::OkStatus();
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoError(errno, "rename", from + " to");
  return absl::OkStatus();
}

Status PosixFileSystem::SyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "open", path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError(err, "fsync", path);
  return absl::OkStatus();
}

}  // namespace oxbow::io
