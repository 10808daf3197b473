// Array functions and operators: subscripts, `||` (array_cat/append/prepend), `x op ANY/ALL
// (array)`, array_to_string, array_upper/lower/length and cardinality. Arrays are one-dimensional
// with lower bound 1 (types/array.h); each kernel decodes a row's array from its canonical text.
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "sql/expr/cast.h"
#include "sql/expr/expr.h"
#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"
#include "sql/types/array.h"

namespace oxbow::sql {
namespace {

using internal::Def;

constexpr TypeId kAnyArray = TypeId::kArray;  // a parameter of any array type

void SetValue(ColumnVector& out, uint32_t row, const Value& v) {
  if (v.is_null()) return;
  ColumnVector one(out.type());
  one.AppendValue(v);
  out.CopyRow(one, 0, row);
}

Result<std::vector<Value>> ElementsAt(const ColumnVector& array, uint32_t row) {
  return DecodeArray(array.type(), array.Get<std::string_view>(row));
}

// array_upper / array_lower / array_length / cardinality: `f(number of elements, dimension)`,
// nullopt for NULL.
template <typename F>
ScalarKernel DimensionKernel(F f) {
  return [f](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      ASSIGN_OR_RETURN(std::vector<Value> elements, ElementsAt(*args[0], r));
      int32_t dim = args.size() > 1 ? args[1]->Get<int32_t>(r) : 1;
      std::optional<int32_t> v = f(static_cast<int32_t>(elements.size()), dim);
      if (v) out.Set<int32_t>(r, *v);
    }
    return Status();
  };
}

Status ArrayToString(std::span<const ColumnVector* const> args, const Rows& rows,
                     ColumnVector& out) {
  std::string text;
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    if (args[0]->IsNull(r) || args[1]->IsNull(r)) continue;
    std::string_view sep = args[1]->Get<std::string_view>(r);
    std::optional<std::string_view> null_text;
    if (args.size() > 2 && args[2]->IsValid(r)) null_text = args[2]->Get<std::string_view>(r);
    ASSIGN_OR_RETURN(std::vector<Value> elements, ElementsAt(*args[0], r));
    text.clear();
    bool first = true;
    for (const Value& e : elements) {
      if (e.is_null() && !null_text) continue;
      if (!first) text.append(sep);
      first = false;
      if (e.is_null()) {
        text.append(*null_text);
      } else {
        AppendValueText(text, e);
      }
    }
    out.SetString(r, text);
  }
  return Status();
}

Status SubscriptKernel(std::span<const ColumnVector* const> args, const Rows& rows,
                       ColumnVector& out) {
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    ASSIGN_OR_RETURN(std::vector<Value> elements, ElementsAt(*args[0], r));
    int32_t index = args[1]->Get<int32_t>(r);
    if (index < 1 || static_cast<size_t>(index) > elements.size()) continue;  // NULL
    SetValue(out, r, elements[static_cast<size_t>(index) - 1]);
  }
  return Status();
}

const ScalarFunction& SubscriptFunction() {
  static const ScalarFunction* f = [] {
    auto* s = new ScalarFunction();
    s->name = "array_subscript";
    s->params = {kAnyArray, TypeId::kInt32};
    s->return_type = Type::Unknown();  // the element type, set on each call's Expr
    s->kernel = SubscriptKernel;
    return s;
  }();
  return *f;
}

// `left cmp ANY/ALL (array)` for one row: cmp over (left, each element), folded with
// three-valued logic (ANY: true if one is true, else NULL if one is NULL, else false).
Result<std::optional<bool>> Quantify(const ScalarFunction& cmp, bool all, const Value& left,
                                     const Type& left_type, const Type& array_type,
                                     std::string_view array) {
  ASSIGN_OR_RETURN(std::vector<Value> elements, DecodeArray(array_type, array));
  size_t n = elements.size();
  if (n == 0) return std::optional<bool>(all);
  ColumnVector l = ColumnVector::Constant(left_type, left, n);
  ColumnVector e(array_type.element());
  for (const Value& v : elements) e.AppendValue(v);
  ColumnVector casts[2];
  const ColumnVector* in[2] = {&l, &e};
  for (size_t i = 0; i < 2 && i < cmp.kernel_arg_types.size(); ++i) {
    if (in[i]->type().id() == cmp.kernel_arg_types[i]) continue;
    Type kt(cmp.kernel_arg_types[i]);
    casts[i] = ColumnVector::Nulls(kt, n);
    RETURN_IF_ERROR(CastColumn(*in[i], Rows::All(n), kt, CastContext::kImplicit, casts[i]));
    in[i] = &casts[i];
  }
  ColumnVector result = ColumnVector::Nulls(Type::Bool(), n);
  SelectionVector sel;
  for (uint32_t r = 0; r < n; ++r) {
    if (!cmp.strict || (in[0]->IsValid(r) && in[1]->IsValid(r))) sel.push_back(r);
  }
  RETURN_IF_ERROR(cmp.kernel(std::span<const ColumnVector* const>(in, 2), Rows::Of(sel), result));
  bool saw_null = false;
  for (uint32_t r = 0; r < n; ++r) {
    if (result.IsNull(r)) {
      saw_null = true;
    } else if ((result.Get<uint8_t>(r) != 0) != all) {
      return std::optional<bool>(!all);  // decisive
    }
  }
  if (saw_null) return std::optional<bool>();
  return std::optional<bool>(all);
}

// One ScalarFunction per (comparison, ANY|ALL), made on first use and kept for the process
// (Exprs point at them, as at registry functions).
const ScalarFunction& QuantifiedFunction(const ScalarFunction& cmp, bool all) {
  static std::mutex mu;
  static auto* made = new absl::flat_hash_map<std::pair<const ScalarFunction*, bool>,
                                              std::unique_ptr<ScalarFunction>>();
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<ScalarFunction>& f = (*made)[{&cmp, all}];
  if (f == nullptr) {
    f = std::make_unique<ScalarFunction>();
    f->name = fmt::format("{} {}", cmp.name, all ? "ALL" : "ANY");
    f->params = {std::nullopt, kAnyArray};
    f->return_type = Type::Bool();
    f->strict = false;  // a NULL left operand with an empty array is still false (ANY)
    const ScalarFunction* c = &cmp;
    f->kernel = [c, all](std::span<const ColumnVector* const> args, const Rows& rows,
                         ColumnVector& out) {
      for (size_t i = 0; i < rows.count; ++i) {
        uint32_t r = rows[i];
        if (args[1]->IsNull(r)) continue;
        ASSIGN_OR_RETURN(std::optional<bool> v,
                         Quantify(*c, all, args[0]->GetValue(r), args[0]->type(), args[1]->type(),
                                  args[1]->Get<std::string_view>(r)));
        if (v) out.Set<uint8_t>(r, *v ? 1 : 0);
      }
      return Status();
    };
  }
  return *f;
}

ExprPtr NewCall(const ScalarFunction& f, Type type, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kCall;
  e->type = type;
  e->function = &f;
  e->args = std::move(args);
  return e;
}

// Array comparison (=, <, …) as PostgreSQL's btree: element by element (NULL elements
// above all others), then the shorter first.
template <typename Pred>
ScalarKernel ArrayComparison(Pred pred) {
  return [pred](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      ASSIGN_OR_RETURN(std::vector<Value> a, ElementsAt(*args[0], r));
      ASSIGN_OR_RETURN(std::vector<Value> b, ElementsAt(*args[1], r));
      int c = 0;
      for (size_t k = 0; k < std::min(a.size(), b.size()) && c == 0; ++k) {
        if (a[k].is_null() || b[k].is_null()) {
          c = a[k].is_null() == b[k].is_null() ? 0 : (a[k].is_null() ? 1 : -1);
        } else {
          c = CompareValues(a[k], b[k]);
        }
      }
      if (c == 0) c = a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
      out.Set<uint8_t>(r, pred(c) ? 1 : 0);
    }
    return Status();
  };
}

// array_cat / array_append / array_prepend over rows: `which` says which argument is an
// array (0: the left, 1: the right, 2: both). A NULL array counts as empty; the result is
// NULL only when both arrays are NULL (array_cat), as in PostgreSQL.
ScalarKernel ConcatKernel(int which) {
  return [which](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
    const Type element = out.type().element();
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      if (which == 2 && args[0]->IsNull(r) && args[1]->IsNull(r)) continue;
      std::vector<Value> elements;
      for (int a = 0; a < 2; ++a) {
        if (which == 2 || which == a) {
          if (args[a]->IsNull(r)) continue;
          ASSIGN_OR_RETURN(std::vector<Value> part, ElementsAt(*args[a], r));
          elements.insert(elements.end(), part.begin(), part.end());
        } else {
          elements.push_back(args[a]->GetValue(r));
        }
      }
      SetValue(out, r, MakeArrayValue(element, elements));
    }
    return Status();
  };
}

const ScalarFunction& ConcatFunction(int which) {
  static const ScalarFunction* fs[3] = {nullptr, nullptr, nullptr};
  static std::once_flag once;
  std::call_once(once, [] {
    const char* names[3] = {"array_append", "array_prepend", "array_cat"};
    for (int w = 0; w < 3; ++w) {
      auto* f = new ScalarFunction();
      f->name = names[w];
      f->params = {w == 1 ? std::optional<TypeId>() : std::optional<TypeId>(kAnyArray),
                   w == 0 ? std::optional<TypeId>() : std::optional<TypeId>(kAnyArray)};
      f->return_type = Type::Unknown();  // the array type, set on each call's Expr
      f->strict = false;
      f->kernel = ConcatKernel(w);
      fs[w] = f;
    }
  });
  return *fs[which];
}

}  // namespace

Result<ExprPtr> MakeArrayConcat(ExprPtr& left, ExprPtr& right) {
  const bool la = left->type.is_array(), ra = right->type.is_array();
  if (!la && !ra) return ExprPtr();
  auto no_operator = [&] {
    return SqlError(sqlstate::kUndefinedFunction,
                    fmt::format("operator does not exist: {} || {}", left->type.ToString(),
                                right->type.ToString()));
  };
  // An untyped literal beside an array is an array (PostgreSQL prefers anyarray || anyarray).
  if (left->type.id() == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(left, MakeCast(std::move(left), right->type, CastContext::kImplicit));
  } else if (right->type.id() == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(right, MakeCast(std::move(right), left->type, CastContext::kImplicit));
  }
  int which = 2;
  Type array;
  if (left->type.is_array() && right->type.is_array()) {
    if (left->type == right->type) {
      array = left->type;
    } else if (CanCast(right->type, left->type, CastContext::kImplicit)) {
      array = left->type;
    } else if (CanCast(left->type, right->type, CastContext::kImplicit)) {
      array = right->type;
    } else {
      return no_operator();
    }
    ASSIGN_OR_RETURN(left, MakeCast(std::move(left), array, CastContext::kImplicit));
    ASSIGN_OR_RETURN(right, MakeCast(std::move(right), array, CastContext::kImplicit));
  } else {
    which = left->type.is_array() ? 0 : 1;
    ExprPtr& a = which == 0 ? left : right;
    ExprPtr& e = which == 0 ? right : left;
    // The common element type (int4[] || int8 is int8[]).
    if (CanCast(e->type, a->type.element(), CastContext::kImplicit)) {
      array = a->type;
    } else if (CanCast(a->type.element(), e->type, CastContext::kImplicit)) {
      array = Type::ArrayOf(e->type);
    } else {
      return no_operator();
    }
    ASSIGN_OR_RETURN(a, MakeCast(std::move(a), array, CastContext::kImplicit));
    ASSIGN_OR_RETURN(e, MakeCast(std::move(e), array.element(), CastContext::kImplicit));
  }
  std::vector<ExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return NewCall(ConcatFunction(which), array, std::move(args));
}

Result<ExprPtr> MakeSubscript(ExprPtr array, ExprPtr index) {
  if (!array->type.is_array()) {
    return SqlError(sqlstate::kDatatypeMismatch,
                    fmt::format("cannot subscript type {} because it does not support subscripting",
                                array->type.ToString()));
  }
  if (!CanCast(index->type, Type::Int32(), CastContext::kImplicit)) {
    return SqlError(sqlstate::kDatatypeMismatch, "array subscript must have type integer");
  }
  ASSIGN_OR_RETURN(index, MakeCast(std::move(index), Type::Int32(), CastContext::kImplicit));
  if (array->type.is_vector()) {
    // int2vector subscripts start at 0 (its elements are stored as an array's, from 1).
    ASSIGN_OR_RETURN(index, MakeOperator("+", std::move(index), MakeConstant(Value::Int32(1))));
  }
  Type element = array->type.element();
  std::vector<ExprPtr> args;
  args.push_back(std::move(array));
  args.push_back(std::move(index));
  return NewCall(SubscriptFunction(), element, std::move(args));
}

Result<ExprPtr> MakeQuantified(std::string_view op, bool all, ExprPtr left, ExprPtr array,
                               const FunctionRegistry& registry) {
  std::string_view which = all ? "ALL" : "ANY";
  if (array->type.id() == TypeId::kUnknown) {
    // A literal ('{1,2}') is an array of the left operand's type, as PostgreSQL infers it.
    Type element = left->type.id() == TypeId::kUnknown ? Type::Text() : left->type;
    ASSIGN_OR_RETURN(array,
                     MakeCast(std::move(array), Type::ArrayOf(element), CastContext::kImplicit));
  }
  if (!array->type.is_array()) {
    return SqlError(
        sqlstate::kWrongObjectType,
        fmt::format("op {} {}/{} (array) requires array on right side", op, "ANY", "ALL"));
  }
  Type types[2] = {left->type, array->type.element()};
  ASSIGN_OR_RETURN(ResolvedFunction r, registry.Resolve(op, types));
  if (r.function->return_type.id() != TypeId::kBool) {
    return SqlError(sqlstate::kWrongObjectType,
                    fmt::format("op {} {} (array) requires operator to yield boolean", op, which));
  }
  ASSIGN_OR_RETURN(left, MakeCast(std::move(left), r.arg_types[0], CastContext::kImplicit));
  ASSIGN_OR_RETURN(
      array, MakeCast(std::move(array), Type::ArrayOf(r.arg_types[1]), CastContext::kImplicit));
  std::vector<ExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(array));
  return NewCall(QuantifiedFunction(*r.function, all), Type::Bool(), std::move(args));
}

void RegisterArrayFunctions(FunctionRegistry& r) {
  Type text = Type::Text(), int4 = Type::Int32();
  Def(r, "array_to_string", {kAnyArray, TypeId::kText}, text, ArrayToString);
  // The third argument (the text for NULL elements) may itself be NULL: not strict.
  ScalarFunction with_null;
  with_null.name = "array_to_string";
  with_null.params = {kAnyArray, TypeId::kText, TypeId::kText};
  with_null.return_type = text;
  with_null.strict = false;
  with_null.kernel = ArrayToString;
  r.Add(std::move(with_null));
  auto upper = [](int32_t n, int32_t dim) -> std::optional<int32_t> {
    if (dim != 1 || n == 0) return std::nullopt;
    return n;
  };
  auto lower = [](int32_t n, int32_t dim) -> std::optional<int32_t> {
    if (dim != 1 || n == 0) return std::nullopt;
    return 1;
  };
  Type boolean = Type::Bool();
  Def(r, "=", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c == 0; }));
  Def(r, "<>", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c != 0; }));
  Def(r, "<", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c < 0; }));
  Def(r, "<=", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c <= 0; }));
  Def(r, ">", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c > 0; }));
  Def(r, ">=", {kAnyArray, kAnyArray}, boolean, ArrayComparison([](int c) { return c >= 0; }));
  Def(r, "array_upper", {kAnyArray, TypeId::kInt32}, int4, DimensionKernel(upper));
  Def(r, "array_length", {kAnyArray, TypeId::kInt32}, int4, DimensionKernel(upper));
  Def(r, "array_lower", {kAnyArray, TypeId::kInt32}, int4, DimensionKernel(lower));
  Def(r, "cardinality", {kAnyArray}, int4,
      DimensionKernel([](int32_t n, int32_t) -> std::optional<int32_t> { return n; }));
}

}  // namespace oxbow::sql
