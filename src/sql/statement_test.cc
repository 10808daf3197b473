// Conversion of every statement form into the statement model and of queries into the AST,
// with positions, and the 0A000 errors for what the model does not cover.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/sql_error.h"
#include "sql/sql_test_util.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;

Statement Parse(std::string_view sql) {
  Result<Statement> s = ParseStatement(sql);
  EXPECT_TRUE(s.ok()) << sql << ": " << s.status();
  return s.ok() ? std::move(*s) : Statement{};
}

SqlErrorInfo Err(std::string_view sql) {
  Result<Statement> s = ParseStatement(sql);
  EXPECT_FALSE(s.ok()) << sql;
  return s.ok() ? SqlErrorInfo{} : SqlErrorOf(s.status());
}

std::string QueryText(std::string_view sql) {
  Statement s = Parse(sql);
  const SelectStatement* select = s.As<SelectStatement>();
  return select && select->query ? select->query->ToString() : "";
}

TEST(StatementTest, CreateTable) {
  Statement s = Parse(
      "CREATE TABLE IF NOT EXISTS public.Users (id int8 PRIMARY KEY, \"Name\" varchar(20) NOT "
      "NULL, score numeric(10, 2) NULL, at timestamp with time zone, doc jsonb) "
      "WITH (topic = 'users', format = 'avro', partitions = 3, flag)");
  const CreateTableStatement& t = *s.As<CreateTableStatement>();
  EXPECT_EQ(t.name.name, "users");
  EXPECT_EQ(t.name.location, 27);
  EXPECT_TRUE(t.if_not_exists);
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[0].type.ToString(), "bigint");
  EXPECT_TRUE(t.columns[0].primary_key);
  EXPECT_TRUE(t.columns[0].not_null);  // implied by the key
  EXPECT_EQ(t.columns[1].name, "Name");
  EXPECT_EQ(t.columns[1].type.ToString(), "character varying(20)");
  EXPECT_TRUE(t.columns[1].not_null);
  EXPECT_EQ(t.columns[2].type.ToString(), "numeric(10,2)");
  EXPECT_FALSE(t.columns[2].not_null);
  EXPECT_EQ(t.columns[3].type.ToString(), "timestamp with time zone");
  EXPECT_EQ(t.columns[4].type.ToString(), "jsonb");
  ASSERT_EQ(t.primary_key.size(), 1u);
  EXPECT_EQ(t.primary_key[0].name, "id");
  std::vector<std::pair<std::string, std::string>> options;
  for (const WithOption& o : t.options) options.emplace_back(o.name, o.value);
  EXPECT_THAT(options, ElementsAre(std::pair<std::string, std::string>{"topic", "users"},
                                   std::pair<std::string, std::string>{"format", "avro"},
                                   std::pair<std::string, std::string>{"partitions", "3"},
                                   std::pair<std::string, std::string>{"flag", "true"}));
  EXPECT_EQ(s.CommandName(), "CREATE TABLE");

  Statement k_stmt = Parse("CREATE TABLE t (a int, b text, PRIMARY KEY (b, a))");
  const CreateTableStatement& k = *k_stmt.As<CreateTableStatement>();
  ASSERT_EQ(k.primary_key.size(), 2u);
  EXPECT_EQ(k.primary_key[0].name, "b");
  EXPECT_EQ(k.primary_key[1].name, "a");
  EXPECT_TRUE(k.columns[0].not_null);
  EXPECT_TRUE(Parse("CREATE TABLE s (a int)").As<CreateTableStatement>()->primary_key.empty());
}

TEST(StatementTest, CreateTableErrors) {
  EXPECT_EQ(Err("CREATE TABLE t (a int, a text)"),
            (SqlErrorInfo{"42701", "column \"a\" specified more than once", "", "", 24}));
  EXPECT_EQ(
      Err("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))"),
      (SqlErrorInfo{"42P16", "multiple primary keys for table \"t\" are not allowed", "", "", 43}));
  EXPECT_EQ(Err("CREATE TABLE t (a int, PRIMARY KEY (x))").message,
            "column \"x\" named in key does not exist");
  EXPECT_EQ(Err("CREATE TABLE t (a int NULL NOT NULL)").message,
            "conflicting NULL/NOT NULL declarations for column \"a\"");
  EXPECT_EQ(Err("CREATE TABLE t (a int DEFAULT 5)"),
            (SqlErrorInfo{"0A000", "DEFAULT is not supported", "", "", 23}));
  EXPECT_EQ(Err("CREATE TABLE t (a int CHECK (a > 0))").message,
            "CHECK constraints is not supported");
  EXPECT_EQ(Err("CREATE TABLE t (a int REFERENCES u (id))").message,
            "FOREIGN KEY constraints is not supported");
  EXPECT_EQ(Err("CREATE TEMP TABLE t (a int)").message, "TEMPORARY tables is not supported");
  EXPECT_EQ(Err("CREATE TABLE t (a int) PARTITION BY RANGE (a)").message,
            "PARTITION BY is not supported");
  EXPECT_EQ(Err("CREATE TABLE other.t (a int)"),
            (SqlErrorInfo{"3F000", "schema \"other\" does not exist", "", "", 14}));
  EXPECT_EQ(Err("CREATE TABLE t (a int) WITH (x = 1, x = 2)").message,
            "parameter \"x\" specified more than once");
  EXPECT_EQ(Err("CREATE TABLE t AS SELECT 1").hint, "Use CREATE MATERIALIZED VIEW.");
}

TEST(StatementTest, CreateViews) {
  Statement s = Parse(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS mv WITH (output_topic = 'out', emit = changes) AS "
      "SELECT a, count(*) /* n */ FROM t GROUP BY a WITH DATA");
  const CreateViewStatement& mv = *s.As<CreateViewStatement>();
  EXPECT_TRUE(mv.materialized);
  EXPECT_TRUE(mv.if_not_exists);
  EXPECT_EQ(mv.name.name, "mv");
  EXPECT_EQ(mv.query_text, "SELECT a, count(*) /* n */ FROM t GROUP BY a");
  EXPECT_EQ(mv.query->ToString(), "SELECT a, count(*) FROM t GROUP BY a");
  ASSERT_EQ(mv.options.size(), 2u);
  EXPECT_EQ(mv.options[1].name, "emit");
  EXPECT_EQ(mv.options[1].value, "changes");
  EXPECT_EQ(s.CommandName(), "CREATE MATERIALIZED VIEW");

  Statement v_stmt = Parse("create view v (x, y) as select 1, (2) union all select 3, 4");
  const CreateViewStatement& v = *v_stmt.As<CreateViewStatement>();
  EXPECT_FALSE(v.materialized);
  EXPECT_THAT(v.column_names, ElementsAre("x", "y"));
  EXPECT_EQ(v.query_text, "select 1, (2) union all select 3, 4");
  EXPECT_EQ(Err("CREATE OR REPLACE VIEW v AS SELECT 1").message,
            "CREATE OR REPLACE VIEW is not supported");
  EXPECT_EQ(Err("CREATE MATERIALIZED VIEW m AS SELECT 1 WITH NO DATA").message,
            "WITH NO DATA is not supported");
  EXPECT_EQ(Err("CREATE RECURSIVE VIEW r (n) AS SELECT 1").message,
            "WITH RECURSIVE is not supported");
}

TEST(StatementTest, Insert) {
  Statement s = Parse("INSERT INTO t (b, a) VALUES (1, 'x'), (-2, NULL)");
  const InsertStatement& ins = *s.As<InsertStatement>();
  EXPECT_EQ(ins.table.name, "t");
  ASSERT_EQ(ins.columns.size(), 2u);
  EXPECT_EQ(ins.columns[0].name, "b");
  EXPECT_EQ(ins.columns[1].location, 18);
  EXPECT_EQ(ins.source->kind, QueryKind::kValues);
  EXPECT_EQ(ins.source->ToString(), "VALUES (1, 'x'), (-2, NULL)");
  EXPECT_EQ(Parse("INSERT INTO t SELECT * FROM u").As<InsertStatement>()->source->ToString(),
            "SELECT * FROM u");
  EXPECT_EQ(Err("INSERT INTO t (a, a) VALUES (1, 2)").sqlstate, "42701");
  EXPECT_EQ(Err("INSERT INTO t VALUES (1), (1, 2)").message,
            "VALUES lists must all be the same length");
  EXPECT_EQ(Err("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING").message,
            "ON CONFLICT is not supported");
  EXPECT_EQ(Err("INSERT INTO t VALUES (1) RETURNING *").message, "RETURNING is not supported");
  EXPECT_EQ(Err("INSERT INTO t DEFAULT VALUES").message, "DEFAULT VALUES is not supported");
}

TEST(StatementTest, Drop) {
  Statement s = Parse("DROP MATERIALIZED VIEW IF EXISTS a, public.\"B\" CASCADE");
  const DropStatement& d = *s.As<DropStatement>();
  EXPECT_EQ(d.object_type, ObjectType::kMaterializedView);
  EXPECT_TRUE(d.if_exists);
  EXPECT_TRUE(d.cascade);
  ASSERT_EQ(d.names.size(), 2u);
  EXPECT_EQ(d.names[0].name, "a");
  EXPECT_EQ(d.names[0].location, 33);
  EXPECT_EQ(d.names[1].name, "B");
  EXPECT_EQ(d.names[1].location, 43);
  EXPECT_EQ(s.CommandName(), "DROP MATERIALIZED VIEW");
  EXPECT_FALSE(Parse("DROP VIEW v RESTRICT").As<DropStatement>()->cascade);
  EXPECT_EQ(Parse("DROP TABLE t").As<DropStatement>()->object_type, ObjectType::kTable);
  EXPECT_EQ(Err("DROP INDEX i").message, "DROP INDEX is not supported");
  EXPECT_EQ(Err("DROP TABLE x.t"),
            (SqlErrorInfo{"3F000", "schema \"x\" does not exist", "", "", 14}));
}

TEST(StatementTest, SessionAndTransactionStatements) {
  Statement set_stmt = Parse("SET search_path TO public, 'x'");
  const SetVariableStatement& set = *set_stmt.As<SetVariableStatement>();
  EXPECT_EQ(set.name, "search_path");
  EXPECT_THAT(set.values, ElementsAre("public", "x"));
  Statement tz_stmt = Parse("SET LOCAL TIME ZONE 'UTC'");
  const SetVariableStatement& tz = *tz_stmt.As<SetVariableStatement>();
  EXPECT_EQ(tz.name, "timezone");
  EXPECT_TRUE(tz.local);
  EXPECT_THAT(tz.values, ElementsAre("UTC"));
  EXPECT_THAT(Parse("SET extra_float_digits = 3").As<SetVariableStatement>()->values,
              ElementsAre("3"));
  EXPECT_TRUE(Parse("SET x TO DEFAULT").As<SetVariableStatement>()->to_default);
  EXPECT_EQ(
      Parse("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").As<SetVariableStatement>()->name,
      "transaction");
  EXPECT_EQ(Parse("SHOW TIME ZONE").As<ShowVariableStatement>()->name, "timezone");
  EXPECT_EQ(Parse("SHOW ALL").As<ShowVariableStatement>()->name, "all");
  EXPECT_EQ(Parse("RESET statement_timeout").As<ResetVariableStatement>()->name,
            "statement_timeout");
  EXPECT_TRUE(Parse("RESET ALL").As<ResetVariableStatement>()->all);
  EXPECT_EQ(Parse("BEGIN").As<TransactionStatement>()->kind, TransactionKind::kBegin);
  EXPECT_EQ(Parse("START TRANSACTION READ ONLY").As<TransactionStatement>()->kind,
            TransactionKind::kBegin);
  EXPECT_EQ(Parse("COMMIT").As<TransactionStatement>()->kind, TransactionKind::kCommit);
  EXPECT_EQ(Parse("END").As<TransactionStatement>()->kind, TransactionKind::kCommit);
  EXPECT_EQ(Parse("ROLLBACK").As<TransactionStatement>()->kind, TransactionKind::kRollback);
  EXPECT_EQ(Parse("ABORT").As<TransactionStatement>()->kind, TransactionKind::kRollback);
  EXPECT_EQ(Err("SAVEPOINT s").message, "savepoints is not supported");
}

TEST(StatementTest, Explain) {
  Statement s = Parse("EXPLAIN SELECT a FROM t");
  const ExplainStatement& e = *s.As<ExplainStatement>();
  EXPECT_EQ(e.statement->As<SelectStatement>()->query->ToString(), "SELECT a FROM t");
  EXPECT_EQ(e.statement->text(), "SELECT a FROM t");
  Statement mv = Parse("EXPLAIN CREATE MATERIALIZED VIEW m AS SELECT 1");
  EXPECT_EQ(mv.As<ExplainStatement>()->statement->As<CreateViewStatement>()->query_text,
            "SELECT 1");
  EXPECT_EQ(Err("EXPLAIN ANALYZE SELECT 1").message,
            "EXPLAIN options (ANALYZE, VERBOSE, …) is not supported");
  EXPECT_EQ(Err("EXPLAIN INSERT INTO t VALUES (1)").message, "EXPLAIN INSERT is not supported");
}

TEST(StatementTest, UnsupportedStatementsAreNamedAtTheirPosition) {
  EXPECT_EQ(Err("UPDATE t SET a = 1"),
            (SqlErrorInfo{"0A000", "UPDATE is not supported", "", "", 1}));
  EXPECT_EQ(Err("DELETE FROM t").message, "DELETE is not supported");
  EXPECT_EQ(Err("CREATE INDEX i ON t (a)").message, "CREATE INDEX is not supported");
  EXPECT_EQ(Err("ALTER TABLE t ADD COLUMN b int").message, "ALTER TABLE is not supported");
  EXPECT_EQ(Err("COPY t FROM STDIN").message, "COPY is not supported");
  Result<std::vector<Statement>> two = ParseStatements("SELECT 1; TRUNCATE t");
  EXPECT_EQ(SqlErrorOf(two.status()),
            (SqlErrorInfo{"0A000", "TRUNCATE is not supported", "", "", 11}));
}

TEST(QueryAstTest, SelectClausesAndPositions) {
  Statement s = Parse(
      "SELECT DISTINCT u.tier, count(DISTINCT c.url) AS n FROM clicks c LEFT JOIN users u ON "
      "c.user_id = u.id WHERE c.ts > now() - INTERVAL '1 hour' GROUP BY u.tier HAVING count(*) "
      "> 1 ORDER BY n DESC, 1 LIMIT 10 OFFSET 20");
  const Query& q = *s.As<SelectStatement>()->query;
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.select_list.size(), 2u);
  EXPECT_EQ(q.select_list[0].expr->location, 16);
  EXPECT_EQ(*q.select_list[1].alias, "n");
  const FunctionCall& count = q.select_list[1].expr->As<FunctionCall>();
  EXPECT_TRUE(count.distinct);
  EXPECT_EQ(count.location, 24);
  ASSERT_EQ(q.from.size(), 1u);
  const JoinRef& join = q.from[0]->As<JoinRef>();
  EXPECT_EQ(join.join_type, JoinType::kLeft);
  EXPECT_EQ(join.left->As<TableName>().name, "clicks");
  EXPECT_EQ(join.left->alias->name, "c");
  EXPECT_EQ(join.on->ToString(), "(c.user_id = u.id)");
  EXPECT_EQ(q.where->ToString(), "(c.ts > (now() - CAST('1 hour' AS interval)))");
  EXPECT_EQ(q.group_by[0]->ToString(), "u.tier");
  EXPECT_EQ(q.having->ToString(), "(count(*) > 1)");
  ASSERT_EQ(q.order_by.size(), 2u);
  EXPECT_EQ(q.order_by[0].direction, SortDirection::kDescending);
  EXPECT_EQ(q.limit->ToString(), "10");
  EXPECT_EQ(q.offset->ToString(), "20");
}

TEST(QueryAstTest, ArraysSubscriptsAndQuantifiedComparisons) {
  Statement s = Parse(
      "SELECT a[i + 1], x = ANY (arr), x <> ALL ('{1}'), y IN (SELECT z FROM t), "
      "y NOT IN (SELECT z FROM t), ARRAY(SELECT z FROM t) FROM t");
  const Query& q = *s.As<SelectStatement>()->query;
  ASSERT_EQ(q.select_list.size(), 6u);
  EXPECT_EQ(q.select_list[0].expr->ToString(), "(a)[(i + 1)]");
  EXPECT_EQ(q.select_list[1].expr->ToString(), "(x = ANY (arr))");
  EXPECT_EQ(q.select_list[2].expr->ToString(), "(x <> ALL ('{1}'))");
  const SubLink& in = q.select_list[3].expr->As<SubLink>();
  EXPECT_EQ(in.link, SubLinkKind::kAny);
  EXPECT_EQ(in.op, "=");
  EXPECT_EQ(in.test->ToString(), "y");
  EXPECT_EQ(q.select_list[4].expr->kind, ExprKind::kBoolean);  // NOT (y = ANY (…))
  EXPECT_EQ(q.select_list[5].expr->As<SubLink>().link, SubLinkKind::kArray);
}

TEST(QueryAstTest, FromItems) {
  Statement s = Parse(
      "SELECT * FROM TUMBLE(clicks, ts, INTERVAL '1 minute') AS w, "
      "(SELECT id FROM users) AS u (uid) CROSS JOIN HOP(t, ts, INTERVAL '1 m', INTERVAL '5 m')");
  const Query& q = *s.As<SelectStatement>()->query;
  ASSERT_EQ(q.from.size(), 2u);
  const TableFunctionRef& tumble = q.from[0]->As<TableFunctionRef>();
  EXPECT_EQ(tumble.call->function_name(), "tumble");
  EXPECT_EQ(tumble.call->args[0]->As<ColumnRef>().names[0], "clicks");
  EXPECT_EQ(tumble.call->args[2]->As<Cast>().type.name, "interval");
  EXPECT_EQ(tumble.alias->name, "w");
  const JoinRef& cross = q.from[1]->As<JoinRef>();
  EXPECT_EQ(cross.join_type, JoinType::kCross);
  EXPECT_THAT(cross.left->alias->columns, ElementsAre("uid"));
  EXPECT_EQ(cross.right->As<TableFunctionRef>().call->args.size(), 4u);
  EXPECT_EQ(QueryText("SELECT * FROM a JOIN b USING (k) FULL JOIN c ON true"),
            "SELECT * FROM ((a JOIN b USING (k)) FULL JOIN c ON TRUE)");
}

TEST(QueryAstTest, TopNWindowAndUnion) {
  EXPECT_EQ(QueryText("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v "
                      "DESC NULLS LAST) AS rn FROM t) x WHERE rn <= 3"),
            "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS "
            "LAST) AS rn FROM t) AS x WHERE (rn <= 3)");
  Statement s = Parse("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5");
  const Query& q = *s.As<SelectStatement>()->query;
  EXPECT_EQ(q.kind, QueryKind::kUnion);
  EXPECT_TRUE(q.union_all);
  EXPECT_EQ(q.left->ToString(), "SELECT a FROM t");
  EXPECT_EQ(q.limit->ToString(), "5");
  EXPECT_FALSE(Parse("SELECT 1 UNION SELECT 2").As<SelectStatement>()->query->union_all);
  EXPECT_EQ(QueryText("WITH x AS (SELECT 1 AS a), y (b) AS (SELECT a FROM x) SELECT b FROM y"),
            "WITH x AS (SELECT 1 AS a), y (b) AS (SELECT a FROM x) SELECT b FROM y");
}

TEST(QueryAstTest, Expressions) {
  EXPECT_EQ(QueryText("SELECT doc->'a'->>'b', x || 'y', -a, NOT b, a AND b AND c, a OR b, "
                      "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE k WHEN 1 THEN 'one' END, "
                      "CAST(a AS bigint), a::numeric(10,2), a IN (1, 2), a NOT IN ('x'), "
                      "a BETWEEN 1 AND 2, a NOT BETWEEN SYMMETRIC 2 AND 1, s LIKE 'a%', "
                      "s NOT ILIKE 'b%' ESCAPE '#', a IS NULL, a IS NOT NULL, b IS TRUE, "
                      "b IS NOT UNKNOWN, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b, $1, "
                      "NULLIF(a, 0), COALESCE(a, b, 0), GREATEST(a, b), count(*), "
                      "sum(a) FILTER (WHERE a > 0), string_agg(s, ',' ORDER BY s), t.*, "
                      "1.5e3, 12345678901, 99999999999999999999, E'tab\\there', TRUE, NULL FROM t"),
            "SELECT ((doc -> 'a') ->> 'b'), (x || 'y'), (- a), (NOT b), (a AND b AND c), (a OR b), "
            "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE k WHEN 1 THEN 'one' END, "
            "CAST(a AS bigint), CAST(a AS numeric(10,2)), (a IN (1, 2)), (a NOT IN ('x')), "
            "(a BETWEEN 1 AND 2), (a NOT BETWEEN SYMMETRIC 2 AND 1), (s LIKE 'a%'), "
            "(s NOT ILIKE 'b%' ESCAPE '#'), (a IS NULL), (a IS NOT NULL), (b IS TRUE), "
            "(b IS NOT UNKNOWN), (a IS DISTINCT FROM b), (a IS NOT DISTINCT FROM b), $1, "
            "\"nullif\"(a, 0), \"coalesce\"(a, b, 0), \"greatest\"(a, b), count(*), "
            "sum(a) FILTER (WHERE (a > 0)), string_agg(s, ',' ORDER BY s), t.*, "
            "1.5e3, 12345678901, 99999999999999999999, 'tab\there', TRUE, NULL FROM t");
  // PostgreSQL folds the minus into the constant.
  Statement neg_stmt = Parse("SELECT -5");
  const Constant& neg = neg_stmt.As<SelectStatement>()->query->select_list[0].expr->As<Constant>();
  EXPECT_EQ(neg.constant_kind, ConstantKind::kInteger);
  EXPECT_EQ(neg.integer, -5);
  EXPECT_EQ(QueryText("SELECT extract(year FROM ts), substring(s FROM 2 FOR 3), "
                      "position('a' IN s), trim(both FROM s), current_timestamp"),
            "SELECT \"extract\"('year', ts), \"substring\"(s, 2, 3), \"position\"(s, 'a'), "
            "btrim(s), current_timestamp");
}

TEST(QueryAstTest, PrintedQueriesParseBackToTheSameTree) {
  for (std::string_view sql : {
           "SELECT a, b + 1 AS c FROM t WHERE a > 1 AND (b < 2 OR b IS NULL)",
           "SELECT tier, count(*) FROM TUMBLE(clicks, ts, INTERVAL '1 minute') c JOIN users u "
           "ON c.uid = u.id GROUP BY tier HAVING count(*) > 2 ORDER BY 2 DESC LIMIT 3",
           "SELECT * FROM (SELECT k, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) r FROM t) s "
           "WHERE r <= 2",
           "SELECT 1 UNION ALL (SELECT 2 UNION SELECT 3) ORDER BY 1",
           "WITH w AS (SELECT \"Mixed Case\" FROM \"T\") SELECT DISTINCT * FROM w",
           "VALUES (1, 'a''b'), (2, NULL)",
           "SELECT CAST(x AS timestamp(3) with time zone), y::interval day to second, z::text[]",
           "SELECT N'national', 'x'::char, 'y'::char(3)",  // bare bpchar vs character(1)
       }) {
    std::string once = QueryText(sql);
    EXPECT_EQ(QueryText(once), once) << sql;
  }
}

TEST(QueryAstTest, UnsupportedConstructsAreNamedAtTheirPosition) {
  EXPECT_EQ(Err("SELECT DISTINCT ON (a) a FROM t"),
            (SqlErrorInfo{"0A000", "DISTINCT ON is not supported", "", "", 21}));
  EXPECT_EQ(
      Err("SELECT a FROM t WHERE a > ALL (SELECT b, c FROM u) AND (a, b) IN (SELECT 1, 2)"),
      (SqlErrorInfo{"0A000", "row comparisons with a subquery is not supported", "", "", 63}));
  EXPECT_EQ(Err("SELECT 1 INTERSECT SELECT 2").message, "INTERSECT is not supported");
  EXPECT_EQ(Err("SELECT 1 EXCEPT SELECT 2").message, "EXCEPT is not supported");
  EXPECT_EQ(Err("SELECT * FROM t, LATERAL (SELECT 1) x").message, "LATERAL is not supported");
  EXPECT_EQ(Err("SELECT * FROM a NATURAL JOIN b").message, "NATURAL JOIN is not supported");
  EXPECT_EQ(Err("SELECT a FROM t GROUP BY ROLLUP (a)").message,
            "GROUPING SETS, ROLLUP and CUBE is not supported");
  EXPECT_EQ(Err("SELECT sum(a) OVER (ORDER BY b ROWS 2 PRECEDING) FROM t").message,
            "window frame clauses is not supported");
  EXPECT_EQ(Err("SELECT sum(a) OVER w FROM t WINDOW w AS (ORDER BY b)").sqlstate, "0A000");
  EXPECT_EQ(Err("SELECT * FROM t FOR UPDATE").message, "FOR UPDATE/SHARE is not supported");
  EXPECT_EQ(Err("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r").message,
            "WITH RECURSIVE is not supported");
  EXPECT_EQ(Err("SELECT (a).* FROM t").message, "this kind of indirection is not supported");
  EXPECT_EQ(Err("SELECT a[1:2] FROM t").message, "array slices is not supported");
  EXPECT_EQ(Err("SELECT ARRAY[1, 2]").message, "ARRAY constructors is not supported");
  EXPECT_EQ(Err("SELECT (a, b) IN (SELECT 1, 2) FROM t").message,
            "row comparisons with a subquery is not supported");
  EXPECT_EQ(Err("SELECT a SIMILAR TO 'x' FROM t").message, "SIMILAR TO is not supported");
  EXPECT_EQ(Err("SELECT * FROM t TABLESAMPLE SYSTEM (10)").message, "TABLESAMPLE is not supported");
  EXPECT_EQ(Err("SELECT * INTO x FROM t").message, "SELECT INTO is not supported");
  EXPECT_EQ(Err("SELECT x'1F'").message, "bit-string constants is not supported");
}

}  // namespace
}  // namespace oxbow::sql
