#include "sql/types/decimal.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

Decimal D(std::string_view s) {
  Result<Decimal> d = Decimal::Parse(s);
  EXPECT_TRUE(d.ok()) << s << ": " << d.status();
  return d.value_or(Decimal{});
}

std::string Str(const Result<Decimal>& d) {
  if (!d.ok()) return "ERROR " + SqlStateOf(d.status());
  return d->ToString();
}

// Expected values are PostgreSQL 15's answers to the same expressions.
TEST(DecimalTest, ArithmeticMatchesPostgresql) {
  EXPECT_EQ(Str(DecimalAdd(D("1.10"), D("2.205"))), "3.305");
  EXPECT_EQ(Str(DecimalSub(D("1.10"), D("2.205"))), "-1.105");
  EXPECT_EQ(Str(DecimalMul(D("1.10"), D("2.205"))), "2.42550");
  EXPECT_EQ(Str(DecimalAdd(D("0.1"), D("0.2"))), "0.3");
  EXPECT_EQ(Str(DecimalMul(D("123456789012345678901234567890.12345678"), D("1"))),
            "123456789012345678901234567890.12345678");
}

TEST(DecimalTest, DivisionPicksPostgresqlsScale) {
  EXPECT_EQ(Str(DecimalDiv(D("1"), D("3"))), "0.33333333333333333333");
  EXPECT_EQ(Str(DecimalDiv(D("2"), D("3"))), "0.66666666666666666667");
  EXPECT_EQ(Str(DecimalDiv(D("10"), D("3"))), "3.3333333333333333");
  EXPECT_EQ(Str(DecimalDiv(D("100000"), D("3"))), "33333.333333333333");
  EXPECT_EQ(Str(DecimalDiv(D("1"), D("7000"))), "0.00014285714285714286");
  EXPECT_EQ(Str(DecimalDiv(D("12345.678"), D("0.003"))), "4115226.000000000000");
  EXPECT_EQ(Str(DecimalDiv(D("-7.5"), D("2"))), "-3.7500000000000000");
  EXPECT_EQ(Str(DecimalDiv(D("12345678901234567890"), D("1.5"))), "8230452600823045260.0");
  EXPECT_EQ(Str(DecimalDiv(D("0.000001"), D("3"))), "0.000000333333333333333333");
  EXPECT_EQ(Str(DecimalDiv(D("1"), D("0"))), "ERROR 22012");
  EXPECT_EQ(Str(DecimalDivScale(D("10"), D("4"), 2)), "2.50");
}

TEST(DecimalTest, ModuloTakesTheDividendsSign) {
  EXPECT_EQ(Str(DecimalMod(D("7.5"), D("2"))), "1.5");
  EXPECT_EQ(Str(DecimalMod(D("-7.5"), D("2"))), "-1.5");
  EXPECT_EQ(Str(DecimalMod(D("7"), D("-0.3"))), "0.1");
  EXPECT_EQ(Str(DecimalMod(D("7"), D("0"))), "ERROR 22012");
}

TEST(DecimalTest, RoundingIsHalfAwayFromZero) {
  EXPECT_EQ(Str(DecimalRound(D("2.5"), 0)), "3");
  EXPECT_EQ(Str(DecimalRound(D("-2.5"), 0)), "-3");
  EXPECT_EQ(Str(DecimalRound(D("2.345"), 2)), "2.35");
  EXPECT_EQ(Str(DecimalRound(D("-2.345"), 2)), "-2.35");
  EXPECT_EQ(Str(DecimalRound(D("1234.5"), -2)), "1200");
  EXPECT_EQ(Str(DecimalRound(D("1249.5"), -2)), "1200");
  EXPECT_EQ(Str(DecimalRound(D("1250"), -2)), "1300");
  EXPECT_EQ(Str(DecimalRound(D("2.5"), 3)), "2.500");
  EXPECT_EQ(Str(DecimalTrunc(D("2.789"), 1)), "2.7");
  EXPECT_EQ(Str(DecimalTrunc(D("-2.789"), 0)), "-2");
  EXPECT_EQ(Str(DecimalFloor(D("-2.5"))), "-3");
  EXPECT_EQ(Str(DecimalCeil(D("-2.5"))), "-2");
  EXPECT_EQ(Str(DecimalFloor(D("2.5"))), "2");
  EXPECT_EQ(Str(DecimalCeil(D("2.1"))), "3");
}

TEST(DecimalTest, ThirtyEightDigitsAndOverflow) {
  Decimal max = D("99999999999999999999999999999999999999");
  EXPECT_EQ(max.NumDigits(), 38);
  EXPECT_EQ(Str(DecimalAdd(max, D("1"))), "ERROR 22003");
  EXPECT_EQ(Str(DecimalSub(DecimalNeg(max), D("1"))), "ERROR 22003");
  EXPECT_EQ(Str(DecimalMul(max, D("10"))), "ERROR 22003");
  EXPECT_EQ(Str(DecimalAdd(max, D("-1"))), "99999999999999999999999999999999999998");
  EXPECT_EQ(Str(Decimal::Parse("123456789012345678901234567890123456789")), "ERROR 22003");
  EXPECT_EQ(Str(Decimal::Parse("1e38")), "ERROR 22003");
  // Fraction digits past 38 are rounded away.
  EXPECT_EQ(Str(Decimal::Parse("0.000000000000000000000000000000000000015")),
            "0.00000000000000000000000000000000000002");
  EXPECT_EQ(Str(Decimal::Parse("NaN")), "ERROR 0A000");
}

TEST(DecimalTest, MoneyAddsUp) {
  // A million cents sum to exactly 10000.00, where binary floating point drifts.
  Decimal total{0, 2};
  double ftotal = 0;
  for (int i = 0; i < 1000000; ++i) {
    total = DecimalAdd(total, D("0.01")).value();
    ftotal += 0.01;
  }
  EXPECT_EQ(total.ToString(), "10000.00");
  EXPECT_NE(ftotal, 10000.0);
  // Splitting 100.00 three ways and adding back the remainder gives 100.00.
  Decimal share = DecimalRound(DecimalDiv(D("100.00"), D("3")).value(), 2).value();
  Decimal back = DecimalAdd(DecimalMul(share, D("3")).value(), D("0.01")).value();
  EXPECT_EQ(DecimalCompare(back, D("100.00")), 0);
}

TEST(DecimalTest, CompareIgnoresScale) {
  EXPECT_EQ(DecimalCompare(D("1.000"), D("1")), 0);
  EXPECT_EQ(DecimalCompare(D("1.001"), D("1")), 1);
  EXPECT_EQ(DecimalCompare(D("-1.001"), D("-1")), -1);
  EXPECT_EQ(DecimalCompare(D("10000000000000000000000000000000000000"),
                           D("0.00000000000000000000000000000000000001")),
            1);
  EXPECT_EQ(D("1.500").Normalized().ToString(), "1.5");
  EXPECT_EQ(D("0.000").Normalized().ToString(), "0");
}

TEST(DecimalTest, Conversions) {
  EXPECT_EQ(Decimal::FromDouble(1e20).value().ToString(), "100000000000000000000");
  EXPECT_EQ(Decimal::FromDouble(0.1).value().ToString(), "0.1");
  EXPECT_EQ(Decimal::FromDouble(1.23456789012345678).value().ToString(), "1.23456789012346");
  EXPECT_EQ(D("2.5").ToInt64().value(), 3);
  EXPECT_EQ(D("-2.5").ToInt64().value(), -3);
  EXPECT_EQ(D("0.5").ToInt64().value(), 1);
  EXPECT_EQ(SqlStateOf(D("1e30").ToInt64().status()), "22003");
  EXPECT_EQ(D("0.1").ToDouble(), 0.1);
  EXPECT_EQ(D("12345678901234567890.123").ToDouble(), 12345678901234567890.123);
}

TEST(DecimalTest, TypmodCoercion) {
  EXPECT_EQ(Str(DecimalApplyTypmod(D("123.456"), 5, 2)), "123.46");
  EXPECT_EQ(Str(DecimalApplyTypmod(D("999.995"), 5, 2)), "ERROR 22003");
  EXPECT_EQ(Str(DecimalApplyTypmod(D("0.001"), 5, 2)), "0.00");
}

}  // namespace
}  // namespace oxbow::sql
