// The parse-tree half of constant_select.h: recognizes a SELECT without FROM and turns its
// select list into ConstExprs.
#pragma once

#include "base/status.h"
#include "pgwire/constant_select.h"
#include "sql/statement.h"

namespace oxbow::pgwire {

// Whether `statement` is a plain select list: no FROM, WHERE, GROUP BY, HAVING, ORDER BY,
// LIMIT, DISTINCT, WITH or set operation.
bool IsConstantSelect(const sql::Statement& statement);

// The select list as ConstExprs. Errors with positions: 42703 for a column reference, 42601
// for `SELECT *`, 42704 for unknown type names, 0A000 for constructs not supported here.
Result<ConstSelect> ToConstSelect(const sql::Statement& statement);

}  // namespace oxbow::pgwire
