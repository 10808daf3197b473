#include "sql/expr/evaluator.h"

#include <map>

#include "fmt/format.h"
#include "sql/expr/subquery.h"
#include "sql/sql_error.h"
#include "sql/types/array.h"

namespace oxbow::sql {
namespace {

Status Eval(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out);

// The column an argument evaluates to: the chunk's own column for a column reference (no
// copy), else `storage` filled by evaluation.
Result<const ColumnVector*> EvalArg(const Expr& e, const Chunk& chunk, const Rows& rows,
                                    ColumnVector& storage) {
  if (e.kind == Expr::Kind::kColumnRef) return &chunk.column(e.column);
  storage = ColumnVector::Nulls(e.type, chunk.num_rows());
  RETURN_IF_ERROR(Eval(e, chunk, rows, storage));
  return &storage;
}

// Rows of `rows` where `keep(row)` holds.
template <typename F>
SelectionVector Filter(const Rows& rows, F keep) {
  SelectionVector sel;
  sel.reserve(rows.count);
  for (size_t i = 0; i < rows.count; ++i) {
    if (keep(rows[i])) sel.push_back(rows[i]);
  }
  return sel;
}

Status EvalCall(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out) {
  const ScalarFunction& f = *e.function;
  size_t n = e.args.size();
  std::vector<ColumnVector> storage(n);
  std::vector<ColumnVector> cast_storage(n);
  std::vector<const ColumnVector*> args(n);
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(args[i], EvalArg(*e.args[i], chunk, rows, storage[i]));
    if (i < f.kernel_arg_types.size() && args[i]->type().id() != f.kernel_arg_types[i]) {
      Type kt(f.kernel_arg_types[i]);
      cast_storage[i] = ColumnVector::Nulls(kt, chunk.num_rows());
      RETURN_IF_ERROR(CastColumn(*args[i], rows, kt, CastContext::kImplicit, cast_storage[i]));
      args[i] = &cast_storage[i];
    }
  }
  if (!f.strict) return f.kernel(args, rows, out);
  bool any_nulls = false;
  for (const ColumnVector* a : args) any_nulls = any_nulls || a->HasNulls();
  if (!any_nulls) return f.kernel(args, rows, out);
  SelectionVector sel = Filter(rows, [&](uint32_t r) {
    for (const ColumnVector* a : args) {
      if (a->IsNull(r)) return false;
    }
    return true;
  });
  return f.kernel(args, Rows::Of(sel), out);
}

// AND (is_and) / OR with three-valued logic; later operands see only undecided rows.
Status EvalLogical(const Expr& e, bool is_and, const Chunk& chunk, const Rows& rows,
                   ColumnVector& out) {
  SelectionVector remaining(rows.count);
  for (size_t i = 0; i < rows.count; ++i) remaining[i] = rows[i];
  std::vector<uint8_t> saw_null(chunk.num_rows(), 0);
  const uint8_t decisive = is_and ? 0 : 1;
  for (const ExprPtr& arg : e.args) {
    if (remaining.empty()) break;
    ColumnVector storage;
    ASSIGN_OR_RETURN(const ColumnVector* v, EvalArg(*arg, chunk, Rows::Of(remaining), storage));
    SelectionVector next;
    next.reserve(remaining.size());
    for (uint32_t r : remaining) {
      if (v->IsNull(r)) {
        saw_null[r] = 1;
        next.push_back(r);
      } else if (v->Get<uint8_t>(r) == decisive) {
        out.Set<uint8_t>(r, decisive);
      } else {
        next.push_back(r);
      }
    }
    remaining = std::move(next);
  }
  for (uint32_t r : remaining) {
    if (!saw_null[r]) out.Set<uint8_t>(r, 1 - decisive);
  }
  return Status();
}

Status EvalCase(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out) {
  SelectionVector remaining(rows.count);
  for (size_t i = 0; i < rows.count; ++i) remaining[i] = rows[i];
  size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    ColumnVector cond_storage;
    ASSIGN_OR_RETURN(const ColumnVector* cond,
                     EvalArg(*e.args[2 * p], chunk, Rows::Of(remaining), cond_storage));
    SelectionVector taken, rest;
    for (uint32_t r : remaining) {
      (cond->IsValid(r) && cond->Get<uint8_t>(r) ? taken : rest).push_back(r);
    }
    if (!taken.empty()) {
      ColumnVector val_storage;
      ASSIGN_OR_RETURN(const ColumnVector* val,
                       EvalArg(*e.args[2 * p + 1], chunk, Rows::Of(taken), val_storage));
      for (uint32_t r : taken) out.CopyRow(*val, r, r);
    }
    remaining = std::move(rest);
  }
  if (e.has_else && !remaining.empty()) {
    ColumnVector val_storage;
    ASSIGN_OR_RETURN(const ColumnVector* val,
                     EvalArg(*e.args.back(), chunk, Rows::Of(remaining), val_storage));
    for (uint32_t r : remaining) out.CopyRow(*val, r, r);
  }
  return Status();
}

Status EvalCoalesce(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out) {
  SelectionVector remaining(rows.count);
  for (size_t i = 0; i < rows.count; ++i) remaining[i] = rows[i];
  for (const ExprPtr& arg : e.args) {
    if (remaining.empty()) break;
    ColumnVector storage;
    ASSIGN_OR_RETURN(const ColumnVector* v, EvalArg(*arg, chunk, Rows::Of(remaining), storage));
    SelectionVector rest;
    for (uint32_t r : remaining) {
      if (v->IsNull(r)) {
        rest.push_back(r);
      } else {
        out.CopyRow(*v, r, r);
      }
    }
    remaining = std::move(rest);
  }
  return Status();
}

// A subquery's result for each row: run once per distinct tuple of outer values.
Status EvalSubquery(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out) {
  SubqueryRunner* runner = CurrentSubqueryRunner();
  if (runner == nullptr) {
    return SqlError(sqlstate::kFeatureNotSupported,
                    "subqueries in expressions are supported in ad-hoc queries only");
  }
  std::vector<ColumnVector> storage(e.args.size());
  std::vector<const ColumnVector*> outer(e.args.size());
  for (size_t i = 0; i < e.args.size(); ++i) {
    ASSIGN_OR_RETURN(outer[i], EvalArg(*e.args[i], chunk, rows, storage[i]));
  }
  std::map<std::string, Value> memo;
  for (size_t i = 0; i < rows.count; ++i) {
    uint32_t r = rows[i];
    std::vector<Value> values;
    std::string key;
    for (const ColumnVector* c : outer) {
      values.push_back(c->GetValue(r));
      std::string text =
          values.back().is_null() ? std::string("N") : fmt::format("V{}", values.back().ToString());
      key += fmt::format("{}:{}", text.size(), text);
    }
    auto it = memo.find(key);
    if (it == memo.end()) {
      ASSIGN_OR_RETURN(std::vector<std::vector<Value>> result, runner->Run(*e.subplan, values));
      Value v = Value::Null(e.type);
      if (e.subquery_kind == Expr::SubqueryKind::kExists) {
        v = Value::Bool(!result.empty());
      } else if (e.subquery_kind == Expr::SubqueryKind::kArray) {
        std::vector<Value> elements;
        elements.reserve(result.size());
        for (std::vector<Value>& row : result) elements.push_back(std::move(row[0]));
        v = MakeArrayValue(e.type.element(), elements);
      } else if (result.size() > 1) {
        return SqlError("21000", "more than one row returned by a subquery used as an expression");
      } else if (result.size() == 1) {
        v = std::move(result[0][0]);
      }
      it = memo.emplace(std::move(key), std::move(v)).first;
    }
    if (it->second.is_null()) continue;
    ColumnVector one(e.type);
    one.AppendValue(it->second);
    out.CopyRow(one, 0, r);
  }
  return Status();
}

Status EvalOuterRef(const Expr& e, const Rows& rows, ColumnVector& out) {
  const std::vector<Value>* outer = CurrentOuterValues();
  if (outer == nullptr || e.column < 0 || static_cast<size_t>(e.column) >= outer->size()) {
    return SqlError(sqlstate::kInternalError, "an outer reference outside its subquery");
  }
  const Value& v = (*outer)[static_cast<size_t>(e.column)];
  if (v.is_null()) return Status();
  ColumnVector one(e.type);
  one.AppendValue(v);
  ForEachRow(rows, [&](uint32_t r) { out.CopyRow(one, 0, r); });
  return Status();
}

Status Eval(const Expr& e, const Chunk& chunk, const Rows& rows, ColumnVector& out) {
  switch (e.kind) {
    case Expr::Kind::kSubquery:
      return EvalSubquery(e, chunk, rows, out);
    case Expr::Kind::kOuterRef:
      return EvalOuterRef(e, rows, out);
    case Expr::Kind::kColumnRef: {
      const ColumnVector& c = chunk.column(e.column);
      ForEachRow(rows, [&](uint32_t r) { out.CopyRow(c, r, r); });
      return Status();
    }
    case Expr::Kind::kConstant: {
      if (e.constant.is_null()) return Status();
      ColumnVector one(e.type);
      one.AppendValue(e.constant);
      ForEachRow(rows, [&](uint32_t r) { out.CopyRow(one, 0, r); });
      return Status();
    }
    case Expr::Kind::kCall:
      return EvalCall(e, chunk, rows, out);
    case Expr::Kind::kCast: {
      ColumnVector storage;
      ASSIGN_OR_RETURN(const ColumnVector* v, EvalArg(*e.args[0], chunk, rows, storage));
      return CastColumn(*v, rows, e.type, e.cast_context, out);
    }
    case Expr::Kind::kAnd:
      return EvalLogical(e, true, chunk, rows, out);
    case Expr::Kind::kOr:
      return EvalLogical(e, false, chunk, rows, out);
    case Expr::Kind::kNot: {
      ColumnVector storage;
      ASSIGN_OR_RETURN(const ColumnVector* v, EvalArg(*e.args[0], chunk, rows, storage));
      ForEachRow(rows, [&](uint32_t r) {
        if (v->IsValid(r)) out.Set<uint8_t>(r, v->Get<uint8_t>(r) ? 0 : 1);
      });
      return Status();
    }
    case Expr::Kind::kIsNull:
    case Expr::Kind::kIsNotNull: {
      ColumnVector storage;
      ASSIGN_OR_RETURN(const ColumnVector* v, EvalArg(*e.args[0], chunk, rows, storage));
      bool want_null = e.kind == Expr::Kind::kIsNull;
      ForEachRow(rows, [&](uint32_t r) { out.Set<uint8_t>(r, v->IsNull(r) == want_null); });
      return Status();
    }
    case Expr::Kind::kCase:
      return EvalCase(e, chunk, rows, out);
    case Expr::Kind::kCoalesce:
      return EvalCoalesce(e, chunk, rows, out);
  }
  return SqlError(sqlstate::kInternalError, "unknown expression kind");
}

}  // namespace

Result<ColumnVector> Evaluate(const Expr& expr, const Chunk& chunk, const Rows& rows) {
  ColumnVector out = ColumnVector::Nulls(expr.type, chunk.num_rows());
  RETURN_IF_ERROR(Eval(expr, chunk, rows, out));
  return out;
}

Result<ColumnVector> Evaluate(const Expr& expr, const Chunk& chunk) {
  if (expr.kind == Expr::Kind::kColumnRef) return chunk.column(expr.column);
  return Evaluate(expr, chunk, Rows::All(chunk.num_rows()));
}

Result<SelectionVector> EvaluateFilter(const Expr& predicate, const Chunk& chunk) {
  ColumnVector storage;
  ASSIGN_OR_RETURN(const ColumnVector* v,
                   EvalArg(predicate, chunk, Rows::All(chunk.num_rows()), storage));
  SelectionVector sel;
  sel.reserve(chunk.num_rows());
  const uint8_t* data = v->data<uint8_t>();
  for (uint32_t r = 0; r < chunk.num_rows(); ++r) {
    if (data[r] && v->IsValid(r)) sel.push_back(r);
  }
  return sel;
}

Result<Value> EvaluateConstant(const Expr& expr) {
  Chunk one({}, {RowOp::kInsert});
  ASSIGN_OR_RETURN(ColumnVector v, Evaluate(expr, one));
  return v.GetValue(0);
}

}  // namespace oxbow::sql
