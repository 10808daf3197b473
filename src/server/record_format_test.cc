#include "server/record_format.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/record_batch_builder.h"

namespace oxbow::server {
namespace {

class RecordFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::BatchOptions options;
    options.base_offset = Offset(40);
    log::RecordBatchBuilder builder(options);
    log::RecordHeader headers[] = {{"h1", AsBytes("x")}, {"h2", std::nullopt}};
    builder.Add(TimestampMs(1000), AsBytes("k"), AsBytes("v"), headers);
    builder.Add(TimestampMs(1005), std::nullopt, std::nullopt);
    Result<ByteBuffer> built = builder.Build();
    ASSERT_TRUE(built.ok()) << built.status();
    bytes_ = std::move(*built);
    Result<log::DecodedBatch> batch = log::DecodeBatch(bytes_.view());
    ASSERT_TRUE(batch.ok()) << batch.status();
    batch_.emplace(std::move(*batch));
  }

  std::string Format(std::string_view format, size_t record) {
    Result<RecordFormat> f = RecordFormat::Parse(format);
    EXPECT_TRUE(f.ok()) << f.status();
    std::string out;
    if (f.ok()) {
      f->Format(ToConsumed("orders", PartitionId(2), *batch_, batch_->records()[record]), out);
    }
    return out;
  }

  ByteBuffer bytes_;
  std::optional<log::DecodedBatch> batch_;
};

TEST_F(RecordFormatTest, FieldsAndEscapes) {
  EXPECT_EQ(Format("%t %p %o %T %k=%v %h %K %S%%\\n", 0),
            "orders 2 40 1000 k=v h1=x,h2=null 1 1%\n");
  EXPECT_EQ(Format("%k\\t%v", 1), "null\tnull\n");  // newline appended
  EXPECT_EQ(Format("%o %K %S\n", 1), "41 -1 -1\n");
  EXPECT_EQ(Format("a\\\\b 100%", 0), "a\\b 100%\n");
}

TEST_F(RecordFormatTest, UnknownFieldsAreRejectedWithTheKnownOnes) {
  Result<RecordFormat> f = RecordFormat::Parse("%x");
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(std::string(ToStd(f.status().message())),
              ::testing::HasSubstr("unknown field '%x'; known: %t topic"));
  EXPECT_FALSE(RecordFormat::Parse("\\q").ok());
}

}  // namespace
}  // namespace oxbow::server
