#include "sql_env.h"

#include <fmt/format.h>

#include "io/file.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"

namespace oxbow::sqltest {

SqlEnv::SqlEnv(std::string dir) : dir_(std::move(dir)), fs_(io::FileSystem::Default()) {}

SqlEnv::~SqlEnv() { Close(); }

Status SqlEnv::Open() {
  log::LogOptions o;
  o.data_dir = io::JoinPath(dir_, "data");
  ASSIGN_OR_RETURN(log_, log::LogManager::Open(fs_, std::move(o)));
  ASSIGN_OR_RETURN(std::unique_ptr<sql::CatalogTopic> store, sql::CatalogTopic::Open(*log_));
  ASSIGN_OR_RETURN(catalog_, sql::Catalog::Open(std::move(store)));
  ASSIGN_OR_RETURN(schemas_topic_, registry::SchemasTopic::Open(*log_));
  ASSIGN_OR_RETURN(registry_, registry::SchemaRegistry::Open(*schemas_topic_));
  topic_schemas_ = std::make_unique<format::TopicSchemas>(*registry_);
  schema_lookup_ = std::make_unique<stream::RegistrySchemaLookup>(*topic_schemas_);
  engine::EngineOptions e;
  e.schemas = schema_lookup_.get();
  e.log = log_.get();
  e.catalog = catalog_.get();
  e.state_dir = io::JoinPath(dir_, "state");
  // Short, so that restarts resume from recent checkpoints rather than from the start.
  e.checkpoint_interval = std::chrono::milliseconds(50);
  ASSIGN_OR_RETURN(engine_, engine::Engine::Open(std::move(e)));
  return absl::OkStatus();
}

void SqlEnv::Close() {
  engine_.reset();
  catalog_.reset();
  schema_lookup_.reset();
  topic_schemas_.reset();
  registry_.reset();
  schemas_topic_.reset();
  if (log_) {
    if (Status s = log_->Close(); !s.ok()) fmt::print(stderr, "closing the log: {}\n", s);
    log_.reset();
  }
}

Status SqlEnv::Execute(const std::string& sql) {
  ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseStatements(sql));
  for (const sql::Statement& s : statements) RETURN_IF_ERROR(engine_->Execute(s).status());
  return absl::OkStatus();
}

Status SqlEnv::Produce(const std::string& topic, int partition,
                       const std::vector<testing::TestRecord>& records) {
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                   log_->GetPartition(topic, PartitionId(partition)));
  int64_t now = records.empty() ? 0 : records.back().timestamp;
  return testing::AppendCopy(*p, testing::BuildBatch(records).view(), now).status();
}

std::string FormatRow(const std::vector<sql::Value>& row) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) line += " | ";
    line += row[i].ToString();
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace oxbow::sqltest
