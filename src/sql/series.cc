#include "sql/series.h"

#include "fmt/format.h"
#include "sql/expr/evaluator.h"
#include "sql/sql_error.h"

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
    ASSIGN_OR_RETURN(v->rows, SeriesRows(v->series, plan.schema[0].type));
    v->series.clear();
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
  bool constant = true;
  for (const ExprPtr& a : args) {
    std::vector<int> columns;
    CollectColumns(*a, columns);
    constant = constant && columns.empty() && !HasSubquery(*a);
  }
  std::vector<PlanColumn> schema{PlanColumn{std::move(name), type, false}};
  if (constant) {
    ASSIGN_OR_RETURN(std::vector<std::vector<ExprPtr>> rows, SeriesRows(args, type));
    return MakeValues(std::move(rows), std::move(schema));
  }
  PlanPtr node = MakeValues({}, std::move(schema));
  node->As<ValuesOp>()->series = std::move(args);
  return node;
}

Result<PlanPtr> ExpandSeries(const PlanNode& plan) {
  if (!HasSeries(plan)) return PlanPtr();
  PlanPtr copy = ClonePlan(plan);
  RETURN_IF_ERROR(ExpandInPlace(*copy));
  return copy;
}

}  // namespace oxbow::sql
