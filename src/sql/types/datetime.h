// date, timestamp, timestamptz and interval: representations, the proleptic Gregorian
// calendar, and PostgreSQL's text formats (DateStyle ISO, IntervalStyle postgres).
//
//   date         int32 days since 2000-01-01
//   timestamp    int64 microseconds since 2000-01-01 00:00:00 (no zone)
//   timestamptz  int64 microseconds since 2000-01-01 00:00:00 UTC; shown in the session zone,
//                which is UTC for now ("+00")
//   interval     months, days and microseconds kept apart, as PostgreSQL does (a month is not
//                a fixed number of days; a day is not always 24 hours in a zone)
//
// The epoch is PostgreSQL's (2000-01-01), not Unix's: it is what PostgreSQL's binary format
// sends, and only from it does int64 reach PostgreSQL's last timestamp (294276 AD).
// ±infinity are the extreme values of date/timestamp, as in PostgreSQL.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "base/status.h"
#include "sql/types/decimal.h"

namespace oxbow::sql {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
inline constexpr int32_t kDaysPerMonth = 30;
// From the Unix epoch (1970-01-01) to ours (2000-01-01).
inline constexpr int64_t kUnixEpochOffsetDays = 10957;
inline constexpr int64_t kUnixEpochOffsetMicros =
    kUnixEpochOffsetDays * kMicrosPerDay;  // PostgreSQL's interval month, for comparisons

inline constexpr int32_t kDateNegInfinity = std::numeric_limits<int32_t>::min();
inline constexpr int32_t kDateInfinity = std::numeric_limits<int32_t>::max();
inline constexpr int64_t kTimestampNegInfinity = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimestampInfinity = std::numeric_limits<int64_t>::max();

struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;

  bool operator==(const Interval&) const = default;
  // The span used to compare and hash intervals: months as 30 days, days as 24 hours, so
  // interval '1 month' = interval '30 days' as in PostgreSQL.
  int128 Span() const {
    return (static_cast<int128>(months) * kDaysPerMonth + days) * kMicrosPerDay + micros;
  }
};

struct CivilDate {
  int64_t year;  // astronomical: 0 is 1 BC
  int month;     // 1..12
  int day;       // 1..31
};

struct CivilTime {
  CivilDate date;
  int hour, minute, second;
  int64_t micros;  // 0..999999
};

// Days since 2000-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);
int DaysInMonth(int64_t year, int month);
// Splits a finite timestamp into its civil fields (floor semantics for negative values).
CivilTime CivilFromMicros(int64_t micros);
// Day of week of a day number: 0 = Sunday .. 6 = Saturday.
int DayOfWeek(int64_t days);

// Text input. Accepted: ISO dates "2024-01-02" with optional " BC", timestamps
// "2024-01-02 03:04:05.123456" or with 'T', an optional zone ("Z", "UTC", "GMT", "+02",
// "-05:30", "+0530"), and the words "epoch", "infinity", "-infinity". For timestamp (without
// time zone) a zone in the input is ignored, as PostgreSQL does; timestamptz converts to UTC.
// Errors: 22007 `invalid input syntax for type date: "x"`, 22008 `date/time field value out
// of range: "x"`, 22008 "date out of range" / "timestamp out of range".
Result<int32_t> ParseDate(std::string_view text);
Result<int64_t> ParseTimestamp(std::string_view text, bool with_time_zone);
// Interval input: "1 day 02:03:04", "1 year 2 mons", "-3 hours", "1.5 days", "2 weeks ago",
// "@ 1 minute", a bare number of seconds, and ISO 8601 "P1Y2M3DT4H5M6S". 22007 on bad input,
// 22015 "interval out of range" when a field overflows.
Result<Interval> ParseInterval(std::string_view text);

// Text output as PostgreSQL's: "2024-01-02", "0044-03-15 BC", "2024-01-02 03:04:05.5",
// "2024-01-02 03:04:05.123456+00", "infinity"; intervals "1 year 2 mons 3 days 04:05:06.5",
// "-1 days +02:00:00", "00:00:00".
std::string FormatDate(int32_t days);
std::string FormatTimestamp(int64_t micros, bool with_time_zone);
std::string FormatInterval(const Interval& interval);
void AppendDate(std::string& out, int32_t days);
void AppendTimestamp(std::string& out, int64_t micros, bool with_time_zone);
void AppendInterval(std::string& out, const Interval& interval);

bool IsFiniteDate(int32_t days);
bool IsFiniteTimestamp(int64_t micros);
// Valid range of finite values (PostgreSQL's: 4714-11-24 BC .. 5874897 AD for dates,
// .. 294276 AD for timestamps).
bool DateInRange(int64_t days);
bool TimestampInRange(int64_t micros);

// Arithmetic, with 22008 "timestamp out of range" / "date out of range" and 22015
// "interval out of range" on overflow. Adding months clamps the day to the month's end
// (2024-01-31 + 1 month = 2024-02-29). Infinite timestamps stay infinite.
Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv);
Result<int64_t> TimestampMinusInterval(int64_t ts, const Interval& iv);
// ts1 - ts2 as PostgreSQL: whole 24-hour days go to `days`, the rest to microseconds.
Result<Interval> TimestampDiff(int64_t a, int64_t b);
Result<Interval> IntervalAdd(const Interval& a, const Interval& b);
Result<Interval> IntervalSub(const Interval& a, const Interval& b);
Result<Interval> IntervalNegate(const Interval& a);
// interval * factor and interval / factor with PostgreSQL's spill of fractional months into
// days and fractional days into time. Division by zero is 22012.
Result<Interval> IntervalMultiply(const Interval& a, double factor);
Result<Interval> IntervalDivide(const Interval& a, double divisor);
int IntervalCompare(const Interval& a, const Interval& b);

// Fields of date_trunc / extract / date_part, case-insensitive, with PostgreSQL's aliases
// ("years", "mon", "secs", "usec", ...). Unknown: 22023 `unit "x" not recognized for type
// timestamp`.
enum class DateField {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kDow,
  kIsoDow,
  kDoy,
  kIsoYear,
  kEpoch,
  kJulian,
  kTimezone,
  kTimezoneHour,
  kTimezoneMinute,
};
Result<DateField> ParseDateField(std::string_view name, std::string_view type_name);

// date_trunc(field, timestamp). Fields from microseconds to millennium; others are 22023
// `unit "dow" not supported for type timestamp without time zone`.
Result<int64_t> TruncTimestamp(DateField field, int64_t ts, bool with_time_zone);
Result<Interval> TruncInterval(DateField field, const Interval& iv);
// extract(field from x) as numeric, exactly as PostgreSQL 14+ (e.g. second → 5.123456,
// epoch → 1704164645.123456, dow 0 = Sunday).
Result<Decimal> ExtractTimestamp(DateField field, int64_t ts, bool with_time_zone);
Result<Decimal> ExtractDate(DateField field, int32_t days);
Result<Decimal> ExtractInterval(DateField field, const Interval& iv);

// to_timestamp(seconds since the epoch): rounds to microseconds; 22008 when out of range.
Result<int64_t> TimestampFromEpochSeconds(double seconds);

}  // namespace oxbow::sql
