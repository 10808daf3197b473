// Whether a materialized view can derive its rows from an aggregate's state instead of
// keeping them (stream/materialized_view.h DeriveFrom), and if so, setting it up.
//
// It can when the view's input is a HashAggregate followed only by filters and projections
// (HAVING, the select list), the view is keyed by the group columns (each a plain column
// through the projections), and the aggregate keeps every group it has (no window expiry: a
// closed window's row stays in the view after its group's state is dropped).
#pragma once

#include <vector>

#include "stream/materialized_view.h"
#include "stream/pipeline.h"

namespace oxbow::engine {

// Makes `view` (connected to `input`, IndexBy `key` already called) derive its rows when it
// can; returns whether it does. Call before the pipeline's Restore.
bool DeriveViewRows(const stream::Pipeline& pipeline, stream::Operator* input,
                    const std::vector<int>& key, stream::MaterializedView& view);

}  // namespace oxbow::engine
