#include "engine/view_derivation.h"

#include <algorithm>

#include "stream/hash_aggregate.h"
#include "stream/stateless_operators.h"

namespace oxbow::engine {

bool DeriveViewRows(const stream::Pipeline& pipeline, stream::Operator* input,
                    const std::vector<int>& key, stream::MaterializedView& view) {
  if (key.empty() || !view.indexed()) return false;
  // From the view up to the aggregate: the filters and projections, and where each key
  // column comes from.
  std::vector<const stream::StatelessOperator*> chain;
  std::vector<int> columns = key;
  stream::Operator* op = input;
  while (auto* stateless = dynamic_cast<stream::StatelessOperator*>(op)) {
    if (auto* project = dynamic_cast<stream::Project*>(stateless)) {
      for (int& c : columns) {
        const sql::Expr& e = *project->exprs()[c];
        if (e.kind != sql::Expr::Kind::kColumnRef) return false;
        c = e.column;
      }
    }
    chain.push_back(stateless);
    op = pipeline.InputOf(op);
  }
  auto* aggregate = dynamic_cast<stream::HashAggregate*>(op);
  if (aggregate == nullptr || aggregate->expires() ||
      aggregate->num_group_columns() != columns.size()) {
    return false;
  }
  // The key columns must be the group columns, each once.
  std::vector<int> sorted = columns;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] != static_cast<int>(i)) return false;
  }
  std::reverse(chain.begin(), chain.end());
  view.DeriveFrom(aggregate, std::move(chain), std::move(columns));
  return true;
}

}  // namespace oxbow::engine
