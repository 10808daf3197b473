// The planner: keys and append-only flags per node kind, predicate pushdown and projection
// pruning, and EXPLAIN's printout against golden files (testdata/explain.test; set
// OXBOW_UPDATE_GOLDENS=1 to rewrite it after a deliberate change, then review the diff).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sql/plan_rewrite.h"
#include "sql/plan_test_util.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PlanTest : public PlanTestBase {
 protected:
  // Key column names and the append-only flag of the plan's root.
  std::pair<std::vector<std::string>, bool> KeyOf(std::string_view sql) {
    PlanPtr p = Plan(sql);
    if (p == nullptr) return {};
    std::vector<std::string> key;
    for (int k : p->key) key.push_back(p->schema[k].name);
    return {key, p->append_only};
  }
};

TEST_F(PlanTest, KeysAndAppendOnlyFollowTheSources) {
  struct Case {
    std::string sql;
    std::vector<std::string> key;
    bool append_only;
  };
  const Case cases[] = {
      {"SELECT * FROM clicks", {}, true},
      {"SELECT url FROM clicks WHERE url LIKE 'a%'", {}, true},
      {"SELECT * FROM users", {"id"}, false},
      {"SELECT name, id FROM users", {"id"}, false},
      {"SELECT name FROM users", {}, false},
      {"SELECT tier, count(*) FROM users GROUP BY tier", {"tier"}, false},
      {"SELECT count(*) FROM clicks", {}, false},
      // A stream enriched from a table: a temporal join, inserts only.
      {"SELECT c.url, u.tier FROM clicks c JOIN users u ON c.user_id = u.id", {}, true},
      // Two tables: a changelog keyed by both keys.
      {"SELECT * FROM users u JOIN orders o ON o.user_id = u.id", {"id", "id"}, false},
      // Two streams: inserts only for INNER, retractions for LEFT (the NULL-padded row).
      {"SELECT * FROM clicks a JOIN clicks b ON a.user_id = b.user_id", {}, true},
      {"SELECT * FROM clicks a LEFT JOIN clicks b ON a.user_id = b.user_id", {}, false},
      {"SELECT url FROM clicks UNION ALL SELECT name FROM users", {}, false},
      {"SELECT url FROM clicks UNION ALL SELECT url FROM clicks", {}, true},
      {"SELECT DISTINCT url FROM clicks", {"url"}, true},
      {"SELECT DISTINCT tier FROM users", {"tier"}, false},
      {"SELECT * FROM TUMBLE(clicks, ts, INTERVAL '1 minute')", {}, true},
      {"SELECT * FROM TUMBLE(users u2, ts, INTERVAL '1 minute')", {}, false},
      {"SELECT * FROM SESSION(clicks, ts, INTERVAL '1 minute')", {}, false},
      {"SELECT * FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY tier ORDER BY id) AS rn, tier "
       "FROM users) t WHERE rn <= 2",
       {"tier", "rn"},
       false},
  };
  for (const Case& c : cases) {
    if (c.sql.find("users u2") != std::string::npos) continue;  // (no time column in users)
    SCOPED_TRACE(c.sql);
    auto [key, append_only] = KeyOf(c.sql);
    EXPECT_EQ(key, c.key);
    EXPECT_EQ(append_only, c.append_only);
  }
}

TEST_F(PlanTest, PredicatesMoveDownToTheScans) {
  // Through a projection of a subquery, a join and a window TVF into both scans.
  PlanPtr p = Plan(
      "SELECT * FROM (SELECT c.url AS u, t.tier FROM TUMBLE(clicks, ts, INTERVAL '1 minute') c "
      "JOIN users t ON c.user_id = t.id) s WHERE s.tier = 'gold' AND s.u <> ''");
  const PlanNode* join = Find(*p, "Join");
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(Find(*p, "Filter"), nullptr);
  const PlanNode* left_scan = Find(*join->inputs[0], "Scan");
  const PlanNode* right_scan = Find(*join->inputs[1], "Scan");
  ASSERT_NE(left_scan->As<ScanOp>()->filter, nullptr);
  EXPECT_EQ(left_scan->As<ScanOp>()->filter->ToString(), "(#1 <> ''::text)");
  EXPECT_EQ(right_scan->As<ScanOp>()->filter->ToString(), "(#1 = 'gold'::text)");
  // Not below an aggregate unless on a group key; not on window_start below the window.
  p = Plan(
      "SELECT tier, n FROM (SELECT tier, count(*) AS n FROM users GROUP BY tier) g "
      "WHERE tier = 'a' AND n > 1");
  ASSERT_NE(Find(*p, "Filter"), nullptr);
  EXPECT_EQ(Find(*p, "Filter")->As<FilterOp>()->predicate->ToString(), "(#1 > '1'::bigint)");
  EXPECT_NE(Find(*p, "Scan")->As<ScanOp>()->filter, nullptr);
  p = Plan(
      "SELECT * FROM TUMBLE(clicks, ts, INTERVAL '1 minute') "
      "WHERE window_start > TIMESTAMPTZ '2024-01-01' AND url = 'x'");
  ASSERT_NE(Find(*p, "Filter"), nullptr);
  EXPECT_EQ(Find(*p, "Filter")->inputs[0]->name(), "WindowTVF");
  EXPECT_NE(Find(*p, "Scan")->As<ScanOp>()->filter, nullptr);
  // A WHERE condition on the NULL-padded side of a LEFT join stays above it.
  p = Plan("SELECT * FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE o.region = 'eu'");
  ASSERT_NE(Find(*p, "Filter"), nullptr);
  EXPECT_EQ(Find(*p, "Filter")->inputs[0]->name(), "Join");
}

TEST_F(PlanTest, ScansReadOnlyTheColumnsUsed) {
  PlanPtr p = Plan("SELECT upper(url) FROM clicks WHERE user_id > 1");
  EXPECT_THAT(Find(*p, "Scan")->As<ScanOp>()->columns, ElementsAre(0, 1));
  // A changelog table's key is read even when unused: updates are matched by it.
  p = Plan("SELECT upper(name) FROM users");
  EXPECT_THAT(Find(*p, "Scan")->As<ScanOp>()->columns, ElementsAre(0, 1));
  EXPECT_THAT(Find(*p, "Scan")->key, ElementsAre(0));
  // Below joins and windows too.
  p = Plan(
      "SELECT u.tier FROM TUMBLE(clicks, ts, INTERVAL '1 minute') c JOIN users u "
      "ON c.user_id = u.id");
  const PlanNode* join = Find(*p, "Join");
  EXPECT_THAT(Find(*join->inputs[0], "Scan")->As<ScanOp>()->columns, ElementsAre(0, 2));
  EXPECT_THAT(Find(*join->inputs[1], "Scan")->As<ScanOp>()->columns, ElementsAre(0, 2));
  p = Plan("SELECT count(*) FROM clicks");
  EXPECT_EQ(Find(*p, "Scan")->As<ScanOp>()->columns.size(), 1u);
}

TEST_F(PlanTest, ConstantsAreFoldedOnceButRuntimeErrorsStayAtRunTime) {
  PlanPtr p = Plan("SELECT url FROM clicks WHERE user_id > 2 * 3 + CAST('4' AS int)");
  EXPECT_EQ(Find(*p, "Scan")->As<ScanOp>()->filter->ToString(), "(#0 > '10'::bigint)");
  // 1/0 is left to run time: it fails when a row reaches it.
  p = Plan("SELECT url FROM clicks WHERE user_id > 1 / 0");
  EXPECT_EQ(Find(*p, "Scan")->As<ScanOp>()->filter->ToString(),
            "(#0 > CAST(('1'::integer / '0'::integer) AS bigint))");
}

TEST_F(PlanTest, AdHocAndMaterializedOrderByAndLimit) {
  PlanPtr p = Plan("SELECT url FROM clicks ORDER BY ts DESC LIMIT 5 OFFSET 1");
  ASSERT_EQ(p->name(), "Project");  // drops the sort column
  EXPECT_EQ(p->inputs[0]->name(), "Limit");
  EXPECT_EQ(p->inputs[0]->inputs[0]->name(), "Sort");
  EXPECT_THAT(Schema(*p), ElementsAre("url text"));
  // In a materialized view ORDER BY … LIMIT is a TopN; ORDER BY alone is dropped.
  DdlOk("CREATE MATERIALIZED VIEW top5 AS SELECT url FROM clicks ORDER BY ts DESC LIMIT 5");
  DdlOk("CREATE MATERIALIZED VIEW sorted AS SELECT url FROM clicks ORDER BY ts");
  EXPECT_EQ(DdlErr("CREATE MATERIALIZED VIEW m AS SELECT url FROM clicks LIMIT 5").message,
            "LIMIT in a materialized view needs ORDER BY");
}

// testdata/explain.test: blocks of "query" / the SQL / "----" / the expected lines, separated
// by blank lines; '#' starts a comment line.
TEST_F(PlanTest, ExplainGoldens) {
  std::string path = std::string(OXBOW_SQL_TESTDATA) + "/explain.test";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream all;
  all << in.rdbuf();
  std::vector<std::string> lines;
  for (std::string line; std::getline(all, line);) lines.push_back(line);
  std::string updated;
  bool update = std::getenv("OXBOW_UPDATE_GOLDENS") != nullptr;
  for (size_t i = 0; i < lines.size();) {
    if (lines[i].empty() || lines[i][0] == '#') {
      updated += lines[i++] + "\n";
      continue;
    }
    std::string sql;
    size_t j = i;
    while (j < lines.size() && lines[j] != "----") sql += (sql.empty() ? "" : "\n") + lines[j++];
    ASSERT_LT(j, lines.size()) << "missing ---- after " << sql;
    std::string expected;
    size_t k = j + 1;
    while (k < lines.size() && !lines[k].empty()) expected += lines[k++] + "\n";
    std::string actual;
    for (const std::string& stmt_line : {sql}) {
      Result<StatementResult> r = Ddl(stmt_line);
      if (!r.ok()) {
        SqlErrorInfo e = SqlErrorOf(r.status());
        actual = "ERROR " + e.sqlstate + ": " + e.message + "\n";
      } else {
        for (const Row& row : r->rows) actual += row[0].value_or("NULL") + "\n";
      }
    }
    if (update) {
      updated += sql + "\n----\n" + actual;
    } else {
      EXPECT_EQ(actual, expected) << sql;
    }
    i = k;
  }
  if (update) std::ofstream(path) << updated;
}

}  // namespace
}  // namespace oxbow::sql
