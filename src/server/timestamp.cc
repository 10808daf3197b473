#include "server/timestamp.h"

#include <charconv>
#include <chrono>

#include "fmt/format.h"

namespace oxbow::server {
namespace {

// A cursor over the text with the few lexing steps the grammar needs.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly n decimal digits.
  bool Digits(size_t n, int* out) {
    if (s_.size() - pos_ < n) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }
  // One or more digits; the first three are returned as milliseconds.
  bool Fraction(int* ms) {
    size_t start = pos_;
    int v = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      if (pos_ - start < 3) v = v * 10 + (Peek() - '0');
      ++pos_;
    }
    size_t n = pos_ - start;
    for (size_t i = n; i < 3; ++i) v *= 10;
    *ms = v;
    return n > 0;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Invalid(std::string_view text) {
  return absl::InvalidArgumentError(fmt::format(
      "invalid timestamp '{}': expected milliseconds since the epoch or an ISO 8601 date-time "
      "such as 2024-05-01, 2024-05-01T12:00:30Z or 2024-05-01T14:00:30.250+02:00",
      text));
}

// The zone suffix as an offset east of UTC in minutes; true when well-formed.
bool ParseZone(Scanner& s, int* offset_minutes) {
  *offset_minutes = 0;
  if (s.AtEnd() || s.Consume('Z') || s.Consume('z')) return s.AtEnd();
  int sign = s.Consume('+') ? 1 : s.Consume('-') ? -1 : 0;
  int hh = 0, mm = 0;
  if (sign == 0 || !s.Digits(2, &hh)) return false;
  s.Consume(':');
  if (!s.Digits(2, &mm) || hh > 23 || mm > 59) return false;
  *offset_minutes = sign * (hh * 60 + mm);
  return s.AtEnd();
}

}  // namespace

Result<TimestampMs> ParseTimestamp(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc()) return Invalid(text);
    return TimestampMs(ms);
  }
  Scanner s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0, zone = 0;
  if (!s.Digits(4, &y) || !s.Consume('-') || !s.Digits(2, &mo) || !s.Consume('-') ||
      !s.Digits(2, &d)) {
    return Invalid(text);
  }
  if (s.Consume('T') || s.Consume('t') || s.Consume(' ')) {
    if (!s.Digits(2, &h) || !s.Consume(':') || !s.Digits(2, &mi)) return Invalid(text);
    if (s.Consume(':')) {
      if (!s.Digits(2, &sec)) return Invalid(text);
      if ((s.Consume('.') || s.Consume(',')) && !s.Fraction(&ms)) return Invalid(text);
    }
  }
  if (!ParseZone(s, &zone)) return Invalid(text);
  using namespace std::chrono;
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || sec > 60) return Invalid(text);
  auto t =
      sys_days(date) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(ms) - minutes(zone);
  return TimestampMs(duration_cast<milliseconds>(t.time_since_epoch()).count());
}

std::string FormatTimestamp(TimestampMs ts) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds(ts.value())};
  sys_days day_point = floor<days>(t);
  year_month_day date(day_point);
  hh_mm_ss<milliseconds> tod(t - day_point);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count(),
                     tod.subseconds().count());
}

}  // namespace oxbow::server
