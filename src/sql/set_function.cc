#include "sql/set_function.h"

#include "fmt/format.h"
#include "sql/sql_error.h"
#include "sql/types/array.h"

namespace oxbow::sql {
namespace {

constexpr int64_t kMaxRows = 10'000'000;

bool IsExpandArray(const std::vector<std::string>& name) {
  return name.size() == 2 && name[0] == "information_schema" && name[1] == "_pg_expandarray";
}

Status NoSuchFunction(const std::vector<std::string>& name, const std::vector<ExprPtr>& args,
                      std::string_view hint) {
  std::vector<std::string> types;
  for (const ExprPtr& a : args) types.push_back(a->type.ToString());
  std::string joined;
  for (size_t i = 0; i < types.size(); ++i) joined += (i > 0 ? ", " : "") + types[i];
  std::string qualified;
  for (size_t i = 0; i < name.size(); ++i) qualified += (i > 0 ? "." : "") + name[i];
  return WithHint(SqlError(sqlstate::kUndefinedFunction,
                           fmt::format("function {}({}) does not exist", qualified, joined)),
                  std::string(hint));
}

Result<std::vector<std::vector<Value>>> SeriesRows(const std::vector<Value>& args,
                                                   const Type& type) {
  std::vector<std::vector<Value>> rows;
  for (const Value& v : args) {
    if (v.is_null()) return rows;
  }
  const int64_t step = args.size() > 2 ? args[2].int_value() : 1;
  if (step == 0) return SqlError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  for (__int128 i = args[0].int_value();
       step > 0 ? i <= args[1].int_value() : i >= args[1].int_value(); i += step) {
    if (static_cast<int64_t>(rows.size()) >= kMaxRows) {
      return SqlError("54000",
                      fmt::format("generate_series would return more than {} rows", kMaxRows));
    }
    std::vector<Value>& row = rows.emplace_back();
    row.push_back(type.id() == TypeId::kInt32 ? Value::Int32(static_cast<int32_t>(i))
                                              : Value::Int64(static_cast<int64_t>(i)));
  }
  return rows;
}

}  // namespace

bool IsSetFunctionName(const std::vector<std::string>& name) {
  if (IsExpandArray(name)) return true;
  return name.size() == 1 && (name[0] == "unnest" || name[0] == "generate_series");
}

Result<SetFunctionCall> ResolveSetFunction(const std::vector<std::string>& name,
                                           std::vector<ExprPtr> args) {
  SetFunctionCall call;
  if (IsExpandArray(name) || name.back() == "unnest") {
    const bool expand = IsExpandArray(name);
    if (args.size() != 1 || !args[0]->type.is_array()) {
      if (args.size() == 1 && args[0]->type.id() == TypeId::kUnknown) {
        return SqlError("42725", fmt::format("function {}(unknown) is not unique", name.back()));
      }
      return NoSuchFunction(name, args, "It takes one array argument.");
    }
    const Type element = args[0]->type.element();
    call.kind = expand ? SetFunctionKind::kExpandArray : SetFunctionKind::kUnnest;
    if (expand) {
      call.columns = {PlanColumn{"x", element, true, {}}, PlanColumn{"n", Type::Int32(), true, {}}};
    } else {
      call.columns = {PlanColumn{"unnest", element, true, {}}};
    }
    call.args = std::move(args);
    return call;
  }
  // generate_series over integers: int4 unless an argument is int8.
  if (args.size() < 2 || args.size() > 3) {
    return NoSuchFunction(name, args, "generate_series takes (start, stop[, step]) integers.");
  }
  Type type = Type::Int32();
  for (const ExprPtr& a : args) {
    if (!a->type.is_integer() && a->type.id() != TypeId::kUnknown) {
      return NoSuchFunction(name, args, "generate_series takes (start, stop[, step]) integers.");
    }
    if (a->type.id() == TypeId::kInt64) type = Type::Int64();
  }
  for (ExprPtr& a : args) {
    ASSIGN_OR_RETURN(a, MakeCast(std::move(a), type, CastContext::kImplicit));
  }
  call.kind = SetFunctionKind::kGenerateSeries;
  call.columns = {PlanColumn{"generate_series", type, true, {}}};
  call.args = std::move(args);
  return call;
}

Result<std::vector<std::vector<Value>>> ExpandSetFunction(const SetFunctionCall& call,
                                                          const std::vector<Value>& args) {
  if (call.kind == SetFunctionKind::kGenerateSeries) {
    return SeriesRows(args, call.columns[0].type);
  }
  std::vector<std::vector<Value>> rows;
  if (args[0].is_null()) return rows;
  ASSIGN_OR_RETURN(std::vector<Value> elements,
                   DecodeArray(call.args[0]->type, args[0].string_value()));
  const Type element = call.args[0]->type.element();
  for (size_t i = 0; i < elements.size(); ++i) {
    std::vector<Value>& row = rows.emplace_back();
    row.push_back(elements[i].is_null() ? Value::Null(element) : std::move(elements[i]));
    if (call.kind == SetFunctionKind::kExpandArray) {
      row.push_back(Value::Int32(static_cast<int32_t>(i + 1)));
    }
  }
  return rows;
}

}  // namespace oxbow::sql
