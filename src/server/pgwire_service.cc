#include "server/pgwire_service.h"

#include "sql/catalog_topic.h"

namespace oxbow::server {

Result<std::unique_ptr<PgwireService>> PgwireService::Start(const pgwire::PgServerOptions& options,
                                                            log::LogManager& log) {
  std::unique_ptr<PgwireService> service(new PgwireService());
  ASSIGN_OR_RETURN(std::unique_ptr<sql::CatalogTopic> store, sql::CatalogTopic::Open(log));
  ASSIGN_OR_RETURN(service->catalog_, sql::Catalog::Open(std::move(store)));
  service->ddl_ = std::make_unique<sql::DdlExecutor>(*service->catalog_, &log);
  service->engine_ =
      std::make_unique<pgwire::SqlQueryEngine>(service->catalog_.get(), service->ddl_.get());
  service->server_ = std::make_unique<pgwire::PgServer>(options, *service->engine_);
  RETURN_IF_ERROR(service->server_->Start());
  return service;
}

PgwireService::~PgwireService() { Stop(); }

void PgwireService::Stop() {
  if (server_) server_->Stop();
}

}  // namespace oxbow::server
