// Retractable aggregate functions for GROUP BY over changelogs (ARCHITECTURE.md decision 3):
// every state accepts inserts (+1) and deletes (-1) of rows and answers its current result, so
// a group's value stays right when rows are retracted. min/max keep a count per value (the
// next smallest value is known when the minimum is deleted); count(DISTINCT ...) and every
// other DISTINCT aggregate keep a count per distinct value and pass only 0 ↔ 1 transitions
// to the inner aggregate.
//
// Results follow PostgreSQL: sum/avg of no non-NULL rows is NULL, count is 0; sum(int4) is
// bigint, sum(int8) numeric, avg of integers numeric with PostgreSQL's division scale.
// string_agg without ORDER BY concatenates in value order, which is deterministic under
// retractions (PostgreSQL leaves the order unspecified).
//
// Thread safety: a state belongs to one operator thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/chunk/column_vector.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace oxbow::sql {

class AggregateState {
 public:
  virtual ~AggregateState() = default;
  // Applies row `row` of the argument columns with weight +1 (insert) or -1 (delete).
  // Errors: 22003 when a sum overflows numeric; deleting a row never added is a caller bug
  // reported as XX000.
  virtual Status Add(std::span<const ColumnVector* const> args, size_t row, int weight) = 0;
  virtual Value Result() const = 0;
  // The state as bytes (checkpoints of the streaming runtime, stream/), and back: Load
  // expects a fresh state of the same AggregateFunction and consumes Save's bytes from the
  // front of `*in`. DataLoss on bytes Save did not produce.
  virtual void Save(std::string* out) const = 0;
  virtual Status Load(std::string_view* in) = 0;
};

struct AggregateFunction {
  std::string name;
  std::vector<Type> arg_types;  // as resolved (after implicit casts)
  Type return_type;
  bool distinct = false;
  std::unique_ptr<AggregateState> (*make_state)(const AggregateFunction&) = nullptr;

  std::unique_ptr<AggregateState> NewState() const { return make_state(*this); }
};

// Resolves count, sum, avg, min, max, bool_and, bool_or, string_agg for these argument types
// (count with no arguments is count(*)). The binder casts arguments to `arg_types`. 42883
// `function sum(text) does not exist` when no overload fits.
Result<AggregateFunction> ResolveAggregate(std::string_view name, std::span<const Type> args,
                                           bool distinct);
// The same function for input that is never retracted (an append-only stream): min and max
// keep only their extreme value instead of a count per value (a group's state stays one
// value); a retraction then fails with XX000. Others are unchanged. States of both kinds
// load each other's saved bytes.
AggregateFunction ForAppendOnlyInput(AggregateFunction f);
// Whether `name` is an aggregate function (the binder's check for GROUP BY).
bool IsAggregateName(std::string_view name);

}  // namespace oxbow::sql
