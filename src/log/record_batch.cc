#include "log/record_batch.h"

#include <algorithm>
#include <array>

#include "base/crc32c.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "log/compression.h"

namespace oxbow::log {
namespace {

namespace f = batch_field;

constexpr std::array<std::string_view, 5> kCompressionNames = {"none", "gzip", "snappy", "lz4",
                                                               "zstd"};

// Length varint + attributes + timestampDelta + offsetDelta + key length + value length +
// header count, each at least one byte: the smallest possible record.
constexpr size_t kMinRecordSize = 7;

Status WithPrefix(const Status& s, std::string_view prefix) {
  // Debian's Abseil has its own string_view, which fmt does not format.
  std::string_view message(s.message().data(), s.message().size());
  return Status(s.code(), fmt::format("{}{}", prefix, message));
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

// ParseBatchHeader plus the checks that need the whole batch.
Result<BatchHeader> ParseAndValidate(ByteView bytes, CrcCheck check = CrcCheck::kVerify) {
  ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(bytes));
  if (bytes.size() != h.size_bytes()) {
    return absl::DataLossError(fmt::format(
        "batch length field (byte 8) says the batch is {} bytes but {} bytes were given",
        h.size_bytes(), bytes.size()));
  }
  if (check == CrcCheck::kSkip) return h;
  uint32_t crc = crc32c::Value(bytes.subspan(f::kAttributes));
  if (crc != h.crc) {
    return absl::DataLossError(fmt::format(
        "batch CRC mismatch: header (byte 17) says {:#010x}, bytes [21, {}) give {:#010x}", h.crc,
        bytes.size(), crc));
  }
  return h;
}

// Parses the records of one batch from `payload` (the bytes after the fixed header, already
// decompressed). Positions in messages are relative to the batch (`base` = 61) for
// uncompressed batches and to the decompressed records otherwise.
class RecordParser {
 public:
  RecordParser(ByteView payload, const BatchHeader& h, size_t base, bool decompressed)
      : payload_(payload), header_(h), base_(base), decompressed_(decompressed) {}

  Status ParseAll(std::vector<Record>* out) {
    size_t count = static_cast<size_t>(header_.record_count);
    if (count > payload_.size() / kMinRecordSize) {
      return absl::DataLossError(fmt::format(
          "records count (byte 57) is {} but the {}{} bytes of records hold at most {}", count,
          decompressed_ ? "decompressed " : "", payload_.size(), payload_.size() / kMinRecordSize));
    }
    out->reserve(count);
    ByteReader r(payload_);
    int64_t prev_delta = -1;
    for (size_t i = 0; i < count; ++i) {
      size_t at = r.position();
      int32_t len = r.ReadVarint();
      if (!r.ok() || len < 0 || static_cast<size_t>(len) > r.remaining()) {
        return Error(i, at,
                     fmt::format("invalid record length {} ({} bytes remain)", len, r.remaining()));
      }
      size_t body_at = r.position();
      Record& rec = out->emplace_back();
      RETURN_IF_ERROR(ParseBody(i, body_at, r.ReadBytes(static_cast<size_t>(len)), &rec));
      if (rec.offset_delta <= prev_delta || rec.offset_delta > header_.last_offset_delta) {
        return Error(i, at,
                     fmt::format("offset delta {} is not in ({}, {}] (last offset delta)",
                                 rec.offset_delta, prev_delta, header_.last_offset_delta));
      }
      prev_delta = rec.offset_delta;
    }
    if (!r.AtEnd()) {
      return absl::DataLossError(fmt::format("{} bytes left over after the {} records, at {}",
                                             r.remaining(), count, Where(r.position())));
    }
    return absl::OkStatus();
  }

 private:
  std::string Where(size_t pos) const {
    return fmt::format("byte {} of the {}", base_ + pos,
                       decompressed_ ? "decompressed records" : "batch");
  }
  Status Error(size_t index, size_t pos, std::string_view what) const {
    return absl::DataLossError(fmt::format("record {} at {}: {}", index, Where(pos), what));
  }

  // Reads a varint-length-prefixed byte field; length -1 is null.
  static bool ReadNullableBytes(ByteReader& r, std::optional<ByteView>* out, int32_t* len) {
    *len = r.ReadVarint();
    if (!r.ok() || *len < -1 || (*len >= 0 && static_cast<size_t>(*len) > r.remaining())) {
      return false;
    }
    if (*len == -1) {
      out->reset();
    } else {
      *out = r.ReadBytes(static_cast<size_t>(*len));
    }
    return true;
  }

  Status ParseBody(size_t index, size_t body_at, ByteView body, Record* rec) const {
    ByteReader r(body);
    rec->attributes = r.ReadInt8();
    rec->timestamp_delta = r.ReadVarlong();
    rec->offset_delta = r.ReadVarint();
    if (!r.ok()) return Error(index, body_at, "truncated attributes, timestamp or offset delta");
    int32_t len = 0;
    size_t at = r.position();
    if (!ReadNullableBytes(r, &rec->key, &len)) {
      return Error(index, body_at + at,
                   fmt::format("invalid key length {} ({} bytes remain)", len, r.remaining()));
    }
    at = r.position();
    if (!ReadNullableBytes(r, &rec->value, &len)) {
      return Error(index, body_at + at,
                   fmt::format("invalid value length {} ({} bytes remain)", len, r.remaining()));
    }
    at = r.position();
    int32_t header_count = r.ReadVarint();
    // Each header takes at least two bytes (key length, value length).
    if (!r.ok() || header_count < 0 || static_cast<size_t>(header_count) > r.remaining() / 2) {
      return Error(index, body_at + at, fmt::format("invalid header count {}", header_count));
    }
    if (header_count > 0) rec->headers.reserve(static_cast<size_t>(header_count));
    for (int32_t h = 0; h < header_count; ++h) {
      at = r.position();
      int32_t key_len = r.ReadVarint();
      if (!r.ok() || key_len < 0 || static_cast<size_t>(key_len) > r.remaining()) {
        return Error(index, body_at + at,
                     fmt::format("header {}: invalid key length {}", h, key_len));
      }
      RecordHeader& header = rec->headers.emplace_back();
      header.key = AsString(r.ReadBytes(static_cast<size_t>(key_len)));
      at = r.position();
      if (!ReadNullableBytes(r, &header.value, &len)) {
        return Error(index, body_at + at,
                     fmt::format("header {}: invalid value length {}", h, len));
      }
    }
    if (!r.AtEnd()) {
      return Error(index, body_at + r.position(),
                   fmt::format("{} bytes left over inside the record", r.remaining()));
    }
    return absl::OkStatus();
  }

  ByteView payload_;
  const BatchHeader& header_;
  size_t base_;
  bool decompressed_;
};

}  // namespace

std::string_view CompressionName(Compression codec) {
  auto i = static_cast<size_t>(codec);
  return i < kCompressionNames.size() ? kCompressionNames[i] : "unknown";
}

Result<Compression> ParseCompression(std::string_view name) {
  for (size_t i = 0; i < kCompressionNames.size(); ++i) {
    if (EqualsIgnoreAsciiCase(name, kCompressionNames[i])) return static_cast<Compression>(i);
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown compression '{}': expected one of none, gzip, snappy, lz4, zstd", name));
}

Result<BatchHeader> ParseBatchHeader(ByteView bytes) {
  if (bytes.size() <= f::kMagic) {
    return absl::DataLossError(
        fmt::format("truncated batch header: {} bytes, a v2 batch header is {}", bytes.size(),
                    kBatchHeaderSize));
  }
  const uint8_t* p = bytes.data();
  auto magic = static_cast<int8_t>(p[f::kMagic]);
  if (magic == 0 || magic == 1) {
    return absl::InvalidArgumentError(fmt::format(
        "unsupported message format: magic {} (legacy message set); only magic 2 record "
        "batches are supported",
        magic));
  }
  if (magic != kMagicV2) {
    return absl::DataLossError(fmt::format("invalid magic {} at byte 16", magic));
  }
  if (bytes.size() < kBatchHeaderSize) {
    return absl::DataLossError(
        fmt::format("truncated batch header: {} bytes, a v2 batch header is {}", bytes.size(),
                    kBatchHeaderSize));
  }
  BatchHeader h;
  h.base_offset = Offset(static_cast<int64_t>(LoadBE64(p + f::kBaseOffset)));
  h.batch_length = static_cast<int32_t>(LoadBE32(p + f::kBatchLength));
  h.partition_leader_epoch =
      LeaderEpoch(static_cast<int32_t>(LoadBE32(p + f::kPartitionLeaderEpoch)));
  h.magic = magic;
  h.crc = LoadBE32(p + f::kCrc);
  h.attributes = static_cast<int16_t>(LoadBE16(p + f::kAttributes));
  h.last_offset_delta = static_cast<int32_t>(LoadBE32(p + f::kLastOffsetDelta));
  h.base_timestamp = TimestampMs(static_cast<int64_t>(LoadBE64(p + f::kBaseTimestamp)));
  h.max_timestamp = TimestampMs(static_cast<int64_t>(LoadBE64(p + f::kMaxTimestamp)));
  h.producer_id = ProducerId(static_cast<int64_t>(LoadBE64(p + f::kProducerId)));
  h.producer_epoch = ProducerEpoch(static_cast<int16_t>(LoadBE16(p + f::kProducerEpoch)));
  h.base_sequence = static_cast<int32_t>(LoadBE32(p + f::kBaseSequence));
  h.record_count = static_cast<int32_t>(LoadBE32(p + f::kRecordsCount));

  constexpr int32_t kMinBatchLength = kBatchHeaderSize - kBatchLogOverhead;
  if (h.batch_length < kMinBatchLength) {
    return absl::DataLossError(fmt::format("batch length {} at byte 8 is below the minimum {}",
                                           h.batch_length, kMinBatchLength));
  }
  if (h.last_offset_delta < 0) {
    return absl::DataLossError(
        fmt::format("negative last offset delta {} at byte 23", h.last_offset_delta));
  }
  if (h.record_count < 0) {
    return absl::DataLossError(fmt::format("negative records count {} at byte 57", h.record_count));
  }
  if ((h.attributes & kCompressionMask) > static_cast<int>(Compression::kZstd)) {
    return absl::DataLossError(fmt::format("unknown compression codec {} in attributes at byte 21",
                                           h.attributes & kCompressionMask));
  }
  return h;
}

Status ValidateBatch(ByteView bytes) { return ParseAndValidate(bytes).status(); }

Result<std::vector<ByteView>> SplitRecordSet(ByteView record_set) {
  std::vector<ByteView> batches;
  size_t pos = 0;
  while (pos < record_set.size()) {
    ByteView rest = record_set.subspan(pos);
    std::string prefix = fmt::format("record set: batch at byte {}: ", pos);
    if (rest.size() < kBatchHeaderSize) {
      return absl::DataLossError(
          fmt::format("{}partial batch: {} bytes left, a batch header needs {}", prefix,
                      rest.size(), kBatchHeaderSize));
    }
    Result<BatchHeader> h = ParseBatchHeader(rest);
    if (!h.ok()) return WithPrefix(h.status(), prefix);
    if (h->size_bytes() > rest.size()) {
      return absl::DataLossError(
          fmt::format("{}partial batch: its length field says {} bytes but {} are left", prefix,
                      h->size_bytes(), rest.size()));
    }
    ByteView batch = rest.first(h->size_bytes());
    Status s = ValidateBatch(batch);
    if (!s.ok()) return WithPrefix(s, prefix);
    batches.push_back(batch);
    pos += batch.size();
  }
  return batches;
}

void SetBaseOffset(MutableByteView batch, Offset base) {
  OXBOW_CHECK(batch.size() >= kBatchHeaderSize, "batch of {} bytes", batch.size());
  StoreBE64(batch.data() + f::kBaseOffset, static_cast<uint64_t>(base.value()));
}

void SetPartitionLeaderEpoch(MutableByteView batch, LeaderEpoch epoch) {
  OXBOW_CHECK(batch.size() >= kBatchHeaderSize, "batch of {} bytes", batch.size());
  StoreBE32(batch.data() + f::kPartitionLeaderEpoch, static_cast<uint32_t>(epoch.value()));
}

void SetLogAppendTime(MutableByteView batch, TimestampMs now) {
  OXBOW_CHECK(batch.size() >= kBatchHeaderSize, "batch of {} bytes", batch.size());
  uint8_t* p = batch.data();
  uint16_t attributes = LoadBE16(p + f::kAttributes) | kTimestampTypeBit;
  StoreBE16(p + f::kAttributes, attributes);
  StoreBE64(p + f::kMaxTimestamp, static_cast<uint64_t>(now.value()));
  UpdateBatchCrc(batch);
}

void UpdateBatchCrc(MutableByteView batch) {
  OXBOW_CHECK(batch.size() >= kBatchHeaderSize, "batch of {} bytes", batch.size());
  StoreBE32(batch.data() + f::kCrc,
            crc32c::Value(batch.data() + f::kAttributes, batch.size() - f::kAttributes));
}

TimestampMs DecodedBatch::timestamp_of(const Record& r) const {
  if (header_.timestamp_type() == TimestampType::kLogAppendTime) return header_.max_timestamp;
  return TimestampMs(static_cast<int64_t>(static_cast<uint64_t>(header_.base_timestamp.value()) +
                                          static_cast<uint64_t>(r.timestamp_delta)));
}

Result<DecodedBatch> DecodeBatch(ByteView batch, size_t max_uncompressed_bytes, CrcCheck crc) {
  DecodedBatch out;
  ASSIGN_OR_RETURN(out.header_, ParseAndValidate(batch, crc));
  ByteView payload = batch.subspan(kBatchHeaderSize);
  Compression codec = out.header_.compression();
  if (codec != Compression::kNone) {
    if (out.header_.record_count == 0) return out;
    Status s = Decompress(codec, payload, max_uncompressed_bytes, &out.decompressed_);
    if (!s.ok()) {
      return WithPrefix(
          s, fmt::format("records at byte {} ({}): ", kBatchHeaderSize, CompressionName(codec)));
    }
    payload = out.decompressed_.view();
  }
  bool decompressed = codec != Compression::kNone;
  RecordParser parser(payload, out.header_, decompressed ? 0 : kBatchHeaderSize, decompressed);
  RETURN_IF_ERROR(parser.ParseAll(&out.records_));
  return out;
}

}  // namespace oxbow::log
