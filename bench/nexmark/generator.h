// The Nexmark event generator: a deterministic stream of people, auctions and bids, following
// the published behaviour of the Nexmark generator used by Beam, Flink and RisingWave (the
// proportions, hot ids, in-flight auctions, event-time spacing and string padding below).
//
// Events are numbered 0, 1, 2, …; event n is a pure function of (config, n): any range can
// be generated on its own, in any order, and the same seed always gives the same events.
//
// Threads: a Generator is immutable after construction; Event() may be called concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace oxbow::nexmark {

namespace internal {
class Random;  // per-event random stream (generator.cc)
}

struct GeneratorConfig {
  uint64_t seed = 0;
  // Events per second of event time: event n happens at first_event_us + n * 1e6 / rate µs.
  int64_t events_per_second = 10'000'000;
  // Event time of event 0, µs since the Unix epoch (default 2024-01-01T00:00:00Z).
  int64_t first_event_us = 1'704'067'200'000'000;
  // Out of every 50 events: 1 person, 3 auctions, 46 bids, interleaved in that order.
  int64_t person_proportion = 1;
  int64_t auction_proportion = 3;
  int64_t bid_proportion = 46;
  // A bid goes to a hot auction with probability 1 - 1/hot_auction_ratio, a hot bidder bids
  // with 1 - 1/hot_bidders_ratio, an auction has a hot seller with 1 - 1/hot_sellers_ratio.
  int64_t hot_auction_ratio = 2;
  int64_t hot_bidders_ratio = 4;
  int64_t hot_sellers_ratio = 4;
  // Bids go to one of the last num_in_flight_auctions auctions (or slightly ahead of them);
  // sellers and cold bidders are among the last num_active_people people.
  int64_t num_in_flight_auctions = 100;
  int64_t num_active_people = 1000;
  // Average serialized sizes: the `extra` field pads each event to about these.
  int64_t avg_person_bytes = 200;
  int64_t avg_auction_bytes = 500;
  int64_t avg_bid_bytes = 100;

  int64_t total_proportion() const {
    return person_proportion + auction_proportion + bid_proportion;
  }
};

// Times are milliseconds since the Unix epoch (Nexmark's resolution).
struct Person {
  int64_t id;
  std::string name;
  std::string email_address;
  std::string credit_card;
  std::string city;
  std::string state;
  int64_t date_time_ms;
  std::string extra;
};

struct Auction {
  int64_t id;
  std::string item_name;
  std::string description;
  int64_t initial_bid;
  int64_t reserve;
  int64_t date_time_ms;
  int64_t expires_ms;
  int64_t seller;
  int64_t category;
  std::string extra;
};

struct Bid {
  int64_t auction;
  int64_t bidder;
  int64_t price;
  std::string channel;
  std::string url;
  int64_t date_time_ms;
  std::string extra;
};

using Event = std::variant<Person, Auction, Bid>;

// Ids start here (as in the reference generator), categories at kFirstCategoryId.
inline constexpr int64_t kFirstPersonId = 1000;
inline constexpr int64_t kFirstAuctionId = 1000;
inline constexpr int64_t kFirstCategoryId = 10;
inline constexpr int64_t kNumCategories = 5;

class Generator {
 public:
  // The config must have positive proportions and rate (checked by the callers' flag
  // parsing; an invalid config is a programming error).
  explicit Generator(GeneratorConfig config);

  const GeneratorConfig& config() const { return config_; }

  // Event number n (n >= 0).
  Event Make(int64_t n) const;

  // The event time of event n, in µs since the Unix epoch.
  int64_t TimestampUs(int64_t n) const;

  // The id of the last person / auction created at or before event n, 0-based
  // (-1 when none yet for auctions).
  int64_t LastBase0PersonId(int64_t n) const;
  int64_t LastBase0AuctionId(int64_t n) const;

 private:
  using Random = internal::Random;
  Person MakePerson(int64_t n, Random& r) const;
  Auction MakeAuction(int64_t n, Random& r) const;
  Bid MakeBid(int64_t n, Random& r) const;
  int64_t NextBase0PersonId(int64_t n, Random& r) const;
  int64_t NextBase0AuctionId(int64_t n, Random& r) const;

  GeneratorConfig config_;
};

}  // namespace oxbow::nexmark
