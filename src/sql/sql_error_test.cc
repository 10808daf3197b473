#include "sql/sql_error.h"

#include <gtest/gtest.h>

namespace oxbow::sql {
namespace {

TEST(SqlErrorTest, CarriesSqlStateAndMessage) {
  Status s = IntegerOutOfRange();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(SqlStateOf(s), "22003");
  SqlErrorInfo info = SqlErrorOf(s);
  EXPECT_EQ(info.message, "integer out of range");
  EXPECT_EQ(info.hint, "");
  EXPECT_EQ(info.position, 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(SqlErrorTest, HintDetailAndPositionRoundTrip) {
  SqlErrorInfo in{"42883", "function foo(integer) does not exist", "some detail",
                  "No function matches the given name and argument types.", 8};
  Status s = SqlError(in);
  EXPECT_EQ(SqlErrorOf(s), in);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

TEST(SqlErrorTest, InnerPositionWinsOverOuter) {
  Status s = WithPosition(DivisionByZero(), 12);
  s = WithPositionIfUnset(s, 3);
  EXPECT_EQ(SqlErrorOf(s).position, 12);
  EXPECT_EQ(SqlErrorOf(WithPositionIfUnset(DivisionByZero(), 3)).position, 3);
}

TEST(SqlErrorTest, PlainStatusReadsAsInternalError) {
  Status s = absl::DataLossError("crc mismatch");
  SqlErrorInfo info = SqlErrorOf(s);
  EXPECT_EQ(info.sqlstate, "XX000");
  EXPECT_EQ(info.message, "crc mismatch");
  EXPECT_EQ(SqlStateOf(Status()), "00000");
}

TEST(SqlErrorTest, OkStaysOk) {
  EXPECT_TRUE(WithHint(Status(), "x").ok());
  EXPECT_TRUE(WithPosition(Status(), 4).ok());
}

TEST(SqlErrorTest, CodesFollowTheSqlStateClass) {
  EXPECT_EQ(SqlError(sqlstate::kUndefinedTable, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SqlError(sqlstate::kDuplicateTable, "x").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(SqlError(sqlstate::kFeatureNotSupported, "x").code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(SqlError(sqlstate::kInternalError, "x").code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace oxbow::sql
