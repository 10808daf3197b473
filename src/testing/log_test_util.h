// Helpers for tests of the log: building record batches from plain records, and reading
// records back from a partition the way a Kafka consumer does (following Read slices,
// dropping the partial batch a slice may end in and re-reading from the next offset).
//
// Everything here returns errors as values so that a test can assert on them; nothing
// aborts on bad data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"
#include "log/partition.h"
#include "log/record_batch.h"

namespace oxbow::testing {

// A record as a test writes and compares it: owns its bytes.
struct TestRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp = 0;

  friend bool operator==(const TestRecord&, const TestRecord&) = default;
};

// A record read back from the log, with its offset.
struct ReadRecord {
  int64_t offset = 0;
  TestRecord record;

  friend bool operator==(const ReadRecord&, const ReadRecord&) = default;
};

std::string DebugString(const TestRecord& r);
std::string DebugString(const ReadRecord& r);
void PrintTo(const TestRecord& r, std::ostream* os);
void PrintTo(const ReadRecord& r, std::ostream* os);

// A record with a key and value, no headers.
TestRecord Rec(std::optional<std::string> key, std::optional<std::string> value, int64_t timestamp);

// Encodes `records` as one batch (base offset 0; the log assigns the real one).
ByteBuffer BuildBatch(const std::vector<TestRecord>& records,
                      log::Compression codec = log::Compression::kNone,
                      log::TimestampType type = log::TimestampType::kCreateTime);

// `n` keyless records "<prefix>0".."<prefix>{n-1}", all with timestamp `ts`, as one batch.
ByteBuffer ValuesBatch(int n, int64_t ts, std::string_view prefix = "v",
                       log::Compression codec = log::Compression::kNone);

// Concatenates batches into one record set (what a Produce request carries).
ByteBuffer Concat(const std::vector<ByteBuffer>& batches);

// Appends a copy of `record_set` (Append edits its input in place).
Result<log::AppendResult> AppendCopy(log::Partition& p, ByteView record_set, int64_t now);

// Reads the bytes of a slice.
Result<ByteBuffer> ReadSliceBytes(const log::FileSlice& slice);

// What one slice holds: its whole batches, decoded and CRC-checked, and whether it ended in
// a partial batch (a strict prefix of a valid batch header + body).
struct SliceContents {
  std::vector<log::BatchHeader> batches;
  std::vector<ReadRecord> records;  // every record of the whole batches, in order
  bool partial_tail = false;
};
// DataLoss if a whole batch fails validation or decoding, or the tail is not a prefix of a
// batch (e.g. garbage).
Result<SliceContents> DecodeSlice(const log::FileSlice& slice);

// Reads every record at offsets >= `from` up to the high watermark by following Read slices
// of `max_bytes`, as a consumer would. Records below the requested offset in the first batch
// of a slice are skipped. Stops at the high watermark or at an empty slice.
Result<std::vector<ReadRecord>> ReadAll(const log::Partition& p, int64_t from,
                                        uint64_t max_bytes = 1 << 20);
// ReadAll from the log start offset.
Result<std::vector<ReadRecord>> ReadAll(const log::Partition& p);

// A FileSystem that forwards to another but makes fsync (File::Sync, SyncDir) a no-op: for
// tests about what the log contains rather than what survives power loss, which would
// otherwise spend most of their time waiting for the disk. Thread-safe.
class NoSyncFileSystem final : public io::FileSystem {
 public:
  explicit NoSyncFileSystem(io::FileSystem& base) : base_(base) {}

  Result<std::shared_ptr<io::File>> Open(const std::string& path, io::OpenMode mode) override;
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
  Status SyncDir(const std::string&) override { return absl::OkStatus(); }

 private:
  io::FileSystem& base_;
};

// The names of the files in `dir`, sorted ("" entries never appear).
std::vector<std::string> ListFiles(const std::string& dir);

// Reads or overwrites a whole file on the real filesystem, for damaging files in tests.
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, std::string_view contents);

}  // namespace oxbow::testing
