// The first QueryEngine: what Oxbow's SQL front end can run today, over its parser
// (sql/parser.h), expression engine (sql/expr) and, when given one, the catalog's DDL
// executor (sql/ddl.h).
//
//   SET / SHOW / RESET (session_settings.h), SHOW ALL, BEGIN/COMMIT/ROLLBACK (no-ops; the
//   connection tracks the transaction status), DISCARD ALL, DEALLOCATE [ALL | name] (only as
//   the whole statement string), SELECT without FROM (constant_select.h, incl. pg_sleep),
//   CREATE/DROP TABLE/VIEW/MATERIALIZED VIEW, SHOW TABLES/VIEWS/…, SHOW CREATE, DESCRIBE.
//
// Everything else is 0A000 naming the statement (SELECT over relations is 42P01 when a
// relation does not exist). Thread safety: the engine is shared by all connections; each
// session is used by one connection at a time.
#pragma once

#include <memory>

#include "engine/engine.h"
#include "pgwire/query_engine.h"

namespace oxbow::pgwire {

class SqlQueryEngine : public QueryEngine {
 public:
  // `ddl` and `catalog` may be null (no catalog: DDL statements are 0A000); they outlive
  // the engine.
  SqlQueryEngine(sql::Catalog* catalog, engine::Engine* engine)
      : catalog_(catalog), engine_(engine) {}

  Result<std::unique_ptr<Session>> NewSession(const SessionStartup& startup) override;

 private:
  sql::Catalog* catalog_;
  engine::Engine* engine_;
};

}  // namespace oxbow::pgwire
