// How Nexmark events are written into topics: one JSON object per record, in the topic of
// its kind, with the column names of the Flink/RisingWave Nexmark tables (tables.sql).
//
//   nexmark-person   key: the id (JSON number)   {"id", "name", "email_address",
//                    "credit_card", "city", "state", "date_time", "extra"}
//   nexmark-auction  key: the id                 {"id", "item_name", "description",
//                    "initial_bid", "reserve", "date_time", "expires", "seller", "category",
//                    "extra"}
//   nexmark-bid      no key                      {"auction", "bidder", "price", "channel",
//                    "url", "date_time", "extra"}
//
// Times are strings PostgreSQL reads as `timestamp`: "2024-01-01 00:00:00.001" (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nexmark/generator.h"

namespace oxbow::nexmark {

inline constexpr std::string_view kPersonTopic = "nexmark-person";
inline constexpr std::string_view kAuctionTopic = "nexmark-auction";
inline constexpr std::string_view kBidTopic = "nexmark-bid";

// 0 = person, 1 = auction, 2 = bid (the variant's index), and the topic of each.
std::string_view TopicOf(const Event& e);

// The record key: the id for people and auctions, none for bids.
std::optional<int64_t> KeyOf(const Event& e);

// Appends the event's JSON object (no newline) to *out.
void AppendJson(const Event& e, std::string* out);

// Appends "YYYY-MM-DD HH:MM:SS.mmm" for ms since the Unix epoch (any year 0000–9999).
void AppendTimestamp(int64_t ms, std::string* out);

}  // namespace oxbow::nexmark
