#include "nexmark/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "nexmark/event_json.h"

namespace oxbow::nexmark {
namespace {

GeneratorConfig Config(uint64_t seed = 1) {
  GeneratorConfig c;
  c.seed = seed;
  c.events_per_second = 1000;  // one event per millisecond
  return c;
}

TEST(NexmarkGenerator, ProportionsAndSequentialIds) {
  Generator g(Config());
  int64_t people = 0, auctions = 0, bids = 0;
  for (int64_t n = 0; n < 50'000; ++n) {
    Event e = g.Make(n);
    if (auto* p = std::get_if<Person>(&e)) {
      EXPECT_EQ(p->id, kFirstPersonId + people);
      ++people;
    } else if (auto* a = std::get_if<Auction>(&e)) {
      EXPECT_EQ(a->id, kFirstAuctionId + auctions);
      ++auctions;
    } else {
      ++bids;
    }
  }
  EXPECT_EQ(people, 1000);
  EXPECT_EQ(auctions, 3000);
  EXPECT_EQ(bids, 46000);
}

TEST(NexmarkGenerator, DeterministicPerSeedAndEvent) {
  Generator a(Config(7)), b(Config(7)), c(Config(8));
  std::string ja, jb, jc;
  for (int64_t n : {0, 1, 5, 49, 12345, 999'999}) {
    AppendJson(a.Make(n), &ja);
    AppendJson(b.Make(n), &jb);
    AppendJson(c.Make(n), &jc);
  }
  EXPECT_EQ(ja, jb);
  EXPECT_NE(ja, jc);
}

TEST(NexmarkGenerator, BidsGoToInFlightAndHotAuctions) {
  Generator g(Config());
  int64_t bids = 0, hot_auction = 0, hot_bidder = 0;
  for (int64_t n = 10'000; n < 60'000; ++n) {
    Event e = g.Make(n);
    auto* b = std::get_if<Bid>(&e);
    if (b == nullptr) continue;
    ++bids;
    int64_t last = g.LastBase0AuctionId(n) + kFirstAuctionId;
    // Not older than the in-flight window, not more than the lead ahead of the newest.
    EXPECT_GE(b->auction, last - 100 - 100) << n;
    EXPECT_LE(b->auction, last + 10) << n;
    if ((b->auction - kFirstAuctionId) % 100 == 0) ++hot_auction;
    if ((b->bidder - kFirstPersonId) % 100 == 1) ++hot_bidder;
    EXPECT_GE(b->price, 100);
    EXPECT_LE(b->price, 100'000'000);
  }
  // Hot with probability 1/2 (auctions) and 3/4 (bidders), plus the cold picks that land on one.
  EXPECT_NEAR(static_cast<double>(hot_auction) / bids, 0.5, 0.03);
  EXPECT_NEAR(static_cast<double>(hot_bidder) / bids, 0.75, 0.03);
}

TEST(NexmarkGenerator, PaddingReachesAverageSizes) {
  Generator g(Config());
  std::map<size_t, double> size_sum, count;
  for (int64_t n = 0; n < 100'000; ++n) {
    Event e = g.Make(n);
    double size = 0;
    if (auto* p = std::get_if<Person>(&e)) {
      size = 8 + p->name.size() + p->email_address.size() + p->credit_card.size() + p->city.size() +
             p->state.size() + p->extra.size();
    } else if (auto* a = std::get_if<Auction>(&e)) {
      size = 8 + a->item_name.size() + a->description.size() + 40 + a->extra.size();
      EXPECT_GT(a->expires_ms, a->date_time_ms);
      EXPECT_GT(a->reserve, a->initial_bid);
      EXPECT_GE(a->category, kFirstCategoryId);
      EXPECT_LT(a->category, kFirstCategoryId + kNumCategories);
    } else {
      size = 32 + std::get<Bid>(e).extra.size();
    }
    size_sum[e.index()] += size;
    count[e.index()] += 1;
  }
  EXPECT_NEAR(size_sum[0] / count[0], 200, 10);
  EXPECT_NEAR(size_sum[1] / count[1], 500, 25);
  EXPECT_NEAR(size_sum[2] / count[2], 100, 5);
}

TEST(NexmarkGenerator, EventTimeFollowsTheRate) {
  GeneratorConfig c = Config();
  c.events_per_second = 4000;  // 250 µs apart
  Generator g(c);
  EXPECT_EQ(g.TimestampUs(0), c.first_event_us);
  EXPECT_EQ(g.TimestampUs(4), c.first_event_us + 1000);
  EXPECT_EQ(g.TimestampUs(4000), c.first_event_us + 1'000'000);
  std::string json;
  AppendJson(g.Make(0), &json);  // event 0 is a person
  EXPECT_NE(json.find(R"("date_time":"2024-01-01 00:00:00.000")"), std::string::npos) << json;
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  json.clear();
  AppendJson(g.Make(4 * 1001 + 3), &json);  // a bid, 1001.00075 ms in
  EXPECT_NE(json.find(R"("date_time":"2024-01-01 00:00:01.001")"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"auction\":"), 1u) << json;
}

TEST(NexmarkEventJson, Timestamps) {
  auto ts = [](int64_t ms) {
    std::string s;
    AppendTimestamp(ms, &s);
    return s;
  };
  EXPECT_EQ(ts(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(ts(1'704'067'200'001), "2024-01-01 00:00:00.001");
  EXPECT_EQ(ts(1'709'164'799'999), "2024-02-28 23:59:59.999");
  EXPECT_EQ(ts(1'709'164'800'000), "2024-02-29 00:00:00.000");
  EXPECT_EQ(ts(951'782'400'000), "2000-02-29 00:00:00.000");
  EXPECT_EQ(ts(-1), "1969-12-31 23:59:59.999");
}

TEST(NexmarkEventJson, TopicsAndKeys) {
  Generator g(Config());
  EXPECT_EQ(TopicOf(g.Make(0)), kPersonTopic);
  EXPECT_EQ(KeyOf(g.Make(0)), kFirstPersonId);
  EXPECT_EQ(TopicOf(g.Make(1)), kAuctionTopic);
  EXPECT_EQ(KeyOf(g.Make(3)), kFirstAuctionId + 2);
  EXPECT_EQ(TopicOf(g.Make(4)), kBidTopic);
  EXPECT_EQ(KeyOf(g.Make(4)), std::nullopt);
}

}  // namespace
}  // namespace oxbow::nexmark
