// The parser driver: splitting, syntax errors and their positions (as PostgreSQL 15 reports
// them), the extension statements, input validation, nesting limits, concurrency.
#include "sql/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "sql/sql_error.h"
#include "sql/sql_test_util.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;

SqlErrorInfo ErrorOf(std::string_view sql) {
  Result<std::vector<Statement>> r = ParseStatements(sql);
  EXPECT_FALSE(r.ok()) << sql;
  if (r.ok()) return {};
  return SqlErrorOf(r.status());
}

std::vector<std::string> Texts(std::string_view sql) {
  Result<std::vector<Statement>> r = ParseStatements(sql);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const Statement& s : *r) out.emplace_back(s.text());
  return out;
}

// Expected values come from PostgreSQL 15's psql (ERROR text and the caret position).
TEST(ParserErrorTest, SyntaxErrorsCarryPostgresMessageAndPosition) {
  EXPECT_EQ(ErrorOf("SELEC 1"),
            (SqlErrorInfo{"42601", "syntax error at or near \"SELEC\"", "", "", 1}));
  EXPECT_EQ(ErrorOf("SELECT 1 +"),
            (SqlErrorInfo{"42601", "syntax error at end of input", "", "", 11}));
  EXPECT_EQ(ErrorOf("SELECT 1 +;"),
            (SqlErrorInfo{"42601", "syntax error at or near \";\"", "", "", 11}));
  // End of input is after trailing blanks and comments.
  EXPECT_EQ(ErrorOf("SELECT 1 +   ").position, 14);
  EXPECT_EQ(ErrorOf("SELECT 1 + -- c\n").position, 17);
  EXPECT_EQ(ErrorOf("SELECT 'abc"),
            (SqlErrorInfo{"42601", "unterminated quoted string at or near \"'abc\"", "", "", 8}));
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE").message, "syntax error at end of input");
}

// $n whose number does not fit an int (the scanner wraps it, here to -1): an error, not a
// parameter printed back as "$-1" (found by parser_fuzz).
TEST(ParserErrorTest, ParameterNumbersOutOfRangeAreSyntaxErrors) {
  EXPECT_EQ(ErrorOf("SELECT 1 - $66666666666666666666"),
            (SqlErrorInfo{"42601", "parameter number out of range", "", "", 12}));
  EXPECT_TRUE(ParseStatements("SELECT $1").ok());  // in range: parses (bound later)
}

TEST(ParserErrorTest, PositionsCountCharactersNotBytes) {
  // 'é' is two bytes but one character.
  EXPECT_EQ(ErrorOf("SELECT 'é' + é +").position, 17);
  EXPECT_EQ(ErrorOf("SELECT 'éé', + ;").position, 16);
}

TEST(ParserErrorTest, PositionsInLaterStatementsCountFromTheStartOfTheString) {
  EXPECT_EQ(ErrorOf("SELECT 1; SELEC 2"),
            (SqlErrorInfo{"42601", "syntax error at or near \"SELEC\"", "", "", 11}));
  EXPECT_EQ(ErrorOf("SELECT 'ü';\n  SELECT 1 +").position, 25);
  // A syntax error anywhere rejects the whole string, as PostgreSQL's simple query does.
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a int); SELECT FROM WHERE").sqlstate, "42601");
}

TEST(ParserSplitTest, SplitsAtTopLevelSemicolonsOnly) {
  EXPECT_THAT(Texts("SELECT 1;  -- c\n SELECT 2 ; /* x */ select 3"),
              ElementsAre("SELECT 1", "SELECT 2", "select 3"));
  EXPECT_THAT(Texts("SELECT 'a;b'; SELECT \"x;y\" FROM t; SELECT $$;$$"),
              ElementsAre("SELECT 'a;b'", "SELECT \"x;y\" FROM t", "SELECT $$;$$"));
  EXPECT_THAT(Texts("  ;; SELECT 1;;; "), ElementsAre("SELECT 1"));
  EXPECT_THAT(Texts("-- only a comment"), ElementsAre());
  EXPECT_THAT(Texts(""), ElementsAre());
  // Statements libpg_query's own splitter drops (they start with an identifier).
  EXPECT_THAT(Texts("DESCRIBE t; SELECT 1; DESCRIBE u"),
              ElementsAre("DESCRIBE t", "SELECT 1", "DESCRIBE u"));
}

TEST(ParserSplitTest, StatementsShareTheSourceAndKnowTheirRange) {
  Result<std::vector<Statement>> r = ParseStatements("BEGIN; SELECT 1 ;COMMIT");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].begin, 7);
  EXPECT_EQ((*r)[1].end, 15);
  EXPECT_EQ((*r)[0].source.get(), (*r)[2].source.get());
  EXPECT_EQ((*r)[0].CommandName(), "BEGIN");
  EXPECT_EQ((*r)[1].CommandName(), "SELECT");
  EXPECT_EQ((*r)[2].CommandName(), "COMMIT");
}

TEST(ParserExtensionTest, DescribeAndShowStatements) {
  Result<std::vector<Statement>> r = ParseStatements(
      "DESCRIBE clicks; DESC public.\"Users\"; SHOW MATERIALIZED VIEWS; show create table t; "
      "SHOW CREATE MATERIALIZED VIEW mv; SHOW CREATE VIEW v; SHOW TABLES; SHOW VIEWS");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 8u);
  EXPECT_EQ((*r)[0].As<DescribeStatement>()->name.name, "clicks");
  EXPECT_EQ((*r)[0].As<DescribeStatement>()->name.location, 9);
  EXPECT_EQ((*r)[1].As<DescribeStatement>()->name.name, "Users");
  EXPECT_EQ((*r)[2].As<ShowObjectsStatement>()->object_type, ObjectType::kMaterializedView);
  EXPECT_EQ((*r)[3].As<ShowCreateStatement>()->object_type, ObjectType::kTable);
  EXPECT_EQ((*r)[3].As<ShowCreateStatement>()->name.name, "t");
  EXPECT_EQ((*r)[4].As<ShowCreateStatement>()->object_type, ObjectType::kMaterializedView);
  EXPECT_EQ((*r)[5].As<ShowCreateStatement>()->object_type, ObjectType::kView);
  EXPECT_EQ((*r)[6].As<ShowObjectsStatement>()->object_type, ObjectType::kTable);
  EXPECT_EQ((*r)[7].As<ShowObjectsStatement>()->object_type, ObjectType::kView);
}

TEST(ParserExtensionTest, ShowProgress) {
  Result<std::vector<Statement>> r = ParseStatements("SHOW PROGRESS; show progress");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_NE((*r)[0].As<ShowProgressStatement>(), nullptr);
  EXPECT_NE((*r)[1].As<ShowProgressStatement>(), nullptr);
  EXPECT_EQ((*r)[0].CommandName(), "SHOW");
  EXPECT_EQ(ErrorOf("SHOW PROGRESS x").message, "syntax error at or near \"x\"");
}

TEST(ParserExtensionTest, ExtensionSyntaxErrorsLookLikePostgres) {
  EXPECT_EQ(ErrorOf("DESCRIBE"),
            (SqlErrorInfo{"42601", "syntax error at end of input", "", "", 9}));
  EXPECT_EQ(ErrorOf("DESCRIBE a b"),
            (SqlErrorInfo{"42601", "syntax error at or near \"b\"", "", "", 12}));
  EXPECT_EQ(ErrorOf("SHOW MATERIALIZED;"),
            (SqlErrorInfo{"42601", "syntax error at or near \";\"", "", "", 18}));
  EXPECT_EQ(ErrorOf("SHOW CREATE INDEX i").message, "syntax error at or near \"INDEX\"");
  EXPECT_EQ(ErrorOf("DESCRIBE other.t"),
            (SqlErrorInfo{"3F000", "schema \"other\" does not exist", "", "", 10}));
  // A quoted "describe" is an identifier, not our keyword: PostgreSQL's error.
  EXPECT_EQ(ErrorOf("\"describe\" t").message, "syntax error at or near \"\"describe\"\"");
}

TEST(ParserInputTest, RejectsInvalidUtf8AndNulLikePostgres) {
  EXPECT_EQ(
      ErrorOf("SELECT '\xc3\x28'"),
      (SqlErrorInfo{"22021", "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28", "", "", 0}));
  EXPECT_EQ(ErrorOf(std::string_view("SELECT 1\0", 9)).message,
            "invalid byte sequence for encoding \"UTF8\": 0x00");
  EXPECT_EQ(ErrorOf("SELECT '\xed\xa0\x80'").sqlstate, "22021");  // a surrogate
  EXPECT_TRUE(ParseStatements("SELECT '日本語 😀'").ok());
}

std::string Chain(int terms, std::string_view op) {
  std::string sql = "SELECT a";
  for (int i = 1; i < terms; ++i) sql += fmt::format(" {} a{}", op, i);
  return sql;
}

TEST(ParserLimitsTest, DeepNestingIsRejectedBeforeLibpgQueryOverflowsItsStack) {
  // 100,000 terms overflow libpg_query's 8 MiB of stack when it is called unchecked.
  SqlErrorInfo e = ErrorOf(Chain(100000, "+"));
  EXPECT_EQ(e.sqlstate, "54001");
  EXPECT_EQ(e.position, 1);
  EXPECT_EQ(ErrorOf("SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')')).sqlstate,
            "54001");
  EXPECT_EQ(ErrorOf(Chain(2000, "||")).sqlstate, "54001");
  EXPECT_TRUE(ParseStatements(Chain(200, "+")).ok());
  EXPECT_TRUE(
      ParseStatements("SELECT " + std::string(200, '(') + "1" + std::string(200, ')')).ok());
}

TEST(ParserLimitsTest, FlatListsOfAnyLengthAreAccepted) {
  // AND/OR chains and lists are flat in PostgreSQL's tree, so they do not count as depth.
  EXPECT_TRUE(ParseStatements("SELECT 1 FROM t WHERE " + Chain(3000, "OR").substr(7)).ok());
  std::string values = "INSERT INTO t VALUES (1, 'a')";
  for (int i = 0; i < 20000; ++i) values += fmt::format(", ({}, 'x')", i);
  Result<std::vector<Statement>> r = ParseStatements(values);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].As<InsertStatement>()->source->values.size(), 20001u);
  std::string in_list = "SELECT 1 FROM t WHERE a IN (0";
  for (int i = 1; i < 20000; ++i) in_list += fmt::format(", {}", i);
  EXPECT_TRUE(ParseStatements(in_list + ")").ok());
  std::string cases = "SELECT CASE";
  for (int i = 0; i < 2000; ++i) cases += fmt::format(" WHEN a = {} THEN {}", i, i);
  EXPECT_TRUE(ParseStatements(cases + " END FROM t").ok());
}

TEST(ParserConcurrencyTest, ThreadsParseAtTheSameTime) {
  // libpg_query keeps its state per thread; results must not bleed between threads.
  constexpr int kThreads = 8;
  constexpr int kIterations = 300;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < kIterations; ++i) {
        std::string sql = fmt::format("SELECT c{} + {} FROM t{} WHERE x = '{}'", t, i, t, i);
        Result<Statement> s = ParseStatement(sql);
        std::string want = fmt::format("SELECT (c{} + {}) FROM t{} WHERE (x = '{}')", t, i, t, i);
        if (!s.ok() || s->As<SelectStatement>()->query->ToString() != want) ++failures[t];
        // Errors too: their state is thread-local as well.
        Result<Statement> bad = ParseStatement(fmt::format("SELECT {} +", i));
        if (bad.ok() || SqlErrorOf(bad.status()).position != 11 + (i >= 10) + (i >= 100)) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

TEST(ParserTest, ParseStatementWantsExactlyOne) {
  EXPECT_EQ(SqlErrorOf(ParseStatement("SELECT 1; SELECT 2").status()).message,
            "cannot insert multiple commands into a prepared statement");
  EXPECT_EQ(SqlErrorOf(ParseStatement(" -- nothing").status()).message, "empty query");
  EXPECT_TRUE(ParseStatement("SELECT 1;").ok());
}

}  // namespace
}  // namespace oxbow::sql
