// Scalar functions and operators by name and argument types, resolved with PostgreSQL's
// overload rules (an exact match, else the candidates reachable by implicit casts, narrowed by
// most exact matches, then preferred types, then the category of unknown literals). The binder
// calls Resolve and inserts the casts to the chosen signature's argument types.
//
// Operators are functions named by their symbol ("+", "=", "||", "~~" for LIKE, "->").
//
// Thread safety: the registry is built once (Default() is initialized on first use) and then
// read-only; resolution is safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "sql/chunk/column_vector.h"
#include "sql/types/type.h"

namespace oxbow::sql {

// Computes `rows` of the result into `out` (already sized to the chunk, rows NULL). For a
// strict function the rows given have no NULL argument; a kernel sets each row it computes
// (Set/SetString mark it valid) and may leave a row NULL. A row-level error (overflow,
// division by zero) fails the whole call.
using ScalarKernel = std::function<Status(std::span<const ColumnVector* const> args,
                                          const Rows& rows, ColumnVector& out)>;

struct ScalarFunction {
  std::string name;
  // Parameter types; nullopt accepts any type (PostgreSQL's "any"/anynonarray) unconverted,
  // TypeId::kArray any array type (anyarray) unconverted.
  std::vector<std::optional<TypeId>> params;
  // When set, the last parameter repeats (concat(any, ...)).
  bool variadic = false;
  Type return_type;
  // NULL in any argument gives NULL without calling the kernel.
  bool strict = true;
  // The types the arguments are cast to before the kernel runs, when they differ from
  // `params` (float4 + float8 runs the float8 kernel). Empty: the params themselves.
  std::vector<TypeId> kernel_arg_types;
  ScalarKernel kernel;

  // "round(numeric, integer)".
  std::string Signature() const;
};

// A resolved call: the function and the type each argument must be cast to.
struct ResolvedFunction {
  const ScalarFunction* function = nullptr;
  std::vector<Type> arg_types;
};

class FunctionRegistry {
 public:
  // All built-in functions and operators (docs/sql.md lists them).
  static const FunctionRegistry& Default();

  void Add(ScalarFunction f);

  // Resolves `name` (lower case) for arguments of these types. 42883 `function f(integer)
  // does not exist` / `operator does not exist: integer + text` with a hint listing the
  // candidates; 42725 when several candidates remain.
  Result<ResolvedFunction> Resolve(std::string_view name, std::span<const Type> args) const;
  bool IsOperator(std::string_view name) const;
  // Every signature registered under `name`.
  std::vector<const ScalarFunction*> Candidates(std::string_view name) const;

 private:
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<ScalarFunction>>> functions_;
};

// Registration of the built-in function families (one file each).
void RegisterArithmetic(FunctionRegistry& r);
void RegisterComparison(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterMathFunctions(FunctionRegistry& r);
void RegisterDateTimeFunctions(FunctionRegistry& r);
void RegisterJsonbFunctions(FunctionRegistry& r);
void RegisterCatalogFunctions(FunctionRegistry& r);
void RegisterArrayFunctions(FunctionRegistry& r);
void RegisterRecordFunctions(FunctionRegistry& r);

}  // namespace oxbow::sql
