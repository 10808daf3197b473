#include "base/ids.h"

#include <type_traits>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace oxbow {
namespace {

TEST(IdsTest, ArithmeticAndOrdering) {
  Offset a(10);
  Offset b = a + 5;
  EXPECT_EQ(b.value(), 15);
  EXPECT_EQ(b - a, 5);
  EXPECT_LT(a, b);
  ++a;
  EXPECT_EQ(a, Offset(11));
  EXPECT_EQ(fmt::format("{}", b), "15");
}

TEST(IdsTest, DistinctTypesDoNotMix) {
  static_assert(!std::is_convertible_v<Offset, PartitionId>);
  static_assert(!std::is_convertible_v<int64_t, Offset>);
  static_assert(!std::is_convertible_v<Offset, int64_t>);
  absl::flat_hash_set<Offset> s = {Offset(1), Offset(2), Offset(1)};
  EXPECT_EQ(s.size(), 2u);
}

}  // namespace
}  // namespace oxbow
