#include "base/status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace oxbow {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return absl::InvalidArgumentError("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckQuarter(int v) {
  RETURN_IF_ERROR(Quarter(v).status());
  return absl::OkStatus();
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckQuarter(4).ok());
  EXPECT_FALSE(CheckQuarter(2).ok());
}

TEST(StatusTest, ErrnoErrorNamesPathAndCause) {
  Status s = ErrnoError(ENOENT, "open", "/data/x.log");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(s.message().find("/data/x.log"), std::string_view::npos);
  EXPECT_NE(s.message().find("No such file"), std::string_view::npos);
}

}  // namespace
}  // namespace oxbow
