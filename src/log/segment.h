// One segment of a partition: an append-only file of record batches (<base>.log, the bytes
// exactly as appended) and its sparse offset and time indexes (<base>.index, .timeindex).
// <base> is the offset of the segment's first batch, zero-padded to 20 digits.
//
// Thread safety: one writer (the partition's append path, or recovery before the segment
// is published) calls Append/Commit/Sync/Seal/Recover. Readers on any thread call
// committed_size() and the Find*/ReadHeaderAt methods and read the file below
// committed_size(): every byte below it belongs to a complete batch that was appended
// (the partition's high watermark, not the committed size, waits for fsyncs).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/ids.h"
#include "base/status.h"
#include "io/file.h"
#include "log/offset_index.h"
#include "log/record_batch.h"
#include "log/time_index.h"

namespace oxbow::log {

// Where a batch lives in a segment.
struct BatchLocation {
  uint64_t position;
  BatchHeader header;
};

// What a recovery scan found.
struct ScanReport {
  uint64_t scanned_bytes = 0;
  uint64_t batches = 0;
  // Set when the scan stopped at invalid bytes; the segment was truncated there.
  std::optional<uint64_t> truncated_at;
  uint64_t truncated_bytes = 0;
  std::string reason;  // why the bytes at truncated_at were invalid
};

class Segment {
 public:
  static std::string FileName(Offset base, std::string_view extension);
  // Parses "<20 digits>.log" into the base offset.
  static std::optional<Offset> ParseFileName(std::string_view name, std::string_view extension);

  // Suffix of the files of a segment being written by the compactor.
  static constexpr std::string_view kCleanedSuffix = ".cleaned";

  // Creates the files of a new, empty segment (they must not exist). With a suffix, the
  // files are "<base>.log<suffix>" etc.: not part of the log until renamed.
  static Result<std::shared_ptr<Segment>> Create(io::FileSystem& fs, const std::string& dir,
                                                 Offset base, int64_t index_interval_bytes,
                                                 std::string_view suffix = "");
  // Opens an existing segment and loads its indexes, dropping any damaged index tail.
  // The segment's end is unknown until Recover() has run.
  static Result<std::shared_ptr<Segment>> Open(io::FileSystem& fs, const std::string& dir,
                                               Offset base, int64_t index_interval_bytes);

  // Establishes the segment's end by scanning batches from the last index checkpoint at or
  // before `verify_from` (or from the last index checkpoint if nullopt), re-indexing what it
  // scans. With `verify_crc` every scanned batch's CRC is checked. The scan stops at the
  // first batch that is incomplete, fails validation, or does not follow its predecessor's
  // offsets; the file is truncated there, the removed bytes are preserved in
  // "<base>.log.corrupt-<position>" when there are any, and the report says where and why.
  // "Follow" means "start after" when `allow_gaps` (compacted segments keep their original
  // offsets, with holes), and "start exactly at the next offset" otherwise: batches appended
  // to a log are contiguous, and the base offset field is outside the CRC, so contiguity is
  // the only check that catches a damaged one.
  Result<ScanReport> Recover(std::optional<Offset> verify_from, bool verify_crc,
                             bool allow_gaps = true);

  // For a sealed segment that recovery need not re-validate (it lies below the recovery
  // point, so it was fsynced and validated when written): establishes the segment's end by
  // reading the batch headers after its last index entry, without changing any file. Returns
  // false when that tail does not check out (index entry not confirmed, a header invalid,
  // the last batch not ending at the end of the file); the caller then runs Recover().
  // Keeps start-up free of writes and fsyncs for the healthy bulk of a log.
  Result<bool> LoadSealed();

  Offset base_offset() const { return base_; }
  // One past the last offset of the last batch (base_offset() when empty). Writer's view.
  Offset next_offset() const { return next_offset_.load(std::memory_order_acquire); }
  // Bytes visible to readers.
  uint64_t committed_size() const { return committed_size_.load(std::memory_order_acquire); }
  // Bytes written, including appended-but-uncommitted ones. Writer only.
  uint64_t written_size() const { return log_->size(); }
  // Largest batch max_timestamp in the segment; -1 when empty.
  TimestampMs max_timestamp() const { return TimestampMs(max_timestamp_.load()); }
  // Max timestamp of the first batch: segment.ms is measured from it, as in Kafka.
  TimestampMs first_batch_timestamp() const { return TimestampMs(first_timestamp_.load()); }
  bool empty() const { return next_offset() == base_; }
  const std::shared_ptr<io::File>& file() const { return log_; }
  const std::string& log_path() const { return log_->path(); }

  // Appends batches that already carry their final offsets (the first at or after
  // next_offset()). `headers` describe `batches` in order. Not visible to readers until
  // Commit(). On error the segment's tail is indeterminate; the caller must stop writing.
  Status Append(ByteView batches, std::span<const BatchHeader> headers);
  // Makes everything appended visible to readers.
  void Commit() { committed_size_.store(written_size(), std::memory_order_release); }
  // fsyncs the log file and writes pending index entries (index files are not fsynced:
  // they are rebuilt from the log if lost).
  Status Sync();
  // The two halves of Sync. SyncData only fsyncs the log file, so unlike every other
  // writer method it may run on another thread concurrently with Append (the partition's
  // group commit fsyncs outside its append lock); it covers what was appended before it
  // started. PersistIndexes is a writer method.
  Status SyncData() { return log_->Sync(); }
  Status PersistIndexes();
  // Completes the segment when the partition rolls: final index entries, everything
  // fsynced. No appends after this.
  Status Seal();
  // Removes the segment's files. Readers holding the File keep reading it.
  Status Delete();

  // The batch containing `target`, or the first batch after it (offsets may have gaps after
  // compaction), among committed bytes below `limit`. nullopt when there is none.
  Result<std::optional<BatchLocation>> FindBatch(Offset target, uint64_t limit) const;
  // The first batch whose max_timestamp >= target, below `limit`.
  Result<std::optional<BatchLocation>> FindBatchByTime(TimestampMs target, uint64_t limit) const;
  // Reads and checks the framing of the batch header at `position` (no CRC check).
  Result<BatchHeader> ReadHeaderAt(uint64_t position) const;
  // Reads one complete batch at `location` into `out` and validates its CRC.
  Status ReadBatch(const BatchLocation& location, ByteBuffer* out) const;

  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }

 private:
  Segment(io::FileSystem& fs, std::string dir, Offset base, int64_t index_interval_bytes,
          std::shared_ptr<io::File> log, std::shared_ptr<io::File> index,
          std::shared_ptr<io::File> time_index);

  // Whether an offset-index entry names a batch with the offset it claims (entries are
  // hints; damaged index files can hold plausible but wrong ones).
  bool CheckpointMatches(const OffsetIndexEntry& e) const;
  // Index bookkeeping for one batch appended (or recovered) at `position`.
  void IndexBatch(const BatchHeader& h, uint64_t position);
  // Scans forward from `position` for the first batch satisfying `done`.
  template <typename Pred>
  Result<std::optional<BatchLocation>> ScanFrom(uint64_t position, uint64_t limit, Pred done) const;

  io::FileSystem& fs_;
  const std::string dir_;
  const Offset base_;
  const int64_t index_interval_bytes_;
  std::shared_ptr<io::File> log_;
  std::shared_ptr<io::File> index_file_;
  std::shared_ptr<io::File> time_index_file_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;

  std::atomic<Offset> next_offset_;
  std::atomic<uint64_t> committed_size_{0};
  std::atomic<int64_t> max_timestamp_{-1};
  std::atomic<int64_t> first_timestamp_{-1};
  // Writer-only index bookkeeping.
  uint64_t bytes_since_index_ = 0;
  bool sealed_ = false;
  // Open() found the indexes missing or damaged and cleared them; Recover() rebuilds them.
  bool indexes_rebuilding_ = false;
};

}  // namespace oxbow::log
