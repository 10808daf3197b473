// Files as the log uses them: append-only writes at the end, positional reads anywhere.
//
// Thread safety: ReadAt, size() and fd() may be called from any thread concurrently with one
// writer; Append, Sync and Truncate must be called by one thread at a time (the owner of the
// file's writer role, e.g. the partition's append path). size() is the number of bytes
// appended so far; readers must not read past a size they learned from the writer through
// a synchronizing handoff (the partition's high watermark), never past size().
//
// Lifetime: files are shared (std::shared_ptr) because a reader may hold a byte range of a
// segment (e.g. a Fetch response being sent) after retention or compaction has removed the
// segment from the log. POSIX keeps an unlinked file readable until its last descriptor
// closes, so the bytes stay valid for as long as the reader holds the File.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::io {

class File {
 public:
  virtual ~File() = default;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_.load(std::memory_order_acquire); }

  // Reads up to dst.size() bytes at `position`. Returns the number of bytes read, which is
  // less than requested only at the end of the file.
  virtual Result<size_t> ReadAt(uint64_t position, MutableByteView dst) const = 0;

  // Appends at the end. On error the file's size is unknown; the caller must stop writing
  // and treat the file as suspect (the log re-validates its tail on the next open).
  virtual Status Append(ByteView data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Cuts the file to `size` bytes (recovery of a torn tail). Durable after Sync().
  virtual Status Truncate(uint64_t size) = 0;

  // The file descriptor for zero-copy sends (sendfile), or -1 if the file has none.
  virtual int fd() const { return -1; }

 protected:
  File(std::string path, uint64_t size) : path_(std::move(path)), size_(size) {}
  void set_size(uint64_t size) { size_.store(size, std::memory_order_release); }

 private:
  std::string path_;
  std::atomic<uint64_t> size_;
};

enum class OpenMode {
  kReadOnly,        // the file must exist
  kReadWrite,       // the file must exist
  kCreateOrOpen,    // created empty if missing
  kCreateExclusive  // AlreadyExists if present
};

// Directory and file operations. All paths are absolute or relative to the process's cwd.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide local filesystem.
  static FileSystem& Default();

  virtual Result<std::shared_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Names (not paths) of the entries in a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates the directory and its missing parents.
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Removes a directory tree.
  virtual Status RemoveAll(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (rename(2)); durable after SyncDir of the parent.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes creations, renames and removals in the directory durable.
  virtual Status SyncDir(const std::string& path) = 0;

  // Writes `data` to `path` so that a crash leaves either the old or the new contents:
  // write a temporary file, fsync it, rename it over `path`, fsync the directory.
  Status WriteFileAtomically(const std::string& path, ByteView data);
  // Reads a whole (small) file.
  Result<std::string> ReadFile(const std::string& path);
};

// Joins path components with '/'.
std::string JoinPath(std::string_view a, std::string_view b);
// The directory part of a path ("." if none).
std::string DirName(std::string_view path);

}  // namespace oxbow::io
