#include "server/demo.h"

#include <chrono>
#include <string>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "log/record_batch_builder.h"
#include "nlohmann/json.hpp"
#include "sql/parser.h"
#include "sql/sql_error.h"

namespace oxbow::server {
namespace {

constexpr int kUsers = 200;
constexpr const char* kPages[] = {"/",           "/pricing",   "/docs",       "/docs/sql",
                                  "/docs/kafka", "/blog",      "/blog/kappa", "/signup",
                                  "/login",      "/dashboard", "/careers",    "/contact"};
constexpr const char* kTiers[] = {"free", "free", "free", "pro", "pro", "enterprise"};
constexpr const char* kCountries[] = {"DE", "FR", "US", "US", "JP", "BR", "IN", "GB"};

constexpr const char* kClickSchema = R"({"type":"record","name":"Click","namespace":"demo",
"fields":[{"name":"user_id","type":"long"},{"name":"page","type":"string"},
{"name":"dwell_ms","type":"int"},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}}]})";
constexpr const char* kUserSchema = R"({"type":"record","name":"User","namespace":"demo",
"fields":[{"name":"user_id","type":"long"},{"name":"tier","type":"string"},
{"name":"country","type":"string"}]})";

// What the demo defines; a name that exists already is kept.
constexpr const char* kStatements[] = {
    "CREATE TABLE demo_users (user_id bigint PRIMARY KEY, tier text, country text) "
    "WITH (format = '{fmt}')",
    "CREATE TABLE demo_clicks (user_id bigint, page text, dwell_ms integer, ts timestamptz) "
    "WITH (format = '{fmt}', event_time = 'ts', watermark_delay = '5 seconds')",
    "CREATE MATERIALIZED VIEW demo_tier_pages AS SELECT u.tier, c.page, count(*) AS views, "
    "round(avg(c.dwell_ms)) AS avg_dwell_ms FROM demo_clicks c JOIN demo_users u "
    "ON c.user_id = u.user_id GROUP BY u.tier, c.page",
    // A one-minute event-time window: a minute's state goes once the watermark passes it.
    "CREATE MATERIALIZED VIEW demo_clicks_per_minute AS SELECT window_start AS minute, "
    "count(*) AS clicks, count(DISTINCT user_id) AS users "
    "FROM TUMBLE(demo_clicks, ts, INTERVAL '1 minute') GROUP BY window_start",
    // Aggregated before the join: state stays one row per user (a join keeping every click
    // would grow with the stream).
    "CREATE MATERIALIZED VIEW demo_user_activity AS SELECT u.user_id, u.tier, u.country, "
    "coalesce(a.clicks, 0) AS clicks, coalesce(a.seconds, 0) AS seconds_on_site "
    "FROM demo_users u LEFT JOIN (SELECT user_id, count(*) AS clicks, sum(dwell_ms) / 1000 AS "
    "seconds FROM demo_clicks GROUP BY user_id) a ON a.user_id = u.user_id",
};

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoMs(int64_t ms) {
  auto t = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

}  // namespace

Result<std::unique_ptr<Demo>> Demo::Start(log::LogManager& log, engine::Engine& engine,
                                          http::SchemaEncoder* avro) {
  std::unique_ptr<Demo> demo(new Demo(log, avro));
  const char* format = avro != nullptr ? "avro" : "json";
  for (const char* text : kStatements) {
    std::string sql = text;
    if (size_t at = sql.find("{fmt}"); at != std::string::npos) sql.replace(at, 5, format);
    ASSIGN_OR_RETURN(sql::Statement statement, sql::ParseStatement(sql));
    Result<sql::StatementResult> done = engine.Execute(statement);
    if (!done.ok() && sql::SqlStateOf(done.status()) != "42P07") {
      return Status(done.status().code(),
                    fmt::format("demo: {}: {}", sql.substr(0, 60), done.status().message()));
    }
  }
  // A fresh topic gets an hour of history first: the views start full.
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> clicks,
                   log.GetPartition("demo_clicks", PartitionId(0)));
  if (clicks->high_watermark().value() == 0) {
    int64_t start = WallMs() - 3'600'000;
    RETURN_IF_ERROR(demo->Produce(kUsers, start, 1, 1));  // every user once
    for (int minute = 1; minute <= 60; ++minute) {        // 20 clicks/s, a batch per minute
      RETURN_IF_ERROR(demo->Produce(1200, start + minute * 60'000, 60'000, 200));
    }
  }
  demo->thread_ = std::thread([d = demo.get()] { d->Run(); });
  OXBOW_LOG_INFO(
      "demo: producing ~20 clicks/s into demo_clicks and profile updates into demo_users ({}); "
      "views demo_tier_pages, demo_clicks_per_minute, demo_user_activity",
      format);
  return demo;
}

Demo::~Demo() { Stop(); }

void Demo::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Demo::Run() {
  auto next = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    next += std::chrono::milliseconds(500);
    std::this_thread::sleep_until(next);
    // 10 clicks per half second; a profile update now and then.
    if (Status s = Produce(10, WallMs(), 500, 40); !s.ok()) {
      OXBOW_LOG_WARN("demo: producing failed, stopping the generator: {}", s.ToString());
      return;
    }
  }
}

Status Demo::Produce(int count, int64_t end_ms, int64_t span_ms, int update_every) {
  auto rand = [this](uint64_t n) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_ % n;
  };
  auto value = [&](const std::string& topic, const char* schema,
                   const nlohmann::ordered_json& json) -> Result<std::string> {
    if (avro_ == nullptr) return json.dump();
    // The schema is registered by the first record; later ones name its id.
    auto id = schema_ids_.find(topic);
    auto encoded = id == schema_ids_.end()
                       ? avro_->Encode(topic, /*is_key=*/false, schema, std::nullopt, json)
                       : avro_->Encode(topic, /*is_key=*/false, "", id->second, json);
    if (auto* e = std::get_if<http::SchemaEncoder::Encoded>(&encoded)) {
      schema_ids_[topic] = e->schema_id;
      return std::move(e->bytes);
    }
    return absl::InternalError(fmt::format("demo: encoding for {}: {}", topic,
                                           std::get<http::RestError>(encoded).message));
  };
  log::RecordBatchBuilder clicks({});
  log::RecordBatchBuilder users({});
  for (int i = 0; i < count; ++i) {
    int64_t ts = end_ms - span_ms + span_ms * (i + 1) / count;
    if (update_every == 1 || rand(static_cast<uint64_t>(update_every)) == 0) {
      int64_t user = update_every == 1 ? i % kUsers : static_cast<int64_t>(rand(kUsers));
      nlohmann::ordered_json u{{"user_id", user},
                               {"tier", kTiers[rand(std::size(kTiers))]},
                               {"country", kCountries[rand(std::size(kCountries))]}};
      ASSIGN_OR_RETURN(std::string v, value("demo_users", kUserSchema, u));
      std::string key = fmt::format("{{\"user_id\":{}}}", user);
      users.Add(TimestampMs(ts), AsBytes(key), AsBytes(v));
      if (update_every == 1) continue;
    }
    // Popular pages and busy users come up more often (a skewed pick).
    uint64_t page = std::min(rand(std::size(kPages)), rand(std::size(kPages)));
    nlohmann::ordered_json c{
        {"user_id", static_cast<int64_t>(std::min(rand(kUsers), rand(kUsers)))},
        {"page", kPages[page]},
        {"dwell_ms", static_cast<int>(200 + rand(30'000))}};
    if (avro_ != nullptr) {
      c["ts"] = ts;
    } else {
      c["ts"] = IsoMs(ts);
    }
    ASSIGN_OR_RETURN(std::string v, value("demo_clicks", kClickSchema, c));
    clicks.Add(TimestampMs(ts), std::nullopt, AsBytes(v));
  }
  TimestampMs now(WallMs());
  for (auto [topic, builder] :
       {std::pair{"demo_users", &users}, std::pair{"demo_clicks", &clicks}}) {
    if (builder->record_count() == 0) continue;
    ASSIGN_OR_RETURN(ByteBuffer batch, builder->Build());
    ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p, log_.GetPartition(topic, PartitionId(0)));
    RETURN_IF_ERROR(p->Append(MutableByteView(batch.mutable_data(), batch.size()), now).status());
  }
  return Status();
}

}  // namespace oxbow::server
