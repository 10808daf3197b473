#include "crash_workload.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "fmt/format.h"
#include "log/record_batch_builder.h"

namespace oxbow::crash {
namespace {

// splitmix64: tiny, fast, and identical on every platform (unlike std distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Log-uniform in [lo, hi].
  int32_t LogUniform(int32_t lo, int32_t hi) {
    double u = static_cast<double>(Next() >> 11) / static_cast<double>(1ULL << 53);
    auto v = static_cast<int32_t>(lo * std::pow(static_cast<double>(hi + 1) / lo, u));
    return std::clamp(v, lo, hi);
  }

 private:
  uint64_t state_;
};

// Values are built from a small vocabulary of 8-byte words, so the codecs have something to
// compress (random bytes would make every codec store them raw).
const std::array<std::array<char, 8>, 64>& Vocabulary() {
  static const auto words = [] {
    std::array<std::array<char, 8>, 64> w{};
    Rng rng(0x766f636162ULL);
    for (auto& word : w) {
      for (char& c : word) c = static_cast<char>('a' + rng.Next() % 26);
    }
    return w;
  }();
  return words;
}

constexpr int64_t kBaseTimestampMs = 1'600'000'000'000;
constexpr log::Compression kCodecs[] = {log::Compression::kNone, log::Compression::kGzip,
                                        log::Compression::kSnappy, log::Compression::kLz4,
                                        log::Compression::kZstd};

log::BatchOptions OptionsFor(int32_t partition, int64_t seq, log::Compression codec) {
  log::BatchOptions o;
  o.compression = codec;
  // Not an idempotent producer (the log would check the sequence numbers); the batch's
  // identity rides in fields the log stores as received without interpreting them.
  o.partition_leader_epoch = LeaderEpoch(static_cast<int32_t>(kProducerIdBase + partition));
  o.base_sequence = static_cast<int32_t>(seq);
  return o;
}

}  // namespace

ExpectedBatch Expected(int32_t partition, int64_t seq, const WorkloadShape& shape) {
  Rng rng((static_cast<uint64_t>(partition) << 48) ^ static_cast<uint64_t>(seq) ^ 0x6f78626f77ULL);
  ExpectedBatch b;
  b.codec = kCodecs[rng.Next() % std::size(kCodecs)];
  int32_t n = rng.LogUniform(1, shape.max_records);
  const auto& vocab = Vocabulary();
  b.records.reserve(n);
  for (int32_t i = 0; i < n; ++i) {
    ExpectedRecord r;
    r.key = fmt::format("p{}-s{}-r{}", partition, seq, i);
    r.value.resize(rng.LogUniform(shape.min_value_bytes, shape.max_value_bytes));
    for (size_t pos = 0; pos < r.value.size(); pos += 8) {
      const auto& word = vocab[rng.Next() % vocab.size()];
      std::memcpy(r.value.data() + pos, word.data(), std::min<size_t>(8, r.value.size() - pos));
    }
    // Increasing within and across batches: timestamp lookups have one right answer.
    r.timestamp = TimestampMs(kBaseTimestampMs + seq * 1000 + i);
    b.records.push_back(std::move(r));
  }
  return b;
}

Result<ByteBuffer> BuildBatch(int32_t partition, int64_t seq, const WorkloadShape& shape) {
  ExpectedBatch e = Expected(partition, seq, shape);
  log::RecordBatchBuilder builder(OptionsFor(partition, seq, e.codec));
  for (const ExpectedRecord& r : e.records) {
    builder.Add(r.timestamp, AsBytes(r.key), AsBytes(r.value));
  }
  return builder.Build();
}

int64_t SeqOf(const log::BatchHeader& header, int32_t partition) {
  if (header.partition_leader_epoch !=
      LeaderEpoch(static_cast<int32_t>(kProducerIdBase + partition)))
    return -1;
  return header.base_sequence;
}

Status CheckBatch(ByteView batch, int32_t partition, int64_t seq, Offset base,
                  const WorkloadShape& shape) {
  auto fail = [&](std::string_view what) {
    return absl::DataLossError(
        fmt::format("partition {} batch seq {} at offset {}: {}", partition, seq, base, what));
  };
  RETURN_IF_ERROR(log::ValidateBatch(batch));
  ASSIGN_OR_RETURN(ByteBuffer want, BuildBatch(partition, seq, shape));
  log::SetBaseOffset(MutableByteView(want.mutable_data(), want.size()), base);
  if (batch.size() != want.size()) {
    return fail(fmt::format("{} bytes, expected {}", batch.size(), want.size()));
  }
  auto diff = std::mismatch(batch.begin(), batch.end(), want.view().begin());
  if (diff.first != batch.end()) {
    return fail(
        fmt::format("differs from the expected bytes at byte {}", diff.first - batch.begin()));
  }
  // The bytes match; decoding proves the records read back as what was written.
  ASSIGN_OR_RETURN(log::DecodedBatch decoded, log::DecodeBatch(batch));
  ExpectedBatch e = Expected(partition, seq, shape);
  if (decoded.records().size() != e.records.size()) {
    return fail(fmt::format("{} records, expected {}", decoded.records().size(), e.records.size()));
  }
  for (size_t i = 0; i < e.records.size(); ++i) {
    const log::Record& r = decoded.records()[i];
    const ExpectedRecord& x = e.records[i];
    if (decoded.offset_of(r) != base + static_cast<int64_t>(i) || !r.key || !r.value ||
        AsString(*r.key) != x.key || AsString(*r.value) != x.value ||
        decoded.timestamp_of(r) != x.timestamp) {
      return fail(fmt::format("record {} does not read back as written", i));
    }
  }
  return absl::OkStatus();
}

}  // namespace oxbow::crash
