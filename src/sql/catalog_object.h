// What the catalog records about each relation: tables (columns, key, topic, format,
// options) and views (their SQL, dependencies, options), and their JSON form in the
// `__oxbow_catalog` topic.
//
// JSON (the record value; the key is the object's name):
//   {"version": 1, "kind": "table" | "view" | "materialized_view", "name": "...", "oid": 16384,
//    "columns": [{"name": "id", "type": "int8", "typmod": -1, "not_null": true}, ...],
//    -- tables:
//    "primary_key": ["id"], "topic": "users", "topic_created": false, "format": "json",
//    "options": {"event_time": "ts", ...},
//    -- views:
//    "sql": "CREATE VIEW v AS SELECT ...", "query": "SELECT ...", "column_names": [...],
//    "dependencies": ["users"], "options": {"output_topic": "...", ...}}
// Types are stored by PostgreSQL's internal name and atttypmod (types/type.h), which are
// stable; `columns` of a view is empty until a binder has derived them.
//
// Thread safety: plain values; the catalog shares them as shared_ptr<const CatalogObject>.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "sql/statement.h"
#include "sql/types/type.h"

namespace oxbow::sql {

struct CatalogColumn {
  std::string name;
  Type type;
  bool not_null = false;

  bool operator==(const CatalogColumn&) const = default;
};

enum class TableFormat : uint8_t { kJson, kAvro, kDebeziumJson };

// "json", "avro", "debezium_json".
std::string_view TableFormatName(TableFormat format);

struct TableDefinition {
  std::vector<CatalogColumn> columns;
  // Empty: an append-only stream (every record an insert). Otherwise a changelog table: the
  // latest record per key is the row; a null value (tombstone) deletes it.
  std::vector<std::string> primary_key;
  std::string topic;
  // CREATE TABLE created the topic (no `topic` option); DROP TABLE deletes it again.
  bool topic_created = false;
  TableFormat format = TableFormat::kJson;
  // The validated WITH options other than topic and format (event_time, watermark_delay, …),
  // as written.
  std::map<std::string, std::string> options;

  bool is_changelog() const { return !primary_key.empty(); }
  bool operator==(const TableDefinition&) const = default;
};

struct ViewDefinition {
  std::string sql;                        // the CREATE statement as written
  std::string query;                      // its query (after AS)
  std::vector<std::string> column_names;  // CREATE VIEW v (a, b) …; empty when not given
  // Output columns when known (a binder fills them); empty otherwise.
  std::vector<CatalogColumn> columns;
  // Relations the query reads, sorted, without duplicates.
  std::vector<std::string> dependencies;
  std::map<std::string, std::string> options;  // output_topic, format, emit

  bool operator==(const ViewDefinition&) const = default;
};

struct CatalogObject {
  ObjectType type = ObjectType::kTable;
  std::string name;
  // A PostgreSQL-style object id (from 16384, FirstNormalObjectId), unique among live
  // objects, for pg_catalog emulation. A name dropped and created again gets a new one.
  uint32_t oid = 0;
  std::variant<TableDefinition, ViewDefinition> definition;

  const TableDefinition* table() const { return std::get_if<TableDefinition>(&definition); }
  const ViewDefinition* view() const { return std::get_if<ViewDefinition>(&definition); }
  bool operator==(const CatalogObject&) const = default;
};

// The JSON record value of `object`.
std::string EncodeCatalogObject(const CatalogObject& object);
// Decodes a record value. DataLoss naming what is wrong when the JSON is not a catalog
// object (a damaged or foreign record in the topic).
Result<CatalogObject> DecodeCatalogObject(std::string_view json);

}  // namespace oxbow::sql
