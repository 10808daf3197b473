#include "stream/project_set.h"

#include <algorithm>

#include "sql/expr/evaluator.h"
#include "sql/set_function.h"

namespace oxbow::stream {
namespace {

std::vector<sql::Type> OutputTypes(std::vector<sql::Type> types,
                                   const std::vector<sql::SetFunctionCall>& calls) {
  for (const sql::SetFunctionCall& call : calls) {
    for (const sql::PlanColumn& c : call.columns) types.push_back(c.type);
  }
  return types;
}

}  // namespace

ProjectSet::ProjectSet(std::vector<sql::Type> input_types, std::vector<sql::SetFunctionCall> calls)
    : Operator("ProjectSet", OutputTypes(std::move(input_types), calls)),
      calls_(std::move(calls)) {}

Status ProjectSet::Process(int, const sql::Chunk& chunk) {
  // Each call's argument columns, evaluated over the whole chunk.
  std::vector<std::vector<sql::ColumnVector>> args(calls_.size());
  for (size_t c = 0; c < calls_.size(); ++c) {
    for (const sql::ExprPtr& a : calls_[c].args) {
      ASSIGN_OR_RETURN(sql::ColumnVector v, sql::Evaluate(*a, chunk));
      args[c].push_back(std::move(v));
    }
  }
  sql::ChunkBuilder out(output_types());
  std::vector<std::vector<std::vector<sql::Value>>> rows(calls_.size());
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    size_t longest = 0;
    for (size_t c = 0; c < calls_.size(); ++c) {
      std::vector<sql::Value> values;
      for (const sql::ColumnVector& v : args[c]) values.push_back(v.GetValue(r));
      ASSIGN_OR_RETURN(rows[c], sql::ExpandSetFunction(calls_[c], values));
      longest = std::max(longest, rows[c].size());
    }
    for (size_t i = 0; i < longest; ++i) {
      std::vector<sql::Value> row;
      for (size_t col = 0; col < chunk.num_columns(); ++col) {
        row.push_back(chunk.column(col).GetValue(r));
      }
      for (size_t c = 0; c < calls_.size(); ++c) {
        for (size_t k = 0; k < calls_[c].columns.size(); ++k) {
          row.push_back(i < rows[c].size() ? rows[c][i][k]
                                           : sql::Value::Null(calls_[c].columns[k].type));
        }
      }
      out.AppendRow(row, chunk.op(r));
    }
  }
  if (out.num_rows() == 0) return Status();
  return Emit(out.Finish());
}

}  // namespace oxbow::stream
