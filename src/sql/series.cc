#include "sql/series.h"

#include "fmt/format.h"
#include "sql/expr/evaluator.h"
#include "sql/sql_error.h"
#include "sql/types/array.h"

namespace oxbow::sql {
namespace {

constexpr int64_t kMaxSeriesRows = 10'000'000;

Result<std::vector<std::vector<ExprPtr>>> SeriesRows(const std::vector<ExprPtr>& args,
                                                     const Type& type) {
  std::vector<int64_t> v;
  for (const ExprPtr& a : args) {
    ASSIGN_OR_RETURN(Value x, EvaluateConstant(*a));
    if (x.is_null()) return std::vector<std::vector<ExprPtr>>();  // strict: no rows
    v.push_back(x.int_value());
  }
  int64_t step = v.size() > 2 ? v[2] : 1;
  if (step == 0) {
    return SqlError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  }
  std::vector<std::vector<ExprPtr>> rows;
  for (__int128 i = v[0]; step > 0 ? i <= v[1] : i >= v[1]; i += step) {
    if (static_cast<int64_t>(rows.size()) >= kMaxSeriesRows) {
      return SqlError(
          "54000", fmt::format("generate_series would return more than {} rows", kMaxSeriesRows));
    }
    std::vector<ExprPtr> row;
    row.push_back(MakeConstant(type.id() == TypeId::kInt32
                                   ? Value::Int32(static_cast<int32_t>(i))
                                   : Value::Int64(static_cast<int64_t>(i))));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<std::vector<ExprPtr>>> UnnestRows(const Expr& array) {
  ASSIGN_OR_RETURN(Value a, EvaluateConstant(array));
  std::vector<std::vector<ExprPtr>> rows;
  if (a.is_null()) return rows;
  ASSIGN_OR_RETURN(std::vector<Value> elements, DecodeArray(array.type, a.string_value()));
  for (Value& e : elements) {
    std::vector<ExprPtr> row;
    ExprPtr c = MakeConstant(std::move(e));
    c->type = array.type.element();  // a NULL element keeps the element type
    row.push_back(std::move(c));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<std::vector<ExprPtr>>> NodeRows(const ValuesOp& v, const Type& type) {
  if (v.unnest) return UnnestRows(*v.series[0]);
  return SeriesRows(v.series, type);
}

bool IsConstant(const std::vector<ExprPtr>& args) {
  for (const ExprPtr& a : args) {
    std::vector<int> columns;
    CollectColumns(*a, columns);
    if (!columns.empty() || HasSubquery(*a)) return false;
  }
  return true;
}

bool HasSeries(const PlanNode& plan) {
  const ValuesOp* v = plan.As<ValuesOp>();
  if (v != nullptr && !v->series.empty()) return true;
  for (const PlanPtr& in : plan.inputs) {
    if (HasSeries(*in)) return true;
  }
  return false;
}

Status ExpandInPlace(PlanNode& plan) {
  ValuesOp* v = plan.As<ValuesOp>();
  if (v != nullptr && !v->series.empty()) {
    ASSIGN_OR_RETURN(v->rows, NodeRows(*v, plan.schema[0].type));
    v->series.clear();
    v->unnest = false;
  }
  for (PlanPtr& in : plan.inputs) RETURN_IF_ERROR(ExpandInPlace(*in));
  return Status();
}

}  // namespace

Result<PlanPtr> MakeSeries(std::vector<ExprPtr> args, std::string name) {
  auto no_function = [&] {
    std::vector<std::string> types;
    for (const ExprPtr& a : args) types.push_back(a->type.ToString());
    return WithHint(SqlError(sqlstate::kUndefinedFunction,
                             fmt::format("function generate_series({}) does not exist",
                                         fmt::join(types, ", "))),
                    "generate_series takes integer arguments (start, stop[, step]).");
  };
  if (args.size() < 2 || args.size() > 3) return no_function();
  Type type = Type::Int32();
  for (const ExprPtr& a : args) {
    if (a->type.id() == TypeId::kInt64) {
      type = Type::Int64();
    } else if (!a->type.is_integer() && a->type.id() != TypeId::kUnknown) {
      return no_function();
    }
  }
  for (ExprPtr& a : args) {
    ASSIGN_OR_RETURN(a, MakeCast(std::move(a), type, CastContext::kImplicit));
  }
  std::vector<PlanColumn> schema{PlanColumn{std::move(name), type, false}};
  if (IsConstant(args)) {
    ASSIGN_OR_RETURN(std::vector<std::vector<ExprPtr>> rows, SeriesRows(args, type));
    return MakeValues(std::move(rows), std::move(schema));
  }
  PlanPtr node = MakeValues({}, std::move(schema));
  node->As<ValuesOp>()->series = std::move(args);
  return node;
}

Result<PlanPtr> MakeUnnest(ExprPtr array, std::string name) {
  if (array->type.id() == TypeId::kUnknown) {
    return WithHint(SqlError("42725", "function unnest(unknown) is not unique"),
                    "Could not choose a best candidate function. You might need to add explicit "
                    "type casts.");
  }
  if (!array->type.is_array()) {
    return WithHint(
        SqlError(sqlstate::kUndefinedFunction,
                 fmt::format("function unnest({}) does not exist", array->type.ToString())),
        "unnest takes one array argument.");
  }
  std::vector<PlanColumn> schema{PlanColumn{std::move(name), array->type.element(), true}};
  std::vector<ExprPtr> args;
  args.push_back(std::move(array));
  PlanPtr node = MakeValues({}, std::move(schema));
  ValuesOp* v = node->As<ValuesOp>();
  if (IsConstant(args)) {
    ASSIGN_OR_RETURN(v->rows, UnnestRows(*args[0]));
  } else {
    v->series = std::move(args);
    v->unnest = true;
  }
  return node;
}

Result<PlanPtr> ExpandSeries(const PlanNode& plan) {
  if (!HasSeries(plan)) return PlanPtr();
  PlanPtr copy = ClonePlan(plan);
  RETURN_IF_ERROR(ExpandInPlace(*copy));
  return copy;
}

}  // namespace oxbow::sql
