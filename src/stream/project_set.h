// ProjectSet: set-returning functions of a select list (sql/set_function.h), per input row
// the rows of every call in lockstep after the row's columns. Stateless: a row's output
// depends on that row only, so a delete expands to the deletes of the rows its insert gave.
#pragma once

#include <vector>

#include "sql/plan.h"
#include "stream/operator.h"

namespace oxbow::stream {

class ProjectSet final : public Operator {
 public:
  // `calls`' arguments are over the input's columns (`input_types`).
  ProjectSet(std::vector<sql::Type> input_types, std::vector<sql::SetFunctionCall> calls);
  // Errors: the arguments' evaluation errors and ExpandSetFunction's (22P02, 22023, 54000).
  Status Process(int port, const sql::Chunk& chunk) override;

 private:
  std::vector<sql::SetFunctionCall> calls_;
};

}  // namespace oxbow::stream
