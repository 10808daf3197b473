// INSERT INTO table [(columns)] VALUES … | SELECT …: rows encoded in the table's format and
// appended to its topic, the way a producer would write them.
//
//   - Values are assigned to their columns as PostgreSQL assigns them (sql/binder.h
//     BindInsertValues for VALUES; a SELECT's values cast in assignment context); columns
//     not named are NULL.
//   - NOT NULL and primary-key columns must not be NULL: 23502 naming the column.
//   - Records as insert_encoder.h writes them per format (json, debezium_json, avro). A
//     changelog table's record key is its primary key, and the partition is Kafka's
//     murmur2 of the key (as a Kafka producer would choose it), so the row lands where
//     upserts and tombstones for that key from other producers do. Streams spread rows over
//     the partitions in turn.
//   - The rows of one statement are appended per partition as one record set (all or
//     nothing per partition) and are durable per the topic's flush policy when this returns.
//
// Errors: 42P01 (no such table), 42809 (a view), 42703 / 42701 (target columns), 42601 / 42804
// (VALUES shape and types), 23502, insert_encoder.h's (Avro: 55000 without a registry or a
// value schema, values that do not fit the schema), the log's.
#pragma once

#include <atomic>
#include <cstdint>

#include "base/status.h"
#include "engine/dataflow_builder.h"
#include "log/log_manager.h"
#include "sql/catalog.h"
#include "sql/statement.h"

namespace oxbow::engine {

// `context` runs an INSERT … SELECT's query (as an ad-hoc query); returns the rows written.
Result<uint64_t> ExecuteInsert(const sql::Statement& statement, DataflowContext context);

}  // namespace oxbow::engine
