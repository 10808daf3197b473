// libFuzzer target over the parser adapter and the conversion into statements and the AST.
//
// Properties, for any bytes:
// - parsing returns statements or an SQL error; an error has a SQLSTATE other than XX000 and
//   a position within the text (0 when it has none);
// - every query the parser accepts prints as SQL that parses again (unless the added
//   parentheses take it over the nesting limit), to the same text (the printer's output is a
//   fixed point), so the AST keeps what the user wrote.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/logging.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "sql/sql_text.h"

namespace {

using oxbow::sql::ParseStatements;
using oxbow::sql::Query;
using oxbow::sql::Statement;

void CheckReprint(const Query& query) {
  std::string once = query.ToString();
  auto again = oxbow::sql::ParseStatement(once);
  // The printed form parenthesizes every operator, which can take a query accepted near the
  // nesting limit over it.
  if (!again.ok() && oxbow::sql::SqlStateOf(again.status()) == "54001") return;
  OXBOW_CHECK(again.ok(), "printed query does not parse: {}: {}", once, again.status());
  const auto* select = again->As<oxbow::sql::SelectStatement>();
  OXBOW_CHECK(select != nullptr, "printed query is not a query: {}", once);
  std::string twice = select->query->ToString();
  OXBOW_CHECK(once == twice, "printing is not a fixed point: {} vs {}", once, twice);
}

void CheckStatement(const Statement& s) {
  if (const auto* select = s.As<oxbow::sql::SelectStatement>()) CheckReprint(*select->query);
  if (const auto* view = s.As<oxbow::sql::CreateViewStatement>()) CheckReprint(*view->query);
  if (const auto* explain = s.As<oxbow::sql::ExplainStatement>()) {
    CheckStatement(*explain->statement);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto statements = ParseStatements(sql);
  if (!statements.ok()) {
    oxbow::sql::SqlErrorInfo e = oxbow::sql::SqlErrorOf(statements.status());
    OXBOW_CHECK(e.sqlstate != "XX000", "error without SQLSTATE: {}", statements.status());
    OXBOW_CHECK(e.position >= 0 && e.position <= static_cast<int>(size) + 1,
                "position {} outside the text", e.position);
    return 0;
  }
  for (const Statement& s : *statements) CheckStatement(s);
  return 0;
}
