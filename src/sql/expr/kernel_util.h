// Helpers for writing scalar kernels: loops over the selected rows of typed input columns that
// write the typed output, so a kernel is one lambda over values. Internal to sql/expr.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "sql/chunk/column_vector.h"
#include "sql/expr/function_registry.h"

namespace oxbow::sql::internal {

// Physical C++ type of a TypeId's values in a ColumnVector.
template <TypeId T>
struct Phys;
template <>
struct Phys<TypeId::kBool> {
  using type = uint8_t;
};
template <>
struct Phys<TypeId::kInt16> {
  using type = int16_t;
};
template <>
struct Phys<TypeId::kInt32> {
  using type = int32_t;
};
template <>
struct Phys<TypeId::kInt64> {
  using type = int64_t;
};
template <>
struct Phys<TypeId::kFloat32> {
  using type = float;
};
template <>
struct Phys<TypeId::kFloat64> {
  using type = double;
};
template <>
struct Phys<TypeId::kNumeric> {
  using type = Decimal;
};
template <>
struct Phys<TypeId::kText> {
  using type = std::string_view;
};
template <>
struct Phys<TypeId::kVarchar> {
  using type = std::string_view;
};
template <>
struct Phys<TypeId::kBytea> {
  using type = std::string_view;
};
template <>
struct Phys<TypeId::kJsonb> {
  using type = std::string_view;
};
template <>
struct Phys<TypeId::kDate> {
  using type = int32_t;
};
template <>
struct Phys<TypeId::kTimestamp> {
  using type = int64_t;
};
template <>
struct Phys<TypeId::kTimestampTz> {
  using type = int64_t;
};
template <>
struct Phys<TypeId::kInterval> {
  using type = Interval;
};

template <typename Out>
inline void Store(ColumnVector& out, uint32_t r, Out v) {
  if constexpr (std::is_same_v<Out, std::string> || std::is_same_v<Out, std::string_view>) {
    out.SetString(r, v);
  } else if constexpr (std::is_same_v<Out, bool>) {
    out.Set<uint8_t>(r, v ? 1 : 0);
  } else {
    out.Set<Out>(r, v);
  }
}

// f(a) -> Out, or Result<Out> when it can fail.
template <typename A, typename F>
Status Unary(std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out,
             F&& f) {
  const A* a = args[0]->data<A>();
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    auto v = f(a[r]);
    if constexpr (requires { v.ok(); }) {
      if (!v.ok()) return v.status();
      Store(out, r, *std::move(v));
    } else {
      Store(out, r, std::move(v));
    }
  }
  return Status();
}

template <typename A, typename B, typename F>
Status Binary(std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out,
              F&& f) {
  const A* a = args[0]->data<A>();
  const B* b = args[1]->data<B>();
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    auto v = f(a[r], b[r]);
    if constexpr (requires { v.ok(); }) {
      if (!v.ok()) return v.status();
      Store(out, r, *std::move(v));
    } else {
      Store(out, r, std::move(v));
    }
  }
  return Status();
}

template <typename A, typename B, typename C, typename F>
Status Ternary(std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out,
               F&& f) {
  const A* a = args[0]->data<A>();
  const B* b = args[1]->data<B>();
  const C* c = args[2]->data<C>();
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    auto v = f(a[r], b[r], c[r]);
    if constexpr (requires { v.ok(); }) {
      if (!v.ok()) return v.status();
      Store(out, r, *std::move(v));
    } else {
      Store(out, r, std::move(v));
    }
  }
  return Status();
}

// Registers a strict function.
inline void Def(FunctionRegistry& reg, std::string name, std::vector<std::optional<TypeId>> params,
                Type ret, ScalarKernel kernel, std::vector<TypeId> kernel_args = {}) {
  ScalarFunction f;
  f.name = std::move(name);
  f.params = std::move(params);
  f.return_type = ret;
  f.kernel = std::move(kernel);
  f.kernel_arg_types = std::move(kernel_args);
  reg.Add(std::move(f));
}

}  // namespace oxbow::sql::internal
