// Logical rewrites over a plan (plan.h), run by the binder after binding:
//   - predicate pushdown: filters move below projections, joins (inner: to either side or
//     into the join's keys and residual; left: only conditions on the left side), unions,
//     DISTINCT, window TVFs (conditions not on window_start/end), aggregates (conditions on
//     group keys only) and Top-N (conditions on the partition only), and into scans;
//   - join keys: equalities between the two sides of a join become its equi-keys, whether
//     written in ON or in WHERE (comma joins);
//   - Top-N: a filter `rn <= n` / `rn < n` / `rn = 1` right above a ROW_NUMBER() node bounds
//     it;
//   - projection pruning: every node keeps only the columns the nodes above it use (and
//     at least one), so scans read, and joins and windows carry, only what is needed;
//   - constant folding: expressions without column references are evaluated once.
// Thread safety: operates on a plan the caller owns.
#pragma once

#include <vector>

#include "sql/plan.h"

namespace oxbow::sql {

// Pushes `conjuncts` (over node's output) as far below `node` as they may go; returns the
// new subtree (node itself with filters below it, or a Filter above what could not move).
PlanPtr PushFilter(PlanPtr node, std::vector<ExprPtr> conjuncts);

// Adds `conjuncts` (over left ++ right) to a join: equalities between the sides become
// keys, conditions on one side move into it where the join kind allows (`on_clause`: they
// come from ON, which for a LEFT join decides matching, not filtering). Returns the new
// subtree (a Filter may stay above a LEFT join for WHERE conditions on its right side).
PlanPtr AddJoinConditions(PlanPtr join, std::vector<ExprPtr> conjuncts, bool on_clause);

// Runs every rewrite above over `plan`.
PlanPtr OptimizePlan(PlanPtr plan);

// The location of a ROW_NUMBER() node still without its `<= n` filter, or of a join still
// without an equality condition between its sides; -1 when there is none. (`what` says
// which: "row_number" or "join".)
int FindUnsupported(const PlanNode& plan, std::string* what);

}  // namespace oxbow::sql
