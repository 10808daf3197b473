#include "stream/stateless_operators.h"

#include "sql/expr/evaluator.h"

namespace oxbow::stream {

namespace {
std::vector<sql::Type> TypesOf(const std::vector<sql::ExprPtr>& exprs) {
  std::vector<sql::Type> types;
  for (const auto& e : exprs) types.push_back(e->type);
  return types;
}
}  // namespace

Filter::Filter(std::vector<sql::Type> types, sql::ExprPtr predicate)
    : StatelessOperator("Filter", std::move(types)), predicate_(std::move(predicate)) {}

Status Filter::Process(int, const sql::Chunk& chunk) {
  ASSIGN_OR_RETURN(sql::SelectionVector rows, sql::EvaluateFilter(*predicate_, chunk));
  if (rows.size() == chunk.num_rows()) return Emit(chunk);
  return Emit(chunk.Select(rows));
}

Result<sql::Chunk> Filter::Apply(const sql::Chunk& chunk) const {
  ASSIGN_OR_RETURN(sql::SelectionVector rows, sql::EvaluateFilter(*predicate_, chunk));
  return chunk.Select(rows);
}

Project::Project(std::vector<sql::ExprPtr> exprs)
    : StatelessOperator("Project", TypesOf(exprs)), exprs_(std::move(exprs)) {}

Status Project::Process(int, const sql::Chunk& chunk) {
  ASSIGN_OR_RETURN(sql::Chunk out, Apply(chunk));
  return Emit(out);
}

Result<sql::Chunk> Project::Apply(const sql::Chunk& chunk) const {
  std::vector<sql::ColumnVector> columns;
  columns.reserve(exprs_.size());
  for (const auto& e : exprs_) {
    if (e->kind == sql::Expr::Kind::kColumnRef) {
      columns.push_back(chunk.column(e->column));
      continue;
    }
    ASSIGN_OR_RETURN(sql::ColumnVector c, sql::Evaluate(*e, chunk));
    columns.push_back(std::move(c));
  }
  return chunk.WithColumns(std::move(columns));
}

UnionAll::UnionAll(std::vector<sql::Type> types) : Operator("UnionAll", std::move(types)) {}

Status UnionAll::Process(int, const sql::Chunk& chunk) { return Emit(chunk); }

}  // namespace oxbow::stream
