#include "kafka/server/handler_registry.h"

#include "base/logging.h"
#include "gtest/gtest.h"

namespace oxbow::kafka {
namespace {

class NamedHandler : public Handler {
 public:
  NamedHandler(int16_t key, std::string name) : key_(key), name_(std::move(name)) {}
  int16_t api_key() const override { return key_; }
  std::string_view name() const override { return name_; }
  int16_t min_version() const override { return 0; }
  int16_t max_version() const override { return 1; }
  int16_t first_flexible_version() const override { return -1; }
  boost::asio::awaitable<Result<std::optional<ByteBuffer>>> Handle(RequestContext&) override {
    co_return std::nullopt;
  }

 private:
  int16_t key_;
  std::string name_;
};

TEST(HandlerRegistryTest, FindsByKeyAndListsSortedByKey) {
  HandlerRegistry r;
  r.Add(std::make_unique<NamedHandler>(18, "ApiVersions"));
  r.Add(std::make_unique<NamedHandler>(0, "Produce"));
  r.Add(std::make_unique<NamedHandler>(3, "Metadata"));
  ASSERT_NE(r.Find(3), nullptr);
  EXPECT_EQ(r.Find(3)->name(), "Metadata");
  EXPECT_EQ(r.Find(1), nullptr);
  EXPECT_EQ(r.Find(-1), nullptr);
  EXPECT_EQ(r.Find(19), nullptr);
  std::vector<const Handler*> all = r.All();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->api_key(), 0);
  EXPECT_EQ(all[1]->api_key(), 3);
  EXPECT_EQ(all[2]->api_key(), 18);
  EXPECT_EQ(r.size(), 3u);
}

TEST(HandlerRegistryDeathTest, TwoHandlersForOneKeyAreABug) {
  HandlerRegistry r;
  r.Add(std::make_unique<NamedHandler>(0, "Produce"));
  EXPECT_DEATH(
      {
        InitLogging();  // to stderr, where the death test looks
        r.Add(std::make_unique<NamedHandler>(0, "Produce2"));
      },
      "two handlers for api key 0 \\(Produce and Produce2\\)");
}

}  // namespace
}  // namespace oxbow::kafka
