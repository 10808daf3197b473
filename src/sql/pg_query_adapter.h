// Internal: the only code that calls libpg_query (Debian libpg-query-dev 15-4.0.0, the
// PostgreSQL 15.1 grammar). Everything above it works on the protobuf trees it returns
// (pg_query.proto, compiled by protoc at build time into the build directory).
//
// libpg_query on Debian 12, as checked for this adapter (see also docs/design/sql-frontend.md):
// - Thread safety: every global of the PostgreSQL parser is thread-local in libpg_query
//   (TopMemoryContext, error state, the bison/flex state), so calls from several threads at
//   once are safe without a lock; parser_test runs them concurrently.
// - Memory: each call works in its own memory context, released by the matching
//   pg_query_free_* (done here before returning). A thread keeps its small TopMemoryContext
//   until it exits (a pthread key destructor frees it) or calls pg_query_exit().
// - Errors: PostgreSQL's ereport is a longjmp inside the library; it comes back as
//   PgQueryError with the message and `cursorpos`, the 1-based character position PostgreSQL
//   reports. No C++ frames are crossed by the longjmp.
// - Limits: the raw parser recurses once per nesting level when it serializes the tree (about
//   250 bytes of stack per level); a long chain like `1+1+...+1` of 100,000 terms overflows an
//   8 MiB stack. Callers must bound nesting first (parser.cc does, from the tokens).
// - Input: NUL-terminated C strings, so text with NUL bytes must be rejected before.
#pragma once

#include <string_view>

#include "base/status.h"
#include "pg_query/pg_query.pb.h"

namespace oxbow::sql::internal {

// Tokenizes `text` with PostgreSQL's scanner (comments are tokens too). A scanner error
// (unterminated quoted string or comment, ...) is 42601 with PostgreSQL's message and the
// character position in `text`.
Result<pg_query::ScanResult> ScanTokens(std::string_view text);

// Parses `text` into the raw parse tree. A syntax error is 42601 with PostgreSQL's message;
// its position is libpg_query's position in `text` plus `position_offset` characters (the
// characters before `text` in the string the user sent). `max_tree_depth` bounds the
// protobuf nesting accepted (beyond it: 54001 statement too complex).
Result<pg_query::ParseResult> ParseTree(std::string_view text, int position_offset,
                                        int max_tree_depth);

}  // namespace oxbow::sql::internal
