#include "log/record_batch.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "base/crc32c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/compression.h"
#include "log/record_batch_builder.h"

namespace oxbow::log {
namespace {

using ::testing::HasSubstr;

constexpr Compression kAllCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                      Compression::kLz4, Compression::kZstd};

ByteView B(std::string_view s) { return AsBytes(s); }
std::string S(std::optional<ByteView> b) { return b ? std::string(AsString(*b)) : "<null>"; }
std::vector<uint8_t> ToVec(ByteView b) { return {b.begin(), b.end()}; }

// Appends big-endian integers to a byte vector, for spelling out expected batches.
void Put(std::vector<uint8_t>& v, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
void Put(std::vector<uint8_t>& v, std::initializer_list<int> bytes) {
  for (int b : bytes) v.push_back(static_cast<uint8_t>(b));
}

// The three records of the known-bytes batch, written field by field from the protocol
// guide's record layout. Varints are zigzag: 0 -> 00, -1 -> 01, 1 -> 02, -2 -> 03, 2 -> 04.
std::vector<uint8_t> KnownRecords() {
  std::vector<uint8_t> r;
  // Record 0: timestamp 1000 (delta 0), offset delta 0, key "k1", value "v1", no headers.
  Put(r, {0x14,            // length 10
          0x00,            // attributes
          0x00,            // timestampDelta 0
          0x00,            // offsetDelta 0
          0x04, 'k', '1',  // key length 2, key
          0x04, 'v', '1',  // value length 2, value
          0x00});          // 0 headers
  // Record 1: timestamp 1005 (delta 5), offset delta 1, null key, value "v2",
  // headers h1="x" and h2=null.
  Put(r, {0x22,                       // length 17
          0x00,                       // attributes
          0x0a,                       // timestampDelta 5
          0x02,                       // offsetDelta 1
          0x01,                       // key length -1: null
          0x04, 'v', '2',             // value
          0x04,                       // 2 headers
          0x04, 'h', '1', 0x02, 'x',  // "h1" = "x"
          0x04, 'h', '2', 0x01});     // "h2" = null
  // Record 2: timestamp 998 (delta -2), offset delta 2, key "k3", null value (tombstone).
  Put(r, {0x10,              // length 8
          0x00, 0x03, 0x04,  // attributes, timestampDelta -2, offsetDelta 2
          0x04, 'k', '3',    // key
          0x01,              // value length -1: null
          0x00});            // 0 headers
  return r;
}

std::vector<uint8_t> KnownBatch() {
  std::vector<uint8_t> records = KnownRecords();
  std::vector<uint8_t> b;
  Put(b, 100, 8);                  // baseOffset
  Put(b, 49 + records.size(), 4);  // batchLength: 61 - 12 header bytes + records
  Put(b, 5, 4);                    // partitionLeaderEpoch
  Put(b, 2, 1);                    // magic
  Put(b, 0, 4);                    // crc, filled below
  Put(b, 0, 2);                    // attributes: none, CreateTime
  Put(b, 2, 4);                    // lastOffsetDelta
  Put(b, 1000, 8);                 // baseTimestamp
  Put(b, 1005, 8);                 // maxTimestamp
  Put(b, 42, 8);                   // producerId
  Put(b, 3, 2);                    // producerEpoch
  Put(b, 10, 4);                   // baseSequence
  Put(b, 3, 4);                    // recordsCount
  b.insert(b.end(), records.begin(), records.end());
  uint32_t crc = crc32c::Value(b.data() + 21, b.size() - 21);
  StoreBE32(b.data() + 17, crc);
  return b;
}

BatchOptions KnownOptions() {
  BatchOptions o;
  o.base_offset = Offset(100);
  o.partition_leader_epoch = LeaderEpoch(5);
  o.producer_id = ProducerId(42);
  o.producer_epoch = ProducerEpoch(3);
  o.base_sequence = 10;
  return o;
}

ByteBuffer BuildKnown(BatchOptions options) {
  RecordBatchBuilder builder(options);
  builder.Add(TimestampMs(1000), B("k1"), B("v1"));
  RecordHeader headers[] = {{"h1", B("x")}, {"h2", std::nullopt}};
  builder.Add(TimestampMs(1005), std::nullopt, B("v2"), headers);
  builder.Add(TimestampMs(998), B("k3"), std::nullopt);
  EXPECT_EQ(builder.record_count(), 3u);
  Result<ByteBuffer> batch = builder.Build();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return std::move(batch).value();
}

void ExpectKnownRecords(const DecodedBatch& d) {
  const auto& r = d.records();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(S(r[0].key), "k1");
  EXPECT_EQ(S(r[0].value), "v1");
  EXPECT_TRUE(r[0].headers.empty());
  EXPECT_FALSE(r[1].key.has_value());
  EXPECT_EQ(S(r[1].value), "v2");
  ASSERT_EQ(r[1].headers.size(), 2u);
  EXPECT_EQ(r[1].headers[0].key, "h1");
  EXPECT_EQ(S(r[1].headers[0].value), "x");
  EXPECT_EQ(r[1].headers[1].key, "h2");
  EXPECT_FALSE(r[1].headers[1].value.has_value());
  EXPECT_EQ(S(r[2].key), "k3");
  EXPECT_FALSE(r[2].value.has_value());
  EXPECT_EQ(d.offset_of(r[0]), Offset(100));
  EXPECT_EQ(d.offset_of(r[1]), Offset(101));
  EXPECT_EQ(d.offset_of(r[2]), Offset(102));
  EXPECT_EQ(d.timestamp_of(r[0]), TimestampMs(1000));
  EXPECT_EQ(d.timestamp_of(r[1]), TimestampMs(1005));
  EXPECT_EQ(d.timestamp_of(r[2]), TimestampMs(998));
}

TEST(CompressionNameTest, RoundTripsAndListsTheAllowedNames) {
  for (Compression c : kAllCodecs) EXPECT_EQ(ParseCompression(CompressionName(c)).value(), c);
  EXPECT_EQ(CompressionName(Compression::kSnappy), "snappy");
  EXPECT_EQ(ParseCompression("ZSTD").value(), Compression::kZstd);
  Result<Compression> bad = ParseCompression("brotli");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("none, gzip, snappy, lz4, zstd"));
}

TEST(KnownBytesTest, BuilderWritesExactlyTheProtocolGuideLayout) {
  ByteBuffer built = BuildKnown(KnownOptions());
  EXPECT_EQ(ToVec(built.view()), KnownBatch());
}

TEST(KnownBytesTest, HeaderParsesBack) {
  std::vector<uint8_t> bytes = KnownBatch();
  Result<BatchHeader> h = ParseBatchHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->base_offset, Offset(100));
  EXPECT_EQ(h->size_bytes(), bytes.size());
  EXPECT_EQ(h->partition_leader_epoch, LeaderEpoch(5));
  EXPECT_EQ(h->magic, 2);
  EXPECT_EQ(h->crc, LoadBE32(bytes.data() + 17));
  EXPECT_EQ(h->compression(), Compression::kNone);
  EXPECT_EQ(h->timestamp_type(), TimestampType::kCreateTime);
  EXPECT_FALSE(h->is_transactional());
  EXPECT_FALSE(h->is_control());
  EXPECT_EQ(h->last_offset_delta, 2);
  EXPECT_EQ(h->last_offset(), Offset(102));
  EXPECT_EQ(h->base_timestamp, TimestampMs(1000));
  EXPECT_EQ(h->max_timestamp, TimestampMs(1005));
  EXPECT_EQ(h->producer_id, ProducerId(42));
  EXPECT_EQ(h->producer_epoch, ProducerEpoch(3));
  EXPECT_EQ(h->base_sequence, 10);
  EXPECT_EQ(h->record_count, 3);
  EXPECT_TRUE(ValidateBatch(bytes).ok());
}

TEST(KnownBytesTest, DecodesRecordsAsViewsIntoTheInput) {
  std::vector<uint8_t> bytes = KnownBatch();
  Result<DecodedBatch> d = DecodeBatch(bytes);
  ASSERT_TRUE(d.ok()) << d.status();
  ExpectKnownRecords(*d);
  const Record& r0 = d->records()[0];
  EXPECT_EQ(r0.attributes, 0);
  EXPECT_EQ(r0.timestamp_delta, 0);
  EXPECT_EQ(d->records()[2].timestamp_delta, -2);
  // No copies for uncompressed batches: "k1" is at byte 66 of the input (61 + length,
  // attributes, timestamp delta, offset delta, key length).
  EXPECT_EQ(r0.key->data(), bytes.data() + 66);
}

TEST(KnownBytesTest, MovedDecodedBatchKeepsValidViews) {
  ByteBuffer batch = BuildKnown([] {
    BatchOptions o = KnownOptions();
    o.compression = Compression::kZstd;
    return o;
  }());
  Result<DecodedBatch> d = DecodeBatch(batch.view());
  ASSERT_TRUE(d.ok()) << d.status();
  DecodedBatch moved = std::move(d).value();
  ExpectKnownRecords(moved);
}

TEST(KnownBytesTest, BatchAttributesFromOptions) {
  BatchOptions o = KnownOptions();
  o.compression = Compression::kLz4;
  o.transactional = true;
  o.control = true;
  o.timestamp_type = TimestampType::kLogAppendTime;
  o.log_append_time = TimestampMs(777);
  ByteBuffer batch = BuildKnown(o);
  BatchHeader h = ParseBatchHeader(batch.view()).value();
  EXPECT_EQ(h.attributes, 3 | 0x08 | 0x10 | 0x20);
  EXPECT_EQ(h.compression(), Compression::kLz4);
  EXPECT_TRUE(h.is_transactional());
  EXPECT_TRUE(h.is_control());
  EXPECT_EQ(h.max_timestamp, TimestampMs(777));
  DecodedBatch d = DecodeBatch(batch.view()).value();
  for (const Record& r : d.records()) EXPECT_EQ(d.timestamp_of(r), TimestampMs(777));
}

struct TestRecord {
  int64_t ts;
  std::optional<std::string> key, value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

std::vector<TestRecord> RandomRecords(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto str = [&](size_t max) {
    std::string s(rng() % max, '\0');
    for (char& c : s) c = static_cast<char>('a' + rng() % 26);
    return s;
  };
  std::vector<TestRecord> out;
  for (size_t i = 0; i < n; ++i) {
    TestRecord r;
    r.ts = 1'700'000'000'000 + static_cast<int64_t>(rng() % 10'000) - 5'000;
    if (rng() % 5) r.key = str(20);
    if (rng() % 7) r.value = str(i % 10 == 0 ? 5000 : 200);
    for (uint32_t h = rng() % 3; h > 0; --h) {
      r.headers.emplace_back(str(8), rng() % 4 ? std::optional(str(16)) : std::nullopt);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<ByteView> OptB(const std::optional<std::string>& s) {
  return s ? std::optional(B(*s)) : std::nullopt;
}

class BatchRoundTripTest : public ::testing::TestWithParam<Compression> {};

TEST_P(BatchRoundTripTest, ManyRecordsSurviveBuildAndDecode) {
  std::vector<TestRecord> input = RandomRecords(2000, 7);
  BatchOptions o;
  o.compression = GetParam();
  o.base_offset = Offset(1'000'000);
  RecordBatchBuilder builder(o);
  for (const TestRecord& r : input) {
    std::vector<RecordHeader> headers;
    for (const auto& [k, v] : r.headers) headers.push_back({k, OptB(v)});
    builder.Add(TimestampMs(r.ts), OptB(r.key), OptB(r.value), headers);
  }
  size_t estimate = builder.estimated_size();
  ByteBuffer batch = builder.Build().value();
  if (GetParam() == Compression::kNone) {
    EXPECT_EQ(batch.size(), estimate);
  }
  EXPECT_EQ(builder.record_count(), 0u);  // reset for the next batch

  ASSERT_TRUE(ValidateBatch(batch.view()).ok());
  Result<DecodedBatch> d = DecodeBatch(batch.view());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->header().compression(), GetParam());
  EXPECT_EQ(d->header().last_offset(), Offset(1'000'000 + 1999));
  int64_t max_ts = -1;
  ASSERT_EQ(d->records().size(), input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    const Record& r = d->records()[i];
    const TestRecord& want = input[i];
    max_ts = std::max(max_ts, want.ts);
    EXPECT_EQ(d->offset_of(r), Offset(1'000'000 + static_cast<int64_t>(i)));
    EXPECT_EQ(d->timestamp_of(r), TimestampMs(want.ts));
    EXPECT_EQ(S(r.key), want.key.value_or("<null>"));
    EXPECT_EQ(S(r.value), want.value.value_or("<null>"));
    ASSERT_EQ(r.headers.size(), want.headers.size());
    for (size_t h = 0; h < want.headers.size(); ++h) {
      EXPECT_EQ(r.headers[h].key, want.headers[h].first);
      EXPECT_EQ(S(r.headers[h].value), want.headers[h].second.value_or("<null>"));
    }
  }
  EXPECT_EQ(d->header().base_timestamp, TimestampMs(input[0].ts));
  EXPECT_EQ(d->header().max_timestamp, TimestampMs(max_ts));
}

TEST_P(BatchRoundTripTest, EmptyBatchIsValid) {
  BatchOptions o;
  o.compression = GetParam();
  RecordBatchBuilder builder(o);
  ByteBuffer batch = builder.Build().value();
  Result<DecodedBatch> d = DecodeBatch(batch.view());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->records().empty());
  EXPECT_EQ(d->header().record_count, 0);
  EXPECT_EQ(d->header().base_timestamp, TimestampMs(-1));
  EXPECT_EQ(d->header().max_timestamp, TimestampMs(-1));
}

TEST_P(BatchRoundTripTest, CompactedBatchKeepsOffsetGapsAndLastOffsetDelta) {
  BatchOptions o;
  o.compression = GetParam();
  o.base_offset = Offset(50);
  RecordBatchBuilder builder(o);
  builder.AddWithOffsetDelta(1, TimestampMs(10), B("a"), B("1"));
  builder.AddWithOffsetDelta(4, TimestampMs(20), B("b"), std::nullopt);
  builder.set_last_offset_delta(9);
  ByteBuffer batch = builder.Build().value();
  DecodedBatch d = DecodeBatch(batch.view()).value();
  EXPECT_EQ(d.header().last_offset(), Offset(59));
  ASSERT_EQ(d.records().size(), 2u);
  EXPECT_EQ(d.offset_of(d.records()[0]), Offset(51));
  EXPECT_EQ(d.offset_of(d.records()[1]), Offset(54));
}

TEST_P(BatchRoundTripTest, DecompressionLimitApplies) {
  BatchOptions o;
  o.compression = GetParam();
  RecordBatchBuilder builder(o);
  std::string big(4 << 20, 'z');
  builder.Add(TimestampMs(1), std::nullopt, B(big));
  ByteBuffer batch = builder.Build().value();
  Result<DecodedBatch> d = DecodeBatch(batch.view(), 1 << 20);
  if (GetParam() == Compression::kNone) {
    EXPECT_TRUE(d.ok()) << d.status();  // the input itself bounds the work
  } else {
    EXPECT_EQ(d.status().code(), absl::StatusCode::kResourceExhausted) << d.status();
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BatchRoundTripTest, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST(BuilderTest, TimestampsWrapInsteadOfOverflowing) {
  RecordBatchBuilder builder(BatchOptions{});
  builder.Add(TimestampMs(INT64_MAX), B("a"), B("b"));
  builder.Add(TimestampMs(INT64_MIN), B("a"), B("b"));
  ByteBuffer batch = builder.Build().value();
  DecodedBatch d = DecodeBatch(batch.view()).value();
  EXPECT_EQ(d.timestamp_of(d.records()[0]), TimestampMs(INT64_MAX));
  EXPECT_EQ(d.timestamp_of(d.records()[1]), TimestampMs(INT64_MIN));
}

TEST(BuilderTest, MisuseIsReportedByBuild) {
  RecordBatchBuilder builder(BatchOptions{});
  builder.AddWithOffsetDelta(3, TimestampMs(1), B("a"), B("b"));
  builder.AddWithOffsetDelta(3, TimestampMs(1), B("a"), B("b"));
  Result<ByteBuffer> r = builder.Build();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("offset delta 3"));

  builder.AddWithOffsetDelta(3, TimestampMs(1), B("a"), B("b"));
  builder.set_last_offset_delta(2);
  EXPECT_EQ(builder.Build().status().code(), absl::StatusCode::kInvalidArgument);

  // The builder is usable again after an error.
  builder.Add(TimestampMs(1), B("a"), B("b"));
  EXPECT_TRUE(builder.Build().ok());
}

// --- header framing and validation

std::vector<uint8_t> Patched(std::vector<uint8_t> b, size_t at, uint64_t v, int bytes,
                             bool fix_crc = true) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)));
  if (fix_crc) UpdateBatchCrc(b);
  return b;
}

TEST(ParseBatchHeaderTest, RejectsBadFraming) {
  std::vector<uint8_t> good = KnownBatch();
  auto code = [](ByteView b) { return ParseBatchHeader(b).status().code(); };
  auto message = [](ByteView b) { return std::string(ParseBatchHeader(b).status().message()); };
  EXPECT_EQ(code(ByteView(good).first(60)), absl::StatusCode::kDataLoss);
  EXPECT_EQ(code(ByteView(good).first(10)), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(ParseBatchHeader(ByteView(good).first(61)).ok());  // header only is fine
  EXPECT_EQ(code(Patched(good, 16, 1, 1)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Patched(good, 16, 0, 1)), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(message(Patched(good, 16, 1, 1)), HasSubstr("magic 1"));
  EXPECT_EQ(code(ByteView(Patched(good, 16, 0, 1)).first(20)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Patched(good, 16, 3, 1)), absl::StatusCode::kDataLoss);
  EXPECT_THAT(message(Patched(good, 8, 48, 4)), HasSubstr("byte 8"));
  EXPECT_THAT(message(Patched(good, 23, 0xffffffff, 4)), HasSubstr("byte 23"));
  EXPECT_THAT(message(Patched(good, 57, 0x80000000, 4)), HasSubstr("byte 57"));
  EXPECT_THAT(message(Patched(good, 21, 5, 2)), HasSubstr("compression codec 5"));
}

TEST(ValidateBatchTest, EverySingleByteFlipInTheCrcRangeIsDataLoss) {
  std::vector<uint8_t> good = KnownBatch();
  for (size_t i = 21; i < good.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= mask;
      Status s = ValidateBatch(bad);
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << "byte " << i << ": " << s;
      // Only a flip that breaks header framing is reported as something other than the CRC.
      if (i >= 61) {
        EXPECT_THAT(std::string(s.message()), HasSubstr("CRC mismatch"));
      }
    }
  }
  // Bytes outside the CRC: base offset and leader epoch change freely.
  EXPECT_TRUE(ValidateBatch(Patched(good, 0, 12345, 8, false)).ok());
  EXPECT_TRUE(ValidateBatch(Patched(good, 12, 99, 4, false)).ok());
}

TEST(ValidateBatchTest, LengthMustMatchExactly) {
  std::vector<uint8_t> good = KnownBatch();
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  EXPECT_THAT(std::string(ValidateBatch(longer).message()), HasSubstr("byte 8"));
  EXPECT_EQ(ValidateBatch(ByteView(good).first(good.size() - 1)).code(),
            absl::StatusCode::kDataLoss);
}

TEST(SplitRecordSetTest, SplitsConcatenatedBatches) {
  std::vector<uint8_t> set;
  std::vector<size_t> sizes;
  for (Compression c : kAllCodecs) {
    BatchOptions o = KnownOptions();
    o.compression = c;
    ByteBuffer b = BuildKnown(o);
    sizes.push_back(b.size());
    set.insert(set.end(), b.data(), b.data() + b.size());
  }
  Result<std::vector<ByteView>> batches = SplitRecordSet(set);
  ASSERT_TRUE(batches.ok()) << batches.status();
  ASSERT_EQ(batches->size(), 5u);
  size_t pos = 0;
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*batches)[i].data(), set.data() + pos);
    EXPECT_EQ((*batches)[i].size(), sizes[i]);
    ExpectKnownRecords(DecodeBatch((*batches)[i]).value());
    pos += sizes[i];
  }
  EXPECT_TRUE(SplitRecordSet({}).value().empty());
}

TEST(SplitRecordSetTest, TruncatedSetFailsAndNamesThePosition) {
  std::vector<uint8_t> one = KnownBatch();
  std::vector<uint8_t> set = one;
  set.insert(set.end(), one.begin(), one.end());
  for (size_t len = 1; len < set.size(); ++len) {
    Result<std::vector<ByteView>> r = SplitRecordSet(ByteView(set).first(len));
    if (len == one.size()) {
      EXPECT_EQ(r.value().size(), 1u);
      continue;
    }
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << len;
    size_t at = len < one.size() ? 0 : one.size();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(fmt::format("batch at byte {}:", at)));
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("partial batch"));
  }
}

TEST(SplitRecordSetTest, CorruptSecondBatchIsNamed) {
  std::vector<uint8_t> one = KnownBatch();
  std::vector<uint8_t> set = one;
  set.insert(set.end(), one.begin(), one.end());
  set[one.size() + 70] ^= 1;
  Result<std::vector<ByteView>> r = SplitRecordSet(set);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr(fmt::format("batch at byte {}: ", one.size())));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("CRC"));
}

// --- in-place edits

TEST(InPlaceEditTest, BaseOffsetAndLeaderEpochKeepTheBatchValid) {
  std::vector<uint8_t> b = KnownBatch();
  SetBaseOffset(b, Offset(1'000'000'000'000));
  SetPartitionLeaderEpoch(b, LeaderEpoch(17));
  ASSERT_TRUE(ValidateBatch(b).ok());
  DecodedBatch d = DecodeBatch(b).value();
  EXPECT_EQ(d.header().base_offset, Offset(1'000'000'000'000));
  EXPECT_EQ(d.header().partition_leader_epoch, LeaderEpoch(17));
  EXPECT_EQ(d.offset_of(d.records()[2]), Offset(1'000'000'000'002));
}

TEST(InPlaceEditTest, LogAppendTimeKeepsTheBatchValidAndOverridesRecordTimestamps) {
  for (Compression c : kAllCodecs) {
    BatchOptions o = KnownOptions();
    o.compression = c;
    ByteBuffer b = BuildKnown(o);
    MutableByteView view(b.mutable_data(), b.size());
    SetLogAppendTime(view, TimestampMs(1'700'000'000'123));
    ASSERT_TRUE(ValidateBatch(b.view()).ok()) << CompressionName(c);
    DecodedBatch d = DecodeBatch(b.view()).value();
    EXPECT_EQ(d.header().timestamp_type(), TimestampType::kLogAppendTime);
    EXPECT_EQ(d.header().compression(), c);
    EXPECT_EQ(d.header().max_timestamp, TimestampMs(1'700'000'000'123));
    EXPECT_EQ(d.header().base_timestamp, TimestampMs(1000));  // as Kafka: left unchanged
    for (const Record& r : d.records()) {
      EXPECT_EQ(d.timestamp_of(r), TimestampMs(1'700'000'000'123));
    }
  }
}

// --- record-level corruption behind a valid CRC

Status DecodeStatus(const std::vector<uint8_t>& b) { return DecodeBatch(b).status(); }

TEST(DecodeBatchTest, RecordErrorsNameTheRecordAndBytePosition) {
  std::vector<uint8_t> good = KnownBatch();
  // One more record than present.
  Status s = DecodeStatus(Patched(good, 57, 4, 4));
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  // One fewer: the last record's bytes are left over.
  s = DecodeStatus(Patched(good, 57, 2, 4));
  EXPECT_THAT(std::string(s.message()), HasSubstr("left over"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("byte 90 of the batch"));
  // lastOffsetDelta 1 while record 2 has offset delta 2.
  s = DecodeStatus(Patched(good, 23, 1, 4));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("record 2 at byte 90 of the batch: offset delta 2"));
  // Record 0's key length 2 -> -2.
  s = DecodeStatus(Patched(good, 65, 0x03, 1));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("record 0 at byte 65 of the batch: invalid key length -2"));
  // Record 0's length 10 -> 9: the record ends inside its value.
  s = DecodeStatus(Patched(good, 61, 0x12, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("record 0"));
  // Record 1's first header key length 2 -> -1.
  s = DecodeStatus(Patched(good, 81, 0x01, 1));
  EXPECT_THAT(std::string(s.message()), HasSubstr("header 0: invalid key length -1"));
  // Record 0 repeating offset delta... record 1's offset delta 1 -> 0.
  s = DecodeStatus(Patched(good, 75, 0x00, 1));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("record 1 at byte 72 of the batch: offset delta 0"));
  // A huge record count cannot make us reserve memory for it.
  s = DecodeStatus(Patched(good, 57, 0x7fffffff, 4));
  EXPECT_THAT(std::string(s.message()), HasSubstr("hold at most"));
}

TEST(DecodeBatchTest, CorruptCompressedRecordsAreDataLossNamingTheCodec) {
  for (Compression c :
       {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    BatchOptions o = KnownOptions();
    o.compression = c;
    ByteBuffer b = BuildKnown(o);
    std::vector<uint8_t> bad = ToVec(b.view());
    bad.resize(bad.size() - 3);  // cut the compressed stream short
    bad = Patched(bad, 8, bad.size() - 12, 4);
    Status s = DecodeStatus(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << CompressionName(c) << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(CompressionName(c))));
  }
}

TEST(DecodeBatchTest, LegacyMagicIsInvalidArgument) {
  std::vector<uint8_t> b = KnownBatch();
  b[16] = 1;
  EXPECT_EQ(DecodeStatus(b).code(), absl::StatusCode::kInvalidArgument);
}

// --- the fuzzing seed corpus (src/log/testdata/record_batch_corpus)
//
// Run with OXBOW_REGENERATE_CORPUS=1 to rewrite the generated seeds; otherwise this checks
// that each checked-in seed still behaves as its name says: valid_* decode, truncated_* do not.
//
// valid_librdkafka_<codec> are not generated: they are the records fields of Produce (v7)
// requests captured from kcat 1.7 / librdkafka 2.0.2 talking to a stub broker, for
//   printf 'k1:v1\n:only-value\nk3:<"v3 with more text " x 60>\nk4:<"abcdefgh" x 200>\n' |
//     kcat -P -t t -K: -z <codec> -H h1=x -H h2=yy
// so they pin down interoperability with a real client (librdkafka writes raw snappy).

const char* kCorpusDir = "src/log/testdata/record_batch_corpus";

std::vector<std::pair<std::string, std::vector<uint8_t>>> MakeSeeds() {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds;
  std::vector<uint8_t> set;
  for (Compression c : kAllCodecs) {
    BatchOptions o = KnownOptions();
    o.compression = c;
    std::vector<uint8_t> b = ToVec(BuildKnown(o).view());
    seeds.emplace_back(fmt::format("valid_{}", CompressionName(c)), b);
    seeds.emplace_back(fmt::format("truncated_{}", CompressionName(c)),
                       std::vector<uint8_t>(b.begin(), b.end() - 5));
    set.insert(set.end(), b.begin(), b.end());
  }
  seeds.emplace_back("valid_record_set", set);
  RecordBatchBuilder compacted(BatchOptions{});
  compacted.AddWithOffsetDelta(2, TimestampMs(5), B("key"), std::nullopt);
  compacted.set_last_offset_delta(6);
  seeds.emplace_back("valid_compacted", ToVec(compacted.Build().value().view()));
  seeds.emplace_back("truncated_header", std::vector<uint8_t>(set.begin(), set.begin() + 40));
  return seeds;
}

std::vector<uint8_t> ReadSeed(std::string_view name) {
  std::ifstream in(std::filesystem::path(kCorpusDir) / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(CorpusTest, LibrdkafkaBatchesDecodeForEveryCodec) {
  std::string v3;
  for (int i = 0; i < 60; ++i) v3 += "v3 with more text ";
  std::string v4;
  for (int i = 0; i < 200; ++i) v4 += "abcdefgh";
  for (Compression c : kAllCodecs) {
    std::string name = fmt::format("valid_librdkafka_{}", CompressionName(c));
    std::vector<uint8_t> bytes = ReadSeed(name);
    ASSERT_FALSE(bytes.empty()) << name;
    Result<DecodedBatch> d = DecodeBatch(bytes);
    ASSERT_TRUE(d.ok()) << name << ": " << d.status();
    EXPECT_EQ(d->header().compression(), c) << name;
    EXPECT_EQ(d->header().producer_id, ProducerId(-1));
    ASSERT_EQ(d->records().size(), 4u) << name;
    const auto& r = d->records();
    EXPECT_EQ(S(r[0].key), "k1");
    EXPECT_EQ(S(r[0].value), "v1");
    EXPECT_EQ(S(r[1].key), "");  // kcat sends an empty key, not a null one
    EXPECT_EQ(S(r[1].value), "only-value");
    EXPECT_EQ(S(r[2].value), v3);
    EXPECT_EQ(S(r[3].key), "k4");
    EXPECT_EQ(S(r[3].value), v4);
    for (const Record& rec : r) {
      ASSERT_EQ(rec.headers.size(), 2u);
      EXPECT_EQ(rec.headers[0].key, "h1");
      EXPECT_EQ(S(rec.headers[0].value), "x");
      EXPECT_EQ(rec.headers[1].key, "h2");
      EXPECT_EQ(S(rec.headers[1].value), "yy");
    }
    EXPECT_EQ(d->offset_of(r[3]), Offset(3));
    EXPECT_EQ(d->timestamp_of(r[3]), d->header().base_timestamp + r[3].timestamp_delta);
  }
}

TEST(CorpusTest, SeedsBehaveAsNamed) {
  namespace fs = std::filesystem;
  if (std::getenv("OXBOW_REGENERATE_CORPUS") != nullptr) {
    fs::create_directories(kCorpusDir);
    for (const auto& [name, bytes] : MakeSeeds()) {
      std::ofstream(fs::path(kCorpusDir) / name, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    }
  }
  ASSERT_TRUE(fs::is_directory(kCorpusDir)) << "run from the source root";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kCorpusDir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    std::string name = entry.path().filename().string();
    Result<std::vector<ByteView>> batches = SplitRecordSet(bytes);
    if (name.starts_with("valid_")) {
      ASSERT_TRUE(batches.ok()) << name << ": " << batches.status();
      for (ByteView b : *batches) EXPECT_TRUE(DecodeBatch(b).ok()) << name;
      ++checked;
    } else if (name.starts_with("truncated_")) {
      EXPECT_EQ(batches.status().code(), absl::StatusCode::kDataLoss) << name;
      ++checked;
    }
  }
  EXPECT_GE(checked, 18);
}

}  // namespace
}  // namespace oxbow::log
