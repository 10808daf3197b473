// numeric: an exact decimal of up to 38 significant digits — a 128-bit unscaled integer and a
// per-value scale (digits after the point), as PostgreSQL's numeric keeps a display scale per
// value. Arithmetic follows PostgreSQL: + and - keep the larger scale, * adds the scales, /
// picks PostgreSQL's result scale (at least 16 significant digits), rounding is half away from
// zero, and typmod coercion (numeric(p,s)) rounds then checks the precision.
//
// Limits (documented in docs/sql.md): a value has at most 38 digits in total (|unscaled| <
// 10^38) and a scale of at most 38; larger results are 22003 "value overflows numeric
// format". NaN and ±Infinity are not represented.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::sql {

using int128 = __int128;

struct Decimal {
  static constexpr int kMaxDigits = 38;
  static constexpr int kMaxScale = 38;

  int128 value = 0;  // the number times 10^scale
  int32_t scale = 0;

  static Decimal FromInt(int64_t v) { return Decimal{v, 0}; }

  // Text in: optional whitespace and sign, digits with an optional point, an optional
  // exponent ("1.5e3"). Digits beyond 38 after the point are rounded away. Errors: 22P02
  // `invalid input syntax for type numeric: "x"`, 22003 "value overflows numeric format".
  static Result<Decimal> Parse(std::string_view text);
  // Text out exactly as PostgreSQL: "-12.340" keeps `scale` digits after the point.
  std::string ToString() const;
  void AppendTo(std::string& out) const;

  // From a double as PostgreSQL's float8 → numeric cast does (the value printed with 15
  // significant digits, then read back). NaN/Infinity: 22003 / 0A000.
  static Result<Decimal> FromDouble(double v);
  double ToDouble() const;
  // Rounds half away from zero to an integer; 22003 `<type> out of range` is the caller's.
  Result<int64_t> ToInt64() const;

  int Sign() const { return value > 0 ? 1 : (value < 0 ? -1 : 0); }
  // Significant digits of the unscaled value (0 has 1).
  int NumDigits() const;
  // Same number without trailing fractional zeros (1.500 → 1.5); used for hashing and
  // grouping, where 1.5 and 1.50 are equal.
  Decimal Normalized() const;

  // Same digits and scale (1.5 != 1.50 here); DecimalCompare compares values.
  bool operator==(const Decimal&) const = default;
};

// 10^n for 0 <= n <= 38.
int128 Pow10(int n);

// Exact results or 22003 "value overflows numeric format".
Result<Decimal> DecimalAdd(Decimal a, Decimal b);
Result<Decimal> DecimalSub(Decimal a, Decimal b);
Result<Decimal> DecimalMul(Decimal a, Decimal b);
// Division with PostgreSQL's result scale (select_div_scale), rounded half away from zero,
// capped so the result has at most 38 digits. 22012 "division by zero".
Result<Decimal> DecimalDiv(Decimal a, Decimal b);
// Division rounded to exactly `scale` digits after the point (used by avg and round-trips).
Result<Decimal> DecimalDivScale(Decimal a, Decimal b, int scale);
// Remainder with the sign of the dividend, scale max(a.scale, b.scale). 22012 on b = 0.
Result<Decimal> DecimalMod(Decimal a, Decimal b);
Decimal DecimalNeg(Decimal a);
Decimal DecimalAbs(Decimal a);
// -1, 0, 1, comparing values (1.5 == 1.50).
int DecimalCompare(Decimal a, Decimal b);

// Changes the scale, rounding half away from zero when it shrinks; 22003 on overflow.
Result<Decimal> DecimalRescale(Decimal a, int scale);
// round(x, d): rounds at d digits after the point (d may be negative: round(1234.5, -2) =
// 1200); the result's scale is max(d, 0), as PostgreSQL's.
Result<Decimal> DecimalRound(Decimal a, int digits);
// trunc(x, d): as round, toward zero.
Result<Decimal> DecimalTrunc(Decimal a, int digits);
Result<Decimal> DecimalFloor(Decimal a);  // scale 0
Result<Decimal> DecimalCeil(Decimal a);   // scale 0

// Coerces to numeric(precision, scale): rounds to `scale` then checks that the integer part
// fits; 22003 "numeric field overflow" with PostgreSQL's detail otherwise.
Result<Decimal> DecimalApplyTypmod(Decimal a, int precision, int scale);

}  // namespace oxbow::sql
