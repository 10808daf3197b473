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
  engine::EngineOptions e;
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
