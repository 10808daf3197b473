// Running the subqueries of expressions (Expr::Kind::kSubquery). The sql module binds a
// subquery into a plan but cannot execute plans; whoever runs a query that has subqueries
// (the engine's ad-hoc queries) installs a SubqueryRunner on its thread for the duration, and
// the evaluator asks it for the subquery's rows, once per distinct set of outer values in a
// chunk. While a subquery runs, its kOuterRef expressions read the outer values installed
// with ScopedOuterValues.
//
// Without a runner (a materialized view's dataflow, the binder's constant folding) a
// subquery fails with 0A000; the binder already rejects subqueries in materialized views.
//
// Thread safety: the installed runner and outer values are per thread; the guards must be
// destroyed on the thread that made them, in reverse order (they nest).
#pragma once

#include <vector>

#include "base/status.h"
#include "sql/types/value.h"

namespace oxbow::sql {

struct PlanNode;

class SubqueryRunner {
 public:
  virtual ~SubqueryRunner() = default;
  // The rows of `plan`, its kOuterRef i reading outer[i]. Errors: the plan's execution
  // errors.
  virtual Result<std::vector<std::vector<Value>>> Run(const PlanNode& plan,
                                                      const std::vector<Value>& outer) = 0;
};

// The calling thread's runner; nullptr when none is installed.
SubqueryRunner* CurrentSubqueryRunner();
// What kOuterRef reads on the calling thread; nullptr outside a subquery.
const std::vector<Value>* CurrentOuterValues();

class ScopedSubqueryRunner {
 public:
  explicit ScopedSubqueryRunner(SubqueryRunner* runner);
  ~ScopedSubqueryRunner();
  ScopedSubqueryRunner(const ScopedSubqueryRunner&) = delete;
  ScopedSubqueryRunner& operator=(const ScopedSubqueryRunner&) = delete;

 private:
  SubqueryRunner* previous_;
};

class ScopedOuterValues {
 public:
  explicit ScopedOuterValues(const std::vector<Value>* values);
  ~ScopedOuterValues();
  ScopedOuterValues(const ScopedOuterValues&) = delete;
  ScopedOuterValues& operator=(const ScopedOuterValues&) = delete;

 private:
  const std::vector<Value>* previous_;
};

}  // namespace oxbow::sql
