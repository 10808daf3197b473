#include "kafka/partitioner.h"

#include <string>

#include "gtest/gtest.h"

namespace oxbow::kafka {
namespace {

// Kafka's own vectors (clients UtilsTest.testMurmur2): keys must land where Java clients
// put them.
TEST(PartitionerTest, Murmur2MatchesKafka) {
  EXPECT_EQ(Murmur2(AsBytes("21")), -973932308);
  EXPECT_EQ(Murmur2(AsBytes("foobar")), -790332482);
  EXPECT_EQ(Murmur2(AsBytes("a-little-bit-long-string")), -985981536);
  EXPECT_EQ(Murmur2(AsBytes("a-little-bit-longer-string")), -1486304829);
  EXPECT_EQ(Murmur2(AsBytes("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")), -58897971);
  EXPECT_EQ(Murmur2(AsBytes("abc")), 479470107);
}

TEST(PartitionerTest, PartitionIsPositiveHashModuloCount) {
  // murmur2("21") = -973932308; & 0x7fffffff = 1173551340.
  EXPECT_EQ(PartitionForKey(AsBytes("21"), 3), PartitionId(1173551340 % 3));
  EXPECT_EQ(PartitionForKey(AsBytes("abc"), 7), PartitionId(479470107 % 7));
  for (int i = 0; i < 1000; ++i) {
    PartitionId p = PartitionForKey(AsBytes(std::to_string(i)), 5);
    EXPECT_GE(p.value(), 0);
    EXPECT_LT(p.value(), 5);
  }
  EXPECT_EQ(PartitionForKey(AsBytes(""), 1), PartitionId(0));
}

}  // namespace
}  // namespace oxbow::kafka
