// A materialized view's output topic (WITH (output_topic = …, format = …)): the sink options
// for its format, with the Avro schemas registered.
//
//   format = 'json' (default)   upserts keyed by the view's key, JSON keys and values
//   format = 'avro'             upserts keyed by the view's key, Confluent-framed Avro keys
//                               and values; deletes are tombstones. The value schema (derived
//                               from the view's columns, stream/row_avro_encoder.h) is
//                               registered under "<topic>-value", the key schema (the key
//                               columns) under "<topic>-key"
//   format = 'debezium_json'    Debezium change events (JSON), keyed by the view's key when
//                               it has one
// Upserts need a key: a view without one is 22023, with a hint to use debezium_json.
//
// Registration happens when CREATE MATERIALIZED VIEW runs (so that a subject refusing the
// schema fails the statement) and again each time the view starts: registering a schema a
// subject already has returns its id, without a new version.
// Errors for Avro: 55000 when there is no schema registry, when the subject refuses the
// schema (incompatible under its compatibility level, read-only) or the registry fails,
// quoting the registry's reason; 42P17 when two columns have the same Avro field name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalog_object.h"
#include "sql/plan.h"
#include "stream/output_topic_sink.h"
#include "stream/schema_lookup.h"

namespace oxbow::engine {

// The sink options of view `view_name` (definition `options`, the WITH options; `plan` its
// plan; `column_names` its column names, overriding the plan's) or nullopt when it has no
// output topic. The options' id and log are the caller's to set. `schemas` may be null (no
// registry).
Result<std::optional<stream::OutputTopicSinkOptions>> OutputTopicOptions(
    const std::string& view_name, const std::map<std::string, std::string>& options,
    const sql::PlanNode& plan, const std::vector<std::string>& column_names,
    stream::SchemaLookup* schemas);

}  // namespace oxbow::engine
