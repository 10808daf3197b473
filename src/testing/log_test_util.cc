#include "testing/log_test_util.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "fmt/format.h"
#include "log/record_batch_builder.h"

namespace oxbow::testing {
namespace {

std::string Quote(const std::optional<std::string>& s) {
  return s ? fmt::format("\"{}\"", *s) : std::string("null");
}

std::optional<std::string> ToString(const std::optional<ByteView>& b) {
  if (!b) return std::nullopt;
  return std::string(AsString(*b));
}

}  // namespace

std::string DebugString(const TestRecord& r) {
  std::string out =
      fmt::format("{{key={} value={} ts={}", Quote(r.key), Quote(r.value), r.timestamp);
  for (const auto& [k, v] : r.headers) out += fmt::format(" h:{}={}", k, Quote(v));
  return out + "}";
}

std::string DebugString(const ReadRecord& r) {
  return fmt::format("@{} {}", r.offset, DebugString(r.record));
}

void PrintTo(const TestRecord& r, std::ostream* os) { *os << DebugString(r); }
void PrintTo(const ReadRecord& r, std::ostream* os) { *os << DebugString(r); }

TestRecord Rec(std::optional<std::string> key, std::optional<std::string> value,
               int64_t timestamp) {
  return TestRecord{std::move(key), std::move(value), {}, timestamp};
}

ByteBuffer BuildBatch(const std::vector<TestRecord>& records, log::Compression codec,
                      log::TimestampType type) {
  log::BatchOptions opts;
  opts.compression = codec;
  opts.timestamp_type = type;
  log::RecordBatchBuilder builder(opts);
  for (const TestRecord& r : records) {
    std::vector<log::RecordHeader> headers;
    for (const auto& [k, v] : r.headers) {
      headers.push_back({k, v ? std::optional<ByteView>(AsBytes(*v)) : std::nullopt});
    }
    builder.Add(TimestampMs(r.timestamp),
                r.key ? std::optional<ByteView>(AsBytes(*r.key)) : std::nullopt,
                r.value ? std::optional<ByteView>(AsBytes(*r.value)) : std::nullopt, headers);
  }
  Result<ByteBuffer> batch = builder.Build();
  if (!batch.ok()) {
    // A test helper given records the builder cannot encode is a broken test.
    fmt::print(stderr, "BuildBatch: {}\n", batch.status());
    std::abort();
  }
  return std::move(*batch);
}

ByteBuffer ValuesBatch(int n, int64_t ts, std::string_view prefix, log::Compression codec) {
  std::vector<TestRecord> records;
  for (int i = 0; i < n; ++i)
    records.push_back(Rec(std::nullopt, fmt::format("{}{}", prefix, i), ts));
  return BuildBatch(records, codec);
}

ByteBuffer Concat(const std::vector<ByteBuffer>& batches) {
  ByteBuffer out;
  for (const ByteBuffer& b : batches) out.Append(b.view());
  return out;
}

Result<log::AppendResult> AppendCopy(log::Partition& p, ByteView record_set, int64_t now) {
  std::vector<uint8_t> copy(record_set.begin(), record_set.end());
  return p.Append(MutableByteView(copy.data(), copy.size()), TimestampMs(now));
}

Result<ByteBuffer> ReadSliceBytes(const log::FileSlice& slice) {
  ByteBuffer out;
  if (slice.size == 0) return out;
  if (slice.file == nullptr) return absl::InternalError("slice without a file");
  out.resize(slice.size);
  ASSIGN_OR_RETURN(size_t n, slice.file->ReadAt(slice.position,
                                                MutableByteView(out.mutable_data(), out.size())));
  if (n != slice.size) {
    return absl::DataLossError(fmt::format("slice of {} bytes at {} of {}: only {} readable",
                                           slice.size, slice.position, slice.file->path(), n));
  }
  return out;
}

Result<SliceContents> DecodeSlice(const log::FileSlice& slice) {
  ASSIGN_OR_RETURN(ByteBuffer bytes, ReadSliceBytes(slice));
  SliceContents out;
  ByteView rest = bytes.view();
  while (!rest.empty()) {
    if (rest.size() < log::kBatchHeaderSize) {
      out.partial_tail = true;
      break;
    }
    ASSIGN_OR_RETURN(log::BatchHeader h, log::ParseBatchHeader(rest));
    if (h.size_bytes() > rest.size()) {
      out.partial_tail = true;
      break;
    }
    ByteView batch = rest.first(h.size_bytes());
    ASSIGN_OR_RETURN(log::DecodedBatch decoded, log::DecodeBatch(batch));
    if (!out.batches.empty() && h.base_offset <= out.batches.back().last_offset()) {
      return absl::DataLossError(fmt::format("batch at offset {} follows batch ending at {}",
                                             h.base_offset, out.batches.back().last_offset()));
    }
    out.batches.push_back(h);
    for (const log::Record& r : decoded.records()) {
      ReadRecord rr;
      rr.offset = decoded.offset_of(r).value();
      rr.record.key = ToString(r.key);
      rr.record.value = ToString(r.value);
      rr.record.timestamp = decoded.timestamp_of(r).value();
      for (const log::RecordHeader& hd : r.headers) {
        rr.record.headers.emplace_back(std::string(hd.key), ToString(hd.value));
      }
      out.records.push_back(std::move(rr));
    }
    rest = rest.subspan(h.size_bytes());
  }
  return out;
}

Result<std::vector<ReadRecord>> ReadAll(const log::Partition& p, int64_t from, uint64_t max_bytes) {
  std::vector<ReadRecord> out;
  int64_t next = from;
  while (true) {
    ASSIGN_OR_RETURN(log::ReadResult r, p.Read(Offset(next), max_bytes));
    if (next >= r.high_watermark.value() || r.slice.size == 0) break;
    ASSIGN_OR_RETURN(SliceContents c, DecodeSlice(r.slice));
    if (c.batches.empty()) {
      return absl::DataLossError(
          fmt::format("read at offset {} returned no whole batch ({} bytes)", next, r.slice.size));
    }
    if (c.batches.front().last_offset().value() < next) {
      return absl::DataLossError(fmt::format("read at offset {} returned a batch ending at {}",
                                             next, c.batches.front().last_offset()));
    }
    for (ReadRecord& rec : c.records) {
      if (rec.offset >= next) out.push_back(std::move(rec));
    }
    next = c.batches.back().last_offset().value() + 1;
  }
  return out;
}

Result<std::vector<ReadRecord>> ReadAll(const log::Partition& p) {
  return ReadAll(p, p.log_start_offset().value());
}

namespace {

class NoSyncFile final : public io::File {
 public:
  explicit NoSyncFile(std::shared_ptr<io::File> base)
      : File(base->path(), base->size()), base_(std::move(base)) {}

  Result<size_t> ReadAt(uint64_t position, MutableByteView dst) const override {
    return base_->ReadAt(position, dst);
  }
  Status Append(ByteView data) override {
    Status s = base_->Append(data);
    set_size(base_->size());
    return s;
  }
  Status Sync() override { return absl::OkStatus(); }
  Status Truncate(uint64_t size) override {
    Status s = base_->Truncate(size);
    set_size(base_->size());
    return s;
  }
  int fd() const override { return base_->fd(); }

 private:
  std::shared_ptr<io::File> base_;
};

}  // namespace

Result<std::shared_ptr<io::File>> NoSyncFileSystem::Open(const std::string& path,
                                                         io::OpenMode mode) {
  ASSIGN_OR_RETURN(std::shared_ptr<io::File> f, base_.Open(path, mode));
  return std::shared_ptr<io::File>(std::make_shared<NoSyncFile>(std::move(f)));
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "cannot read {}\n", path);
    std::abort();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) {
    fmt::print(stderr, "cannot write {}\n", path);
    std::abort();
  }
}

}  // namespace oxbow::testing
