#include "nexmark/event_json.h"

#include "fmt/format.h"

namespace oxbow::nexmark {
namespace {

// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), by 400-year eras.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;  // shift the epoch to 0000-03-01: leap days then fall at the end of a year
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11], March = 0
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

void AppendString(std::string_view key, std::string_view s, std::string* out) {
  out->append(",\"").append(key).append("\":\"");
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);  // generated strings hold no control characters
  }
  out->push_back('"');
}

void AppendInt(std::string_view key, int64_t v, std::string* out) {
  out->append(",\"").append(key).append("\":");
  fmt::format_to(std::back_inserter(*out), "{}", v);
}

void AppendTime(std::string_view key, int64_t ms, std::string* out) {
  out->append(",\"").append(key).append("\":\"");
  AppendTimestamp(ms, out);
  out->push_back('"');
}

}  // namespace

void AppendTimestamp(int64_t ms, std::string* out) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  int64_t in_day = ms - days * 86'400'000;
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", y, m, d,
                 in_day / 3'600'000, in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
}

std::string_view TopicOf(const Event& e) {
  switch (e.index()) {
    case 0:
      return kPersonTopic;
    case 1:
      return kAuctionTopic;
    default:
      return kBidTopic;
  }
}

std::optional<int64_t> KeyOf(const Event& e) {
  if (const auto* p = std::get_if<Person>(&e)) return p->id;
  if (const auto* a = std::get_if<Auction>(&e)) return a->id;
  return std::nullopt;
}

void AppendJson(const Event& e, std::string* out) {
  // Each field is written with a leading comma; the first one's is replaced by '{'.
  const size_t start = out->size();
  if (const auto* p = std::get_if<Person>(&e)) {
    AppendInt("id", p->id, out);
    AppendString("name", p->name, out);
    AppendString("email_address", p->email_address, out);
    AppendString("credit_card", p->credit_card, out);
    AppendString("city", p->city, out);
    AppendString("state", p->state, out);
    AppendTime("date_time", p->date_time_ms, out);
    AppendString("extra", p->extra, out);
  } else if (const auto* a = std::get_if<Auction>(&e)) {
    AppendInt("id", a->id, out);
    AppendString("item_name", a->item_name, out);
    AppendString("description", a->description, out);
    AppendInt("initial_bid", a->initial_bid, out);
    AppendInt("reserve", a->reserve, out);
    AppendTime("date_time", a->date_time_ms, out);
    AppendTime("expires", a->expires_ms, out);
    AppendInt("seller", a->seller, out);
    AppendInt("category", a->category, out);
    AppendString("extra", a->extra, out);
  } else {
    const Bid& b = std::get<Bid>(e);
    AppendInt("auction", b.auction, out);
    AppendInt("bidder", b.bidder, out);
    AppendInt("price", b.price, out);
    AppendString("channel", b.channel, out);
    AppendString("url", b.url, out);
    AppendTime("date_time", b.date_time_ms, out);
    AppendString("extra", b.extra, out);
  }
  (*out)[start] = '{';
  out->push_back('}');
}

}  // namespace oxbow::nexmark
