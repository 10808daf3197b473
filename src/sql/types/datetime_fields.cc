// date_trunc, extract and date_part field logic, as PostgreSQL 14+ computes them.
#include "absl/strings/ascii.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"

namespace oxbow::sql {
namespace {

Status Unsupported(DateField field, std::string_view name, std::string_view type_name) {
  return SqlError(sqlstate::kFeatureNotSupported,
                  fmt::format("unit \"{}\" not supported for type {}", name, type_name));
}

std::string_view FieldName(DateField f) {
  switch (f) {
    case DateField::kMicroseconds:
      return "microseconds";
    case DateField::kMilliseconds:
      return "milliseconds";
    case DateField::kSecond:
      return "second";
    case DateField::kMinute:
      return "minute";
    case DateField::kHour:
      return "hour";
    case DateField::kDay:
      return "day";
    case DateField::kWeek:
      return "week";
    case DateField::kMonth:
      return "month";
    case DateField::kQuarter:
      return "quarter";
    case DateField::kYear:
      return "year";
    case DateField::kDecade:
      return "decade";
    case DateField::kCentury:
      return "century";
    case DateField::kMillennium:
      return "millennium";
    case DateField::kDow:
      return "dow";
    case DateField::kIsoDow:
      return "isodow";
    case DateField::kDoy:
      return "doy";
    case DateField::kIsoYear:
      return "isoyear";
    case DateField::kEpoch:
      return "epoch";
    case DateField::kJulian:
      return "julian";
    case DateField::kTimezone:
      return "timezone";
    case DateField::kTimezoneHour:
      return "timezone_hour";
    case DateField::kTimezoneMinute:
      return "timezone_minute";
  }
  return "?";
}

std::string_view TimestampTypeName(bool tz) {
  return tz ? "timestamp with time zone" : "timestamp without time zone";
}

int IsoDow(int64_t days) {
  int dow = DayOfWeek(days);
  return dow == 0 ? 7 : dow;
}

// ISO 8601 year and week of a day: the week belongs to the year of its Thursday.
void IsoWeek(int64_t days, int64_t* iso_year, int* week) {
  int64_t thursday = days - (IsoDow(days) - 1) + 3;
  *iso_year = CivilFromDays(thursday).year;
  *week = static_cast<int>((thursday - DaysFromCivil(*iso_year, 1, 1)) / 7 + 1);
}

// Julian day number of day 0 (2000-01-01).
constexpr int64_t kDay0Julian = 2451545;

Decimal Int(int64_t v) { return Decimal::FromInt(v); }
Decimal Scaled(int64_t v, int scale) { return Decimal{v, scale}; }

// Fields shared by dates and timestamps that depend only on the calendar day.
std::optional<Decimal> DayField(DateField field, int64_t days) {
  CivilDate d = CivilFromDays(days);
  int64_t y = d.year;
  switch (field) {
    case DateField::kDay:
      return Int(d.day);
    case DateField::kMonth:
      return Int(d.month);
    case DateField::kQuarter:
      return Int((d.month - 1) / 3 + 1);
    case DateField::kYear:
      return Int(y > 0 ? y : y - 1);  // there is no year 0
    case DateField::kDecade:
      return Int(y >= 0 ? y / 10 : -((8 - (y - 1)) / 10));
    case DateField::kCentury:
      return Int(y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100));
    case DateField::kMillennium:
      return Int(y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000));
    case DateField::kDow:
      return Int(DayOfWeek(days));
    case DateField::kIsoDow:
      return Int(IsoDow(days));
    case DateField::kDoy:
      return Int(days - DaysFromCivil(y, 1, 1) + 1);
    case DateField::kWeek: {
      int64_t iy;
      int w;
      IsoWeek(days, &iy, &w);
      return Int(w);
    }
    case DateField::kIsoYear: {
      int64_t iy;
      int w;
      IsoWeek(days, &iy, &w);
      return Int(iy > 0 ? iy : iy - 1);
    }
    default:
      return std::nullopt;
  }
}

int64_t TruncYear(DateField field, int64_t y) {
  switch (field) {
    case DateField::kDecade:
      return y > 0 ? (y / 10) * 10 : -((8 - (y - 1)) / 10) * 10;
    case DateField::kCentury:
      return y > 0 ? ((y + 99) / 100) * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1;
    case DateField::kMillennium:
      return y > 0 ? ((y + 999) / 1000) * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1;
    default:
      return y;
  }
}

}  // namespace

Result<DateField> ParseDateField(std::string_view name, std::string_view type_name) {
  struct Entry {
    std::string_view name;
    DateField field;
  };
  static constexpr Entry kFields[] = {
      {"microsecond", DateField::kMicroseconds},
      {"microseconds", DateField::kMicroseconds},
      {"us", DateField::kMicroseconds},
      {"usec", DateField::kMicroseconds},
      {"usecs", DateField::kMicroseconds},
      {"millisecond", DateField::kMilliseconds},
      {"milliseconds", DateField::kMilliseconds},
      {"ms", DateField::kMilliseconds},
      {"msec", DateField::kMilliseconds},
      {"msecs", DateField::kMilliseconds},
      {"second", DateField::kSecond},
      {"seconds", DateField::kSecond},
      {"sec", DateField::kSecond},
      {"secs", DateField::kSecond},
      {"s", DateField::kSecond},
      {"minute", DateField::kMinute},
      {"minutes", DateField::kMinute},
      {"min", DateField::kMinute},
      {"mins", DateField::kMinute},
      {"m", DateField::kMinute},
      {"hour", DateField::kHour},
      {"hours", DateField::kHour},
      {"hr", DateField::kHour},
      {"hrs", DateField::kHour},
      {"h", DateField::kHour},
      {"day", DateField::kDay},
      {"days", DateField::kDay},
      {"d", DateField::kDay},
      {"week", DateField::kWeek},
      {"weeks", DateField::kWeek},
      {"w", DateField::kWeek},
      {"month", DateField::kMonth},
      {"months", DateField::kMonth},
      {"mon", DateField::kMonth},
      {"mons", DateField::kMonth},
      {"quarter", DateField::kQuarter},
      {"qtr", DateField::kQuarter},
      {"year", DateField::kYear},
      {"years", DateField::kYear},
      {"yr", DateField::kYear},
      {"yrs", DateField::kYear},
      {"y", DateField::kYear},
      {"decade", DateField::kDecade},
      {"decades", DateField::kDecade},
      {"dec", DateField::kDecade},
      {"century", DateField::kCentury},
      {"centuries", DateField::kCentury},
      {"cent", DateField::kCentury},
      {"c", DateField::kCentury},
      {"millennium", DateField::kMillennium},
      {"millennia", DateField::kMillennium},
      {"mil", DateField::kMillennium},
      {"dow", DateField::kDow},
      {"isodow", DateField::kIsoDow},
      {"doy", DateField::kDoy},
      {"isoyear", DateField::kIsoYear},
      {"epoch", DateField::kEpoch},
      {"julian", DateField::kJulian},
      {"j", DateField::kJulian},
      {"timezone", DateField::kTimezone},
      {"timezone_hour", DateField::kTimezoneHour},
      {"timezone_minute", DateField::kTimezoneMinute},
  };
  std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  for (const Entry& e : kFields) {
    if (e.name == lower) return e.field;
  }
  return SqlError(sqlstate::kInvalidParameterValue,
                  fmt::format("unit \"{}\" not recognized for type {}", name, type_name));
}

Result<int64_t> TruncTimestamp(DateField field, int64_t ts, bool tz) {
  if (!IsFiniteTimestamp(ts)) return ts;
  CivilTime t = CivilFromMicros(ts);
  int64_t days = DaysFromCivil(t.date.year, t.date.month, t.date.day);
  int64_t time = ts - days * kMicrosPerDay;
  switch (field) {
    case DateField::kMicroseconds:
      return ts;
    case DateField::kMilliseconds:
      return days * kMicrosPerDay + time - time % 1000;
    case DateField::kSecond:
      return days * kMicrosPerDay + time - time % kMicrosPerSecond;
    case DateField::kMinute:
      return days * kMicrosPerDay + time - time % kMicrosPerMinute;
    case DateField::kHour:
      return days * kMicrosPerDay + time - time % kMicrosPerHour;
    case DateField::kDay:
      return days * kMicrosPerDay;
    case DateField::kWeek:
      return (days - (IsoDow(days) - 1)) * kMicrosPerDay;
    case DateField::kMonth:
      return DaysFromCivil(t.date.year, t.date.month, 1) * kMicrosPerDay;
    case DateField::kQuarter:
      return DaysFromCivil(t.date.year, (t.date.month - 1) / 3 * 3 + 1, 1) * kMicrosPerDay;
    case DateField::kYear:
    case DateField::kDecade:
    case DateField::kCentury:
    case DateField::kMillennium:
      return DaysFromCivil(TruncYear(field, t.date.year), 1, 1) * kMicrosPerDay;
    default:
      return Unsupported(field, FieldName(field), TimestampTypeName(tz));
  }
}

Result<Interval> TruncInterval(DateField field, const Interval& iv) {
  int64_t year = iv.months / 12, mon = iv.months % 12, day = iv.days;
  int64_t hour = iv.micros / kMicrosPerHour, min = iv.micros / kMicrosPerMinute % 60,
          sec = iv.micros / kMicrosPerSecond % 60, usec = iv.micros % kMicrosPerSecond;
  switch (field) {
    case DateField::kMillennium:
      year = year / 1000 * 1000;
      [[fallthrough]];
    case DateField::kCentury:
      year = year / 100 * 100;
      [[fallthrough]];
    case DateField::kDecade:
      year = year / 10 * 10;
      [[fallthrough]];
    case DateField::kYear:
      mon = 0;
      [[fallthrough]];
    case DateField::kQuarter:
      mon = 3 * (mon / 3);
      [[fallthrough]];
    case DateField::kMonth:
      day = 0;
      [[fallthrough]];
    case DateField::kDay:
      hour = 0;
      [[fallthrough]];
    case DateField::kHour:
      min = 0;
      [[fallthrough]];
    case DateField::kMinute:
      sec = 0;
      [[fallthrough]];
    case DateField::kSecond:
      usec = 0;
      break;
    case DateField::kMilliseconds:
      usec = usec / 1000 * 1000;
      break;
    case DateField::kMicroseconds:
      break;
    default:
      return Unsupported(field, FieldName(field), "interval");
  }
  return Interval{static_cast<int32_t>(year * 12 + mon), static_cast<int32_t>(day),
                  ((hour * 60 + min) * 60 + sec) * kMicrosPerSecond + usec};
}

Result<Decimal> ExtractTimestamp(DateField field, int64_t ts, bool tz) {
  if (!IsFiniteTimestamp(ts)) {
    return SqlError(sqlstate::kFeatureNotSupported,
                    "extract from an infinite timestamp is not supported");
  }
  CivilTime t = CivilFromMicros(ts);
  int64_t days = DaysFromCivil(t.date.year, t.date.month, t.date.day);
  int64_t time = ts - days * kMicrosPerDay;
  int64_t sec_micros = t.second * kMicrosPerSecond + t.micros;
  switch (field) {
    case DateField::kMicroseconds:
      return Int(sec_micros);
    case DateField::kMilliseconds:
      return Scaled(sec_micros, 3);
    case DateField::kSecond:
      return Scaled(sec_micros, 6);
    case DateField::kMinute:
      return Int(t.minute);
    case DateField::kHour:
      return Int(t.hour);
    case DateField::kEpoch:
      return Scaled(ts + kUnixEpochOffsetMicros, 6);
    case DateField::kJulian:
      return DecimalAdd(Int(days + kDay0Julian), DecimalDiv(Int(time), Int(kMicrosPerDay)).value());
    case DateField::kTimezone:
    case DateField::kTimezoneHour:
    case DateField::kTimezoneMinute:
      if (tz) return Int(0);  // the session time zone is UTC
      return Unsupported(field, FieldName(field), TimestampTypeName(tz));
    default:
      break;
  }
  std::optional<Decimal> d = DayField(field, days);
  if (!d) return Unsupported(field, FieldName(field), TimestampTypeName(tz));
  return *d;
}

Result<Decimal> ExtractDate(DateField field, int32_t days) {
  if (!IsFiniteDate(days)) {
    return SqlError(sqlstate::kFeatureNotSupported,
                    "extract from an infinite date is not supported");
  }
  if (field == DateField::kEpoch) {
    return Int((static_cast<int64_t>(days) + kUnixEpochOffsetDays) * 86400);
  }
  if (field == DateField::kJulian) return Int(days + kDay0Julian);
  std::optional<Decimal> d = DayField(field, days);
  if (!d) return Unsupported(field, FieldName(field), "date");
  return *d;
}

Result<Decimal> ExtractInterval(DateField field, const Interval& iv) {
  int64_t year = iv.months / 12, mon = iv.months % 12;
  int64_t sec_micros = iv.micros % kMicrosPerMinute;
  switch (field) {
    case DateField::kMicroseconds:
      return Int(sec_micros);
    case DateField::kMilliseconds:
      return Scaled(sec_micros, 3);
    case DateField::kSecond:
      return Scaled(sec_micros, 6);
    case DateField::kMinute:
      return Int(iv.micros / kMicrosPerMinute % 60);
    case DateField::kHour:
      return Int(iv.micros / kMicrosPerHour);
    case DateField::kDay:
      return Int(iv.days);
    case DateField::kMonth:
      return Int(mon);
    case DateField::kQuarter:
      return Int(mon / 3 + 1);
    case DateField::kYear:
      return Int(year);
    case DateField::kDecade:
      return Int(year / 10);
    case DateField::kCentury:
      return Int(year / 100);
    case DateField::kMillennium:
      return Int(year / 1000);
    case DateField::kEpoch: {
      // 365.25 days a year and 30 days a month, as PostgreSQL (computed times 4 to stay
      // integral).
      int128 secs =
          (static_cast<int128>(4 * 365.25) * year + int128{4 * 30} * mon + int128{4} * iv.days) *
          (86400 / 4);
      return Decimal{secs * kMicrosPerSecond + iv.micros, 6};
    }
    default:
      return Unsupported(field, FieldName(field), "interval");
  }
}

}  // namespace oxbow::sql
