// The statement model: what the parser (parser.h) produces for each SQL statement Oxbow
// accepts. Small C++ structs, independent of libpg_query's protobuf tree.
//
//   CREATE TABLE name (col type [NOT NULL] [PRIMARY KEY], …, [PRIMARY KEY (cols)])
//     [WITH (topic = '…', format = '…', …)]
//   CREATE [MATERIALIZED] VIEW name [(cols)] [WITH (…)] AS query
//   INSERT INTO name [(cols)] VALUES (…), … | query
//   DROP TABLE|VIEW|MATERIALIZED VIEW [IF EXISTS] name, … [CASCADE|RESTRICT]
//   SHOW TABLES | SHOW VIEWS | SHOW MATERIALIZED VIEWS | SHOW CREATE TABLE|VIEW|… name
//   SHOW PROGRESS
//   DESCRIBE name
//   EXPLAIN query | EXPLAIN CREATE MATERIALIZED VIEW …
//   SET [SESSION|LOCAL] name TO|= value | SHOW name | SHOW ALL | RESET name | RESET ALL
//   BEGIN | START TRANSACTION | COMMIT | END | ROLLBACK | ABORT
//   query (SELECT, VALUES, UNION, WITH …)
//
// DESCRIBE, SHOW MATERIALIZED VIEWS, SHOW CREATE and SHOW PROGRESS are not PostgreSQL
// grammar; the parser recognizes them before libpg_query (as Materialize and RisingWave
// accept them).
//
// Names are single identifiers (a `public.` qualifier is accepted and dropped). Locations
// are byte offsets into Statement::source (see ast.h). Thread safety: immutable values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "sql/ast.h"

namespace oxbow::sql {

enum class ObjectType : uint8_t { kTable, kView, kMaterializedView };

// "table", "view", "materialized view": as PostgreSQL words them in messages.
std::string_view ObjectTypeName(ObjectType type);

// A name with the position it was written at.
struct NameRef {
  std::string name;
  int location = -1;
};

// One `name = value` of a WITH (…) list. Values are kept as text: a string literal's
// contents, a number or identifier as written; `WITH (flag)` without a value reads "true".
struct WithOption {
  std::string name;  // lower-cased
  std::string value;
  int location = -1;
};

struct ColumnDefinition {
  std::string name;
  TypeName type;
  bool not_null = false;     // NOT NULL (PRIMARY KEY implies it; see CreateTableStatement)
  bool primary_key = false;  // inline `PRIMARY KEY`
  int location = -1;
};

struct CreateTableStatement {
  NameRef name;
  std::vector<ColumnDefinition> columns;
  // The key columns in key order, from an inline PRIMARY KEY or a PRIMARY KEY (…) table
  // constraint (the parser rejects both at once with 42P16). Empty: an append-only stream.
  std::vector<NameRef> primary_key;
  std::vector<WithOption> options;
  bool if_not_exists = false;
};

struct CreateViewStatement {
  NameRef name;
  bool materialized = false;
  bool if_not_exists = false;
  std::vector<std::string> column_names;  // CREATE VIEW v (a, b) AS …
  std::vector<WithOption> options;
  std::unique_ptr<Query> query;
  // The query's text as the user wrote it (after AS), for the catalog and SHOW CREATE.
  std::string query_text;
};

struct InsertStatement {
  NameRef table;
  std::vector<NameRef> columns;   // empty: all columns in table order
  std::unique_ptr<Query> source;  // QueryKind::kValues for INSERT … VALUES
};

struct DropStatement {
  ObjectType object_type = ObjectType::kTable;
  std::vector<NameRef> names;
  bool if_exists = false;
  bool cascade = false;
};

// SHOW TABLES / SHOW VIEWS / SHOW MATERIALIZED VIEWS.
struct ShowObjectsStatement {
  ObjectType object_type = ObjectType::kTable;
};

// SHOW PROGRESS: how far each materialized view has read its sources (the engine answers).
struct ShowProgressStatement {};

struct ShowCreateStatement {
  ObjectType object_type = ObjectType::kTable;
  NameRef name;
};

struct DescribeStatement {
  NameRef name;
};

struct Statement;

struct ExplainStatement {
  ExplainStatement();
  ExplainStatement(ExplainStatement&&) noexcept;
  ExplainStatement& operator=(ExplainStatement&&) noexcept;
  ~ExplainStatement();
  std::unique_ptr<Statement> statement;  // a query or CREATE MATERIALIZED VIEW
};

// SET name TO value[, …] / SET name TO DEFAULT. Also SET TRANSACTION … and SET SESSION
// CHARACTERISTICS …, with `name` "transaction" / "session characteristics" and no values:
// accepted and ignored (clients send them; Oxbow has no transactions to configure).
struct SetVariableStatement {
  std::string name;  // lower-cased, e.g. "timezone" for SET TIME ZONE
  // Each value as text: strings unquoted, numbers and identifiers as written.
  std::vector<std::string> values;
  bool local = false;
  bool to_default = false;
};

struct ShowVariableStatement {
  std::string name;  // lower-cased; "all" for SHOW ALL
};

struct ResetVariableStatement {
  std::string name;  // empty for RESET ALL
  bool all = false;
};

enum class TransactionKind : uint8_t { kBegin, kCommit, kRollback };

// BEGIN/COMMIT/ROLLBACK: accepted as no-ops (each statement is its own transaction).
struct TransactionStatement {
  TransactionKind kind = TransactionKind::kBegin;
};

struct SelectStatement {
  std::unique_ptr<Query> query;
};

using StatementBody =
    std::variant<SelectStatement, InsertStatement, CreateTableStatement, CreateViewStatement,
                 DropStatement, ShowObjectsStatement, ShowCreateStatement, DescribeStatement,
                 ExplainStatement, SetVariableStatement, ShowVariableStatement,
                 ResetVariableStatement, TransactionStatement, ShowProgressStatement>;

struct Statement {
  StatementBody body;
  // The whole text the statement was parsed from (shared by all statements of one string)
  // and this statement's byte range in it, without the terminating ';'.
  std::shared_ptr<const std::string> source;
  int begin = 0;
  int end = 0;

  std::string_view text() const { return std::string_view(*source).substr(begin, end - begin); }
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&body);
  }

  // The command name PostgreSQL's command tag starts with: "SELECT", "INSERT",
  // "CREATE TABLE", "DROP MATERIALIZED VIEW", "SHOW" (also for DESCRIBE and SHOW CREATE),
  // "SET", "BEGIN", "EXPLAIN", …
  std::string_view CommandName() const;

  // `status` with the 1-based character position of byte offset `location` of source
  // attached (kept if the status already has one; see sql_error.h).
  Status ErrorAt(Status status, int location) const;
};

}  // namespace oxbow::sql
