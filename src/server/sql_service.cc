#include "server/sql_service.h"

#include "io/file.h"
#include "sql/catalog_topic.h"
#include "stream/registry_schema_lookup.h"

namespace oxbow::server {

Result<std::unique_ptr<SqlService>> SqlService::Start(const pgwire::PgServerOptions& pgwire,
                                                      uint64_t view_state_memory_bytes,
                                                      log::LogManager& log,
                                                      format::TopicSchemas* schemas) {
  std::unique_ptr<SqlService> service(new SqlService());
  ASSIGN_OR_RETURN(std::unique_ptr<sql::CatalogTopic> store, sql::CatalogTopic::Open(log));
  ASSIGN_OR_RETURN(service->catalog_, sql::Catalog::Open(std::move(store)));
  engine::EngineOptions options;
  options.log = &log;
  options.catalog = service->catalog_.get();
  options.state_dir = io::JoinPath(log.options().data_dir, "state");
  options.state_memory_bytes = static_cast<size_t>(view_state_memory_bytes);
  if (schemas != nullptr) {
    service->schema_lookup_ = std::make_unique<stream::RegistrySchemaLookup>(*schemas);
    options.schemas = service->schema_lookup_.get();
  }
  ASSIGN_OR_RETURN(service->engine_, engine::Engine::Open(options));
  service->query_engine_ =
      std::make_unique<pgwire::SqlQueryEngine>(service->catalog_.get(), service->engine_.get());
  if (pgwire.enabled) {
    service->server_ = std::make_unique<pgwire::PgServer>(pgwire, *service->query_engine_);
    RETURN_IF_ERROR(service->server_->Start());
  }
  return service;
}

SqlService::~SqlService() { Stop(); }

void SqlService::Stop() {
  if (server_) server_->Stop();
  engine_.reset();
}

}  // namespace oxbow::server
