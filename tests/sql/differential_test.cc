// Differential test: Oxbow's materialized views against PostgreSQL's answer to the same
// queries. Random insert/update/delete changelogs for three keyed tables go into Oxbow's
// topics (in rounds, with views created before and during the input and a restart in the
// middle); the final tables go into a real PostgreSQL server; every view's final content
// must equal PostgreSQL's result as a multiset (numbers normalized: `1.50` = `1.5`, floats
// to 12 significant digits).
//
// OXBOW_DIFF_SEED=<n> reruns one seed; OXBOW_DIFF_ROUNDS=<n> adds n random seeds.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>

#include "pg_server.h"
#include "sql_env.h"
#include "testing/temp_dir.h"

namespace oxbow::sqltest {
namespace {

using Json = nlohmann::ordered_json;

struct TableSpec {
  std::string name;
  std::string columns;  // the CREATE TABLE column list, PostgreSQL and Oxbow alike
  std::string key;
  int partitions;
  int key_range;
  int operations;
  Json (*random_row)(std::mt19937_64& rng);
};

template <typename T>
T Pick(std::mt19937_64& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}
int Int(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
bool Chance(std::mt19937_64& rng, int percent) { return Int(rng, 1, 100) <= percent; }
// A numeric(10,2) as a JSON string (exact), sometimes null.
Json Money(std::mt19937_64& rng, int max_cents, int null_percent) {
  if (Chance(rng, null_percent)) return nullptr;
  int cents = Int(rng, 0, max_cents);
  return fmt::format("{}.{:02d}", cents / 100, cents % 100);
}

Json RandomUser(std::mt19937_64& rng) {
  Json j;
  j["name"] = fmt::format("user{}", Int(rng, 1, 40));
  j["tier"] =
      Chance(rng, 10) ? Json(nullptr) : Json(Pick<const char*>(rng, {"gold", "silver", "bronze"}));
  j["score"] = Chance(rng, 10) ? Json(nullptr) : Json(Int(rng, 0, 100));
  j["balance"] = Money(rng, 100000, 10);
  j["active"] = Chance(rng, 10) ? Json(nullptr) : Json(Chance(rng, 60));
  return j;
}

Json RandomOrder(std::mt19937_64& rng) {
  Json j;
  j["user_id"] = Chance(rng, 5) ? Json(nullptr) : Json(Int(rng, 1, 70));  // some never exist
  j["sku"] = Int(rng, 1, 30);
  j["amount"] = Money(rng, 60000, 5);
  j["qty"] = Chance(rng, 10) ? Json(nullptr) : Json(Int(rng, 1, 9));
  j["status"] = Chance(rng, 5)
                    ? Json(nullptr)
                    : Json(Pick<const char*>(rng, {"new", "paid", "shipped", "cancelled"}));
  // Quarters add up exactly in binary floating point, so float sums do not depend on order.
  j["w"] = Chance(rng, 10) ? Json(nullptr) : Json(Int(rng, -400, 400) / 4.0);
  return j;
}

Json RandomItem(std::mt19937_64& rng) {
  Json j;
  j["category"] = Pick<const char*>(rng, {"books", "cables", "chairs", "toys"});
  j["price"] = Money(rng, 9999, 5);
  return j;
}

const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> tables = {
      {"users", "id int, name text, tier text, score int, balance numeric(10,2), active boolean",
       "id", 1, 60, 400, RandomUser},
      {"orders",
       "id int, user_id int, sku int, amount numeric(10,2), qty int, status text, w double "
       "precision",
       "id", 2, 400, 2000, RandomOrder},
      {"items", "sku int, category text, price numeric(8,2)", "sku", 1, 25, 100, RandomItem},
  };
  return tables;
}

struct ViewSpec {
  std::string sql;
  std::string pg_sql;  // when PostgreSQL needs another spelling (string_agg's order)
};

// d01…: the views; later ones may read earlier ones (created in PostgreSQL as views too).
const std::vector<ViewSpec>& Views() {
  static const std::vector<ViewSpec> views = {
      // filters and projections
      {"SELECT id, name, score FROM users WHERE active AND score > 50", ""},
      {"SELECT id, amount * qty AS total, upper(status) AS st FROM orders WHERE status IN ('new', "
       "'paid') AND amount BETWEEN 10 AND 500",
       ""},
      {"SELECT id, coalesce(qty, 0) + 1 AS q1, CASE WHEN amount > 100 THEN 'big' ELSE 'small' END "
       "AS size FROM orders WHERE user_id IS NOT NULL",
       ""},
      {"SELECT sku, category, price FROM items WHERE category LIKE 'c%' OR price < 20", ""},
      {"SELECT id, name || ':' || tier AS tag, balance FROM users WHERE name NOT LIKE '%3%'", ""},
      {"SELECT id, round(balance * 1.1, 2) AS b, abs(score - 50) AS dist, score % 7 AS m FROM "
       "users",
       ""},
      // aggregates
      {"SELECT tier, count(*) AS n, sum(score) AS s, min(score) AS lo, max(score) AS hi, "
       "avg(score) AS mean FROM users GROUP BY tier",
       ""},
      {"SELECT status, count(*) AS n, count(qty) AS nq, sum(amount) AS s, min(amount) AS lo, "
       "max(amount) AS hi, avg(amount) AS mean FROM orders GROUP BY status",
       ""},
      {"SELECT user_id, count(DISTINCT sku) AS skus, sum(qty) AS q FROM orders GROUP BY user_id",
       ""},
      {"SELECT count(*) AS n, sum(amount) AS s, max(qty) AS q, min(status) AS st, count(DISTINCT "
       "user_id) AS buyers FROM orders",
       ""},
      {"SELECT tier, bool_and(active) AS all_active, bool_or(active) AS any_active, count(DISTINCT "
       "active) AS kinds FROM users GROUP BY tier",
       ""},
      {"SELECT status, string_agg(sku::text, ',') AS skus FROM orders WHERE qty = 1 GROUP BY "
       "status",
       "SELECT status, string_agg(sku::text, ',' ORDER BY sku::text) AS skus FROM orders WHERE qty "
       "= 1 GROUP BY status"},
      {"SELECT user_id, sum(w) AS sw, avg(w) AS aw, min(w) AS lo, max(w) AS hi FROM orders GROUP "
       "BY user_id",
       ""},
      {"SELECT user_id, count(*) AS n FROM orders GROUP BY user_id HAVING count(*) >= 7", ""},
      {"SELECT sku, sum(amount) FILTER (WHERE status = 'paid') AS paid, count(*) AS n FROM orders "
       "GROUP BY sku",
       ""},
      {"SELECT qty % 3 AS bucket, count(*) AS n, sum(qty) AS q FROM orders GROUP BY qty % 3", ""},
      {"SELECT DISTINCT tier FROM users", ""},
      {"SELECT DISTINCT status, qty FROM orders", ""},
      // joins (all tables are changelogs: table–table joins)
      {"SELECT o.id, u.name, o.amount FROM orders o JOIN users u ON o.user_id = u.id", ""},
      {"SELECT u.id, u.name, o.id AS order_id, o.amount FROM users u LEFT JOIN orders o ON "
       "o.user_id = u.id",
       ""},
      {"SELECT u.tier, count(*) AS n, sum(o.amount) AS s FROM orders o JOIN users u ON o.user_id = "
       "u.id GROUP BY u.tier",
       ""},
      {"SELECT u.tier, count(o.id) AS n, sum(o.qty) AS q FROM users u LEFT JOIN orders o ON "
       "o.user_id = u.id GROUP BY u.tier",
       ""},
      {"SELECT i.category, count(*) AS n, sum(o.amount * o.qty) AS revenue FROM orders o JOIN "
       "items i ON o.sku = i.sku GROUP BY i.category",
       ""},
      {"SELECT u.name, i.category, o.amount FROM orders o JOIN users u ON o.user_id = u.id JOIN "
       "items i ON i.sku = o.sku WHERE u.active",
       ""},
      {"SELECT i.sku, i.category, o.id AS order_id FROM items i LEFT JOIN orders o ON o.sku = "
       "i.sku AND o.status = 'paid'",
       ""},
      {"SELECT u.id, count(DISTINCT o.sku) AS skus FROM users u JOIN orders o ON o.user_id = u.id "
       "GROUP BY u.id HAVING sum(o.qty) > 20",
       ""},
      // Top-N (order keys end in the primary key: PostgreSQL breaks ties arbitrarily)
      {"SELECT tier, id, score FROM (SELECT tier, id, score, ROW_NUMBER() OVER (PARTITION BY tier "
       "ORDER BY score DESC, id) AS rn FROM users) t WHERE rn <= 3",
       ""},
      {"SELECT user_id, id, amount FROM (SELECT user_id, id, amount, ROW_NUMBER() OVER (PARTITION "
       "BY user_id ORDER BY amount, id) AS rn FROM orders) t WHERE rn <= 2",
       ""},
      {"SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 5", ""},
      {"SELECT status, id, w FROM (SELECT status, id, w, ROW_NUMBER() OVER (PARTITION BY status "
       "ORDER BY w DESC, id) AS rn FROM orders) t WHERE rn = 1",
       ""},
      {"SELECT tier, name, total FROM (SELECT tier, name, total, ROW_NUMBER() OVER (PARTITION BY "
       "tier ORDER BY total DESC, name) AS rn FROM (SELECT u.tier, u.name, sum(o.amount) AS total "
       "FROM orders o JOIN users u ON o.user_id = u.id GROUP BY u.tier, u.name) a) t WHERE rn <= 2",
       ""},
      // UNION ALL
      {"SELECT id, 'u' AS kind FROM users WHERE score > 80 UNION ALL SELECT id, 'o' FROM orders "
       "WHERE amount > 400",
       ""},
      {"SELECT k, count(*) AS n FROM (SELECT tier AS k FROM users UNION ALL SELECT status FROM "
       "orders) x GROUP BY k",
       ""},
      // views on views
      {"SELECT tier, n FROM d07 WHERE n > 2", ""},
      {"SELECT v.tier, v.n, t.id FROM d21 v JOIN d27 t ON t.tier = v.tier", ""},
  };
  return views;
}

std::string ViewName(size_t i) { return fmt::format("d{:02d}", i + 1); }

std::string SqlLiteral(const Json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return fmt::format("'{}'", v.get<std::string>());
  return v.dump();
}

// Numbers compared by value: numeric scales and float digits are formatting.
std::string Normalize(const std::string& v) {
  static const std::regex number(R"(-?\d+(\.\d+)?(e[+-]?\d+)?)");
  if (!std::regex_match(v, number) || v.find_first_of(".e") == std::string::npos) return v;
  std::string out = fmt::format("{:.12g}", std::strtod(v.c_str(), nullptr));
  return out == "-0" ? "0" : out;
}

std::string Row(const std::vector<std::string>& values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) s += (i ? " | " : "") + Normalize(values[i]);
  return s;
}

class DifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<PgServer>> pg = PgServer::Start();
    if (!pg.ok() && absl::IsNotFound(pg.status())) {
      GTEST_SKIP() << "SKIPPED, PostgreSQL is missing: " << pg.status().message();
    }
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
  }

  // One seed's changelogs, views and comparison.
  void RunSeed(uint64_t seed);

  std::unique_ptr<PgServer> pg_;
};

void DifferentialTest::RunSeed(uint64_t seed) {
  SCOPED_TRACE(fmt::format("seed {} (rerun with OXBOW_DIFF_SEED={})", seed, seed));
  std::mt19937_64 rng(seed);
  testing::TempDir dir;
  SqlEnv env(dir.path());
  ASSERT_TRUE(env.Open().ok());
  std::string schema = fmt::format("s{}", seed);
  ASSERT_TRUE(pg_->Execute(fmt::format("CREATE SCHEMA {0}; SET search_path = {0}", schema)).ok());

  // The changelogs, in rounds; the final rows per table.
  constexpr int kRounds = 4;
  std::vector<std::map<int, Json>> finals(Tables().size());
  std::vector<std::vector<std::vector<std::vector<testing::TestRecord>>>> rounds(kRounds);
  int64_t ts = 1704067200000;
  for (auto& round : rounds) round.resize(Tables().size());
  for (size_t t = 0; t < Tables().size(); ++t) {
    const TableSpec& spec = Tables()[t];
    std::string ddl =
        fmt::format("CREATE TABLE {} ({}, PRIMARY KEY ({}))", spec.name, spec.columns, spec.key);
    ASSERT_TRUE(env.Execute(ddl + fmt::format(" WITH (partitions = {})", spec.partitions)).ok())
        << ddl;
    ASSERT_TRUE(pg_->Execute(ddl).ok());
    for (auto& round : rounds) round[t].resize(spec.partitions);
    for (int op = 0; op < spec.operations; ++op) {
      int key = Int(rng, 1, spec.key_range);
      std::optional<std::string> value;
      bool exists = finals[t].contains(key);
      if (!exists || Chance(rng, 65)) {
        if (exists || !Chance(rng, 5)) {  // else: a tombstone for a key that is not there
          Json row = spec.random_row(rng);
          row[spec.key] = key;
          value = row.dump();
          finals[t][key] = row;
        }
      } else {
        finals[t].erase(key);
      }
      int round = op * kRounds / spec.operations;
      rounds[round][t][key % spec.partitions].push_back(
          testing::Rec(std::to_string(key), value, ts++));
    }
  }

  // Half the views before any input, half after two rounds (they read history first).
  auto create_views = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      std::string sql =
          fmt::format("CREATE MATERIALIZED VIEW {} AS {}", ViewName(i), Views()[i].sql);
      Status s = env.Execute(sql);
      ASSERT_TRUE(s.ok()) << sql << ": " << s;
    }
  };
  auto produce = [&](int round) {
    for (size_t t = 0; t < Tables().size(); ++t) {
      for (size_t p = 0; p < rounds[round][t].size(); ++p) {
        if (rounds[round][t][p].empty()) continue;
        ASSERT_TRUE(env.Produce(Tables()[t].name, static_cast<int>(p), rounds[round][t][p]).ok());
      }
    }
  };
  size_t half = Views().size() / 2;
  create_views(0, half);
  produce(0);
  produce(1);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(env.engine().WaitForViews(std::chrono::seconds(60)).ok());
  create_views(half, Views().size());
  produce(2);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(env.Restart().ok());  // some of round 2 may not have been consumed yet
  produce(3);
  if (HasFatalFailure()) return;
  Status waited = env.engine().WaitForViews(std::chrono::seconds(60));
  ASSERT_TRUE(waited.ok()) << waited;

  // PostgreSQL: the final tables, and the views as views.
  for (size_t t = 0; t < Tables().size(); ++t) {
    std::string insert;
    for (const auto& [key, row] : finals[t]) {
      std::vector<std::string> cols, vals;
      for (const auto& [col, v] : row.items()) {
        cols.push_back(col);
        vals.push_back(SqlLiteral(v));
      }
      insert += fmt::format("INSERT INTO {} ({}) VALUES ({});", Tables()[t].name,
                            fmt::join(cols, ", "), fmt::join(vals, ", "));
    }
    ASSERT_TRUE(insert.empty() || pg_->Execute(insert).ok());
  }
  size_t compared = 0, empty = 0;
  for (size_t i = 0; i < Views().size(); ++i) {
    const ViewSpec& v = Views()[i];
    std::string pg_sql = v.pg_sql.empty() ? v.sql : v.pg_sql;
    ASSERT_TRUE(pg_->Execute(fmt::format("CREATE VIEW {} AS {}", ViewName(i), pg_sql)).ok())
        << pg_sql;
    auto expected_rows = pg_->Query(fmt::format("SELECT * FROM {}", ViewName(i)));
    ASSERT_TRUE(expected_rows.ok()) << expected_rows.status();
    auto actual_rows = env.engine().ReadView(ViewName(i));
    ASSERT_TRUE(actual_rows.ok()) << ViewName(i) << ": " << actual_rows.status();
    std::vector<std::string> expected, actual;
    for (const auto& r : *expected_rows) {
      std::vector<std::string> values;
      for (const auto& value : r) values.push_back(value.value_or("NULL"));
      expected.push_back(Row(values));
    }
    for (const auto& r : actual_rows->rows) {
      std::vector<std::string> values;
      for (const auto& value : r) values.push_back(value.ToString());
      actual.push_back(Row(values));
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    compared += expected.size();
    if (expected.empty()) ++empty;
    if (expected == actual) continue;
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                        std::back_inserter(missing));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                        std::back_inserter(extra));
    auto head = [](const std::vector<std::string>& rows) {
      std::vector<std::string> h(rows.begin(), rows.begin() + std::min<size_t>(rows.size(), 15));
      return fmt::format("{}{}", fmt::join(h, "\n    "), rows.size() > 15 ? "\n    …" : "");
    };
    ADD_FAILURE() << ViewName(i) << ": " << v.sql << "\n  PostgreSQL " << expected.size()
                  << " rows, Oxbow " << actual.size() << "\n  only in PostgreSQL:\n    "
                  << head(missing) << "\n  only in Oxbow:\n    " << head(extra);
  }
  fmt::print("seed {}: {} views, {} PostgreSQL rows compared, {} views empty\n", seed,
             Views().size(), compared, empty);
  EXPECT_LE(empty, 2u) << "the random data should make nearly every view non-empty";
}

TEST_F(DifferentialTest, ViewsEqualPostgresOverRandomChangelogs) {
  ASSERT_GE(Views().size(), 30u);
  if (const char* seed = std::getenv("OXBOW_DIFF_SEED")) {
    RunSeed(std::strtoull(seed, nullptr, 10));
    return;
  }
  RunSeed(20261121);
  int extra = std::getenv("OXBOW_DIFF_ROUNDS") ? std::atoi(std::getenv("OXBOW_DIFF_ROUNDS")) : 0;
  for (int i = 0; i < extra && !HasFailure(); ++i) RunSeed(std::random_device()());
}

}  // namespace
}  // namespace oxbow::sqltest
