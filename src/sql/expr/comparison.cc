// = <> < <= > >= for every type. Floats order NaN above everything and equal to itself, as
// PostgreSQL does; text compares bytewise (the "C" collation); intervals compare by their
// 30-day-month span.
#include <cmath>

#include "sql/expr/kernel_util.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;

template <typename T>
int Cmp(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
    if (std::isnan(b)) return -1;
  }
  if constexpr (std::is_same_v<T, Decimal>) {
    return DecimalCompare(a, b);
  } else if constexpr (std::is_same_v<T, Interval>) {
    return IntervalCompare(a, b);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else {
    return a < b ? -1 : (a > b ? 1 : 0);
  }
}

template <typename T>
void RegisterFor(FunctionRegistry& reg, TypeId p0, TypeId p1, TypeId kernel_type,
                 bool ordered = true) {
  std::vector<TypeId> kargs;
  if (p0 != kernel_type || p1 != kernel_type) kargs = {kernel_type, kernel_type};
  auto op = [&](std::string name, auto pred) {
    Def(
        reg, name, {p0, p1}, Type::Bool(),
        [pred](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
          return Binary<T, T>(args, rows, out,
                              [pred](const T& a, const T& b) { return pred(Cmp(a, b)); });
        },
        kargs);
  };
  op("=", [](int c) { return c == 0; });
  op("<>", [](int c) { return c != 0; });
  if (!ordered) return;
  op("<", [](int c) { return c < 0; });
  op("<=", [](int c) { return c <= 0; });
  op(">", [](int c) { return c > 0; });
  op(">=", [](int c) { return c >= 0; });
}

template <TypeId T>
void RegisterSame(FunctionRegistry& reg, bool ordered = true) {
  RegisterFor<typename internal::Phys<T>::type>(reg, T, T, T, ordered);
}

}  // namespace

void RegisterComparison(FunctionRegistry& reg) {
  RegisterSame<TypeId::kBool>(reg);
  RegisterSame<TypeId::kInt16>(reg);
  RegisterSame<TypeId::kInt32>(reg);
  RegisterSame<TypeId::kInt64>(reg);
  RegisterSame<TypeId::kFloat32>(reg);
  RegisterSame<TypeId::kFloat64>(reg);
  RegisterFor<double>(reg, TypeId::kFloat32, TypeId::kFloat64, TypeId::kFloat64);
  RegisterFor<double>(reg, TypeId::kFloat64, TypeId::kFloat32, TypeId::kFloat64);
  RegisterSame<TypeId::kNumeric>(reg);
  RegisterSame<TypeId::kText>(reg);
  RegisterSame<TypeId::kBytea>(reg);
  RegisterSame<TypeId::kDate>(reg);
  RegisterSame<TypeId::kTimestamp>(reg);
  RegisterSame<TypeId::kTimestampTz>(reg);
  RegisterSame<TypeId::kInterval>(reg);
  RegisterSame<TypeId::kJsonb>(reg, /*ordered=*/false);
}

}  // namespace oxbow::sql
