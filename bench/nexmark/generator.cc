#include "nexmark/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "fmt/format.h"

namespace oxbow::nexmark {
namespace {

constexpr std::array<std::string_view, 6> kUsStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kUsCities = {
    "phoenix", "los angeles", "san francisco", "boise", "portland",
    "bend",    "redmond",     "seattle",       "kent",  "cheyenne"};
constexpr std::array<std::string_view, 11> kFirstNames = {
    "peter", "paul", "luke", "john", "saul", "vicky", "kate", "julie", "sarah", "deiter", "walter"};
constexpr std::array<std::string_view, 9> kLastNames = {
    "shultz", "abrams", "spencer", "white", "bartels", "walton", "smith", "jones", "noris"};
constexpr std::array<std::string_view, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};

// Hot ids are multiples of these ratios (of 0-based ids).
constexpr int64_t kHotAuctionRatio = 100;
constexpr int64_t kHotSellerRatio = 100;
constexpr int64_t kHotBidderRatio = 100;
// Cold bids and people may pick ids slightly ahead of the newest ones (events not made yet):
// the reference generator does so that some bids and auctions find no match.
constexpr int64_t kAuctionIdLead = 10;
constexpr int64_t kPersonIdLead = 10;
constexpr int64_t kChannels = 10'000;

}  // namespace

// SplitMix64, seeded from (seed, event number): each event draws from its own stream, so
// events can be made independently and in any order.
namespace internal {
class Random {
 public:
  Random(uint64_t seed, int64_t n) : state_(Mix(seed ^ Mix(static_cast<uint64_t>(n) + 1))) {}

  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, bound), bound > 0 (multiply-shift; the bias is below 2^-40 here).
  int64_t Below(int64_t bound) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(bound)) >> 64);
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};
}  // namespace internal

namespace {

using internal::Random;

// Lowercase letters with an occasional space, length in [3, max_length).
std::string NextString(Random& r, int64_t max_length) {
  int64_t len = 3 + r.Below(std::max<int64_t>(max_length - 3, 1));
  std::string s(static_cast<size_t>(len), ' ');
  for (char& c : s) {
    if (r.Below(13) != 0) c = static_cast<char>('a' + r.Below(26));
  }
  return s;
}

// Exactly `len` lowercase letters and spaces.
std::string NextExactString(Random& r, int64_t len) {
  std::string s(static_cast<size_t>(len), ' ');
  for (char& c : s) {
    if (r.Below(13) != 0) c = static_cast<char>('a' + r.Below(26));
  }
  return s;
}

// Padding that brings an event of current_size bytes to desired_average on average (±20%).
std::string NextExtra(Random& r, int64_t current_size, int64_t desired_average) {
  if (current_size > desired_average) return "";
  int64_t want = desired_average - current_size;
  int64_t delta = std::llround(static_cast<double>(want) * 0.2);
  int64_t min_size = want - delta;
  return NextExactString(r, min_size + r.Below(2 * delta + 1));
}

// Log-uniform prices from 1.00 to 1,000,000.00 (in cents).
int64_t NextPrice(Random& r) { return std::llround(std::pow(10.0, r.Unit() * 6.0) * 100.0); }

template <size_t N>
std::string_view Pick(Random& r, const std::array<std::string_view, N>& a) {
  return a[static_cast<size_t>(r.Below(N))];
}

}  // namespace

Generator::Generator(GeneratorConfig config) : config_(config) {}

int64_t Generator::TimestampUs(int64_t n) const {
  return config_.first_event_us +
         static_cast<int64_t>(static_cast<__int128>(n) * 1'000'000 / config_.events_per_second);
}

int64_t Generator::LastBase0PersonId(int64_t n) const {
  int64_t epoch = n / config_.total_proportion();
  int64_t offset = std::min(n % config_.total_proportion(), config_.person_proportion - 1);
  return epoch * config_.person_proportion + offset;
}

int64_t Generator::LastBase0AuctionId(int64_t n) const {
  int64_t epoch = n / config_.total_proportion();
  int64_t offset = n % config_.total_proportion();
  if (offset < config_.person_proportion) {
    --epoch;  // before this epoch's first auction: the last one of the previous epoch
    offset = config_.auction_proportion - 1;
  } else if (offset >= config_.person_proportion + config_.auction_proportion) {
    offset = config_.auction_proportion - 1;
  } else {
    offset -= config_.person_proportion;
  }
  return epoch * config_.auction_proportion + offset;
}

int64_t Generator::NextBase0PersonId(int64_t n, Random& r) const {
  int64_t num_people = LastBase0PersonId(n) + 1;
  int64_t active = std::min(num_people, config_.num_active_people);
  return num_people - active + r.Below(active + kPersonIdLead);
}

int64_t Generator::NextBase0AuctionId(int64_t n, Random& r) const {
  int64_t max_auction = std::max<int64_t>(LastBase0AuctionId(n), 0);
  int64_t min_auction = std::max<int64_t>(max_auction - config_.num_in_flight_auctions, 0);
  return min_auction + r.Below(max_auction - min_auction + 1 + kAuctionIdLead);
}

Event Generator::Make(int64_t n) const {
  Random r(config_.seed, n);
  int64_t rem = n % config_.total_proportion();
  if (rem < config_.person_proportion) return MakePerson(n, r);
  if (rem < config_.person_proportion + config_.auction_proportion) return MakeAuction(n, r);
  return MakeBid(n, r);
}

Person Generator::MakePerson(int64_t n, Random& r) const {
  Person p;
  p.id = LastBase0PersonId(n) + kFirstPersonId;
  p.name = fmt::format("{} {}", Pick(r, kFirstNames), Pick(r, kLastNames));
  p.email_address = fmt::format("{}@{}.com", NextString(r, 7), NextString(r, 5));
  p.credit_card = fmt::format("{:04} {:04} {:04} {:04}", r.Below(10000), r.Below(10000),
                              r.Below(10000), r.Below(10000));
  p.city = std::string(Pick(r, kUsCities));
  p.state = std::string(Pick(r, kUsStates));
  p.date_time_ms = TimestampUs(n) / 1000;
  int64_t size = 8 + static_cast<int64_t>(p.name.size() + p.email_address.size() +
                                          p.credit_card.size() + p.city.size() + p.state.size());
  p.extra = NextExtra(r, size, config_.avg_person_bytes);
  return p;
}

Auction Generator::MakeAuction(int64_t n, Random& r) const {
  Auction a;
  a.id = LastBase0AuctionId(n) + kFirstAuctionId;
  int64_t seller = r.Below(config_.hot_sellers_ratio) > 0
                       ? (LastBase0PersonId(n) / kHotSellerRatio) * kHotSellerRatio
                       : NextBase0PersonId(n, r);
  a.seller = seller + kFirstPersonId;
  a.category = kFirstCategoryId + r.Below(kNumCategories);
  a.initial_bid = NextPrice(r);
  a.reserve = a.initial_bid + NextPrice(r);
  a.date_time_ms = TimestampUs(n) / 1000;
  // An auction stays open for up to twice the time in which num_in_flight_auctions further
  // auctions are created, so about that many are open at any time.
  int64_t events_for_auctions =
      config_.num_in_flight_auctions * config_.total_proportion() / config_.auction_proportion;
  int64_t horizon_ms = TimestampUs(n + events_for_auctions) / 1000 - a.date_time_ms;
  a.expires_ms = a.date_time_ms + 1 + r.Below(std::max<int64_t>(horizon_ms * 2, 1));
  a.item_name = NextString(r, 20);
  a.description = NextString(r, 100);
  int64_t size =
      8 + static_cast<int64_t>(a.item_name.size() + a.description.size()) + 8 + 8 + 8 + 8 + 8;
  a.extra = NextExtra(r, size, config_.avg_auction_bytes);
  return a;
}

Bid Generator::MakeBid(int64_t n, Random& r) const {
  Bid b;
  int64_t auction = r.Below(config_.hot_auction_ratio) > 0
                        ? (LastBase0AuctionId(n) / kHotAuctionRatio) * kHotAuctionRatio
                        : NextBase0AuctionId(n, r);
  int64_t bidder = r.Below(config_.hot_bidders_ratio) > 0
                       ? (LastBase0PersonId(n) / kHotBidderRatio) * kHotBidderRatio + 1
                       : NextBase0PersonId(n, r);
  b.auction = auction + kFirstAuctionId;
  b.bidder = bidder + kFirstPersonId;
  b.price = NextPrice(r);
  // Most bids come through one of a few hot channels; the others through one of 10,000,
  // whose URL usually (9 in 10) carries the channel's id.
  if (r.Below(2) > 0) {
    size_t i = static_cast<size_t>(r.Below(kHotChannels.size()));
    b.channel = std::string(kHotChannels[i]);
    b.url = fmt::format("https://www.nexmark.com/{}/item.htm?query=1&channel_id={}",
                        kHotChannels[i], i);
  } else {
    int64_t channel = r.Below(kChannels);
    b.channel = fmt::format("channel-{}", channel);
    b.url = fmt::format("https://www.nexmark.com/{}/{}/{}/item.htm?query=1", NextString(r, 5),
                        NextString(r, 5), NextString(r, 5));
    if (r.Below(10) > 0) b.url += fmt::format("&channel_id={}", channel);
  }
  b.date_time_ms = TimestampUs(n) / 1000;
  b.extra = NextExtra(r, 8 + 8 + 8 + 8, config_.avg_bid_bytes);
  return b;
}

}  // namespace oxbow::nexmark
