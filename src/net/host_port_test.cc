#include "net/host_port.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::net {
namespace {

using ::testing::HasSubstr;

TEST(HostPortTest, ParsesHostsAndIpv6InBrackets) {
  Result<HostPort> h = ParseHostPort("0.0.0.0:9092");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->host, "0.0.0.0");
  EXPECT_EQ(h->port, 9092);
  h = ParseHostPort("broker.example.com:0");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->host, "broker.example.com");
  EXPECT_EQ(h->port, 0);
  h = ParseHostPort("[::1]:65535");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->host, "::1");
  EXPECT_EQ(h->port, 65535);
}

TEST(HostPortTest, RejectsWhatIsNotHostColonPort) {
  for (std::string_view bad : {"9092", "localhost", ":9092", "host:", "host:65536", "host:-1",
                               "host:90x", "::1:9092", "[]:9092"}) {
    Result<HostPort> h = ParseHostPort(bad);
    ASSERT_FALSE(h.ok()) << bad;
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(ToStd(h.status().message())), HasSubstr("expected HOST:PORT")) << bad;
  }
}

TEST(HostPortTest, FormatsIpv6InBrackets) {
  EXPECT_EQ(FormatHostPort("127.0.0.1", 9092), "127.0.0.1:9092");
  EXPECT_EQ(FormatHostPort("::", 1), "[::]:1");
}

}  // namespace
}  // namespace oxbow::net
