// An in-process Oxbow for SQL tests: a log in a directory, the catalog in its
// `__oxbow_catalog` topic, a schema registry in its `_schemas` topic, and an engine::Engine with a
// RocksDB state store under the same directory. Restart() closes everything and reopens it from the
// directory, as a server restart does. Not thread-safe (one test thread drives it; the engine has
// its own).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/engine.h"
#include "format/topic_schemas.h"
#include "log/log_manager.h"
#include "registry/schema_registry.h"
#include "registry/schemas_topic.h"
#include "sql/catalog.h"
#include "stream/registry_schema_lookup.h"
#include "testing/log_test_util.h"

namespace oxbow::sqltest {

class SqlEnv {
 public:
  explicit SqlEnv(std::string dir);
  ~SqlEnv();

  Status Open();
  // Engine (after its last checkpoint), catalog, then log. Idempotent.
  void Close();
  Status Restart() {
    Close();
    return Open();
  }

  // Parses `sql` and runs each statement through Engine::Execute; the first error.
  Status Execute(const std::string& sql);

  // Appends `records` to one partition of `topic` as one batch.
  Status Produce(const std::string& topic, int partition,
                 const std::vector<testing::TestRecord>& records);

  engine::Engine& engine() { return *engine_; }
  log::LogManager& log() { return *log_; }
  registry::SchemaRegistry& registry() { return *registry_; }
  stream::SchemaLookup& schemas() { return *schema_lookup_; }

 private:
  std::string dir_;
  testing::NoSyncFileSystem fs_;  // the log's fsyncs are not what these tests are about
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<sql::Catalog> catalog_;
  std::unique_ptr<registry::SchemasTopic> schemas_topic_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<format::TopicSchemas> topic_schemas_;
  std::unique_ptr<stream::RegistrySchemaLookup> schema_lookup_;
  std::unique_ptr<engine::Engine> engine_;
};

// PostgreSQL's text output of a row, values joined by " | ", NULL as "NULL".
std::string FormatRow(const std::vector<sql::Value>& row);

}  // namespace oxbow::sqltest
