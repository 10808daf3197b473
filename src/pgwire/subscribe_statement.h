// SUBSCRIBE, recognized before PostgreSQL's parser (which does not know it), as Materialize
// spells it:
//   SUBSCRIBE [TO] view
//   COPY (SUBSCRIBE [TO] view) TO STDOUT
// The first streams rows like a query that never ends (node-pg, drivers); the second streams
// COPY text lines, which psql prints as they arrive.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::pgwire {

struct SubscribeStatement {
  std::string view;  // folded to lower case unless quoted
  bool copy = false;
};

// nullopt when `sql` is not a SUBSCRIBE; 42601 for a SUBSCRIBE that does not parse.
Result<std::optional<SubscribeStatement>> ParseSubscribe(std::string_view sql);

// `COPY (query) TO STDOUT`: the query's text, or nullopt when `sql` is not of that form.
// (COPY of a table, COPY FROM and options other than the text format are not supported.)
std::optional<std::string_view> CopyToStdoutQuery(std::string_view sql);

}  // namespace oxbow::pgwire
