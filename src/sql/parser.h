// The SQL parser: text → statements (statement.h), through libpg_query (PostgreSQL 15's own
// grammar), so users meet PostgreSQL's syntax, error messages and error positions.
//
// Errors (sql_error.h; positions are 1-based characters in `sql`, as PostgreSQL reports):
//   22021  the text is not valid UTF-8 or contains a NUL byte (no position)
//   42601  syntax error, with PostgreSQL's message ("syntax error at or near \"SELEC\"")
//   0A000  valid PostgreSQL that Oxbow does not support, naming the construct
//   3F000  a schema other than public; 42704 an unknown qualified type name
//   42701, 42703, 42P16  column-list errors of CREATE TABLE and INSERT found while parsing
//   22023  a WITH option given twice or with a value that is not a constant
//   54001  nesting deeper than kMaxNestingDepth (libpg_query would overflow the stack)
//
// Thread safety: safe to call from any number of threads at once (see pg_query_adapter.h).
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/statement.h"

namespace oxbow::sql {

// The deepest expression nesting accepted, as estimated from the tokens (parser.cc). Far
// beyond what people write; each level costs the parser and the converter stack.
inline constexpr int kMaxNestingDepth = 1000;

// Parses `sql`, which holds zero or more statements separated by semicolons (PostgreSQL's
// simple query protocol). All or nothing: every statement parses, or the first error is
// returned and nothing is. Empty statements (`;;`, comments only) are skipped.
Result<std::vector<Statement>> ParseStatements(std::string_view sql);

// Parses exactly one statement: 42601 for none ("empty query") or several ("cannot insert
// multiple commands into a prepared statement", PostgreSQL's words in the extended protocol).
Result<Statement> ParseStatement(std::string_view sql);

}  // namespace oxbow::sql
