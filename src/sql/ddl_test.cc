// DDL through the parser, the catalog and a real log: what a user sees from CREATE, DROP,
// SHOW and DESCRIBE, including the topics CREATE TABLE makes and a restart.
#include "sql/ddl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/file.h"
#include "sql/catalog_topic.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "sql/sql_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;
using Row = std::vector<std::optional<std::string>>;

class DdlTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    log::LogOptions o;
    o.data_dir = io::JoinPath(dir_.path(), "data");
    auto log = log::LogManager::Open(io::FileSystem::Default(), std::move(o));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto topic = CatalogTopic::Open(*log_);
    ASSERT_TRUE(topic.ok()) << topic.status();
    auto catalog = Catalog::Open(std::move(*topic));
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    ddl_ = std::make_unique<DdlExecutor>(*catalog_, log_.get());
  }
  void Restart() {
    ddl_.reset();
    catalog_.reset();
    ASSERT_TRUE(log_->Close().ok());
    log_.reset();
    Open();
  }

  Result<StatementResult> Run(std::string_view sql) {
    ASSIGN_OR_RETURN(Statement s, ParseStatement(sql));
    return ddl_->Execute(s);
  }
  StatementResult Ok(std::string_view sql) {
    Result<StatementResult> r = Run(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : StatementResult{};
  }
  SqlErrorInfo Err(std::string_view sql) {
    Result<StatementResult> r = Run(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? SqlErrorInfo{} : SqlErrorOf(r.status());
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<DdlExecutor> ddl_;
};

TEST_F(DdlTest, CreateTableWithoutTopicCreatesIt) {
  StatementResult r =
      Ok("CREATE TABLE clicks (user_id bigint NOT NULL, url varchar(200), amount numeric(12,2), "
         "ts timestamptz) WITH (format = 'json', event_time = 'ts', watermark_delay = '5 seconds', "
         "partitions = 3)");
  EXPECT_EQ(r.command_tag, "CREATE TABLE");
  ASSERT_TRUE(log_->HasTopic("clicks"));
  EXPECT_EQ(*log_->PartitionCount("clicks"), 3);
  EXPECT_THAT(Ok("SHOW TABLES").rows, ElementsAre(Row{"clicks", "stream", "clicks", "json"}));
  StatementResult d = Ok("DESCRIBE clicks");
  EXPECT_THAT(d.column_names, ElementsAre("name", "type", "nullable", "primary_key"));
  EXPECT_THAT(d.rows, ElementsAre(Row{"user_id", "bigint", "NO", "NO"},
                                  Row{"url", "character varying(200)", "YES", "NO"},
                                  Row{"amount", "numeric(12,2)", "YES", "NO"},
                                  Row{"ts", "timestamp with time zone", "YES", "NO"}));
}

TEST_F(DdlTest, CreateTableOverAnExistingTopicAndAChangelogKey) {
  ASSERT_TRUE(log_->CreateTopic("users-v1", 1, {}).ok());
  Ok("CREATE TABLE users (id bigint, name text, tier text, PRIMARY KEY (id)) "
     "WITH (topic = 'users-v1', format = 'avro')");
  EXPECT_THAT(Ok("SHOW TABLES").rows, ElementsAre(Row{"users", "changelog", "users-v1", "avro"}));
  EXPECT_THAT(Ok("DESCRIBE users").rows[0], (Row{"id", "bigint", "NO", "YES"}));
  // SHOW CREATE TABLE gives a statement that recreates the same table.
  std::string sql = *Ok("SHOW CREATE TABLE users").rows[0][1];
  EXPECT_EQ(sql,
            "CREATE TABLE users (id bigint, name text, tier text, PRIMARY KEY (id)) WITH (topic = "
            "'users-v1', format = 'avro')");
  CatalogObject before = *catalog_->Find("users");
  Ok("DROP TABLE users");
  EXPECT_TRUE(log_->HasTopic("users-v1"));  // not ours: DROP TABLE leaves it
  Ok(sql);
  CatalogObject after = *catalog_->Find("users");
  after.oid = before.oid;
  EXPECT_EQ(after, before);
}

TEST_F(DdlTest, TopicErrors) {
  SqlErrorInfo e = Err("CREATE TABLE t (a int) WITH (topic = 'nope')");
  EXPECT_EQ(e.sqlstate, "22023");
  EXPECT_EQ(e.message, "topic \"nope\" does not exist");
  EXPECT_EQ(e.position, 14);
  ASSERT_TRUE(log_->CreateTopic("taken", 1, {}).ok());
  e = Err("CREATE TABLE taken (a int)");
  EXPECT_EQ(e.message, "topic \"taken\" already exists");
  EXPECT_EQ(e.hint, "To read the existing topic, say WITH (topic = 'taken').");
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (topic = '__oxbow_catalog')").sqlstate, "22023");
  EXPECT_EQ(Err("CREATE TABLE \"bad name\" (a int)").message,
            "cannot name a topic after table \"bad name\": invalid topic name 'bad name': only "
            "ASCII letters, digits, '.', '_' and '-' are allowed");
}

TEST_F(DdlTest, OptionAndTypeErrorsPointAtTheirPlace) {
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (format = 'xml')"),
            (SqlErrorInfo{"22023", "invalid value for parameter \"format\": \"xml\"", "",
                          "Valid values are json, avro and debezium_json.", 30}));
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (colour = 'red')").message,
            "unrecognized parameter \"colour\"");
  EXPECT_EQ(Err("CREATE TABLE t (a int, ts text) WITH (event_time = 'ts')"),
            (SqlErrorInfo{"42804",
                          "event_time column \"ts\" must be of type timestamp or timestamp with "
                          "time zone, not text",
                          "", "", 39}));
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (event_time = 'ts')").sqlstate, "42703");
  EXPECT_EQ(Err("CREATE TABLE t (ts timestamp) WITH (idle_timeout = 'soon')").sqlstate, "22023");
  EXPECT_EQ(
      Err("CREATE TABLE t (ts timestamp) WITH (event_time = 'ts', watermark_delay = '1 month')")
          .sqlstate,
      "22023");
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (topic = 'x', partitions = 2)").message,
            "parameter \"partitions\" applies only when CREATE TABLE creates the topic");
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (partitions = 0)").sqlstate, "22023");
  EXPECT_EQ(Err("CREATE TABLE t (a numeric(50,2))"),
            (SqlErrorInfo{"22023", "NUMERIC precision 50 must be between 1 and 38", "", "", 19}));
  EXPECT_EQ(Err("CREATE TABLE t (a money)"),
            (SqlErrorInfo{"42704", "type \"money\" does not exist", "", "", 19}));
  EXPECT_EQ(Err("CREATE TABLE t (a int[])").sqlstate, "0A000");
  EXPECT_EQ(Err("CREATE TABLE t ()").sqlstate, "42P16");
  EXPECT_FALSE(log_->HasTopic("t"));  // nothing was created by the failures
}

TEST_F(DdlTest, IfNotExistsAndIfExistsGiveNotices) {
  Ok("CREATE TABLE t (a int)");
  StatementResult r = Ok("CREATE TABLE IF NOT EXISTS t (a int)");
  ASSERT_EQ(r.notices.size(), 1u);
  EXPECT_EQ(r.notices[0].message, "relation \"t\" already exists, skipping");
  EXPECT_EQ(Err("CREATE TABLE t (b int)"),
            (SqlErrorInfo{"42P07", "relation \"t\" already exists", "", "", 14}));
  r = Ok("DROP TABLE IF EXISTS nope");
  EXPECT_EQ(r.command_tag, "DROP TABLE");
  EXPECT_EQ(r.notices[0].message, "table \"nope\" does not exist, skipping");
  EXPECT_EQ(Err("DROP TABLE t, nope"),
            (SqlErrorInfo{"42P01", "table \"nope\" does not exist", "", "", 15}));
}

TEST_F(DdlTest, MaterializedViewsCheckWhatTheyRead) {
  Ok("CREATE TABLE clicks (user_id bigint, url text, ts timestamptz) WITH (event_time = 'ts')");
  Ok("CREATE TABLE users (id bigint PRIMARY KEY, tier text)");
  EXPECT_EQ(Err("CREATE MATERIALIZED VIEW m AS SELECT * FROM clickz"),
            (SqlErrorInfo{"42P01", "relation \"clickz\" does not exist", "", "", 45}));
  EXPECT_EQ(Err("CREATE VIEW v AS SELECT user_id, urll FROM clicks"),
            (SqlErrorInfo{"42703", "column \"urll\" does not exist", "", "", 34}));
  EXPECT_EQ(Err("CREATE VIEW v AS SELECT c.nope FROM clicks c").message,
            "column c.nope does not exist");
  EXPECT_EQ(Err("CREATE VIEW v WITH (emit = 'changes') AS SELECT 1").message,
            "unrecognized parameter \"emit\"");
  EXPECT_EQ(Err("CREATE MATERIALIZED VIEW m WITH (format = 'avro') AS SELECT 1").message,
            "parameter \"format\" needs \"output_topic\"");
  StatementResult r =
      Ok("CREATE MATERIALIZED VIEW clicks_per_tier WITH (output_topic = 'tier-counts', format = "
         "'avro', emit = 'on_window_close') AS\n"
         "  SELECT u.tier, window_start, count(*) AS clicks\n"
         "  FROM TUMBLE(clicks, ts, INTERVAL '1 minute') c JOIN users u ON c.user_id = u.id\n"
         "  GROUP BY u.tier, window_start");
  EXPECT_EQ(r.command_tag, "CREATE MATERIALIZED VIEW");
  CatalogObjectPtr mv = catalog_->Find("clicks_per_tier");
  ASSERT_NE(mv, nullptr);
  EXPECT_THAT(mv->view()->dependencies, ElementsAre("clicks", "users"));
  EXPECT_EQ(mv->view()->query,
            "SELECT u.tier, window_start, count(*) AS clicks\n"
            "  FROM TUMBLE(clicks, ts, INTERVAL '1 minute') c JOIN users u ON c.user_id = u.id\n"
            "  GROUP BY u.tier, window_start");
  EXPECT_THAT(Ok("SHOW MATERIALIZED VIEWS").rows,
              ElementsAre(Row{"clicks_per_tier", "tier-counts"}));
  EXPECT_EQ(Ok("SHOW CREATE MATERIALIZED VIEW clicks_per_tier").rows[0][1], mv->view()->sql);
  // A view of plain columns knows its columns.
  Ok("CREATE VIEW urls (who, link) AS SELECT user_id, url FROM clicks WHERE url LIKE 'https:%'");
  EXPECT_THAT(Ok("DESCRIBE urls").rows,
              ElementsAre(Row{"who", "bigint", "YES", "NO"}, Row{"link", "text", "YES", "NO"}));
  EXPECT_THAT(Ok("SHOW VIEWS").rows, ElementsAre(Row{"urls"}));
}

TEST_F(DdlTest, DropFollowsDependenciesAndRemovesTopicsItCreated) {
  Ok("CREATE TABLE clicks (user_id bigint, url text)");
  Ok("CREATE VIEW v AS SELECT url FROM clicks");
  Ok("CREATE MATERIALIZED VIEW m AS SELECT count(*) FROM v");
  EXPECT_EQ(Err("DROP TABLE clicks"),
            (SqlErrorInfo{"2BP01", "cannot drop table clicks because other objects depend on it",
                          "view v depends on table clicks\nmaterialized view m depends on view v",
                          "Use DROP ... CASCADE to drop the dependent objects too.", 0}));
  EXPECT_EQ(Err("DROP VIEW m"),
            (SqlErrorInfo{"42809", "\"m\" is not a view", "",
                          "Use DROP MATERIALIZED VIEW to remove a materialized view.", 11}));
  StatementResult r = Ok("DROP TABLE clicks CASCADE");
  EXPECT_EQ(r.notices[0].message, "drop cascades to 2 other objects");
  EXPECT_FALSE(log_->HasTopic("clicks"));
  EXPECT_TRUE(Ok("SHOW TABLES").rows.empty());
  EXPECT_TRUE(Ok("SHOW MATERIALIZED VIEWS").rows.empty());
}

TEST_F(DdlTest, EverythingSurvivesARestart) {
  Ok("CREATE TABLE users (id bigint PRIMARY KEY, tier text) WITH (format = 'debezium_json')");
  Ok("CREATE MATERIALIZED VIEW tiers AS SELECT tier, count(*) FROM users GROUP BY tier");
  Ok("CREATE TABLE gone (a int)");
  Ok("DROP TABLE gone");
  StatementResult tables = Ok("SHOW TABLES");
  StatementResult describe = Ok("DESCRIBE users");
  std::string create = *Ok("SHOW CREATE MATERIALIZED VIEW tiers").rows[0][1];
  Restart();
  EXPECT_EQ(Ok("SHOW TABLES").rows, tables.rows);
  EXPECT_EQ(Ok("DESCRIBE users").rows, describe.rows);
  EXPECT_EQ(*Ok("SHOW CREATE MATERIALIZED VIEW tiers").rows[0][1], create);
  EXPECT_EQ(Err("DROP TABLE users").sqlstate, "2BP01");
  EXPECT_EQ(Err("DESCRIBE gone").message, "relation \"gone\" does not exist");
}

TEST_F(DdlTest, OnlyDdlIsHandled) {
  Result<Statement> s = ParseStatement("SELECT 1");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(DdlExecutor::Handles(*s));
  EXPECT_EQ(ddl_->Execute(*s).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace oxbow::sql
