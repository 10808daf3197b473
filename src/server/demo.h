// The quickstart demo (`oxbow serve --demo`, what `make run` starts): a generator writes a
// clickstream and user profile updates into topics, and the demo's tables and views are
// defined over them, so a newcomer has something live to query within seconds:
//
//   demo_users            changelog table (PRIMARY KEY user_id): profile updates — tier and
//                         country change now and then; 200 users
//   demo_clicks           stream: page views (user_id, page, dwell_ms, ts), ~20 per second
//   demo_tier_pages       materialized view: clicks enriched with the user's tier at click
//                         time (a stream–table join), views and average dwell per tier and page
//   demo_clicks_per_minute materialized view: a per-minute KPI (clicks, distinct users)
//   demo_user_activity    materialized view: per user, their tier and country now, clicks and
//                         seconds on site so far (a changelog joined with an aggregate)
//
// Values are Avro, registered in the schema registry under <topic>-value, when the registry
// runs (JSON otherwise); keys are JSON. On a fresh data directory the generator first writes
// an hour of history (so the per-minute view is full at once), then produces live. Tables and
// views are created once and kept across restarts (drop them to start over).
//
// Thread safety: Start/Stop from one thread; the generator runs on its own.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "base/status.h"
#include "engine/engine.h"
#include "http/produce_request.h"
#include "log/log_manager.h"

namespace oxbow::server {

class Demo {
 public:
  // Defines the tables and views (what exists already is kept) and starts the generator.
  // `avro` is the registry's encoder, or null for JSON values. All outlive the demo.
  static Result<std::unique_ptr<Demo>> Start(log::LogManager& log, engine::Engine& engine,
                                             http::SchemaEncoder* avro);
  ~Demo();  // Stop()

  // Stops the generator (idempotent).
  void Stop();

 private:
  Demo(log::LogManager& log, http::SchemaEncoder* avro) : log_(log), avro_(avro) {}
  void Run();
  // Appends one record set of `count` clicks ending at `end_ms` (timestamps spread over
  // `span_ms`) plus a profile update every `update_every` clicks.
  Status Produce(int count, int64_t end_ms, int64_t span_ms, int update_every);

  log::LogManager& log_;
  http::SchemaEncoder* avro_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  uint64_t rng_ = 0x0DDB1A5E5BAD5EEDull;
  std::map<std::string, int32_t> schema_ids_;  // by topic, once registered
};

}  // namespace oxbow::server
