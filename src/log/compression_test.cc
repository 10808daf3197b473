#include "log/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::log {
namespace {

using ::testing::HasSubstr;

constexpr Compression kAllCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                      Compression::kLz4, Compression::kZstd};
constexpr Compression kRealCodecs[] = {Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                                       Compression::kZstd};

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string CompressibleBytes(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) {
    s += "{\"user\":" + std::to_string(i % 97) + ",\"url\":\"/page/" + std::to_string(i % 13) +
         "\"}\n";
  }
  s.resize(n);
  return s;
}

// A buffer holding `prefix`, to check that output is appended. (Built with resize + copy:
// GCC 12 reports a false -Wstringop-overflow for a literal appended to an empty vector.)
ByteBuffer BufferWith(std::string_view prefix) {
  ByteBuffer b;
  b.resize(prefix.size());
  std::copy(prefix.begin(), prefix.end(), b.mutable_data());
  return b;
}

std::string CompressOrDie(Compression codec, std::string_view input) {
  ByteBuffer out;
  Status s = Compress(codec, AsBytes(input), &out);
  EXPECT_TRUE(s.ok()) << s;
  return std::string(AsString(out.view()));
}

Result<std::string> DecompressToString(Compression codec, std::string_view input,
                                       size_t max_output = 64 << 20) {
  ByteBuffer out;
  RETURN_IF_ERROR(Decompress(codec, AsBytes(input), max_output, &out));
  return std::string(AsString(out.view()));
}

class CodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CodecTest, RoundTripsEmptySmallAndLargeInputs) {
  const std::string inputs[] = {"", "hello, kafka", RandomBytes(1 << 20, 1),
                                CompressibleBytes(1 << 20)};
  for (const std::string& input : inputs) {
    std::string compressed = CompressOrDie(GetParam(), input);
    Result<std::string> back = DecompressToString(GetParam(), compressed, input.size());
    ASSERT_TRUE(back.ok()) << back.status() << " for " << input.size() << " bytes";
    EXPECT_EQ(*back, input);
  }
}

// The codecs proper, without kNone (which copies and has no framing to get wrong).
class RealCodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(RealCodecTest, CompressesCompressibleInput) {
  std::string input = CompressibleBytes(1 << 20);
  EXPECT_LT(CompressOrDie(GetParam(), input).size(), input.size() / 4);
}

TEST_P(CodecTest, AppendsToExistingOutput) {
  ByteBuffer out = BufferWith("prefix");
  std::string compressed = CompressOrDie(GetParam(), "payload");
  ASSERT_TRUE(Decompress(GetParam(), AsBytes(compressed), 100, &out).ok());
  EXPECT_EQ(AsString(out.view()), "prefixpayload");
}

TEST_P(CodecTest, EnforcesMaxOutputAndLeavesOutputUnchanged) {
  std::string input = CompressibleBytes(100'000);
  std::string compressed = CompressOrDie(GetParam(), input);
  EXPECT_TRUE(DecompressToString(GetParam(), compressed, input.size()).ok());
  ByteBuffer out = BufferWith("keep");
  Status s = Decompress(GetParam(), AsBytes(compressed), input.size() - 1, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(AsString(out.view()), "keep");
}

TEST_P(RealCodecTest, StopsADecompressionBomb) {
  std::string zeros(64 << 20, '\0');
  std::string bomb = CompressOrDie(GetParam(), zeros);
  ASSERT_LT(bomb.size(), 4u << 20);
  ByteBuffer out;
  Status s = Decompress(GetParam(), AsBytes(bomb), 1 << 20, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("1048576"));
  EXPECT_TRUE(out.empty());
}

TEST_P(CodecTest, CorruptInputGivesAnErrorOrDifferentBytesNeverACrash) {
  std::string input = CompressibleBytes(50'000);
  std::string compressed = CompressOrDie(GetParam(), input);
  for (size_t i = 0; i < compressed.size(); i += 7) {
    std::string bad = compressed;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    Result<std::string> r = DecompressToString(GetParam(), bad, 1 << 20);
    if (!r.ok()) {
      EXPECT_THAT(r.status().code(), ::testing::AnyOf(absl::StatusCode::kDataLoss,
                                                      absl::StatusCode::kResourceExhausted))
          << "flip at " << i << ": " << r.status();
    }
  }
}

TEST_P(RealCodecTest, TruncatedInputIsDetected) {
  std::string input = RandomBytes(100'000, 2);
  std::string compressed = CompressOrDie(GetParam(), input);
  for (size_t len = 0; len < compressed.size(); len += 1 + len / 3) {
    Result<std::string> r = DecompressToString(GetParam(), compressed.substr(0, len));
    if (GetParam() == Compression::kSnappy && r.ok()) {
      // The xerial framing has no end marker: a cut exactly between blocks reads as a
      // shorter stream. The batch CRC, not the codec, catches that.
      EXPECT_NE(*r, input);
      continue;
    }
    ASSERT_FALSE(r.ok()) << "truncated to " << len;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  }
}

std::string CodecName(const ::testing::TestParamInfo<Compression>& info) {
  return std::string(CompressionName(info.param));
}
INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kAllCodecs), CodecName);
INSTANTIATE_TEST_SUITE_P(RealCodecs, RealCodecTest, ::testing::ValuesIn(kRealCodecs), CodecName);

TEST(CompressionTest, UnknownCodecIsInvalidArgument) {
  ByteBuffer out;
  EXPECT_EQ(Compress(static_cast<Compression>(7), AsBytes("x"), &out).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Decompress(static_cast<Compression>(7), AsBytes("x"), 10, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompressionTest, EmptyInputIsCorruptForStreamCodecs) {
  for (Compression codec : kRealCodecs) {
    Result<std::string> r = DecompressToString(codec, "");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << CompressionName(codec);
  }
}

// --- gzip

TEST(GzipTest, WritesAnRfc1952Stream) {
  std::string gz = CompressOrDie(Compression::kGzip, "abc");
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<uint8_t>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(gz[1]), 0x8b);
  EXPECT_EQ(gz[2], 8);  // deflate
  // The trailer ends with ISIZE, the input length mod 2^32, little-endian.
  EXPECT_EQ(gz.substr(gz.size() - 4), std::string("\x03\0\0\0", 4));
}

TEST(GzipTest, ReadsConcatenatedMembers) {
  std::string two =
      CompressOrDie(Compression::kGzip, "first,") + CompressOrDie(Compression::kGzip, "second");
  EXPECT_EQ(DecompressToString(Compression::kGzip, two).value(), "first,second");
}

TEST(GzipTest, RejectsZlibAndTrailingGarbage) {
  std::string zlib(compressBound(5), '\0');
  uLongf n = zlib.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(zlib.data()), &n,
                     reinterpret_cast<const Bytef*>("hello"), 5),
            Z_OK);
  zlib.resize(n);
  EXPECT_EQ(DecompressToString(Compression::kGzip, zlib).status().code(),
            absl::StatusCode::kDataLoss);
  std::string trailing = CompressOrDie(Compression::kGzip, "x") + "junk";
  EXPECT_EQ(DecompressToString(Compression::kGzip, trailing).status().code(),
            absl::StatusCode::kDataLoss);
}

// --- snappy

std::string XerialHeader() { return std::string("\x82SNAPPY\0\0\0\0\1\0\0\0\1", 16); }

std::string XerialBlock(std::string_view data) {
  std::string block;
  snappy::Compress(data.data(), data.size(), &block);
  std::string len(4, '\0');
  StoreBE32(reinterpret_cast<uint8_t*>(len.data()), static_cast<uint32_t>(block.size()));
  return len + block;
}

TEST(SnappyTest, ReadsAHandBuiltXerialFrame) {
  std::string frame = XerialHeader() + XerialBlock("hello, ") + XerialBlock("xerial");
  EXPECT_EQ(DecompressToString(Compression::kSnappy, frame).value(), "hello, xerial");
}

TEST(SnappyTest, ReadsConcatenatedXerialStreams) {
  std::string frame = XerialHeader() + XerialBlock("one") + XerialHeader() + XerialBlock("two");
  EXPECT_EQ(DecompressToString(Compression::kSnappy, frame).value(), "onetwo");
}

TEST(SnappyTest, ReadsRawSnappyAsLibrdkafkaWrites) {
  std::string raw;
  std::string input = CompressibleBytes(200'000);
  snappy::Compress(input.data(), input.size(), &raw);
  EXPECT_EQ(DecompressToString(Compression::kSnappy, raw).value(), input);
}

TEST(SnappyTest, WritesXerialFramingIn32KiBBlocks) {
  std::string input = RandomBytes(100'000, 3);
  std::string out = CompressOrDie(Compression::kSnappy, input);
  ASSERT_EQ(out.substr(0, 16), XerialHeader());
  size_t pos = 16;
  std::string rebuilt;
  int blocks = 0;
  while (pos < out.size()) {
    ASSERT_LE(pos + 4, out.size());
    uint32_t len = LoadBE32(reinterpret_cast<const uint8_t*>(out.data() + pos));
    std::string block;
    ASSERT_TRUE(snappy::Uncompress(out.data() + pos + 4, len, &block));
    EXPECT_LE(block.size(), 32u * 1024);
    rebuilt += block;
    pos += 4 + len;
    ++blocks;
  }
  EXPECT_EQ(blocks, 4);  // 3 x 32 KiB + 1696 bytes
  EXPECT_EQ(rebuilt, input);
  EXPECT_EQ(CompressOrDie(Compression::kSnappy, ""), XerialHeader());
}

TEST(SnappyTest, RejectsBadXerialFraming) {
  std::string block = XerialBlock("data");
  std::string overlong = XerialHeader() + block;
  overlong[19] = static_cast<char>(overlong[19] + 1);  // length one more than present
  Result<std::string> r = DecompressToString(Compression::kSnappy, overlong);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("input byte 16"));
  EXPECT_EQ(DecompressToString(Compression::kSnappy, XerialHeader() + std::string(2, '\0'))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecompressToString(Compression::kSnappy, XerialHeader().substr(0, 12)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SnappyTest, ChecksDeclaredBlockSizeBeforeAllocating) {
  // A raw block whose varint header claims 2^31 bytes.
  std::string lie("\x80\x80\x80\x80\x08\x00", 6);
  Result<std::string> r = DecompressToString(Compression::kSnappy, lie, 1 << 20);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
}

// --- lz4

std::string Lz4Frame(std::string_view input, const LZ4F_preferences_t& prefs) {
  std::string out(LZ4F_compressFrameBound(input.size(), &prefs), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
  EXPECT_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

TEST(Lz4Test, WritesAFrameKafkaClientsRead) {
  std::string frame = CompressOrDie(Compression::kLz4, "abc");
  ASSERT_GE(frame.size(), 7u);
  EXPECT_EQ(frame.substr(0, 4), std::string("\x04\x22\x4d\x18", 4));  // magic 0x184D2204 LE
  EXPECT_EQ(static_cast<uint8_t>(frame[4]), 0x60);  // version 01, independent blocks, no checksums
  EXPECT_EQ(static_cast<uint8_t>(frame[5]), 0x40);  // 64 KiB maximum block size
}

TEST(Lz4Test, ReadsFramesWithChecksumsContentSizeAndLinkedBlocks) {
  std::string input = CompressibleBytes(300'000);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  prefs.frameInfo.contentSize = input.size();
  prefs.frameInfo.blockMode = LZ4F_blockLinked;
  prefs.frameInfo.blockSizeID = LZ4F_max4MB;
  std::string frame = Lz4Frame(input, prefs);
  EXPECT_EQ(DecompressToString(Compression::kLz4, frame).value(), input);

  // The content checksum catches a flipped literal the block decoder cannot.
  std::string bad = frame;
  bad[bad.size() - 6] = static_cast<char>(bad[bad.size() - 6] ^ 1);
  EXPECT_EQ(DecompressToString(Compression::kLz4, bad).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Lz4Test, ReadsConsecutiveFrames) {
  LZ4F_preferences_t prefs{};
  std::string two = Lz4Frame("left|", prefs) + Lz4Frame("right", prefs);
  EXPECT_EQ(DecompressToString(Compression::kLz4, two).value(), "left|right");
}

// --- zstd

std::string ZstdStreamFrame(std::string_view input, int window_log) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(input.size()) + 64, '\0');
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  // ZSTD_e_end in one call with no pledged size: like Java's ZstdOutputStream, the frame
  // header then carries no content size... unless it all fits in one call; force streaming.
  size_t rem = 0;
  do {
    rem = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_continue);
  } while (in.pos < in.size);
  do {
    rem = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
  } while (rem != 0);
  ZSTD_freeCCtx(cctx);
  out.resize(o.pos);
  return out;
}

TEST(ZstdTest, ReadsStreamedFramesWithoutContentSize) {
  std::string input = CompressibleBytes(500'000);
  std::string frame = ZstdStreamFrame(input, 20);
  EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  EXPECT_EQ(DecompressToString(Compression::kZstd, frame).value(), input);
}

TEST(ZstdTest, ReadsConsecutiveFrames) {
  std::string two = CompressOrDie(Compression::kZstd, "alpha") + ZstdStreamFrame("beta", 20);
  EXPECT_EQ(DecompressToString(Compression::kZstd, two).value(), "alphabeta");
}

TEST(ZstdTest, RefusesWindowsTheOutputLimitDoesNotJustify) {
  // A frame declaring a 128 MiB window would make the decoder allocate it up front.
  std::string frame = ZstdStreamFrame(RandomBytes(1 << 20, 4), 27);
  Result<std::string> small = DecompressToString(Compression::kZstd, frame, 2 << 20);
  EXPECT_EQ(small.status().code(), absl::StatusCode::kResourceExhausted) << small.status();
  EXPECT_TRUE(DecompressToString(Compression::kZstd, frame, 128 << 20).ok());
}

}  // namespace
}  // namespace oxbow::log
