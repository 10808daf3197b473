// abs, round, trunc, floor, ceil, sign, mod (in arithmetic.cc), power, sqrt, exp, ln.
// numeric rounds half away from zero; double precision round() uses rint (half to even), as
// PostgreSQL does.
#include <cmath>

#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;
using internal::Unary;

constexpr TypeId kF8 = TypeId::kFloat64;
constexpr TypeId kNum = TypeId::kNumeric;

template <typename T>
void DefAbsInt(FunctionRegistry& reg, TypeId id) {
  Def(reg, "abs", {id}, Type(id),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<T>(args, rows, out, [](T a) -> Result<T> {
          if (a == std::numeric_limits<T>::min()) {
            if constexpr (sizeof(T) == 2) return SmallintOutOfRange();
            if constexpr (sizeof(T) == 4) return IntegerOutOfRange();
            return BigintOutOfRange();
          }
          return static_cast<T>(a < 0 ? -a : a);
        });
      });
}

void DefF8(FunctionRegistry& reg, std::string name, double (*fn)(double)) {
  Def(reg, name, {kF8}, Type::Float64(),
      [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<double>(args, rows, out, fn);
      });
}

void DefNum(FunctionRegistry& reg, std::string name, Result<Decimal> (*fn)(Decimal)) {
  Def(reg, name, {kNum}, Type::Numeric(),
      [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<Decimal>(args, rows, out, fn);
      });
}

Result<double> Power(double x, double y) {
  if (x == 0 && y < 0) {
    return SqlError(sqlstate::kInvalidArgumentForPower,
                    "zero raised to a negative power is undefined");
  }
  if (x < 0 && std::floor(y) != y) {
    return SqlError(sqlstate::kInvalidArgumentForPower,
                    "a negative number raised to a non-integer power yields a complex result");
  }
  double r = std::pow(x, y);
  if (std::isinf(r) && !std::isinf(x) && !std::isinf(y)) {
    return SqlError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
  return r;
}

// numeric ^ numeric: exact for small non-negative integer exponents (the common scaling
// cases), else through double precision; shown with at least 16 digits after the point, as
// PostgreSQL's results are.
Result<Decimal> NumericPower(Decimal x, Decimal y) {
  Decimal yn = y.Normalized();
  Decimal r = Decimal::FromInt(1);
  if (yn.scale == 0 && yn.value >= 0 && yn.value <= 128) {
    for (int i = 0; i < static_cast<int>(yn.value); ++i) {
      ASSIGN_OR_RETURN(r, DecimalMul(r, x));
    }
  } else {
    ASSIGN_OR_RETURN(double d, Power(x.ToDouble(), y.ToDouble()));
    ASSIGN_OR_RETURN(r, Decimal::FromDouble(d));
  }
  if (r.scale >= 16) return r;
  Result<Decimal> wide = DecimalRescale(r, 16);
  return wide.ok() ? *wide : r;
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& reg) {
  DefAbsInt<int16_t>(reg, TypeId::kInt16);
  DefAbsInt<int32_t>(reg, TypeId::kInt32);
  DefAbsInt<int64_t>(reg, TypeId::kInt64);
  Def(reg, "abs", {TypeId::kFloat32}, Type::Float32(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<float>(args, rows, out, [](float a) { return std::fabs(a); });
      });
  DefF8(reg, "abs", [](double a) { return std::fabs(a); });
  Def(reg, "abs", {kNum}, Type::Numeric(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<Decimal>(args, rows, out, DecimalAbs);
      });
  DefF8(reg, "round", [](double a) { return std::rint(a); });
  DefF8(reg, "trunc", [](double a) { return std::trunc(a); });
  DefF8(reg, "floor", [](double a) { return std::floor(a); });
  DefF8(reg, "ceil", [](double a) { return std::ceil(a); });
  DefF8(reg, "ceiling", [](double a) { return std::ceil(a); });
  DefF8(reg, "sign", [](double a) { return a > 0 ? 1.0 : (a < 0 ? -1.0 : 0.0); });
  DefNum(reg, "round", [](Decimal a) { return DecimalRound(a, 0); });
  DefNum(reg, "trunc", [](Decimal a) { return DecimalTrunc(a, 0); });
  DefNum(reg, "floor", DecimalFloor);
  DefNum(reg, "ceil", DecimalCeil);
  DefNum(reg, "ceiling", DecimalCeil);
  DefNum(reg, "sign", [](Decimal a) -> Result<Decimal> { return Decimal::FromInt(a.Sign()); });
  for (const char* name : {"round", "trunc"}) {
    bool round = std::string_view(name) == "round";
    Def(reg, name, {kNum, TypeId::kInt32}, Type::Numeric(),
        [round](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<Decimal, int32_t>(args, rows, out, [round](Decimal a, int32_t d) {
            return round ? DecimalRound(a, d) : DecimalTrunc(a, d);
          });
        });
  }
  for (const char* name : {"power", "pow", "^"}) {
    Def(reg, name, {kF8, kF8}, Type::Float64(),
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<double, double>(args, rows, out, Power);
        });
    Def(reg, name, {kNum, kNum}, Type::Numeric(),
        [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<Decimal, Decimal>(args, rows, out, NumericPower);
        });
  }
  Def(reg, "sqrt", {kF8}, Type::Float64(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<double>(args, rows, out, [](double a) -> Result<double> {
          if (a < 0)
            return SqlError(sqlstate::kInvalidArgumentForPower,
                            "cannot take square root of a negative number");
          return std::sqrt(a);
        });
      });
  Def(reg, "ln", {kF8}, Type::Float64(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<double>(args, rows, out, [](double a) -> Result<double> {
          if (a == 0)
            return SqlError(sqlstate::kInvalidArgumentForLogarithm,
                            "cannot take logarithm of zero");
          if (a < 0)
            return SqlError(sqlstate::kInvalidArgumentForLogarithm,
                            "cannot take logarithm of a negative number");
          return std::log(a);
        });
      });
  DefF8(reg, "exp", [](double a) { return std::exp(a); });
}

}  // namespace oxbow::sql
