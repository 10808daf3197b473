// The stateless operators: Filter, Project and UnionAll. They hold no state, so they need no
// checkpoint: a row's output depends on that row only, and deletes pass through like
// inserts (a deleted row passes a filter exactly when its insert did).
#pragma once

#include <vector>

#include "sql/expr/expr.h"
#include "stream/operator.h"

namespace oxbow::stream {

// A Filter or Project: its output is a function of the chunk it gets, so a reader can also
// recompute rows through it (a view whose rows are derived from an aggregate's state,
// materialized_view.h DeriveFrom).
class StatelessOperator : public Operator {
 public:
  using Operator::Operator;
  // The chunk this operator emits for `chunk`. Errors: as Process's.
  virtual Result<sql::Chunk> Apply(const sql::Chunk& chunk) const = 0;
};

// WHERE / HAVING: keeps the rows where `predicate` (boolean, over the input's columns) is
// true. Errors: the predicate's evaluation errors (e.g. 22012), which fail the chunk.
class Filter final : public StatelessOperator {
 public:
  Filter(std::vector<sql::Type> types, sql::ExprPtr predicate);
  Status Process(int port, const sql::Chunk& chunk) override;
  Result<sql::Chunk> Apply(const sql::Chunk& chunk) const override;

 private:
  sql::ExprPtr predicate_;
};

// SELECT list: one output column per expression; ops are kept.
class Project final : public StatelessOperator {
 public:
  explicit Project(std::vector<sql::ExprPtr> exprs);
  Status Process(int port, const sql::Chunk& chunk) override;
  Result<sql::Chunk> Apply(const sql::Chunk& chunk) const override;
  const std::vector<sql::ExprPtr>& exprs() const { return exprs_; }

 private:
  std::vector<sql::ExprPtr> exprs_;
};

// UNION ALL: any number of inputs (ports) with the same column types, passed through.
class UnionAll final : public Operator {
 public:
  explicit UnionAll(std::vector<sql::Type> types);
  Status Process(int port, const sql::Chunk& chunk) override;
};

}  // namespace oxbow::stream
