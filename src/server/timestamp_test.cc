#include "server/timestamp.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::server {
namespace {

int64_t Ms(std::string_view text) {
  Result<TimestampMs> t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? t->value() : -1;
}

TEST(TimestampTest, ParsesMillisecondsAndIso8601) {
  EXPECT_EQ(Ms("0"), 0);
  EXPECT_EQ(Ms("1700000000123"), 1700000000123);
  EXPECT_EQ(Ms("1970-01-01"), 0);
  EXPECT_EQ(Ms("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_EQ(Ms("2023-11-14T22:13:20.123Z"), 1700000000123);
  EXPECT_EQ(Ms("2023-11-14T22:13:20.1234567Z"), 1700000000123);
  EXPECT_EQ(Ms("2023-11-14T22:13:20.5"), 1700000000500);
  EXPECT_EQ(Ms("2023-11-14 22:13:20"), 1700000000000);
  EXPECT_EQ(Ms("2023-11-14T22:13"), 1700000000000 - 20000);
  EXPECT_EQ(Ms("2023-11-15T00:13:20+02:00"), 1700000000000);
  EXPECT_EQ(Ms("2023-11-14T17:13:20-0500"), 1700000000000);
  EXPECT_EQ(Ms("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(TimestampTest, RejectsMalformedWithTheAcceptedForms) {
  for (std::string_view bad :
       {"", "yesterday", "2023-13-01", "2023-02-30", "2023-11-14T25:00", "2023-11-14T22:13:20+2",
        "2023-11-14T22:13:20Zjunk", "-5", "2023-11-14T22:13:20."}) {
    Result<TimestampMs> t = ParseTimestamp(bad);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_THAT(std::string(ToStd(t.status().message())),
                ::testing::HasSubstr("milliseconds since the epoch or an ISO 8601"));
  }
}

TEST(TimestampTest, FormatsRfc3339Utc) {
  EXPECT_EQ(FormatTimestamp(TimestampMs(1700000000123)), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatTimestamp(TimestampMs(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Ms(FormatTimestamp(TimestampMs(1709164800001))), 1709164800001);
}

}  // namespace
}  // namespace oxbow::server
