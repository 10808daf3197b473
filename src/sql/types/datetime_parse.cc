// Text input of date, timestamp, timestamptz and interval.
#include <cctype>
#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"

namespace oxbow::sql {
namespace {

// A cursor over the input with the few token readers the formats need.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void SkipSpaces() {
    while (!done() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Reads 1..max_digits decimal digits.
  std::optional<int64_t> Digits(int max_digits, int* count = nullptr) {
    int64_t v = 0;
    int n = 0;
    while (!done() && n < max_digits && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      v = v * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (count != nullptr) *count = n;
    if (n == 0) return std::nullopt;
    return v;
  }
  // A word of letters, lower-cased.
  std::string Word() {
    std::string w;
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_++]))));
    }
    return w;
  }
  size_t pos() const { return i_; }
  void set_pos(size_t p) { i_ = p; }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

struct ParsedDateTime {
  CivilDate date{};
  int hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  bool has_time = false;
  std::optional<int64_t> zone_offset_seconds;  // east of UTC
  enum Special { kNone, kEpoch, kInfinity, kNegInfinity } special = kNone;
};

// Microseconds from a fraction's digits: ".1234567" rounds to 123457.
int64_t ReadFraction(Cursor& c) {
  int64_t micros = 0;
  int n = 0;
  bool round_up = false;
  while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
    int d = c.peek() - '0';
    if (n < 6) {
      micros = micros * 10 + d;
    } else if (n == 6) {
      round_up = d >= 5;
    }
    ++n;
    c.Eat(c.peek());
  }
  for (int i = n; i < 6; ++i) micros *= 10;
  return micros + (round_up ? 1 : 0);
}

enum class ParseError { kNone, kSyntax, kFieldRange };

ParseError ParseZone(Cursor& c, ParsedDateTime& out) {
  c.SkipSpaces();
  char ch = c.peek();
  if (ch == '+' || ch == '-') {
    c.Eat(ch);
    int ndigits = 0;
    std::optional<int64_t> h = c.Digits(4, &ndigits);
    if (!h) return ParseError::kSyntax;
    int64_t hours = *h, minutes = 0;
    if (ndigits > 2) {  // +0530
      minutes = hours % 100;
      hours /= 100;
    } else if (c.Eat(':')) {
      std::optional<int64_t> m = c.Digits(2);
      if (!m) return ParseError::kSyntax;
      minutes = *m;
    }
    if (hours > 15 || minutes > 59) return ParseError::kFieldRange;
    int64_t offset = hours * 3600 + minutes * 60;
    out.zone_offset_seconds = ch == '-' ? -offset : offset;
    return ParseError::kNone;
  }
  size_t save = c.pos();
  std::string w = c.Word();
  if (w == "z" || w == "utc" || w == "gmt" || w == "zulu" || w == "ut") {
    out.zone_offset_seconds = 0;
    return ParseError::kNone;
  }
  c.set_pos(save);
  return ParseError::kNone;
}

ParseError CheckRanges(const ParsedDateTime& out, bool year_zero_allowed) {
  if (!year_zero_allowed && out.date.year == 0) return ParseError::kFieldRange;
  if (out.date.month < 1 || out.date.month > 12 || out.date.day < 1 ||
      out.date.day > DaysInMonth(out.date.year, out.date.month)) {
    return ParseError::kFieldRange;
  }
  bool end_of_day = out.hour == 24 && out.minute == 0 && out.second == 0 && out.micros == 0;
  if ((out.hour > 23 && !end_of_day) || out.minute > 59 || out.second > 60) {
    return ParseError::kFieldRange;
  }
  return ParseError::kNone;
}

// The common machine-written form, without a copy or a tokenizer: "YYYY-MM-DD", optionally
// followed by ' ' or 'T' and "HH:MM:SS[.fraction]" and a zone "Z", "+HH", "+HHMM" or "+HH:MM".
// Returns false when the text has any other shape (the general parser decides then).
bool ParseIsoFast(std::string_view s, ParsedDateTime& out) {
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  auto num = [&](size_t i, size_t n) {
    int v = 0;
    for (size_t k = i; k < i + n; ++k) v = v * 10 + (s[k] - '0');
    return v;
  };
  auto digits = [&](size_t i, size_t n) {
    for (size_t k = i; k < i + n; ++k) {
      if (!digit(k)) return false;
    }
    return true;
  };
  if (s.size() < 10 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
      !digits(8, 2)) {
    return false;
  }
  out.date = CivilDate{num(0, 4), num(5, 2), num(8, 2)};
  if (s.size() == 10) return true;
  if ((s[10] != ' ' && s[10] != 'T' && s[10] != 't') || s.size() < 19 || !digits(11, 2) ||
      s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2)) {
    return false;
  }
  out.hour = num(11, 2);
  out.minute = num(14, 2);
  out.second = num(17, 2);
  out.has_time = true;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    int64_t micros = 0;
    while (digit(i) && i - start < 6) micros = micros * 10 + (s[i++] - '0');
    if (i == start || digit(i)) return false;  // no digits, or more than 6 (rounding)
    for (size_t k = i - start; k < 6; ++k) micros *= 10;
    out.micros = micros;
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') {
    out.zone_offset_seconds = 0;
    return i + 1 == s.size();
  }
  if (s[i] != '+' && s[i] != '-') return false;
  const bool negative = s[i] == '-';
  if (!digits(i + 1, 2)) return false;
  int hours = num(i + 1, 2), minutes = 0;
  i += 3;
  if (i < s.size() && s[i] == ':') ++i;
  if (i < s.size()) {
    if (!digits(i, 2) || i + 2 != s.size()) return false;
    minutes = num(i, 2);
  }
  if (hours > 15 || minutes > 59) return false;  // the general parser reports it
  int64_t offset = hours * 3600 + minutes * 60;
  out.zone_offset_seconds = negative ? -offset : offset;
  return true;
}

ParseError ParseDateTimeText(std::string_view text, ParsedDateTime& out) {
  if (ParsedDateTime fast; ParseIsoFast(text, fast)) {
    out = fast;
    return CheckRanges(out, /*year_zero_allowed=*/false);
  }
  std::string lower = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  if (lower == "epoch") return out.special = ParsedDateTime::kEpoch, ParseError::kNone;
  if (lower == "infinity" || lower == "+infinity") {
    return out.special = ParsedDateTime::kInfinity, ParseError::kNone;
  }
  if (lower == "-infinity") return out.special = ParsedDateTime::kNegInfinity, ParseError::kNone;

  Cursor c(lower);
  c.SkipSpaces();
  int year_digits = 0;
  std::optional<int64_t> year = c.Digits(9, &year_digits);
  if (!year || !c.Eat('-')) return ParseError::kSyntax;
  std::optional<int64_t> month = c.Digits(2);
  if (!month || !c.Eat('-')) return ParseError::kSyntax;
  std::optional<int64_t> day = c.Digits(2);
  if (!day) return ParseError::kSyntax;
  out.date = CivilDate{*year, static_cast<int>(*month), static_cast<int>(*day)};

  // Time: separated by spaces or 'T'.
  size_t before_time = c.pos();
  if (c.Eat('t')) {
    // ISO 8601 separator
  } else {
    c.SkipSpaces();
  }
  if (std::isdigit(static_cast<unsigned char>(c.peek()))) {
    std::optional<int64_t> h = c.Digits(2);
    if (!h || !c.Eat(':')) return ParseError::kSyntax;
    std::optional<int64_t> mi = c.Digits(2);
    if (!mi) return ParseError::kSyntax;
    int64_t sec = 0;
    if (c.Eat(':')) {
      std::optional<int64_t> s = c.Digits(2);
      if (!s) return ParseError::kSyntax;
      sec = *s;
      if (c.Eat('.')) out.micros = ReadFraction(c);
    }
    out.hour = static_cast<int>(*h);
    out.minute = static_cast<int>(*mi);
    out.second = static_cast<int>(sec);
    out.has_time = true;
    ParseError zone = ParseZone(c, out);
    if (zone != ParseError::kNone) return zone;
  } else {
    c.set_pos(before_time);
  }
  c.SkipSpaces();
  size_t save = c.pos();
  std::string era = c.Word();
  if (era == "bc") {
    if (out.date.year == 0) return ParseError::kFieldRange;
    out.date.year = 1 - out.date.year;
  } else if (era == "ad") {
    // the default
  } else {
    c.set_pos(save);
  }
  c.SkipSpaces();
  if (!c.done()) return ParseError::kSyntax;
  return CheckRanges(out, /*year_zero_allowed=*/year_digits == 0 || era == "bc");
}

Status InputError(ParseError e, std::string_view type_name, std::string_view text) {
  if (e == ParseError::kFieldRange) {
    return SqlError(sqlstate::kDatetimeFieldOverflow,
                    fmt::format("date/time field value out of range: \"{}\"", text));
  }
  return SqlError(sqlstate::kInvalidDatetimeFormat,
                  fmt::format("invalid input syntax for type {}: \"{}\"", type_name, text));
}

}  // namespace

Result<int32_t> ParseDate(std::string_view text) {
  ParsedDateTime p;
  ParseError e = ParseDateTimeText(text, p);
  if (e != ParseError::kNone) return InputError(e, "date", text);
  switch (p.special) {
    case ParsedDateTime::kEpoch:
      return static_cast<int32_t>(-kUnixEpochOffsetDays);
    case ParsedDateTime::kInfinity:
      return kDateInfinity;
    case ParsedDateTime::kNegInfinity:
      return kDateNegInfinity;
    case ParsedDateTime::kNone:
      break;
  }
  int64_t days = DaysFromCivil(p.date.year, p.date.month, p.date.day);
  if (!DateInRange(days)) {
    return SqlError(sqlstate::kDatetimeFieldOverflow,
                    fmt::format("date out of range: \"{}\"", text));
  }
  return static_cast<int32_t>(days);
}

Result<int64_t> ParseTimestamp(std::string_view text, bool with_time_zone) {
  std::string_view type_name = with_time_zone ? "timestamp with time zone" : "timestamp";
  ParsedDateTime p;
  ParseError e = ParseDateTimeText(text, p);
  if (e != ParseError::kNone) return InputError(e, type_name, text);
  switch (p.special) {
    case ParsedDateTime::kEpoch:
      return -kUnixEpochOffsetMicros;
    case ParsedDateTime::kInfinity:
      return kTimestampInfinity;
    case ParsedDateTime::kNegInfinity:
      return kTimestampNegInfinity;
    case ParsedDateTime::kNone:
      break;
  }
  int64_t days = DaysFromCivil(p.date.year, p.date.month, p.date.day);
  int64_t micros = 0;
  if (days > INT64_MAX / kMicrosPerDay - 1 || days < INT64_MIN / kMicrosPerDay + 1) {
    return SqlError(sqlstate::kDatetimeFieldOverflow,
                    fmt::format("timestamp out of range: \"{}\"", text));
  }
  micros = days * kMicrosPerDay + ((p.hour * 60LL + p.minute) * 60 + p.second) * kMicrosPerSecond +
           p.micros;
  if (with_time_zone && p.zone_offset_seconds.has_value()) {
    micros -= *p.zone_offset_seconds * kMicrosPerSecond;
  }
  if (!TimestampInRange(micros)) {
    return SqlError(sqlstate::kDatetimeFieldOverflow,
                    fmt::format("timestamp out of range: \"{}\"", text));
  }
  return micros;
}

namespace {

enum class Unit {
  kMicro,
  kMilli,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kYear,
  kDecade,
  kCentury,
  kMillennium
};

std::optional<Unit> UnitFromWord(std::string_view w) {
  struct Entry {
    std::string_view name;
    Unit unit;
  };
  static constexpr Entry kUnits[] = {
      {"microsecond", Unit::kMicro},
      {"microseconds", Unit::kMicro},
      {"us", Unit::kMicro},
      {"usec", Unit::kMicro},
      {"usecs", Unit::kMicro},
      {"millisecond", Unit::kMilli},
      {"milliseconds", Unit::kMilli},
      {"ms", Unit::kMilli},
      {"msec", Unit::kMilli},
      {"msecs", Unit::kMilli},
      {"second", Unit::kSecond},
      {"seconds", Unit::kSecond},
      {"s", Unit::kSecond},
      {"sec", Unit::kSecond},
      {"secs", Unit::kSecond},
      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},
      {"m", Unit::kMinute},
      {"min", Unit::kMinute},
      {"mins", Unit::kMinute},
      {"hour", Unit::kHour},
      {"hours", Unit::kHour},
      {"h", Unit::kHour},
      {"hr", Unit::kHour},
      {"hrs", Unit::kHour},
      {"day", Unit::kDay},
      {"days", Unit::kDay},
      {"d", Unit::kDay},
      {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},
      {"w", Unit::kWeek},
      {"month", Unit::kMonth},
      {"months", Unit::kMonth},
      {"mon", Unit::kMonth},
      {"mons", Unit::kMonth},
      {"year", Unit::kYear},
      {"years", Unit::kYear},
      {"y", Unit::kYear},
      {"yr", Unit::kYear},
      {"yrs", Unit::kYear},
      {"decade", Unit::kDecade},
      {"decades", Unit::kDecade},
      {"dec", Unit::kDecade},
      {"decs", Unit::kDecade},
      {"century", Unit::kCentury},
      {"centuries", Unit::kCentury},
      {"c", Unit::kCentury},
      {"cent", Unit::kCentury},
      {"millennium", Unit::kMillennium},
      {"millennia", Unit::kMillennium},
      {"mil", Unit::kMillennium},
      {"mils", Unit::kMillennium},
  };
  for (const Entry& e : kUnits) {
    if (e.name == w) return e.unit;
  }
  return std::nullopt;
}

// Accumulates fields in wide types and checks the ranges once at the end.
struct IntervalAccumulator {
  double months = 0;  // whole months accumulate exactly in a double up to 2^53
  double days = 0;
  long double micros = 0;

  void AddMonths(long double v) {
    long double whole = std::trunc(v);
    months += static_cast<double>(whole);
    AddDays((v - whole) * kDaysPerMonth);
  }
  void AddDays(long double v) {
    long double whole = std::trunc(v);
    days += static_cast<double>(whole);
    micros += std::rint((v - whole) * kMicrosPerDay);
  }
  void Add(Unit unit, long double v) {
    switch (unit) {
      case Unit::kMicro:
        micros += std::rint(v);
        break;
      case Unit::kMilli:
        micros += std::rint(v * 1000);
        break;
      case Unit::kSecond:
        micros += std::rint(v * kMicrosPerSecond);
        break;
      case Unit::kMinute:
        micros += std::rint(v * kMicrosPerMinute);
        break;
      case Unit::kHour:
        micros += std::rint(v * kMicrosPerHour);
        break;
      case Unit::kDay:
        AddDays(v);
        break;
      case Unit::kWeek:
        AddDays(v * 7);
        break;
      case Unit::kMonth:
        AddMonths(v);
        break;
      case Unit::kYear:
        months += static_cast<double>(std::rint(v * 12));
        break;
      case Unit::kDecade:
        months += static_cast<double>(std::rint(v * 120));
        break;
      case Unit::kCentury:
        months += static_cast<double>(std::rint(v * 1200));
        break;
      case Unit::kMillennium:
        months += static_cast<double>(std::rint(v * 12000));
        break;
    }
  }
};

// "[-]H:MM[:SS[.f]]", already known to contain ':'.
bool ParseClock(std::string_view tok, IntervalAccumulator& acc) {
  bool neg = false;
  if (!tok.empty() && (tok[0] == '-' || tok[0] == '+')) {
    neg = tok[0] == '-';
    tok.remove_prefix(1);
  }
  Cursor c(tok);
  std::optional<int64_t> h = c.Digits(10);
  if (!h || !c.Eat(':')) return false;
  std::optional<int64_t> m = c.Digits(2);
  if (!m) return false;
  int64_t s = 0, frac = 0;
  if (c.Eat(':')) {
    std::optional<int64_t> sv = c.Digits(2);
    if (!sv) return false;
    s = *sv;
    if (c.Eat('.')) frac = ReadFraction(c);
  } else if (c.Eat('.')) {
    // "MM:SS.f" is minutes and seconds
    frac = ReadFraction(c);
    s = *m;
    m = *h;
    h = 0;
  }
  if (!c.done() || *m > 59 || s > 59) return false;
  long double v = static_cast<long double>(*h) * kMicrosPerHour + *m * kMicrosPerMinute +
                  s * kMicrosPerSecond + frac;
  acc.micros += neg ? -v : v;
  return true;
}

// ISO 8601 "P1Y2M3DT4H5M6S".
bool ParseIso8601(std::string_view s, IntervalAccumulator& acc) {
  bool time_part = false;
  size_t i = 1;
  if (i >= s.size()) return false;
  while (i < s.size()) {
    if (s[i] == 't') {
      time_part = true;
      ++i;
      continue;
    }
    size_t start = i;
    if (s[i] == '-' || s[i] == '+') ++i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start || i >= s.size()) return false;
    long double v = std::strtold(std::string(s.substr(start, i - start)).c_str(), nullptr);
    char u = s[i++];
    if (!time_part) {
      if (u == 'y')
        acc.Add(Unit::kYear, v);
      else if (u == 'm')
        acc.Add(Unit::kMonth, v);
      else if (u == 'w')
        acc.Add(Unit::kWeek, v);
      else if (u == 'd')
        acc.Add(Unit::kDay, v);
      else
        return false;
    } else {
      if (u == 'h')
        acc.Add(Unit::kHour, v);
      else if (u == 'm')
        acc.Add(Unit::kMinute, v);
      else if (u == 's')
        acc.Add(Unit::kSecond, v);
      else
        return false;
    }
  }
  return true;
}

bool ParseIntervalText(std::string_view text, IntervalAccumulator& acc) {
  std::string lower = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  if (lower.empty()) return false;
  if (lower[0] == 'p') return ParseIso8601(lower, acc);
  std::vector<std::string_view> tokens;
  for (absl::string_view t : absl::StrSplit(lower, ' ', absl::SkipEmpty())) {
    tokens.emplace_back(t.data(), t.size());
  }
  bool ago = false;
  bool any = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view tok = tokens[i];
    if (tok == "@") continue;
    if (tok == "ago" && i + 1 == tokens.size()) {
      ago = true;
      continue;
    }
    if (tok.find(':') != std::string_view::npos) {
      if (!ParseClock(tok, acc)) return false;
      any = true;
      continue;
    }
    // A number, possibly with its unit attached ("10min").
    size_t j = 0;
    if (j < tok.size() && (tok[j] == '-' || tok[j] == '+')) ++j;
    size_t digits_start = j;
    while (j < tok.size() && (std::isdigit(static_cast<unsigned char>(tok[j])) || tok[j] == '.')) {
      ++j;
    }
    if (j == digits_start) return false;
    std::string number(tok.substr(0, j));
    char* end = nullptr;
    long double v = std::strtold(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return false;
    std::string_view unit_word = tok.substr(j);
    if (unit_word.empty() && i + 1 < tokens.size() && UnitFromWord(tokens[i + 1])) {
      unit_word = tokens[++i];
    }
    if (unit_word.empty()) {
      acc.Add(Unit::kSecond, v);  // a bare number is seconds
    } else {
      std::optional<Unit> unit = UnitFromWord(unit_word);
      if (!unit) return false;
      acc.Add(*unit, v);
    }
    any = true;
  }
  if (!any) return false;
  if (ago) {
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
  return true;
}

}  // namespace

Result<Interval> ParseInterval(std::string_view text) {
  IntervalAccumulator acc;
  if (!ParseIntervalText(text, acc)) {
    return SqlError(sqlstate::kInvalidDatetimeFormat,
                    fmt::format("invalid input syntax for type interval: \"{}\"", text));
  }
  if (std::fabs(acc.months) > INT32_MAX || std::fabs(acc.days) > INT32_MAX ||
      std::fabs(acc.micros) > 9.2e18L) {
    return SqlError(sqlstate::kIntervalFieldOverflow,
                    fmt::format("interval field value out of range: \"{}\"", text));
  }
  return Interval{static_cast<int32_t>(acc.months), static_cast<int32_t>(acc.days),
                  static_cast<int64_t>(acc.micros)};
}

}  // namespace oxbow::sql
