// + - * / % and unary - over the numeric types, with PostgreSQL's overflow and division errors.
#include <cmath>

#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;
using internal::Unary;

template <typename T>
Status RangeError() {
  if constexpr (std::is_same_v<T, int16_t>) return SmallintOutOfRange();
  if constexpr (std::is_same_v<T, int32_t>) return IntegerOutOfRange();
  return BigintOutOfRange();
}

template <typename T>
void RegisterInt(FunctionRegistry& reg, TypeId id) {
  Type t(id);
  auto op = [&](std::string name, auto fn) {
    Def(reg, name, {id, id}, t,
        [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<T, T>(args, rows, out, fn);
        });
  };
  op("+", [](T a, T b) -> Result<T> {
    T r;
    if (__builtin_add_overflow(a, b, &r)) return RangeError<T>();
    return r;
  });
  op("-", [](T a, T b) -> Result<T> {
    T r;
    if (__builtin_sub_overflow(a, b, &r)) return RangeError<T>();
    return r;
  });
  op("*", [](T a, T b) -> Result<T> {
    T r;
    if (__builtin_mul_overflow(a, b, &r)) return RangeError<T>();
    return r;
  });
  op("/", [](T a, T b) -> Result<T> {
    if (b == 0) return DivisionByZero();
    if (b == -1) {
      if (a == std::numeric_limits<T>::min()) return RangeError<T>();
      return static_cast<T>(-a);
    }
    return static_cast<T>(a / b);
  });
  auto mod = [](T a, T b) -> Result<T> {
    if (b == 0) return DivisionByZero();
    if (b == -1) return T{0};  // avoids INT_MIN % -1 trapping
    return static_cast<T>(a % b);
  };
  op("%", mod);
  op("mod", mod);
  // Bitwise AND, OR and XOR (PostgreSQL's int2and, …; pgJDBC tests index option bits).
  op("&", [](T a, T b) { return static_cast<T>(a & b); });
  op("|", [](T a, T b) { return static_cast<T>(a | b); });
  op("#", [](T a, T b) { return static_cast<T>(a ^ b); });
  Def(reg, "-", {id}, t,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<T>(args, rows, out, [](T a) -> Result<T> {
          if (a == std::numeric_limits<T>::min()) return RangeError<T>();
          return static_cast<T>(-a);
        });
      });
}

template <typename T>
Result<T> CheckFloat(T r, T a, T b, bool zero_ok) {
  if (std::isinf(r) && !std::isinf(a) && !std::isinf(b)) {
    return SqlError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
  if (r == 0 && !zero_ok) {
    return SqlError(sqlstate::kNumericValueOutOfRange, "value out of range: underflow");
  }
  return r;
}

// Float kernels registered for `params`, computing in T after casting to kernel_args.
template <typename T>
void RegisterFloat(FunctionRegistry& reg, TypeId p0, TypeId p1, TypeId kernel_type) {
  Type ret(kernel_type);
  std::vector<TypeId> kargs = {kernel_type, kernel_type};
  auto op = [&](std::string name, auto fn) {
    Def(
        reg, name, {p0, p1}, ret,
        [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<T, T>(args, rows, out, fn);
        },
        kargs);
  };
  op("+", [](T a, T b) { return CheckFloat<T>(a + b, a, b, true); });
  op("-", [](T a, T b) { return CheckFloat<T>(a - b, a, b, true); });
  op("*", [](T a, T b) { return CheckFloat<T>(a * b, a, b, a == 0 || b == 0); });
  op("/", [](T a, T b) -> Result<T> {
    if (b == 0) return DivisionByZero();
    return CheckFloat<T>(a / b, a, b, a == 0 || std::isinf(b));
  });
}

void RegisterNumeric(FunctionRegistry& reg) {
  TypeId n = TypeId::kNumeric;
  auto op = [&](std::string name, auto fn) {
    Def(reg, name, {n, n}, Type::Numeric(),
        [fn](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<Decimal, Decimal>(args, rows, out, fn);
        });
  };
  op("+", DecimalAdd);
  op("-", DecimalSub);
  op("*", DecimalMul);
  op("/", DecimalDiv);
  op("%", DecimalMod);
  op("mod", DecimalMod);
  Def(reg, "-", {n}, Type::Numeric(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<Decimal>(args, rows, out, DecimalNeg);
      });
}

}  // namespace

void RegisterArithmetic(FunctionRegistry& reg) {
  RegisterInt<int16_t>(reg, TypeId::kInt16);
  RegisterInt<int32_t>(reg, TypeId::kInt32);
  RegisterInt<int64_t>(reg, TypeId::kInt64);
  RegisterFloat<float>(reg, TypeId::kFloat32, TypeId::kFloat32, TypeId::kFloat32);
  RegisterFloat<double>(reg, TypeId::kFloat64, TypeId::kFloat64, TypeId::kFloat64);
  // PostgreSQL's cross-type float4/float8 operators make int + real a double precision.
  RegisterFloat<double>(reg, TypeId::kFloat32, TypeId::kFloat64, TypeId::kFloat64);
  RegisterFloat<double>(reg, TypeId::kFloat64, TypeId::kFloat32, TypeId::kFloat64);
  for (TypeId id : {TypeId::kFloat32, TypeId::kFloat64}) {
    Def(reg, "-", {id}, Type(id),
        [id](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          if (id == TypeId::kFloat32)
            return Unary<float>(args, rows, out, [](float a) { return -a; });
          return Unary<double>(args, rows, out, [](double a) { return -a; });
        });
  }
  RegisterNumeric(reg);
}

}  // namespace oxbow::sql
