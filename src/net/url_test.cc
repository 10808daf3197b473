#include "net/url.h"

#include "gtest/gtest.h"

namespace oxbow::net {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(UrlTest, PercentDecodesEscapesAndKeepsPlusOutsideQueries) {
  EXPECT_EQ(*PercentDecode("a%2Fb%20c+d"), "a/b c+d");
  EXPECT_EQ(*PercentDecode("a+b", /*plus_as_space=*/true), "a b");
  EXPECT_EQ(*PercentDecode("%e2%82%ac"), "\xe2\x82\xac");
  EXPECT_EQ(*PercentDecode(""), "");
}

TEST(UrlTest, RejectsIncompleteOrNonHexEscapes) {
  for (std::string_view bad : {"%", "%2", "a%zz", "%g0", "ab%"}) {
    Result<std::string> r = PercentDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(UrlTest, ParsesQueryStringsInOrderWithDuplicatesAndBareNames) {
  EXPECT_EQ(*ParseQuery("a=1&b=x%20y+z&&c&a=2&d="),
            (Pairs{{"a", "1"}, {"b", "x y z"}, {"c", ""}, {"a", "2"}, {"d", ""}}));
  EXPECT_EQ(*ParseQuery(""), Pairs{});
  EXPECT_EQ(*ParseQuery("k%3D=v%26w"), (Pairs{{"k=", "v&w"}}));
  EXPECT_FALSE(ParseQuery("a=%").ok());
}

}  // namespace
}  // namespace oxbow::net
