#include "sql/types/datetime.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

int64_t Ts(std::string_view s) { return ParseTimestamp(s, false).value(); }
int64_t Tz(std::string_view s) { return ParseTimestamp(s, true).value(); }
int32_t Dt(std::string_view s) { return ParseDate(s).value(); }
Interval Iv(std::string_view s) { return ParseInterval(s).value(); }
std::string S(int64_t ts) { return FormatTimestamp(ts, false); }
std::string S(const Interval& iv) { return FormatInterval(iv); }
DateField F(std::string_view name) { return ParseDateField(name, "timestamp").value(); }
std::string X(const Result<Decimal>& d) {
  return d.ok() ? d->ToString() : "ERROR " + SqlStateOf(d.status());
}

TEST(CalendarTest, DaysRoundTripAcrossEras) {
  for (int64_t day = DaysFromCivil(-4713, 11, 24); day < DaysFromCivil(3000, 1, 1); day += 997) {
    CivilDate c = CivilFromDays(day);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), day);
  }
  EXPECT_EQ(DaysFromCivil(2000, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), -10957);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 60);
  EXPECT_EQ(DayOfWeek(Dt("2024-01-07")), 0);  // a Sunday
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
}

// Expected values below are PostgreSQL 15's answers to the same expressions.
TEST(DateTimeArithmeticTest, TimestampPlusMinusInterval) {
  EXPECT_EQ(S(TimestampPlusInterval(Ts("2024-01-31 10:00"), Iv("1 month")).value()),
            "2024-02-29 10:00:00");
  EXPECT_EQ(S(TimestampMinusInterval(Ts("2024-03-31 10:00"), Iv("1 month 1 day 01:00")).value()),
            "2024-02-28 09:00:00");
  EXPECT_EQ(TimestampPlusInterval(kTimestampInfinity, Iv("1 day")).value(), kTimestampInfinity);
  EXPECT_EQ(SqlStateOf(TimestampPlusInterval(Ts("294276-12-31"), Iv("2 days")).status()), "22008");
}

TEST(DateTimeArithmeticTest, TimestampDifference) {
  EXPECT_EQ(S(TimestampDiff(Ts("2024-01-03 05:00"), Ts("2024-01-01 00:00")).value()),
            "2 days 05:00:00");
  EXPECT_EQ(S(TimestampDiff(Ts("2024-01-01 00:00"), Ts("2024-01-03 05:00:00.5")).value()),
            "-2 days -05:00:00.5");
}

TEST(DateTimeArithmeticTest, IntervalArithmetic) {
  EXPECT_EQ(S(IntervalMultiply(Iv("1 month"), 1.5).value()), "1 mon 15 days");
  EXPECT_EQ(S(IntervalDivide(Iv("1 day"), 3).value()), "08:00:00");
  EXPECT_EQ(S(IntervalMultiply(Iv("1 mon 2 days"), 0.3).value()), "9 days 14:24:00");
  EXPECT_EQ(S(IntervalMultiply(Iv("10 hours"), 2.5).value()), "25:00:00");
  EXPECT_EQ(S(IntervalAdd(Iv("1 day"), Iv("-25 hours")).value()), "1 day -25:00:00");
  EXPECT_EQ(S(IntervalNegate(Iv("1 year 2 days -03:00")).value()), "-1 years -2 days +03:00:00");
  EXPECT_EQ(SqlStateOf(IntervalDivide(Iv("1 day"), 0).status()), "22012");
  EXPECT_EQ(SqlStateOf(IntervalAdd(Iv("2000000000 days"), Iv("2000000000 days")).status()),
            "22015");
  EXPECT_EQ(IntervalCompare(Iv("1 month"), Iv("30 days")), 0);
  EXPECT_EQ(IntervalCompare(Iv("1 day"), Iv("23 hours")), 1);
}

TEST(DateTimeFieldsTest, Extract) {
  int64_t ts = Ts("2024-01-02 03:04:05.123456");
  EXPECT_EQ(X(ExtractTimestamp(F("second"), Ts("2001-02-16 20:38:40"), false)), "40.000000");
  EXPECT_EQ(X(ExtractTimestamp(F("millisecond"), ts, false)), "5123.456");
  EXPECT_EQ(X(ExtractTimestamp(F("microseconds"), ts, false)), "5123456");
  EXPECT_EQ(X(ExtractTimestamp(F("epoch"), Tz("2024-01-02 03:04:05.123456+00"), true)),
            "1704164645.123456");
  EXPECT_EQ(X(ExtractTimestamp(F("dow"), Ts("2024-01-07 12:00"), false)), "0");
  EXPECT_EQ(X(ExtractTimestamp(F("isodow"), Ts("2024-01-07 12:00"), false)), "7");
  EXPECT_EQ(X(ExtractTimestamp(F("doy"), Ts("2024-12-31 12:00"), false)), "366");
  EXPECT_EQ(X(ExtractTimestamp(F("week"), Ts("2021-01-03"), false)), "53");
  EXPECT_EQ(X(ExtractTimestamp(F("isoyear"), Ts("2021-01-03"), false)), "2020");
  EXPECT_EQ(X(ExtractTimestamp(F("week"), Ts("2024-12-30"), false)), "1");
  EXPECT_EQ(X(ExtractTimestamp(F("isoyear"), Ts("2024-12-30"), false)), "2025");
  EXPECT_EQ(X(ExtractTimestamp(F("quarter"), Ts("2024-08-01"), false)), "3");
  EXPECT_EQ(X(ExtractTimestamp(F("julian"), Ts("2001-02-16 12:00"), false)),
            "2451957.50000000000000000000");
  EXPECT_EQ(X(ExtractTimestamp(F("century"), Ts("2000-12-31"), false)), "20");
  EXPECT_EQ(X(ExtractTimestamp(F("century"), Ts("2001-01-01"), false)), "21");
  EXPECT_EQ(X(ExtractTimestamp(F("millennium"), Ts("2001-01-01"), false)), "3");
  EXPECT_EQ(X(ExtractTimestamp(F("decade"), Ts("2024-06-01"), false)), "202");
  EXPECT_EQ(X(ExtractTimestamp(F("year"), Ts("0010-01-01 BC"), false)), "-10");
  EXPECT_EQ(X(ExtractTimestamp(F("timezone"), Tz("2024-01-02"), true)), "0");
  EXPECT_EQ(X(ExtractTimestamp(F("timezone"), Ts("2024-01-02"), false)), "ERROR 0A000");
  EXPECT_EQ(X(ExtractDate(F("epoch"), Dt("2024-01-02"))), "1704153600");
  EXPECT_EQ(X(ExtractDate(F("julian"), Dt("2024-01-02"))), "2460312");
  Result<Decimal> hour = ExtractDate(F("hour"), Dt("2020-01-01"));
  EXPECT_EQ(SqlErrorOf(hour.status()).message, "unit \"hour\" not supported for type date");
  EXPECT_EQ(X(ExtractInterval(F("epoch"), Iv("1 year 1 month 1 day 01:00:00.5"))),
            "34239600.500000");
  EXPECT_EQ(X(ExtractInterval(F("hour"), Iv("100 hours"))), "100");
  EXPECT_EQ(X(ExtractInterval(F("month"), Iv("14 months"))), "2");
  EXPECT_EQ(X(ExtractInterval(F("quarter"), Iv("14 months"))), "1");
  EXPECT_EQ(X(ExtractInterval(F("second"), Iv("1 minute 5.5 seconds"))), "5.500000");
}

TEST(DateTimeFieldsTest, Trunc) {
  auto trunc = [](std::string_view field, std::string_view ts) {
    return S(TruncTimestamp(F(field), Ts(ts), false).value());
  };
  EXPECT_EQ(trunc("week", "2024-01-07 05:06"), "2024-01-01 00:00:00");
  EXPECT_EQ(trunc("month", "2024-01-07 05:06"), "2024-01-01 00:00:00");
  EXPECT_EQ(trunc("quarter", "2024-12-07 05:06"), "2024-10-01 00:00:00");
  EXPECT_EQ(trunc("millennium", "2024-12-07 05:06"), "2001-01-01 00:00:00");
  EXPECT_EQ(trunc("century", "2024-01-03"), "2001-01-01 00:00:00");
  EXPECT_EQ(trunc("decade", "2024-01-03"), "2020-01-01 00:00:00");
  EXPECT_EQ(trunc("millisecond", "2024-12-07 05:06:07.123456"), "2024-12-07 05:06:07.123");
  EXPECT_EQ(trunc("minute", "1969-12-31 23:59:59.5"), "1969-12-31 23:59:00");
  EXPECT_EQ(trunc("HOUR", "2024-12-07 05:06:07"), "2024-12-07 05:00:00");
  EXPECT_EQ(S(TruncInterval(F("year"), Iv("1 year 5 mons 3 days")).value()), "1 year");
  EXPECT_EQ(S(TruncInterval(F("quarter"), Iv("1 year 5 mons 3 days")).value()), "1 year 3 mons");
  EXPECT_EQ(S(TruncInterval(F("minute"), Iv("-1 day -05:06:07.5")).value()), "-1 days -05:06:00");
  Result<DateField> bad = ParseDateField("fortnight", "timestamp without time zone");
  EXPECT_EQ(SqlErrorOf(bad.status()).message,
            "unit \"fortnight\" not recognized for type timestamp without time zone");
  EXPECT_EQ(SqlStateOf(TruncTimestamp(DateField::kDow, 0, false).status()), "0A000");
}

TEST(DateTimeFieldsTest, ToTimestamp) {
  EXPECT_EQ(FormatTimestamp(TimestampFromEpochSeconds(1704164645.123456).value(), true),
            "2024-01-02 03:04:05.123456+00");
  EXPECT_EQ(FormatTimestamp(TimestampFromEpochSeconds(-1.5).value(), true),
            "1969-12-31 23:59:58.5+00");
  EXPECT_EQ(SqlStateOf(TimestampFromEpochSeconds(1e300).status()), "22008");
}

}  // namespace
}  // namespace oxbow::sql

namespace oxbow::sql {
namespace {

// Machine-written ISO text takes a fast path; it must answer as the general parser (and
// PostgreSQL) does, and leave every other shape to it.
TEST(DateTimeParseTest, IsoTextAndItsVariants) {
  EXPECT_EQ(S(Ts("2024-02-29 23:59:58.5")), "2024-02-29 23:59:58.5");
  EXPECT_EQ(Ts("2024-02-29T23:59:58.5"), Ts("2024-02-29 23:59:58.5"));
  EXPECT_EQ(Ts("2024-02-29t23:59:58.5"), Ts("2024-02-29 23:59:58.5"));
  EXPECT_EQ(Ts("  2024-02-29 23:59:58.500000 "), Ts("2024-02-29 23:59:58.5"));
  EXPECT_EQ(S(Ts("2024-01-02 03:04:05.123456")), "2024-01-02 03:04:05.123456");
  EXPECT_EQ(S(Ts("2024-01-02 03:04:05.1234567")), "2024-01-02 03:04:05.123457");  // rounds
  EXPECT_EQ(S(Ts("2024-01-02")), "2024-01-02 00:00:00");
  EXPECT_EQ(S(Ts("2024-01-02 24:00:00")), "2024-01-03 00:00:00");
  // Zones: ignored by timestamp, applied by timestamptz.
  EXPECT_EQ(Ts("2024-01-02 03:04:05+05:30"), Ts("2024-01-02 03:04:05"));
  EXPECT_EQ(Tz("2024-01-02 03:04:05+05:30"), Tz("2024-01-01 21:34:05Z"));
  EXPECT_EQ(Tz("2024-01-02 03:04:05+0530"), Tz("2024-01-01 21:34:05+00"));
  EXPECT_EQ(Tz("2024-01-02 03:04:05-02"), Tz("2024-01-02 05:04:05 UTC"));
  EXPECT_EQ(Tz("2024-01-02T03:04:05z"), Tz("2024-01-02 03:04:05+00:00"));
  // Errors keep PostgreSQL's SQLSTATEs.
  EXPECT_EQ(SqlStateOf(ParseTimestamp("2024-02-30 00:00:00", false).status()), "22008");
  EXPECT_EQ(SqlStateOf(ParseTimestamp("2024-01-02 25:00:00", false).status()), "22008");
  EXPECT_EQ(SqlStateOf(ParseTimestamp("0000-01-02 00:00:00", false).status()), "22008");
  EXPECT_EQ(SqlStateOf(ParseTimestamp("2024-01-02 03:04:05+16", true).status()), "22008");
  EXPECT_EQ(SqlStateOf(ParseTimestamp("2024-01-02 03:04:05x", false).status()), "22007");
  EXPECT_EQ(S(Ts("2024-01-02 03:04")), "2024-01-02 03:04:00");
  EXPECT_EQ(S(Ts("0044-03-15 BC")), "0044-03-15 00:00:00 BC");
}

}  // namespace
}  // namespace oxbow::sql
