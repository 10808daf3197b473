#include "sql/types/decimal.h"

#include <strings.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

using uint128 = unsigned __int128;

constexpr int128 MakePow10(int n) {
  int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

struct Pow10Table {
  int128 v[39];
  constexpr Pow10Table() : v() {
    for (int i = 0; i <= 38; ++i) v[i] = MakePow10(i);
  }
};
constexpr Pow10Table kPow10;
constexpr int128 kLimit = MakePow10(38);  // exclusive bound on |value|

Status Overflow() {
  return SqlError(sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
}

uint128 Abs128(int128 v) { return v < 0 ? -static_cast<uint128>(v) : static_cast<uint128>(v); }

bool InRange(int128 v) { return v < kLimit && v > -kLimit; }

// Digits of |v| in decimal.
std::string DigitsOf(uint128 v) {
  if (v == 0) return "0";
  char buf[48];
  int pos = sizeof(buf);
  while (v != 0) {
    buf[--pos] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  return std::string(buf + pos, sizeof(buf) - pos);
}

// v * 10^n, or nullopt on overflow past 38 digits.
std::optional<int128> ScaleUp(int128 v, int n) {
  if (n == 0) return v;
  if (n > 38) return v == 0 ? std::optional<int128>(0) : std::nullopt;
  int128 out;
  if (__builtin_mul_overflow(v, kPow10.v[n], &out) || !InRange(out)) return std::nullopt;
  return out;
}

// v / 10^n rounded half away from zero.
int128 ScaleDownRound(int128 v, int n) {
  if (n == 0) return v;
  if (n > 38) return 0;  // |v| < 10^38 < 10^n / 2
  int128 p = kPow10.v[n];
  int128 q = v / p;
  int128 r = v % p;
  if (Abs128(r) * 2 >= static_cast<uint128>(p)) q += v < 0 ? -1 : 1;
  return q;
}

int128 ScaleDownTrunc(int128 v, int n) { return n > 38 ? 0 : v / kPow10.v[n]; }

// Decimal exponent of the leading digit of |a| (a != 0): floor(log10 |a|).
int LeadingExponent(const Decimal& a) { return a.NumDigits() - 1 - a.scale; }

int FloorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// PostgreSQL's weight and first digit in base 10000 (NUMERIC's digit base), used to pick the
// scale of a quotient exactly as select_div_scale does.
void Base10000Lead(const Decimal& a, int* weight, int* first) {
  if (a.value == 0) {
    *weight = 0;
    *first = 0;
    return;
  }
  int e10 = LeadingExponent(a);
  *weight = FloorDiv(e10, 4);
  int ndigits = e10 - 4 * *weight + 1;  // 1..4 decimal digits in the leading base-10000 digit
  std::string digits = DigitsOf(Abs128(a.value));
  digits.resize(std::max<size_t>(digits.size(), ndigits), '0');
  *first = std::stoi(digits.substr(0, ndigits));
}

int SelectDivScale(const Decimal& a, const Decimal& b) {
  constexpr int kMinSigDigits = 16;
  int w1, f1, w2, f2;
  Base10000Lead(a, &w1, &f1);
  Base10000Lead(b, &w2, &f2);
  int qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  int rscale = kMinSigDigits - qweight * 4;
  rscale = std::max({rscale, a.scale, b.scale, 0});
  return rscale;
}

// |a| / |b| to `rscale` digits after the point, rounded half away from zero, signed.
Result<Decimal> DivideToScale(const Decimal& a, const Decimal& b, int rscale) {
  if (b.value == 0) return DivisionByZero();
  int k = b.scale - a.scale + rscale;
  uint128 ua = Abs128(a.value);
  uint128 ub = Abs128(b.value);
  if (k < 0) {
    std::optional<int128> scaled = ScaleUp(b.value, -k);
    if (!scaled.has_value()) return Decimal{0, rscale};
    ub = Abs128(*scaled);
    k = 0;
  }
  uint128 q = ua / ub;
  uint128 r = ua % ub;
  const uint128 limit = static_cast<uint128>(kLimit);
  for (int i = 0; i < k; ++i) {
    unsigned digit = 0;
    uint128 rr = 0;
    if (ub < (static_cast<uint128>(1) << 123)) {
      rr = r * 10;
      digit = static_cast<unsigned>(rr / ub);
      rr %= ub;
    } else {
      // r * 10 could overflow 128 bits: add r ten times, reducing modulo ub as we go
      // (r, rr < ub < 2^127, so rr + r never overflows).
      for (int j = 0; j < 10; ++j) {
        rr += r;
        if (rr >= ub) {
          rr -= ub;
          ++digit;
        }
      }
    }
    r = rr;
    if (q > (limit - 1 - digit) / 10) return Overflow();
    q = q * 10 + digit;
  }
  if (r * 2 >= ub) ++q;
  if (q >= limit) return Overflow();
  int128 v = static_cast<int128>(q);
  if ((a.value < 0) != (b.value < 0)) v = -v;
  return Decimal{v, rscale};
}

Status AlignScales(Decimal& a, Decimal& b) {
  int s = std::max(a.scale, b.scale);
  std::optional<int128> av = ScaleUp(a.value, s - a.scale);
  std::optional<int128> bv = ScaleUp(b.value, s - b.scale);
  if (!av || !bv) return Overflow();
  a = Decimal{*av, s};
  b = Decimal{*bv, s};
  return Status();
}

Status InvalidSyntax(std::string_view text) {
  return SqlError(sqlstate::kInvalidTextRepresentation,
                  fmt::format("invalid input syntax for type numeric: \"{}\"", text));
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

int128 Pow10(int n) { return kPow10.v[n]; }

int Decimal::NumDigits() const {
  uint128 v = Abs128(value);
  int n = 1;
  while (n < 39 && v >= static_cast<uint128>(kPow10.v[n])) ++n;
  return n;
}

Decimal Decimal::Normalized() const {
  Decimal d = *this;
  while (d.scale > 0 && d.value % 10 == 0) {
    d.value /= 10;
    d.scale--;
  }
  if (d.value == 0) d.scale = 0;
  return d;
}

Result<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0, n = text.size();
  while (i < n && IsSpace(text[i])) ++i;
  while (n > i && IsSpace(text[n - 1])) --n;
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int frac_digits = 0;
  bool seen_digit = false, seen_point = false;
  for (; i < n; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (seen_point) ++frac_digits;
      if (!digits.empty() || c != '0') digits.push_back(c);
      // Zeros before the first significant digit still count as fractional digits.
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) {
    std::string_view word = text.substr(i, n - i);
    if (word.size() >= 3 &&
        (strncasecmp(word.data(), "nan", 3) == 0 || strncasecmp(word.data(), "inf", 3) == 0)) {
      return SqlError(sqlstate::kFeatureNotSupported, "numeric NaN and Infinity are not supported");
    }
    return InvalidSyntax(text);
  }
  long exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == n) return InvalidSyntax(text);
    for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 1000) return Overflow();
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return InvalidSyntax(text);
  long scale = frac_digits - exponent;
  if (scale < 0) {
    if (digits.size() + static_cast<size_t>(-scale) > static_cast<size_t>(kMaxDigits) &&
        !digits.empty()) {
      return Overflow();
    }
    if (!digits.empty()) digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  bool round_up = false;
  if (scale > kMaxScale) {
    long keep = static_cast<long>(digits.size()) - (scale - kMaxScale);
    round_up = keep >= 0 && keep < static_cast<long>(digits.size()) && digits[keep] >= '5';
    digits.resize(static_cast<size_t>(std::max(keep, 0L)));
    scale = kMaxScale;
  }
  if (digits.size() > static_cast<size_t>(kMaxDigits)) return Overflow();
  int128 v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (round_up) ++v;
  if (!InRange(v)) return Overflow();
  return Decimal{negative ? -v : v, static_cast<int32_t>(scale)};
}

void Decimal::AppendTo(std::string& out) const {
  std::string digits = DigitsOf(Abs128(value));
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, scale + 1 - digits.size(), '0');
  }
  if (value < 0) out.push_back('-');
  size_t int_len = digits.size() - scale;
  out.append(digits, 0, int_len);
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
}

std::string Decimal::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

Result<Decimal> Decimal::FromDouble(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return SqlError(sqlstate::kFeatureNotSupported, "numeric NaN and Infinity are not supported");
  }
  return Parse(fmt::format("{:.15g}", v));
}

double Decimal::ToDouble() const {
  constexpr int128 kExact = static_cast<int128>(1) << 53;
  if (value < kExact && value > -kExact && scale <= 22) {
    // Both operands are exact doubles, so one IEEE division rounds correctly.
    static constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(static_cast<int64_t>(value)) / kExactPow10[scale];
  }
  return std::strtod(ToString().c_str(), nullptr);
}

Result<int64_t> Decimal::ToInt64() const {
  int128 v = ScaleDownRound(value, scale);
  if (v > INT64_MAX || v < INT64_MIN) return BigintOutOfRange();
  return static_cast<int64_t>(v);
}

Result<Decimal> DecimalAdd(Decimal a, Decimal b) {
  RETURN_IF_ERROR(AlignScales(a, b));
  int128 out;
  if (__builtin_add_overflow(a.value, b.value, &out) || !InRange(out)) return Overflow();
  return Decimal{out, a.scale};
}

Result<Decimal> DecimalSub(Decimal a, Decimal b) {
  RETURN_IF_ERROR(AlignScales(a, b));
  int128 out;
  if (__builtin_sub_overflow(a.value, b.value, &out) || !InRange(out)) return Overflow();
  return Decimal{out, a.scale};
}

Result<Decimal> DecimalMul(Decimal a, Decimal b) {
  int scale = a.scale + b.scale;
  int128 out;
  if (__builtin_mul_overflow(a.value, b.value, &out)) return Overflow();
  if (scale > Decimal::kMaxScale) {
    out = ScaleDownRound(out, scale - Decimal::kMaxScale);
    scale = Decimal::kMaxScale;
  }
  if (!InRange(out)) return Overflow();
  return Decimal{out, scale};
}

Result<Decimal> DecimalDiv(Decimal a, Decimal b) {
  if (b.value == 0) return DivisionByZero();
  int rscale = SelectDivScale(a, b);
  if (a.value != 0) {
    // Keep the quotient within 38 digits: its integer part has about this many digits.
    int int_digits = std::max(0, LeadingExponent(a) - LeadingExponent(b) + 1);
    rscale = std::min(rscale, std::max(Decimal::kMaxDigits - int_digits, 0));
  }
  rscale = std::min(rscale, Decimal::kMaxScale);
  return DivideToScale(a, b, rscale);
}

Result<Decimal> DecimalDivScale(Decimal a, Decimal b, int scale) {
  return DivideToScale(a, b, scale);
}

Result<Decimal> DecimalMod(Decimal a, Decimal b) {
  if (b.value == 0) return DivisionByZero();
  RETURN_IF_ERROR(AlignScales(a, b));
  return Decimal{a.value % b.value, a.scale};
}

Decimal DecimalNeg(Decimal a) { return Decimal{-a.value, a.scale}; }
Decimal DecimalAbs(Decimal a) { return Decimal{a.value < 0 ? -a.value : a.value, a.scale}; }

int DecimalCompare(Decimal a, Decimal b) {
  if (a.scale != b.scale) {
    bool a_smaller_scale = a.scale < b.scale;
    Decimal& low = a_smaller_scale ? a : b;
    int diff = std::abs(a.scale - b.scale);
    std::optional<int128> up = ScaleUp(low.value, diff);
    // Overflow means the scaled value exceeds any 38-digit value: its sign decides.
    if (!up.has_value()) return a_smaller_scale ? a.Sign() : -b.Sign();
    low.value = *up;
  }
  return a.value < b.value ? -1 : (a.value > b.value ? 1 : 0);
}

Result<Decimal> DecimalRescale(Decimal a, int scale) {
  if (scale > Decimal::kMaxScale) return Overflow();
  if (scale >= a.scale) {
    std::optional<int128> v = ScaleUp(a.value, scale - a.scale);
    if (!v) return Overflow();
    return Decimal{*v, scale};
  }
  return Decimal{ScaleDownRound(a.value, a.scale - scale), scale};
}

Result<Decimal> DecimalRound(Decimal a, int digits) {
  if (digits >= 0) return DecimalRescale(a, digits);
  int128 q = ScaleDownRound(a.value, a.scale - digits);
  std::optional<int128> v = ScaleUp(q, -digits);
  if (!v) return Overflow();
  return Decimal{*v, 0};
}

Result<Decimal> DecimalTrunc(Decimal a, int digits) {
  if (digits >= a.scale) return DecimalRescale(a, digits);
  int128 q = ScaleDownTrunc(a.value, a.scale - digits);
  if (digits >= 0) return Decimal{q, digits};
  std::optional<int128> v = ScaleUp(q, -digits);
  if (!v) return Overflow();
  return Decimal{*v, 0};
}

Result<Decimal> DecimalFloor(Decimal a) {
  if (a.scale == 0) return a;
  int128 p = kPow10.v[std::min(a.scale, 38)];
  int128 q = a.value / p;
  if (a.value % p < 0) --q;
  return Decimal{q, 0};
}

Result<Decimal> DecimalCeil(Decimal a) {
  if (a.scale == 0) return a;
  int128 p = kPow10.v[std::min(a.scale, 38)];
  int128 q = a.value / p;
  if (a.value % p > 0) ++q;
  return Decimal{q, 0};
}

Result<Decimal> DecimalApplyTypmod(Decimal a, int precision, int scale) {
  ASSIGN_OR_RETURN(Decimal r, DecimalRescale(a, scale));
  int int_digits = precision - scale;
  if (r.value != 0 && r.NumDigits() - scale > int_digits) {
    Status s = SqlError(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
    if (int_digits == 0) {
      return WithDetail(std::move(s), fmt::format("A field with precision {}, scale {} must "
                                                  "round to an absolute value less than 1.",
                                                  precision, scale));
    }
    return WithDetail(std::move(s),
                      fmt::format("A field with precision {}, scale {} must round to an "
                                  "absolute value less than 10^{}.",
                                  precision, scale, int_digits));
  }
  return r;
}

}  // namespace oxbow::sql
