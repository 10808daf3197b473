// The binder as a user meets it: names, types and errors (SQLSTATE, message, position) of
// queries over a small catalog, and what CREATE VIEW records.
#include "sql/binder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sql/ddl.h"
#include "sql/parser.h"
#include "sql/plan_test_util.h"
#include "sql/sql_error.h"
#include "sql/sql_test_util.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct ErrorCase {
  std::string sql;
  std::string sqlstate;
  std::string message;
  // The text the error position points at (its first occurrence in sql); empty: none.
  std::string at;
};

class BinderTest : public PlanTestBase {};

TEST_F(BinderTest, ErrorsCarrySqlstateMessageAndPosition) {
  const ErrorCase cases[] = {
      {"SELECT nope FROM clicks", "42703", "column \"nope\" does not exist", "nope"},
      {"SELECT c.nope FROM clicks c", "42703", "column c.nope does not exist", "c.nope"},
      {"SELECT x.url FROM clicks c", "42P01", "missing FROM-clause entry for table \"x\"", "x.url"},
      {"SELECT url FROM clickz", "42P01", "relation \"clickz\" does not exist", "clickz"},
      {"SELECT id FROM users u JOIN orders o ON u.id = o.user_id", "42702",
       "column reference \"id\" is ambiguous", "id FROM"},
      {"SELECT url + 1 FROM clicks", "42883", "operator does not exist: text + integer", "+"},
      {"SELECT lower(user_id) FROM clicks", "42883", "function lower(bigint) does not exist",
       "lower"},
      {"SELECT url FROM clicks WHERE user_id", "42804",
       "argument of WHERE must be type boolean, not type bigint", "user_id"},
      {"SELECT url FROM clicks c JOIN users u ON u.name", "42804",
       "argument of JOIN/ON must be type boolean, not type text", "u.name"},
      {"SELECT url, count(*) FROM clicks", "42803",
       "column \"clicks.url\" must appear in the GROUP BY clause or be used in an aggregate "
       "function",
       "url"},
      {"SELECT tier FROM users GROUP BY tier HAVING name = 'x'", "42803",
       "column \"users.name\" must appear in the GROUP BY clause or be used in an aggregate "
       "function",
       "name ="},
      {"SELECT url FROM clicks WHERE count(*) > 1", "42803",
       "aggregate functions are not allowed in WHERE", "count"},
      {"SELECT 1 FROM clicks GROUP BY count(*)", "42803",
       "aggregate functions are not allowed in GROUP BY", "count"},
      {"SELECT sum(count(*)) FROM clicks", "42803", "aggregate function calls cannot be nested",
       "count"},
      {"SELECT sum(url) FROM clicks", "42883", "function sum(text) does not exist", "sum"},
      {"SELECT url FROM clicks UNION ALL SELECT url, ts FROM clicks", "42601",
       "each UNION query must have the same number of columns", "url, ts"},
      {"SELECT user_id FROM clicks UNION ALL SELECT url FROM clicks", "42804",
       "UNION types bigint and text cannot be matched", "url"},
      {"SELECT url FROM clicks ORDER BY 5", "42P10", "ORDER BY position 5 is not in select list",
       "5"},
      {"SELECT DISTINCT url FROM clicks ORDER BY ts", "42P10",
       "for SELECT DISTINCT, ORDER BY expressions must appear in select list", "ts"},
      {"SELECT * FROM TUMBLE(clicks, url, INTERVAL '1 minute')", "42804",
       "the time column of TUMBLE must be a timestamp or timestamptz column, not type text", "url"},
      {"SELECT * FROM TUMBLE(clicks, ts, INTERVAL '0 minutes')", "22023",
       "the window size must be positive", "'0 minutes'"},
      {"SELECT * FROM TUMBLE(clicks, ts)", "42883",
       "function tumble takes 3 arguments: TUMBLE(table, time_column, size)", "TUMBLE"},
      {"SELECT * FROM nope(clicks)", "42883", "table function nope does not exist", "nope"},
      {"SELECT * FROM clicks c FULL JOIN users u ON c.user_id = u.id", "0A000",
       "FULL JOIN is not supported", "users u"},
      {"SELECT * FROM clicks c, users u", "0A000",
       "joins need an equality condition between the two sides", "users u"},
      {"SELECT * FROM pg_catalog.pg_nope", "42P01",
       "relation \"pg_catalog.pg_nope\" does not exist", "pg_catalog.pg_nope"},
      {"SELECT * FROM other.t", "3F000", "schema \"other\" does not exist", "other.t"},
      {"SELECT 'nope'::regclass", "42P01", "relation \"nope\" does not exist", "'nope'"},
      {"SELECT url::regclass FROM clicks", "42846", "cannot cast type text to regclass",
       "regclass"},
      {"SELECT rank() OVER (ORDER BY ts) FROM clicks", "0A000",
       "window function rank() is not supported here", "rank"},
      {"SELECT url FROM clicks WHERE ts::int > 0", "42846",
       "cannot cast type timestamp with time zone to integer", "::int"},
      {"SELECT url::nosuchtype FROM clicks", "42704", "type \"nosuchtype\" does not exist",
       "nosuchtype"},
      {"SELECT a FROM (SELECT url AS a, ts AS a FROM clicks) s", "42702",
       "column reference \"a\" is ambiguous", "a FROM ("},
      {"SELECT * FROM users u (a, b, c, d)", "42P10",
       "table \"u\" has 3 columns available but 4 columns specified", "users"},
      {"SELECT url FROM clicks LIMIT -1", "22023", "LIMIT must not be negative", "-1"},
      {"SELECT * FROM clicks c JOIN users u USING (nope)", "42703",
       "column \"nope\" specified in USING clause does not exist in left table", "users u"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.sql);
    SqlErrorInfo e = Err(c.sql);
    EXPECT_EQ(e.sqlstate, c.sqlstate);
    EXPECT_EQ(e.message, c.message);
    size_t at = c.at.empty() ? std::string::npos : c.sql.find(c.at);
    EXPECT_EQ(e.position, at == std::string::npos ? 0 : static_cast<int>(at) + 1);
  }
}

TEST_F(BinderTest, SystemCatalogsAreRelations) {
  // Qualified, or unqualified: pg_catalog comes first on the search path.
  EXPECT_THAT(Schema(*Plan("SELECT oid, relname, relkind, relnatts FROM pg_catalog.pg_class")),
              ElementsAre("oid bigint", "relname text", "relkind text", "relnatts smallint"));
  EXPECT_THAT(Schema(*Plan("SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n "
                           "ON n.oid = c.relnamespace")),
              ElementsAre("relname text", "nspname text"));
  EXPECT_THAT(Schema(*Plan("SELECT table_name, ordinal_position FROM information_schema.columns")),
              ElementsAre("table_name text", "ordinal_position integer"));
  // A WITH query of the same name shadows the catalog table.
  EXPECT_THAT(Schema(*Plan("WITH pg_class AS (SELECT 1 AS x) SELECT x FROM pg_class")),
              ElementsAre("x integer"));
  // Catalog functions and casts type as PostgreSQL's, with oids as bigint.
  EXPECT_THAT(Schema(*Plan("SELECT format_type(atttypid, atttypmod), 'users'::regclass, "
                           "attrelid::regclass, pg_table_is_visible(attrelid) FROM pg_attribute")),
              ElementsAre("format_type text", "regclass bigint", "attrelid text",
                          "pg_table_is_visible boolean"));
}

TEST_F(BinderTest, ArraysSubqueriesAndColumnNames) {
  PlanPtr p = Plan(
      "SELECT ARRAY(SELECT url FROM clicks WHERE user_id = u.id), u.id IN (SELECT user_id FROM "
      "clicks), ('{1,2}'::int2[])[1], 'users'::regclass::oid, 1::int4::text, "
      "(current_schemas(true))[1] FROM users u");
  EXPECT_THAT(Schema(*p), ElementsAre("array text[]", "?column? boolean", "int2 smallint",
                                      "oid bigint", "text text", "current_schemas text"));
  const ProjectOp* project = Find(*p, "Project")->As<ProjectOp>();
  ASSERT_NE(project, nullptr);
  EXPECT_EQ(project->exprs[0]->subquery_kind, Expr::SubqueryKind::kArray);
  // IN (SELECT …) is = ANY over the subquery's array.
  EXPECT_EQ(project->exprs[1]->function->name, "= ANY");
  EXPECT_EQ(project->exprs[1]->args[1]->subquery_kind, Expr::SubqueryKind::kArray);
  EXPECT_EQ(Err("SELECT id[1] FROM users").sqlstate, "42804");
  EXPECT_EQ(Err("SELECT 1 = ANY (2)").sqlstate, "42809");
  // generate_series with an outer column: its rows are computed when the subquery runs.
  EXPECT_THAT(
      Schema(*Plan("SELECT (SELECT count(*) FROM generate_series(1, u.id) s) FROM users u")),
      ElementsAre("count bigint"));
}

TEST_F(BinderTest, ScalarSubqueriesAreNamedAfterTheirColumn) {
  // As PostgreSQL's FigureColname: the subquery's output column's name.
  EXPECT_THAT(Schema(*Plan("SELECT (SELECT count(*) FROM users), (SELECT id AS x FROM users "
                           "LIMIT 1), (SELECT 1), (SELECT name FROM users UNION SELECT 'a') "
                           "FROM users")),
              ElementsAre("count bigint", "x bigint", "?column? integer", "name text"));
}

TEST_F(BinderTest, UnnestInFromAndArrayConcatenation) {
  EXPECT_THAT(Schema(*Plan("SELECT * FROM unnest('{a,b}'::text[])")), ElementsAre("unnest text"));
  EXPECT_THAT(Schema(*Plan("SELECT x FROM pg_catalog.unnest('{1}'::int[]) x")),
              ElementsAre("x integer"));
  // Correlated (psql's \d+ options query): the rows come when the subquery runs.
  PlanPtr p = Plan(
      "SELECT ARRAY(SELECT 'toast.' || x FROM unnest(v.urls) x) || '{a}' || 'b'::text FROM "
      "(SELECT ARRAY(SELECT url FROM clicks WHERE user_id = u.id) AS urls FROM users u) v");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(Schema(*p), ElementsAre("?column? text[]"));
  EXPECT_EQ(Err("SELECT * FROM unnest('{1}')").sqlstate, "42725");
  EXPECT_EQ(Err("SELECT * FROM unnest(1)").sqlstate, "42883");
  EXPECT_EQ(Err("SELECT '{1}'::int[] || '{a}'::text[]").sqlstate, "42883");
}

TEST_F(BinderTest, CorrelatedSubqueriesReadOuterColumnsAsArguments) {
  PlanPtr p = Plan(
      "SELECT u.id, (SELECT count(*) FROM clicks c WHERE c.user_id = u.id AND u.id > 0) AS n, "
      "EXISTS (SELECT 1 FROM orders WHERE user_id = u.id) AS ordered FROM users u");
  EXPECT_THAT(Schema(*p), ElementsAre("id bigint", "n bigint", "ordered boolean"));
  const ProjectOp* project = Find(*p, "Project")->As<ProjectOp>();
  ASSERT_NE(project, nullptr);
  const Expr& n = *project->exprs[1];
  ASSERT_EQ(n.kind, Expr::Kind::kSubquery);
  EXPECT_EQ(n.subquery_kind, Expr::SubqueryKind::kScalar);
  // u.id, named twice inside, is one outer value: the outer input's column 0.
  ASSERT_EQ(n.args.size(), 1u);
  EXPECT_EQ(n.args[0]->kind, Expr::Kind::kColumnRef);
  EXPECT_EQ(n.args[0]->column, 0);
  EXPECT_EQ(project->exprs[2]->subquery_kind, Expr::SubqueryKind::kExists);
  // The subquery's own names win over the outer query's; unknown names are still errors.
  EXPECT_TRUE(Plan("SELECT (SELECT max(id) FROM orders) FROM users")->schema.size() == 1);
  SqlErrorInfo e = Err("SELECT (SELECT nope FROM clicks) FROM users");
  EXPECT_EQ(e.sqlstate, "42703");
  EXPECT_EQ(e.message, "column \"nope\" does not exist");
  e = Err("SELECT (SELECT user_id, url FROM clicks) FROM users");
  EXPECT_EQ(e.sqlstate, "42601");
  // After GROUP BY only uncorrelated subqueries: the outer names are groups there.
  e = Err("SELECT tier, (SELECT count(*) FROM clicks WHERE user_id = id) FROM users GROUP BY tier");
  EXPECT_EQ(e.sqlstate, "42703");
  e = DdlErr("CREATE MATERIALIZED VIEW m AS SELECT id, (SELECT 1) AS one FROM users");
  EXPECT_EQ(e.sqlstate, "0A000");
  EXPECT_THAT(e.hint, HasSubstr("ad-hoc queries only"));
}

TEST_F(BinderTest, RowNumberWithoutABoundNumbersEveryRowOfAnAdHocQuery) {
  PlanPtr p = Plan(
      "SELECT url, row_number() OVER (PARTITION BY user_id ORDER BY ts) AS rn "
      "FROM clicks");
  EXPECT_THAT(Schema(*p), ElementsAre("url text", "rn bigint"));
  // A materialized view would have to keep every rank up to date: it needs the bound.
  SqlErrorInfo e = DdlErr(
      "CREATE MATERIALIZED VIEW m AS SELECT url, row_number() OVER (ORDER "
      "BY ts) AS rn FROM clicks");
  EXPECT_EQ(e.sqlstate, "0A000");
  EXPECT_EQ(e.message, "ROW_NUMBER() is supported only as a Top-N filter");
}

TEST_F(BinderTest, NowInAMaterializedViewIsAnErrorWithAHint) {
  std::string sql =
      "CREATE MATERIALIZED VIEW recent AS SELECT url FROM clicks "
      "WHERE ts > now() - INTERVAL '1 hour'";
  SqlErrorInfo e = DdlErr(sql);
  EXPECT_EQ(e.sqlstate, "0A000");
  EXPECT_EQ(e.message, "now() cannot be used in a materialized view");
  EXPECT_THAT(e.hint, HasSubstr("event-time column"));
  EXPECT_EQ(e.position, static_cast<int>(sql.find("now")) + 1);
  e = DdlErr("CREATE MATERIALIZED VIEW m AS SELECT CURRENT_TIMESTAMP AS t FROM clicks");
  EXPECT_EQ(e.message, "current_timestamp() cannot be used in a materialized view");
  // What a view may do and a materialized view may not is checked where an MV reads it.
  DdlOk("CREATE VIEW some_urls AS SELECT url FROM clicks LIMIT 5");
  e = DdlErr("CREATE MATERIALIZED VIEW m AS SELECT url FROM some_urls");
  EXPECT_EQ(e.message, "LIMIT in a materialized view needs ORDER BY");
  EXPECT_THAT(e.detail, HasSubstr("In view \"some_urls\""));
  EXPECT_EQ(e.position, 47);  // at `some_urls`
}

TEST_F(BinderTest, OutputColumnsAreNamedAndTypedAsPostgreSQLDoes) {
  PlanPtr p = Plan(
      "SELECT user_id, url AS link, count(*), sum(user_id), avg(user_id), upper(url), 1 + 1, "
      "'x', ts::date, CASE WHEN true THEN 1 END FROM clicks GROUP BY user_id, url, ts");
  EXPECT_THAT(Schema(*p), ElementsAre("user_id bigint", "link text", "count bigint", "sum numeric",
                                      "avg numeric", "upper text", "?column? integer",
                                      "?column? text", "ts date", "case integer"));
  EXPECT_FALSE(p->schema[2].nullable);  // count
  EXPECT_THAT(Schema(*Plan("SELECT u.*, c.url FROM users u JOIN clicks c ON c.user_id = u.id")),
              ElementsAre("id bigint", "name text", "tier text", "url text"));
  // USING merges the column: `*` shows it once.
  EXPECT_THAT(Schema(*Plan("SELECT * FROM orders JOIN (SELECT id AS user_id, tier FROM users) u "
                           "USING (user_id)")),
              ElementsAre("id bigint", "user_id bigint", "amount numeric(10,2)", "region text",
                          "created timestamp without time zone", "tier text"));
  EXPECT_THAT(Schema(*Plan("SELECT * FROM (VALUES (1, 'a'), (2.5, NULL)) v (n, s)")),
              ElementsAre("n numeric", "s text"));
  EXPECT_THAT(Schema(*Plan("WITH t AS (SELECT url FROM clicks) SELECT * FROM t")),
              ElementsAre("url text"));
}

TEST_F(BinderTest, GroupByByExpressionAliasAndPosition) {
  EXPECT_THAT(Schema(*Plan("SELECT lower(url), count(*) FROM clicks GROUP BY lower(url)")),
              ElementsAre("lower text", "count bigint"));
  EXPECT_THAT(Schema(*Plan("SELECT lower(url) AS l, count(*) FROM clicks GROUP BY l")),
              ElementsAre("l text", "count bigint"));
  EXPECT_THAT(Schema(*Plan("SELECT tier, count(*) AS n FROM users GROUP BY 1 HAVING count(*) > 1 "
                           "ORDER BY n DESC")),
              ElementsAre("tier text", "n bigint"));
  // An expression over group keys is allowed; an ungrouped column inside it is not.
  EXPECT_TRUE(Plan("SELECT tier || '!' FROM users GROUP BY tier") != nullptr);
  EXPECT_EQ(Err("SELECT tier || name FROM users GROUP BY tier").sqlstate, "42803");
  // Aggregates with FILTER and DISTINCT; the same call twice is computed once.
  PlanPtr p = Plan(
      "SELECT count(DISTINCT url), count(*) FILTER (WHERE url LIKE 'a%'), count(*), count(*) + 1 "
      "FROM clicks");
  const PlanNode* agg = Find(*p, "Aggregate");
  ASSERT_NE(agg, nullptr);
  EXPECT_EQ(agg->As<AggregateOp>()->calls.size(), 3u);
  EXPECT_TRUE(agg->As<AggregateOp>()->calls[0].function.distinct);
  EXPECT_GE(agg->As<AggregateOp>()->calls[1].filter, 0);
}

TEST_F(BinderTest, JoinConditionsBecomeKeysAndResidual) {
  PlanPtr p = Plan(
      "SELECT c.url, o.amount FROM clicks c JOIN orders o "
      "ON c.user_id = o.user_id AND o.amount > c.user_id AND c.url <> 'x' AND o.region = 'eu'");
  const PlanNode* join = Find(*p, "Join");
  ASSERT_NE(join, nullptr);
  const JoinOp& j = *join->As<JoinOp>();
  ASSERT_EQ(j.left_keys.size(), 1u);
  EXPECT_EQ(j.left_keys[0]->ToString(), "#0");   // c.user_id
  EXPECT_EQ(j.right_keys[0]->ToString(), "#1");  // o.user_id
  ASSERT_NE(j.residual, nullptr);
  EXPECT_EQ(j.residual->ToString(), "(#4 > CAST(#0 AS numeric))");  // o.amount > c.user_id
  // One-sided conditions moved into the scans.
  EXPECT_NE(join->inputs[0]->As<ScanOp>()->filter, nullptr);
  EXPECT_NE(join->inputs[1]->As<ScanOp>()->filter, nullptr);
  // Comma joins take their keys from WHERE; keys may be expressions (with casts).
  p = Plan("SELECT * FROM clicks c, users u WHERE u.id = c.user_id + 1");
  join = Find(*p, "Join");
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->As<JoinOp>()->left_keys[0]->ToString(), "(#0 + '1'::bigint)");
  EXPECT_EQ(join->As<JoinOp>()->right_keys[0]->ToString(), "#0");
  // A LEFT join keeps ON conditions on its left side in the join, not as a filter.
  p = Plan("SELECT * FROM users u LEFT JOIN orders o ON u.id = o.user_id AND u.tier = 'gold'");
  join = Find(*p, "Join");
  EXPECT_EQ(join->As<JoinOp>()->kind, JoinKind::kLeft);
  EXPECT_NE(join->As<JoinOp>()->residual, nullptr);
  EXPECT_EQ(join->inputs[0]->As<ScanOp>()->filter, nullptr);
  EXPECT_TRUE(join->schema[3].nullable);  // o.id
  // RIGHT JOIN is a LEFT join with the sides swapped; columns stay in written order.
  p = Plan("SELECT * FROM orders o RIGHT JOIN users u ON u.id = o.user_id");
  EXPECT_EQ(Find(*p, "Join")->As<JoinOp>()->kind, JoinKind::kLeft);
  EXPECT_EQ(p->schema[0].name, "id");
  EXPECT_EQ(p->schema[5].name, "id");
  EXPECT_EQ(p->schema[6].name, "name");
}

TEST_F(BinderTest, WindowTableFunctionsAddWindowColumns) {
  PlanPtr p = Plan(
      "SELECT window_start, window_end, count(*) FROM TUMBLE(clicks, ts, INTERVAL '1 minute') "
      "GROUP BY window_start, window_end");
  EXPECT_THAT(Schema(*p), ElementsAre("window_start timestamp with time zone",
                                      "window_end timestamp with time zone", "count bigint"));
  const PlanNode* w = Find(*p, "WindowTVF");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->As<WindowTvfOp>()->size.micros, 60'000'000);
  p = Plan("SELECT c.window_start FROM HOP(clicks, ts, '1 minute', '5 minutes') AS c");
  w = Find(*p, "WindowTVF");
  EXPECT_EQ(w->As<WindowTvfOp>()->window, WindowKind::kHop);
  EXPECT_EQ(w->As<WindowTvfOp>()->slide.micros, 60'000'000);
  EXPECT_EQ(w->As<WindowTvfOp>()->size.micros, 300'000'000);
  p = Plan(
      "SELECT user_id, window_start, count(*) FROM SESSION(clicks, ts, INTERVAL '30 seconds') "
      "GROUP BY user_id, window_start");
  EXPECT_EQ(Find(*p, "WindowTVF")->As<WindowTvfOp>()->window, WindowKind::kSession);
}

TEST_F(BinderTest, RowNumberFilteredOutsideIsTopN) {
  PlanPtr p = Plan(
      "SELECT url, rn FROM (SELECT url, user_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER "
      "BY ts DESC) AS rn FROM clicks) t WHERE rn <= 3 AND url <> ''");
  const PlanNode* top = Find(*p, "TopN");
  ASSERT_NE(top, nullptr);
  const TopNOp& t = *top->As<TopNOp>();
  EXPECT_EQ(t.limit, 3);
  EXPECT_FALSE(t.unbounded);
  ASSERT_EQ(t.partition_by.size(), 1u);
  EXPECT_EQ(top->inputs[0]->schema[t.partition_by[0]].name, "user_id");
  ASSERT_EQ(t.order_by.size(), 1u);
  EXPECT_TRUE(t.order_by[0].descending);
  EXPECT_THAT(Schema(*p), ElementsAre("url text", "rn bigint"));
  // `rn < 4`, `4 > rn` and `rn = 1` bound it too.
  for (const char* cond : {"rn < 4", "4 > rn", "rn = 1"}) {
    p = Plan(std::string("SELECT * FROM (SELECT url, ROW_NUMBER() OVER (ORDER BY ts) AS rn FROM "
                         "clicks) t WHERE ") +
             cond);
    ASSERT_NE(Find(*p, "TopN"), nullptr) << cond;
    EXPECT_EQ(Find(*p, "TopN")->As<TopNOp>()->limit, std::string(cond) == "rn = 1" ? 1 : 3);
  }
  // Another filter leaves every rank needed: a view cannot keep them (an ad-hoc query
  // numbers every row).
  SqlErrorInfo e = DdlErr(
      "CREATE MATERIALIZED VIEW m AS SELECT * FROM (SELECT url, ROW_NUMBER() OVER (ORDER BY ts) "
      "AS rn FROM clicks) t WHERE rn > 3");
  EXPECT_EQ(e.sqlstate, "0A000");
  EXPECT_THAT(e.hint, HasSubstr("rn <= n"));
}

TEST_F(BinderTest, ViewsRecordTheirColumnsAndAreBoundInPlace) {
  DdlOk("CREATE VIEW gold (uid, who) AS SELECT id, name FROM users WHERE tier = 'gold'");
  EXPECT_THAT(DdlOk("DESCRIBE gold").rows,
              ElementsAre(Row{"uid", "bigint", "NO", "NO"}, Row{"who", "text", "YES", "NO"}));
  DdlOk(
      "CREATE MATERIALIZED VIEW spend AS SELECT user_id, sum(amount) AS total FROM orders "
      "GROUP BY user_id");
  EXPECT_THAT(DdlOk("DESCRIBE spend").rows, ElementsAre(Row{"user_id", "bigint", "YES", "NO"},
                                                        Row{"total", "numeric", "YES", "NO"}));
  // A view is inlined; a materialized view is read as a changelog keyed like its plan.
  PlanPtr p = Plan("SELECT g.who, s.total FROM gold g JOIN spend s ON s.user_id = g.uid");
  const PlanNode* join = Find(*p, "Join");
  ASSERT_NE(join, nullptr);
  const ScanOp* right = Find(*join->inputs[1], "Scan")->As<ScanOp>();
  EXPECT_EQ(right->source, ScanOp::Source::kMaterializedView);
  EXPECT_EQ(right->relation, "spend");
  EXPECT_THAT(Find(*join->inputs[1], "Scan")->key, ElementsAre(0));
  EXPECT_EQ(Find(*join->inputs[0], "Scan")->As<ScanOp>()->relation, "users");
  EXPECT_EQ(DdlErr("CREATE VIEW v (a, b) AS SELECT url FROM clicks").message,
            "CREATE VIEW specifies more column names than columns");
}

}  // namespace
}  // namespace oxbow::sql
