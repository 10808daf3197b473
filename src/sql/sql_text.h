// Text helpers of the SQL front end: statement positions as PostgreSQL reports them, UTF-8
// validation of statement text, and identifier quoting.
//
// Positions: libpg_query and our AST locate nodes by 0-based byte offsets into the statement
// text; PostgreSQL's error position (ErrorResponse field P, psql's "LINE 1: ... ^") counts
// characters from 1. CharPosition converts one to the other.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::sql {

// The 1-based character position of byte offset `byte_offset` in UTF-8 `text` (offsets past
// the end give the position after the last character). A negative offset (unknown) gives 0,
// which sql_error.h treats as "no position".
int CharPosition(std::string_view text, int byte_offset);

// Adds the position of `byte_offset` in `text` to an SQL error (see sql_error.h), keeping a
// position that is already set. OK statuses pass through.
Status AtByteOffset(Status status, std::string_view text, int byte_offset);

// OK when `text` is well-formed UTF-8 without NUL bytes (PostgreSQL rejects both before
// parsing); else 22021 character_not_in_repertoire naming the bad bytes as PostgreSQL does:
// `invalid byte sequence for encoding "UTF8": 0xc3 0x28`.
Status ValidateSqlText(std::string_view text);

// `name` as an SQL identifier: bare when it is a lower-case identifier that is not a keyword
// PostgreSQL reserves, else double-quoted with embedded quotes doubled (quote_ident()).
std::string QuoteIdentifier(std::string_view name);

// `value` as an SQL string literal: single-quoted, embedded quotes doubled.
std::string QuoteLiteral(std::string_view value);

}  // namespace oxbow::sql
