// libFuzzer target for the record batch decoder and the compression codecs: the first
// code to touch bytes from Produce requests and from segment files after a crash.
//
// Properties checked on every input:
//   - SplitRecordSet and DecodeBatch never crash, never read out of bounds, and fail only
//     with DataLoss, InvalidArgument or ResourceExhausted;
//   - a batch that decodes re-encodes with RecordBatchBuilder (same codec and header
//     options) into a batch that decodes to the same records.
// The input is tried twice: as a record set, and as a single batch whose length and CRC are
// fixed up first, so that mutations reach the codecs and the record parser instead of all
// dying at the CRC check.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "log/record_batch.h"
#include "log/record_batch_builder.h"

namespace oxbow::log {
namespace {

constexpr size_t kMaxUncompressed = 1 << 20;

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

bool ExpectedError(const Status& s) {
  return s.code() == absl::StatusCode::kDataLoss ||
         s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kResourceExhausted;
}

bool SameBytes(const std::optional<ByteView>& a, const std::optional<ByteView>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || AsString(*a) == AsString(*b);
}

// The record's absolute timestamp as written, whatever the batch's timestamp type.
int64_t RawTimestamp(const BatchHeader& h, const Record& r) {
  return static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp.value()) +
                              static_cast<uint64_t>(r.timestamp_delta));
}

void CheckReencodes(const DecodedBatch& d) {
  const BatchHeader& h = d.header();
  RecordBatchBuilder builder(BatchOptions::From(h));
  for (const Record& r : d.records()) {
    builder.AddWithOffsetDelta(r.offset_delta, TimestampMs(RawTimestamp(h, r)), r.key, r.value,
                               r.headers);
  }
  builder.set_last_offset_delta(h.last_offset_delta);
  Result<ByteBuffer> rebuilt = builder.Build();
  FUZZ_CHECK(rebuilt.ok(), rebuilt.status().ToString().c_str());
  Result<DecodedBatch> again = DecodeBatch(rebuilt->view());
  FUZZ_CHECK(again.ok(), again.status().ToString().c_str());

  const BatchHeader& h2 = again->header();
  FUZZ_CHECK(h2.base_offset == h.base_offset, "base offset");
  FUZZ_CHECK(h2.last_offset_delta == h.last_offset_delta, "last offset delta");
  FUZZ_CHECK(h2.record_count == h.record_count, "record count");
  FUZZ_CHECK((h2.attributes & 0x3f) == (h.attributes & 0x3f), "attributes");
  FUZZ_CHECK(h2.producer_id == h.producer_id && h2.producer_epoch == h.producer_epoch &&
                 h2.base_sequence == h.base_sequence &&
                 h2.partition_leader_epoch == h.partition_leader_epoch,
             "producer fields");
  FUZZ_CHECK(again->records().size() == d.records().size(), "records size");
  for (size_t i = 0; i < d.records().size(); ++i) {
    const Record& a = d.records()[i];
    const Record& b = again->records()[i];
    FUZZ_CHECK(d.offset_of(a) == again->offset_of(b), "offset");
    FUZZ_CHECK(RawTimestamp(h, a) == RawTimestamp(h2, b), "timestamp");
    FUZZ_CHECK(d.timestamp_of(a) == again->timestamp_of(b), "timestamp_of");
    FUZZ_CHECK(SameBytes(a.key, b.key), "key");
    FUZZ_CHECK(SameBytes(a.value, b.value), "value");
    FUZZ_CHECK(a.headers.size() == b.headers.size(), "header count");
    for (size_t j = 0; j < a.headers.size(); ++j) {
      FUZZ_CHECK(a.headers[j].key == b.headers[j].key, "header key");
      FUZZ_CHECK(SameBytes(a.headers[j].value, b.headers[j].value), "header value");
    }
  }
}

void CheckBatch(ByteView batch) {
  Result<DecodedBatch> d = DecodeBatch(batch, kMaxUncompressed);
  if (!d.ok()) {
    FUZZ_CHECK(ExpectedError(d.status()), d.status().ToString().c_str());
    return;
  }
  FUZZ_CHECK(d->records().size() == static_cast<size_t>(d->header().record_count) ||
                 (d->records().empty() && d->header().compression() != Compression::kNone),
             "record count");
  CheckReencodes(*d);
}

}  // namespace
}  // namespace oxbow::log

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow;
  using namespace oxbow::log;
  ByteView input(data, size);

  Result<BatchHeader> header = ParseBatchHeader(input);
  if (!header.ok()) FUZZ_CHECK(ExpectedError(header.status()), "header error code");

  Result<std::vector<ByteView>> batches = SplitRecordSet(input);
  if (batches.ok()) {
    for (ByteView b : *batches) CheckBatch(b);
  } else {
    FUZZ_CHECK(ExpectedError(batches.status()), batches.status().ToString().c_str());
  }

  if (size >= kBatchHeaderSize && size - kBatchLogOverhead <= INT32_MAX) {
    std::vector<uint8_t> fixed(data, data + size);
    StoreBE32(fixed.data() + batch_field::kBatchLength,
              static_cast<uint32_t>(size - kBatchLogOverhead));
    UpdateBatchCrc(fixed);
    CheckBatch(fixed);
  }
  return 0;
}
