// The engine end to end in-process: DDL starts views, records appended to topics reach them
// (history first, then live), restarts resume from checkpoints, DROP stops them, ad-hoc
// SELECTs read tables, streams and views. The broad SQL coverage is tests/sql.
#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "io/file.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open() {
    log::LogOptions o;
    o.data_dir = io::JoinPath(dir_.path(), "data");
    auto log = log::LogManager::Open(io::FileSystem::Default(), std::move(o));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto topic = sql::CatalogTopic::Open(*log_);
    ASSERT_TRUE(topic.ok()) << topic.status();
    auto catalog = sql::Catalog::Open(std::move(*topic));
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    EngineOptions eo;
    eo.log = log_.get();
    eo.catalog = catalog_.get();
    eo.state_dir = io::JoinPath(dir_.path(), "state");
    eo.checkpoint_interval = std::chrono::milliseconds(20);
    auto engine = Engine::Open(eo);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void Close() {
    engine_.reset();
    catalog_.reset();
    if (log_ != nullptr) {
      ASSERT_TRUE(log_->Close().ok());
    }
    log_.reset();
  }
  void Restart() {
    Close();
    Open();
  }

  Result<sql::StatementResult> Run(std::string_view sql) {
    ASSIGN_OR_RETURN(sql::Statement s, sql::ParseStatement(sql));
    return engine_->Execute(s);
  }
  void Ok(std::string_view sql) {
    Result<sql::StatementResult> r = Run(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status();
  }
  std::string ErrState(std::string_view sql) {
    Result<sql::StatementResult> r = Run(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? "" : sql::SqlStateOf(r.status());
  }
  // The query's rows as "a | b" lines, in the query's order.
  std::vector<std::string> Query(std::string_view sql) {
    Result<sql::StatementResult> r = Run(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    std::vector<std::string> lines;
    if (!r.ok()) return lines;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += " | ";
        line += row[i].value_or("NULL");
      }
      lines.push_back(line);
    }
    return lines;
  }
  std::vector<std::string> View(const std::string& name) {
    Status waited = engine_->WaitForViews(std::chrono::seconds(30));
    EXPECT_TRUE(waited.ok()) << waited;
    Result<QueryResult> r = engine_->ReadView(name);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> lines;
    if (!r.ok()) return lines;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += " | ";
        line += row[i].is_null() ? "NULL" : row[i].ToString();
      }
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  void Produce(const std::string& topic,
               const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>&
                   records) {
    auto p = log_->GetPartition(topic, PartitionId(0));
    ASSERT_TRUE(p.ok()) << p.status();
    std::vector<oxbow::testing::TestRecord> recs;
    for (const auto& [k, v] : records) recs.push_back(oxbow::testing::Rec(k, v, 1000));
    auto r = oxbow::testing::AppendCopy(**p, oxbow::testing::BuildBatch(recs).view(), 1000);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  oxbow::testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<sql::Catalog> catalog_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, ViewReadsHistoryThenLiveAndResumesAfterRestart) {
  Ok("CREATE TABLE clicks (user_id bigint, url text)");
  Produce("clicks", {{std::nullopt, R"({"user_id": 1, "url": "/a"})"},
                     {std::nullopt, R"({"user_id": 2, "url": "/b"})"},
                     {std::nullopt, R"({"user_id": 1, "url": "/c"})"}});
  Ok("CREATE MATERIALIZED VIEW per_user AS SELECT user_id, count(*) AS n FROM clicks GROUP BY "
     "user_id");
  EXPECT_THAT(View("per_user"), ElementsAre("1 | 2", "2 | 1"));
  Produce("clicks", {{std::nullopt, R"({"user_id": 2, "url": "/d"})"}});
  EXPECT_THAT(View("per_user"), ElementsAre("1 | 2", "2 | 2"));
  Restart();
  EXPECT_THAT(View("per_user"), ElementsAre("1 | 2", "2 | 2"));
  Produce("clicks", {{std::nullopt, R"({"user_id": 3, "url": "/e"})"}});
  EXPECT_THAT(View("per_user"), ElementsAre("1 | 2", "2 | 2", "3 | 1"));
}

TEST_F(EngineTest, ShowProgressAndViewStatusReportSourcesAndCheckpoints) {
  Ok("CREATE TABLE clicks (user_id bigint, url text)");
  Produce("clicks", {{std::nullopt, R"({"user_id": 1, "url": "/a"})"},
                     {std::nullopt, R"({"user_id": 2, "url": "/b"})"}});
  Ok("CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c FROM clicks");
  EXPECT_THAT(View("n"), ElementsAre("2"));
  std::vector<std::string> rows = Query("SHOW PROGRESS");
  ASSERT_EQ(rows.size(), 1u);
  // view | topic | partition | offset | end_offset | percent | events/s | eta (caught up: 0)
  EXPECT_THAT(rows[0], ::testing::StartsWith("n | clicks | 0 | 2 | 2 | 100 | "));
  EXPECT_THAT(rows[0], ::testing::EndsWith(" | 0"));
  Result<sql::StatementResult> r = Run("SHOW PROGRESS");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->command_tag, "SHOW");
  EXPECT_THAT(r->column_names, ElementsAre("view", "topic", "partition", "offset", "end_offset",
                                           "percent", "events_per_second", "eta_seconds"));

  // The 20 ms checkpoint interval has passed once the view consumed: a checkpoint follows.
  std::vector<ViewStatus> views;
  for (int i = 0; i < 500; ++i) {
    views = engine_->Views();
    if (!views.empty() && views[0].last_checkpoint_unix_ms >= 0) break;
    Produce("clicks", {{std::nullopt, R"({"user_id": 3, "url": "/c"})"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(views.size(), 1u);
  EXPECT_GE(views[0].last_checkpoint_unix_ms, 0);
  EXPECT_GE(views[0].checkpoint_duration_seconds, 0);
  ASSERT_EQ(views[0].sources.size(), 1u);
  EXPECT_EQ(views[0].sources[0].topic, "clicks");
  EXPECT_EQ(views[0].sources[0].partition, 0);
}

TEST_F(EngineTest, ChangelogJoinAndViewOnView) {
  Ok("CREATE TABLE users (id bigint PRIMARY KEY, tier text)");
  Ok("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount numeric(10,2))");
  Ok("CREATE MATERIALIZED VIEW revenue AS SELECT u.tier, sum(o.amount) AS total FROM orders o "
     "JOIN users u ON o.user_id = u.id GROUP BY u.tier");
  Ok("CREATE MATERIALIZED VIEW big AS SELECT tier FROM revenue WHERE total > 100");
  Produce("users", {{R"({"id": 1})", R"({"id": 1, "tier": "gold"})"},
                    {R"({"id": 2})", R"({"id": 2, "tier": "silver"})"}});
  Produce("orders", {{R"({"id": 10})", R"({"id": 10, "user_id": 1, "amount": 99.50})"},
                     {R"({"id": 11})", R"({"id": 11, "user_id": 2, "amount": 5})"},
                     {R"({"id": 12})", R"({"id": 12, "user_id": 1, "amount": 0.75})"}});
  EXPECT_THAT(View("revenue"), ElementsAre("gold | 100.25", "silver | 5.00"));
  EXPECT_THAT(View("big"), ElementsAre("gold"));
  // User 1 moves to silver: the table–table join updates, and so does the view on it.
  Produce("users", {{R"({"id": 1})", R"({"id": 1, "tier": "silver"})"}});
  EXPECT_THAT(View("revenue"), ElementsAre("silver | 105.25"));
  EXPECT_THAT(View("big"), ElementsAre("silver"));
  // A tombstone deletes the order.
  Produce("orders", {{R"({"id": 11})", std::nullopt}});
  EXPECT_THAT(View("revenue"), ElementsAre("silver | 100.25"));
}

TEST_F(EngineTest, AdHocSelectOverStreamsTablesAndViews) {
  Ok("CREATE TABLE t (k bigint PRIMARY KEY, v text)");
  Produce("t", {{R"({"k": 1})", R"({"k": 1, "v": "a"})"},
                {R"({"k": 2})", R"({"k": 2, "v": "b"})"},
                {R"({"k": 3})", R"({"k": 3, "v": "c"})"},
                {R"({"k": 2})", R"({"k": 2, "v": "B"})"}});
  EXPECT_THAT(Query("SELECT k, v FROM t ORDER BY k DESC LIMIT 2"), ElementsAre("3 | c", "2 | B"));
  EXPECT_THAT(Query("SELECT v FROM t ORDER BY k OFFSET 1"), ElementsAre("B", "c"));
  Ok("CREATE MATERIALIZED VIEW upper_v AS SELECT k, upper(v) AS u FROM t");
  ASSERT_TRUE(engine_->WaitForViews(std::chrono::seconds(30)).ok());
  EXPECT_THAT(Query("SELECT u FROM upper_v WHERE k > 1 ORDER BY u"), ElementsAre("B", "C"));
  EXPECT_THAT(Query("SELECT count(*) FROM t"), ElementsAre("3"));
}

TEST_F(EngineTest, DropStopsTheViewAndForgetsItsState) {
  Ok("CREATE TABLE s (x integer)");
  Produce("s", {{std::nullopt, R"({"x": 1})"}, {std::nullopt, R"({"x": 2})"}});
  Ok("CREATE MATERIALIZED VIEW total AS SELECT sum(x) AS s FROM s");
  EXPECT_THAT(View("total"), ElementsAre("3"));
  Ok("DROP MATERIALIZED VIEW total");
  EXPECT_EQ(sql::SqlStateOf(engine_->ReadView("total").status()), "42P01");
  // Created again: a new view from the earliest offset, not the old state plus more.
  Ok("CREATE MATERIALIZED VIEW total AS SELECT sum(x) AS s FROM s");
  EXPECT_THAT(View("total"), ElementsAre("3"));
  EXPECT_EQ(engine_->Views().size(), 1u);
}

TEST_F(EngineTest, WhatCannotRunIsRefusedWithASqlState) {
  Ok("CREATE TABLE s (x integer, ts timestamptz)");
  EXPECT_EQ(ErrState("CREATE MATERIALIZED VIEW w AS SELECT x % 2 AS p, count(*) FROM "
                     "SESSION(s, ts, INTERVAL '1 minute') GROUP BY x % 2"),
            "0A000");
  EXPECT_EQ(ErrState("CREATE MATERIALIZED VIEW w WITH (emit = 'on_window_close') AS "
                     "SELECT count(*) FROM s"),
            "22023");
  EXPECT_EQ(ErrState("CREATE MATERIALIZED VIEW v AS SELECT * FROM nope"), "42P01");
  EXPECT_TRUE(catalog_->Find("w") == nullptr);
}

TEST_F(EngineTest, UndecodableRecordsAreSkippedAndTheViewCarriesOn) {
  Ok("CREATE TABLE s (x integer)");
  Produce("s", {{std::nullopt, R"({"x": 1})"},
                {std::nullopt, R"(not json)"},
                {std::nullopt, R"({"x": "abc"})"},
                {std::nullopt, R"({"x": 5})"}});
  Ok("CREATE MATERIALIZED VIEW total AS SELECT sum(x) AS s, count(*) AS n FROM s");
  EXPECT_THAT(View("total"), ElementsAre("6 | 2"));
}

TEST_F(EngineTest, AViewThatFailsReportsWhyAndOthersCarryOn) {
  Ok("CREATE TABLE s (x integer)");
  Ok("CREATE MATERIALIZED VIEW total AS SELECT sum(x * 1000000) AS s FROM s");
  Ok("CREATE MATERIALIZED VIEW n AS SELECT count(*) AS n FROM s");
  Produce("s", {{std::nullopt, R"({"x": 1000000})"}});  // x * 1000000 overflows integer
  Status waited = engine_->WaitForViews(std::chrono::seconds(30));
  EXPECT_THAT(std::string(waited.message()), HasSubstr("integer out of range"));
  std::vector<ViewStatus> views = engine_->Views();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].name, "n");
  EXPECT_EQ(views[1].state, ViewStatus::State::kFailed);
  EXPECT_THAT(views[1].error, HasSubstr("integer out of range"));
  Result<QueryResult> n = engine_->ReadView("n");
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n->rows.size(), 1u);
  EXPECT_EQ(n->rows[0][0].ToString(), "1");
}

TEST_F(EngineTest, PointQueriesByAViewsKeyReadItsIndex) {
  Ok("CREATE TABLE t (k bigint PRIMARY KEY, v text)");
  Produce("t", {{R"({"k": 1})", R"({"k": 1, "v": "a"})"},
                {R"({"k": 2})", R"({"k": 2, "v": "b"})"},
                {R"({"k": 3})", R"({"k": 3, "v": "c"})"}});
  Ok("CREATE MATERIALIZED VIEW per_k AS SELECT k, upper(v) AS u, 1 AS n FROM t");  // key: k
  Ok("CREATE MATERIALIZED VIEW by_u AS SELECT u, sum(n) AS n FROM per_k GROUP BY u");
  ASSERT_TRUE(engine_->WaitForViews(std::chrono::seconds(30)).ok());
  EXPECT_THAT(Query("SELECT u FROM per_k WHERE k = 2"), ElementsAre("B"));
  EXPECT_THAT(Query("SELECT n FROM by_u WHERE u = 'C' AND n > 0"), ElementsAre("1"));
  EXPECT_THAT(Query("SELECT u FROM per_k WHERE k = 9"), ElementsAre());
  // Updates and deletes keep the index right; a restart rebuilds it.
  Produce("t", {{R"({"k": 2})", R"({"k": 2, "v": "z"})"}, {R"({"k": 3})", std::nullopt}});
  ASSERT_TRUE(engine_->WaitForViews(std::chrono::seconds(30)).ok());
  EXPECT_THAT(Query("SELECT u FROM per_k WHERE k = 2"), ElementsAre("Z"));
  EXPECT_THAT(Query("SELECT u FROM per_k WHERE k = 3"), ElementsAre());
  EXPECT_THAT(Query("SELECT n FROM by_u WHERE u = 'B'"), ElementsAre());
  Restart();
  ASSERT_TRUE(engine_->WaitForViews(std::chrono::seconds(30)).ok());
  EXPECT_THAT(Query("SELECT u FROM per_k WHERE k = 2"), ElementsAre("Z"));
  EXPECT_THAT(Query("SELECT u, n FROM by_u WHERE u = 'A'"), ElementsAre("A | 1"));
  // A filter on other columns scans.
  EXPECT_THAT(Query("SELECT k FROM per_k WHERE u = 'A'"), ElementsAre("1"));
}

std::string Line(const std::vector<sql::Value>& row) {
  std::string line;
  for (size_t i = 1; i < row.size(); ++i) {  // without the time
    if (i > 1) line += " | ";
    line += row[i].is_null() ? "NULL" : row[i].ToString();
  }
  return line;
}

TEST_F(EngineTest, SubscribeStreamsTheContentThenEveryChangeInOrder) {
  Ok("CREATE TABLE s (k text, x integer)");
  Produce("s", {{std::nullopt, R"({"k": "a", "x": 1})"}});
  Ok("CREATE MATERIALIZED VIEW sums AS SELECT k, sum(x) AS total FROM s GROUP BY k");
  ASSERT_TRUE(engine_->WaitForViews(std::chrono::seconds(30)).ok());
  auto sub = engine_->Subscribe("sums");
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_THAT((*sub)->column_names(), ElementsAre("time", "op", "k", "total"));
  std::atomic<bool> cancel{false};
  auto next = [&] {
    auto row = (*sub)->Next(&cancel);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? Line(*row) : "";
  };
  EXPECT_EQ(next(), "insert | a | 1");
  EXPECT_FALSE((*sub)->Ready());
  Produce("s", {{std::nullopt, R"({"k": "a", "x": 2})"}, {std::nullopt, R"({"k": "b", "x": 5})"}});
  std::vector<std::string> changes{next(), next(), next()};
  std::sort(changes.begin(), changes.end());
  EXPECT_THAT(changes, ElementsAre("delete | a | 1", "insert | a | 3", "insert | b | 5"));
  cancel = true;
  EXPECT_EQ(sql::SqlStateOf((*sub)->Next(&cancel).status()), "57014");
  cancel = false;
  Ok("DROP MATERIALIZED VIEW sums");
  EXPECT_EQ(sql::SqlStateOf((*sub)->Next(&cancel).status()), "55000");
  EXPECT_EQ(sql::SqlStateOf(engine_->Subscribe("sums").status()), "42P01");
  EXPECT_EQ(sql::SqlStateOf(engine_->Subscribe("s").status()), "42809");  // a table
}

}  // namespace
}  // namespace oxbow::engine
