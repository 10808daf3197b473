// The WITH (…) options of CREATE TABLE and CREATE MATERIALIZED VIEW: which exist, what
// values they take. Errors are 22023 invalid_parameter_value (PostgreSQL's code for bad
// reloptions) positioned at the option, or 42703/42804 for event_time naming a bad column.
//
//   CREATE TABLE … WITH (
//     topic = 'name'            the topic holding the table's records; must exist. Without
//                               it CREATE TABLE creates a topic named like the table.
//     format = 'json' | 'avro' | 'debezium_json'   how records are encoded (default json)
//     partitions = n            partitions of the topic CREATE TABLE creates (1..10000)
//     event_time = 'column'     a timestamp/timestamptz column carrying event time
//     watermark_delay = 'interval'   how far behind the newest event time (event_time's,
//                               or the records' timestamps) the watermark follows (>= 0, no
//                               months or years)
//     allowed_lateness = 'interval'  how far behind the watermark events still update their
//                               windows (later ones go to the DLQ as late; default 0)
//     idle_timeout = 'interval'  how long a partition without new records holds the
//                               watermark back (default 10 seconds)
//   )
//   CREATE MATERIALIZED VIEW … WITH (
//     output_topic = 'name'     also write the view's changes to this topic
//     format = 'json' | 'avro' | 'debezium_json'   encoding of output_topic (default json)
//     emit = 'changes' | 'on_window_close'   every change as it happens (default), or a
//                               window's rows once the watermark closes it
//   )
// CREATE VIEW takes no options.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalog_object.h"
#include "sql/statement.h"

namespace oxbow::sql {

struct TableOptions {
  std::optional<std::string> topic;
  TableFormat format = TableFormat::kJson;
  int32_t partitions = 0;  // 0: the log's default
  // event_time, watermark_delay, allowed_lateness, idle_timeout, as written (stored in
  // TableDefinition::options).
  std::map<std::string, std::string> others;
};

// Validates the options of `create` against its resolved `columns`.
Result<TableOptions> ValidateTableOptions(const Statement& statement,
                                          const CreateTableStatement& create,
                                          const std::vector<CatalogColumn>& columns);

// Validates the options of CREATE [MATERIALIZED] VIEW; returns them as a map.
Result<std::map<std::string, std::string>> ValidateViewOptions(const Statement& statement,
                                                               const CreateViewStatement& create);

}  // namespace oxbow::sql
