// SELECT without FROM (`SELECT 1`, `SELECT 'a' || 'b'`, `SELECT version()`,
// `SELECT $1::int + 1`): the select list bound to the expression engine (sql/expr) and
// evaluated to one row. A stopgap for the binder the SQL engine will get: it knows no
// relations.
//
// Two halves: constant_select_parse.cc turns the parse tree (sql/ast.h) into the ConstExpr
// tree below, and constant_select.cc binds that to sql/expr and evaluates it. (The binder of
// sql/binder.h plans queries over relations; these SELECTs have none.)
//
// Thread safety: pure functions over immutable inputs.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "pgwire/query_engine.h"
#include "sql/types/value.h"

namespace oxbow::pgwire {

// One select-list expression, as written (names resolved, nothing typed yet).
struct ConstExpr {
  enum class Kind {
    kConstant,  // value (an unknown-typed string for '…' literals)
    kParam,     // $param
    kOperator,  // name (binary: args[0] op args[1]; prefix: args[0] only)
    kAnd,
    kOr,
    kNot,
    kCall,     // name(args)
    kCase,     // [operand,] when, then, …, [else]: flags has_operand / has_else
    kCast,     // args[0]::type
    kIn,       // args[0] [NOT] IN (args[1..])
    kBetween,  // args[0] [NOT] BETWEEN args[1] AND args[2]
    kLike,     // args[0] [NOT] [I]LIKE args[1] [ESCAPE args[2]]
    kIsNull,   // args[0] IS [NOT] NULL
  };
  Kind kind = Kind::kConstant;
  int position = 0;  // 1-based character in the statement, for errors; 0 unknown
  sql::Value value;
  int param = 0;
  std::string name;
  sql::Type type;
  bool negated = false;
  bool case_insensitive = false;
  bool has_operand = false;
  bool has_else = false;
  std::vector<ConstExpr> args;
};

struct ConstSelect {
  std::vector<std::string> names;  // output column names (alias or PostgreSQL's choice)
  std::vector<ConstExpr> exprs;
};

// What expressions may ask of the session.
struct ConstantContext {
  // Parameter values; a parameter whose declared type is unknown is an unknown-typed literal
  // (so `$1 + 1` takes int4 as `'41' + 1` does). Parameters beyond the vector are
  // unknown-typed NULLs (while describing).
  std::vector<sql::Value> params;
  std::vector<bool> param_unknown;
  std::function<Result<std::string>(const std::string&)> setting;  // current_setting
  std::string database;
  std::string user;
  int32_t process_id = 0;
};

struct ConstantResult {
  std::vector<ColumnDescription> columns;
  std::vector<sql::Value> row;  // when evaluated
  // The highest $n referenced, and the types parameters were cast to directly ($1::int).
  int max_param = 0;
  std::vector<std::optional<sql::Type>> param_casts;  // index n-1
  // pg_sleep(seconds): the statement waits this long (cancellable) before its row.
  std::optional<double> sleep_seconds;
};

// Binds the select list and, with `evaluate`, computes the row. Errors carry positions:
// 42883 for unknown functions, 42804/42846 for type errors, 22xxx from evaluation.
Result<ConstantResult> RunConstantSelect(const ConstSelect& select, const ConstantContext& context,
                                         bool evaluate);

// The PostgreSQL version() string.
std::string VersionString();

}  // namespace oxbow::pgwire
