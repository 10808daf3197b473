// The SQL side of `oxbow serve`: the catalog (durable in __oxbow_catalog), the streaming SQL
// engine running every materialized view (state in <data-dir>/state), and the PostgreSQL
// wire protocol server in front of them — started and stopped together. Views run whether or
// not pgwire listens.
#pragma once

#include <memory>

#include "base/status.h"
#include "engine/engine.h"
#include "format/topic_schemas.h"
#include "log/log_manager.h"
#include "pgwire/pg_server.h"
#include "pgwire/pg_server_options.h"
#include "pgwire/sql_engine.h"
#include "sql/catalog.h"
#include "stream/schema_lookup.h"

namespace oxbow::server {

class SqlService {
 public:
  // Opens (replays) the catalog, opens the state store and starts the views, then listens
  // for pgwire clients unless `pgwire.enabled` is false. `log` outlives the service. Errors:
  // the catalog's (e.g. DataLoss for a corrupt __oxbow_catalog), the state store's, the
  // listener's.
  // `schemas` (null when the registry is off) lets views read Avro tables.
  // `view_state_memory_bytes`: each view's in-memory state budget (--view-state-memory).
  static Result<std::unique_ptr<SqlService>> Start(const pgwire::PgServerOptions& pgwire,
                                                   uint64_t view_state_memory_bytes,
                                                   log::LogManager& log,
                                                   format::TopicSchemas* schemas);
  ~SqlService();

  // 0 when pgwire is off.
  uint16_t pg_port() const { return server_ ? server_->bound_port() : 0; }
  engine::Engine& engine() { return *engine_; }
  // Stops the pgwire server (connections closed, statements running finish), then the views
  // (each after a last checkpoint). Idempotent.
  void Stop();

 private:
  SqlService() = default;

  std::unique_ptr<stream::SchemaLookup> schema_lookup_;
  std::unique_ptr<sql::Catalog> catalog_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<pgwire::SqlQueryEngine> query_engine_;
  std::unique_ptr<pgwire::PgServer> server_;
};

}  // namespace oxbow::server
