#include "sql/expr/subquery.h"

namespace oxbow::sql {
namespace {

thread_local SubqueryRunner* current_runner = nullptr;
thread_local const std::vector<Value>* current_outer = nullptr;

}  // namespace

SubqueryRunner* CurrentSubqueryRunner() { return current_runner; }
const std::vector<Value>* CurrentOuterValues() { return current_outer; }

ScopedSubqueryRunner::ScopedSubqueryRunner(SubqueryRunner* runner) : previous_(current_runner) {
  current_runner = runner;
}
ScopedSubqueryRunner::~ScopedSubqueryRunner() { current_runner = previous_; }

ScopedOuterValues::ScopedOuterValues(const std::vector<Value>* values) : previous_(current_outer) {
  current_outer = values;
}
ScopedOuterValues::~ScopedOuterValues() { current_outer = previous_; }

}  // namespace oxbow::sql
