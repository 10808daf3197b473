// DDL execution: CREATE TABLE / VIEW / MATERIALIZED VIEW, DROP, SHOW TABLES / VIEWS /
// MATERIALIZED VIEWS, SHOW CREATE and DESCRIBE, against the catalog and the log. Each
// returns a StatementResult: what pgwire sends (RowDescription + DataRows as text, the
// CommandComplete tag, NoticeResponses).
//
// EXPLAIN prints the logical plan (binder.h, plan.h) of a query or of a CREATE MATERIALIZED
// VIEW's query, one row per node in a column "QUERY PLAN".
//
// CREATE TABLE validates types and WITH options (relation_options.h), then, without a
// `topic` option, creates the topic named like the table (1 partition unless `partitions`)
// in the log, and records the table. DROP TABLE deletes a topic CREATE TABLE created (after
// the catalog has forgotten the table; a crash in between leaves the topic, which a later
// CREATE TABLE of that name reports as existing). CREATE [MATERIALIZED] VIEW checks that the
// query's relations exist and binds and plans the query (binder.h): every binding error is
// reported here, and the view records its output columns (names and types) for DESCRIBE and
// pgwire. Running the dataflow is not done here.
//
// Errors are sql_error.h errors positioned in the statement. Thread safety: Execute may be
// called from several threads; the catalog serializes changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "log/log_manager.h"
#include "sql/catalog.h"
#include "sql/statement.h"

namespace oxbow::sql {

struct StatementResult {
  // PostgreSQL's CommandComplete tag: "CREATE TABLE", "DROP VIEW", "SHOW", …
  std::string command_tag;
  // Empty when the statement returns no rows (CREATE, DROP).
  std::vector<std::string> column_names;
  std::vector<std::vector<std::optional<std::string>>> rows;  // text values; nullopt = NULL
  struct Notice {
    std::string message;
    std::string detail;
  };
  std::vector<Notice> notices;
};

class DdlExecutor {
 public:
  // `log` holds the tables' topics; null for a catalog without a log (tests), where topics
  // are recorded but neither checked nor created. Both must outlive the executor.
  DdlExecutor(Catalog& catalog, log::LogManager* log) : catalog_(catalog), log_(log) {}

  // Whether Execute handles `statement`.
  static bool Handles(const Statement& statement);

  // Executes one of the statements Handles() accepts (others: FailedPrecondition).
  Result<StatementResult> Execute(const Statement& statement);

 private:
  Result<StatementResult> CreateTable(const Statement& s, const CreateTableStatement& create);
  Result<StatementResult> CreateView(const Statement& s, const CreateViewStatement& create);
  Result<StatementResult> Drop(const Statement& s, const DropStatement& drop);
  Result<StatementResult> ShowObjects(const ShowObjectsStatement& show);
  Result<StatementResult> ShowCreate(const Statement& s, const ShowCreateStatement& show);
  Result<StatementResult> Describe(const Statement& s, const DescribeStatement& describe);
  // EXPLAIN query / EXPLAIN CREATE MATERIALIZED VIEW: the plan, one row per node.
  Result<StatementResult> Explain(const ExplainStatement& explain);
  // Creates the topic of a table without a `topic` option.
  Status CreateTopic(const Statement& s, const CreateTableStatement& create,
                     const std::string& topic, int32_t partitions);

  Catalog& catalog_;
  log::LogManager* log_;
};

// The CREATE TABLE statement that recreates `object` (a table): what SHOW CREATE TABLE
// prints. The topic is always named, so running it again reads the same topic.
std::string CreateTableSql(const CatalogObject& object);

}  // namespace oxbow::sql
