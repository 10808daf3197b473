// Calendar arithmetic, output formats and interval/timestamp arithmetic. Parsing is in
// datetime_parse.cc, date_trunc/extract in datetime_fields.cc.
#include "sql/types/datetime.h"

#include <cmath>
#include <cstdlib>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

// PostgreSQL's limits: Julian day 0 (4714-11-24 BC) to 5874897-12-31 for dates and to
// 294276-12-31 23:59:59.999999 for timestamps.
const int64_t kMinDay = DaysFromCivil(-4713, 11, 24);
const int64_t kMaxDateDay = DaysFromCivil(5874897, 12, 31);
const int64_t kMaxTimestampDay = DaysFromCivil(294276, 12, 31);

Status TimestampOutOfRange() {
  return SqlError(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
}
Status IntervalOutOfRange() {
  return SqlError(sqlstate::kIntervalFieldOverflow, "interval out of range");
}

int64_t FloorDiv64(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void AppendPadded(std::string& out, int64_t v, int width) {
  fmt::format_to(std::back_inserter(out), "{:0{}}", v, width);
}

// ".5", ".123456" or nothing: microseconds without trailing zeros.
void AppendFraction(std::string& out, int64_t micros) {
  if (micros == 0) return;
  char buf[8];
  int64_t v = micros;
  for (int i = 5; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  int len = 6;
  while (len > 0 && buf[len - 1] == '0') --len;
  out.push_back('.');
  out.append(buf, len);
}

void AppendYearMonthDay(std::string& out, const CivilDate& d) {
  int64_t year = d.year > 0 ? d.year : 1 - d.year;  // 0 is 1 BC
  AppendPadded(out, year, 4);
  out.push_back('-');
  AppendPadded(out, d.month, 2);
  out.push_back('-');
  AppendPadded(out, d.day, 2);
}

Result<int64_t> AddMonths(int64_t ts, int32_t months) {
  CivilTime t = CivilFromMicros(ts);
  int64_t month_index = t.date.year * 12 + (t.date.month - 1) + months;
  int64_t year = FloorDiv64(month_index, 12);
  int month = static_cast<int>(month_index - year * 12) + 1;
  int day = std::min(t.date.day, DaysInMonth(year, month));
  int64_t days = DaysFromCivil(year, month, day);
  if (days < kMinDay || days > kMaxTimestampDay) return TimestampOutOfRange();
  int64_t time = ((t.hour * 60LL + t.minute) * 60 + t.second) * kMicrosPerSecond + t.micros;
  return days * kMicrosPerDay + time;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468 - kUnixEpochOffsetDays;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468 + kUnixEpochOffsetDays;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{yoe + era * 400 + (m <= 2), m, d};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

CivilTime CivilFromMicros(int64_t micros) {
  int64_t days = FloorDiv64(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  CivilTime t;
  t.date = CivilFromDays(days);
  t.hour = static_cast<int>(rest / kMicrosPerHour);
  t.minute = static_cast<int>(rest / kMicrosPerMinute % 60);
  t.second = static_cast<int>(rest / kMicrosPerSecond % 60);
  t.micros = rest % kMicrosPerSecond;
  return t;
}

int DayOfWeek(int64_t days) {
  // 2000-01-01 was a Saturday (6).
  int64_t r = (days + 6) % 7;
  return static_cast<int>(r < 0 ? r + 7 : r);
}

bool IsFiniteDate(int32_t days) { return days != kDateInfinity && days != kDateNegInfinity; }
bool IsFiniteTimestamp(int64_t micros) {
  return micros != kTimestampInfinity && micros != kTimestampNegInfinity;
}
bool DateInRange(int64_t days) { return days >= kMinDay && days <= kMaxDateDay; }
bool TimestampInRange(int64_t micros) {
  return micros >= kMinDay * kMicrosPerDay && micros < (kMaxTimestampDay + 1) * kMicrosPerDay;
}

void AppendDate(std::string& out, int32_t days) {
  if (days == kDateInfinity) return out.append("infinity"), void();
  if (days == kDateNegInfinity) return out.append("-infinity"), void();
  CivilDate d = CivilFromDays(days);
  AppendYearMonthDay(out, d);
  if (d.year <= 0) out.append(" BC");
}

void AppendTimestamp(std::string& out, int64_t micros, bool with_time_zone) {
  if (micros == kTimestampInfinity) return out.append("infinity"), void();
  if (micros == kTimestampNegInfinity) return out.append("-infinity"), void();
  CivilTime t = CivilFromMicros(micros);
  AppendYearMonthDay(out, t.date);
  out.push_back(' ');
  AppendPadded(out, t.hour, 2);
  out.push_back(':');
  AppendPadded(out, t.minute, 2);
  out.push_back(':');
  AppendPadded(out, t.second, 2);
  AppendFraction(out, t.micros);
  if (with_time_zone) out.append("+00");
  if (t.date.year <= 0) out.append(" BC");
}

void AppendInterval(std::string& out, const Interval& iv) {
  // IntervalStyle 'postgres': each non-zero field with its own sign; a field after a negative
  // one gets an explicit '+'; the time part is shown when non-zero or when nothing else is.
  bool is_zero = true, is_before = false;
  auto add_part = [&](int64_t value, std::string_view unit) {
    if (value == 0) return;
    fmt::format_to(std::back_inserter(out), "{}{}{} {}{}", is_zero ? "" : " ",
                   is_before && value > 0 ? "+" : "", value, unit, value != 1 ? "s" : "");
    is_before = value < 0;
    is_zero = false;
  };
  add_part(iv.months / 12, "year");
  add_part(iv.months % 12, "mon");
  add_part(iv.days, "day");
  if (is_zero || iv.micros != 0) {
    bool minus = iv.micros < 0;
    uint64_t t = minus ? -static_cast<uint64_t>(iv.micros) : static_cast<uint64_t>(iv.micros);
    fmt::format_to(std::back_inserter(out), "{}{}{:02}:{:02}:{:02}", is_zero ? "" : " ",
                   minus ? "-" : (is_before ? "+" : ""), t / kMicrosPerHour,
                   t / kMicrosPerMinute % 60, t / kMicrosPerSecond % 60);
    AppendFraction(out, static_cast<int64_t>(t % kMicrosPerSecond));
  }
}

std::string FormatDate(int32_t days) {
  std::string out;
  AppendDate(out, days);
  return out;
}

std::string FormatTimestamp(int64_t micros, bool with_time_zone) {
  std::string out;
  AppendTimestamp(out, micros, with_time_zone);
  return out;
}

std::string FormatInterval(const Interval& iv) {
  std::string out;
  AppendInterval(out, iv);
  return out;
}

Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv) {
  if (!IsFiniteTimestamp(ts)) return ts;
  if (iv.months != 0) {
    ASSIGN_OR_RETURN(ts, AddMonths(ts, iv.months));
  }
  int64_t out;
  if (__builtin_mul_overflow(static_cast<int64_t>(iv.days), kMicrosPerDay, &out) ||
      __builtin_add_overflow(ts, out, &out) || __builtin_add_overflow(out, iv.micros, &out) ||
      !TimestampInRange(out)) {
    return TimestampOutOfRange();
  }
  return out;
}

Result<int64_t> TimestampMinusInterval(int64_t ts, const Interval& iv) {
  ASSIGN_OR_RETURN(Interval neg, IntervalNegate(iv));
  return TimestampPlusInterval(ts, neg);
}

Result<Interval> TimestampDiff(int64_t a, int64_t b) {
  if (!IsFiniteTimestamp(a) || !IsFiniteTimestamp(b)) {
    return SqlError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  }
  int64_t diff;
  if (__builtin_sub_overflow(a, b, &diff)) return IntervalOutOfRange();
  return Interval{0, static_cast<int32_t>(diff / kMicrosPerDay), diff % kMicrosPerDay};
}

Result<Interval> IntervalAdd(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) ||
      __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> IntervalSub(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_sub_overflow(a.months, b.months, &r.months) ||
      __builtin_sub_overflow(a.days, b.days, &r.days) ||
      __builtin_sub_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> IntervalNegate(const Interval& a) { return IntervalSub(Interval{}, a); }

Result<Interval> IntervalMultiply(const Interval& a, double factor) {
  // PostgreSQL's interval_mul: whole months and days stay, their fractions spill downward
  // (a month is 30 days, a day 24 hours), rounded to microseconds.
  auto round_micros = [](double v) { return std::rint(v * 1e6) / 1e6; };
  double months = a.months * factor;
  double days = a.days * factor;
  if (std::isnan(factor) || std::fabs(months) > INT32_MAX || std::fabs(days) > INT32_MAX) {
    return IntervalOutOfRange();
  }
  Interval r;
  r.months = static_cast<int32_t>(months);
  r.days = static_cast<int32_t>(days);
  double month_remainder_days = round_micros((months - r.months) * kDaysPerMonth);
  double sec_remainder = round_micros(
      (days - r.days + month_remainder_days - static_cast<int32_t>(month_remainder_days)) *
      86400.0);
  if (std::fabs(sec_remainder) >= 86400.0) {
    r.days += static_cast<int32_t>(sec_remainder / 86400.0);
    sec_remainder -= static_cast<int32_t>(sec_remainder / 86400.0) * 86400.0;
  }
  r.days += static_cast<int32_t>(month_remainder_days);
  double micros = std::rint(static_cast<double>(a.micros) * factor + sec_remainder * 1e6);
  if (std::isnan(micros) || std::fabs(micros) >= 9.2e18) return IntervalOutOfRange();
  r.micros = static_cast<int64_t>(micros);
  return r;
}

Result<Interval> IntervalDivide(const Interval& a, double divisor) {
  if (divisor == 0) return DivisionByZero();
  return IntervalMultiply(a, 1.0 / divisor);
}

int IntervalCompare(const Interval& a, const Interval& b) {
  int128 x = a.Span(), y = b.Span();
  return x < y ? -1 : (x > y ? 1 : 0);
}

Result<int64_t> TimestampFromEpochSeconds(double seconds) {
  if (std::isnan(seconds)) {
    return SqlError(sqlstate::kDatetimeFieldOverflow, "timestamp cannot be NaN");
  }
  if (std::isinf(seconds)) return seconds > 0 ? kTimestampInfinity : kTimestampNegInfinity;
  double micros = std::rint(seconds * 1e6) - static_cast<double>(kUnixEpochOffsetMicros);
  if (micros < -9.2e18 || micros > 9.2e18 || !TimestampInRange(static_cast<int64_t>(micros))) {
    return SqlError(sqlstate::kDatetimeFieldOverflow,
                    fmt::format("timestamp out of range: \"{}\"", seconds));
  }
  return static_cast<int64_t>(micros);
}

}  // namespace oxbow::sql
