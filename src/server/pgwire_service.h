// The PostgreSQL wire protocol service of `oxbow serve`: the SQL catalog (durable in
// __oxbow_catalog), its DDL executor, the first QueryEngine and the pgwire server, started
// and stopped together.
#pragma once

#include <memory>

#include "base/status.h"
#include "log/log_manager.h"
#include "pgwire/pg_server.h"
#include "pgwire/pg_server_options.h"
#include "pgwire/sql_engine.h"
#include "sql/catalog.h"
#include "sql/ddl.h"

namespace oxbow::server {

class PgwireService {
 public:
  // Opens (replays) the catalog and starts listening. `log` outlives the service. Errors:
  // the catalog's (e.g. DataLoss for a corrupt __oxbow_catalog) or the listener's.
  static Result<std::unique_ptr<PgwireService>> Start(const pgwire::PgServerOptions& options,
                                                      log::LogManager& log);
  ~PgwireService();

  uint16_t bound_port() const { return server_->bound_port(); }
  // Stops the server (connections closed, statements running finish). Idempotent.
  void Stop();

 private:
  PgwireService() = default;

  std::unique_ptr<sql::Catalog> catalog_;
  std::unique_ptr<sql::DdlExecutor> ddl_;
  std::unique_ptr<pgwire::SqlQueryEngine> engine_;
  std::unique_ptr<pgwire::PgServer> server_;
};

}  // namespace oxbow::server
