// ConstantSource: a source that emits fixed rows once — VALUES in a query, and in ad-hoc
// queries the current content of a materialized view.
//
// In a view's pipeline the rows must reach the view exactly once over its whole life, not
// once per restart: whether they were emitted is the operator's checkpointed state.
//
// Thread safety: as any operator (its pipeline's thread).
#pragma once

#include <string>
#include <vector>

#include "sql/types/value.h"
#include "stream/operator.h"

namespace oxbow::engine {

class ConstantSource final : public stream::SourceOperator {
 public:
  ConstantSource(stream::StateId id, std::string name, std::vector<sql::Type> types,
                 std::vector<std::vector<sql::Value>> rows);

  Result<size_t> Poll() override;
  bool CaughtUp() const override { return emitted_; }
  // Once the rows are out, the final watermark (also after a restore).
  Status Start() override;
  Status Checkpoint(stream::StateWriteBatch& batch) override;
  Status Restore(stream::StateStore& store) override;

 private:
  stream::StateId id_;
  std::vector<std::vector<sql::Value>> rows_;
  bool emitted_ = false;
  bool dirty_ = false;
};

}  // namespace oxbow::engine
