// The catalog: names, dependency rules, CASCADE, durability in __oxbow_catalog and restart,
// concurrent readers.
#include "sql/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "io/file.h"
#include "sql/catalog_topic.h"
#include "sql/sql_error.h"
#include "sql/sql_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

CatalogObject Table(std::string name, std::vector<std::string> key = {}) {
  CatalogObject obj;
  obj.type = ObjectType::kTable;
  obj.name = std::move(name);
  TableDefinition t;
  t.columns = {{"id", Type::Int64(), !key.empty()}, {"amount", *Type::NumericOf(12, 2), false}};
  t.primary_key = std::move(key);
  t.topic = obj.name;
  t.options = {{"event_time", "ts"}};
  obj.definition = std::move(t);
  return obj;
}

CatalogObject View(std::string name, std::vector<std::string> deps, bool materialized = false) {
  CatalogObject obj;
  obj.type = materialized ? ObjectType::kMaterializedView : ObjectType::kView;
  obj.name = std::move(name);
  ViewDefinition v;
  v.query = "SELECT 1";
  v.sql = "CREATE VIEW " + obj.name + " AS SELECT 1";
  v.dependencies = std::move(deps);
  obj.definition = std::move(v);
  return obj;
}

std::vector<std::string> Names(const std::vector<CatalogObjectPtr>& objects) {
  std::vector<std::string> out;
  for (const CatalogObjectPtr& o : objects) out.push_back(o->name);
  return out;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = std::make_unique<MemoryCatalogStore>();
    store_ = store.get();
    Result<std::unique_ptr<Catalog>> c = Catalog::Open(std::move(store));
    ASSERT_TRUE(c.ok()) << c.status();
    catalog_ = std::move(*c);
  }
  void Create(CatalogObject obj) {
    Result<CatalogObjectPtr> r = catalog_->Create(std::move(obj));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  MemoryCatalogStore* store_ = nullptr;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, NamesAreUniqueAcrossKinds) {
  Create(Table("t"));
  SqlErrorInfo e = SqlErrorOf(catalog_->Create(View("t", {})).status());
  EXPECT_EQ(e.sqlstate, "42P07");
  EXPECT_EQ(e.message, "relation \"t\" already exists");
  EXPECT_EQ(SqlErrorOf(catalog_->Create(Table("t")).status()).sqlstate, "42P07");
  EXPECT_EQ(SqlErrorOf(catalog_->Resolve("nope").status()).message,
            "relation \"nope\" does not exist");
}

TEST_F(CatalogTest, ViewsNeedTheirRelations) {
  SqlErrorInfo e = SqlErrorOf(catalog_->Create(View("v", {"missing"})).status());
  EXPECT_EQ(e.sqlstate, "42P01");
  EXPECT_EQ(e.message, "relation \"missing\" does not exist");
  EXPECT_EQ(catalog_->Find("v"), nullptr);
}

TEST_F(CatalogTest, OidsAreAssignedInOrder) {
  Create(Table("a"));
  Create(Table("b"));
  EXPECT_EQ(catalog_->Find("a")->oid, 16384u);
  EXPECT_EQ(catalog_->Find("b")->oid, 16385u);
}

TEST_F(CatalogTest, DropOfSomethingUsedNeedsCascade) {
  Create(Table("t"));
  Create(View("v", {"t"}));
  Create(View("mv", {"v"}, true));
  uint64_t before = catalog_->version();
  Status s = catalog_->Drop(ObjectType::kTable, {"t"}, false, false).status();
  EXPECT_EQ(SqlErrorOf(s),
            (SqlErrorInfo{"2BP01", "cannot drop table t because other objects depend on it",
                          "view v depends on table t\nmaterialized view mv depends on view v",
                          "Use DROP ... CASCADE to drop the dependent objects too.", 0}));
  EXPECT_EQ(catalog_->version(), before);
  EXPECT_NE(catalog_->Find("t"), nullptr);
  EXPECT_THAT(catalog_->Dependents("t"), ElementsAre("v"));
}

TEST_F(CatalogTest, CascadeDropsDependentsTransitivelyInOneAppend) {
  Create(Table("t"));
  Create(Table("other"));
  Create(View("v", {"t"}));
  Create(View("mv", {"v", "other"}, true));
  size_t records = store_->records().size();
  Result<DropOutcome> r = catalog_->Drop(ObjectType::kTable, {"t"}, true, false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Names(r->dropped), ElementsAre("mv", "v", "t"));
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_EQ(r->notices[0].message, "drop cascades to 2 other objects");
  EXPECT_EQ(r->notices[0].detail, "drop cascades to view v\ndrop cascades to materialized view mv");
  EXPECT_EQ(store_->records().size(), records + 3);
  EXPECT_THAT(Names(catalog_->List(ObjectType::kTable)), ElementsAre("other"));
  EXPECT_THAT(catalog_->List(ObjectType::kView), IsEmpty());
  EXPECT_THAT(catalog_->Dependents("other"), IsEmpty());
}

TEST_F(CatalogTest, DroppingAViewAndWhatItReadsTogetherNeedsNoCascade) {
  Create(Table("t"));
  Create(View("v", {"t"}));
  Result<DropOutcome> r = catalog_->Drop(ObjectType::kView, {"v"}, false, false);
  ASSERT_TRUE(r.ok());
  Create(View("v1", {"t"}));
  Create(View("v2", {"v1"}));
  r = catalog_->Drop(ObjectType::kView, {"v1", "v2"}, false, false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Names(r->dropped), ElementsAre("v2", "v1"));
  EXPECT_THAT(r->notices, IsEmpty());
}

TEST_F(CatalogTest, DropOfMissingOrWrongKind) {
  Create(Table("t"));
  Create(View("v", {"t"}));
  EXPECT_EQ(SqlErrorOf(catalog_->Drop(ObjectType::kTable, {"x"}, false, false).status()),
            (SqlErrorInfo{"42P01", "table \"x\" does not exist", "", "", 0}));
  EXPECT_EQ(
      SqlErrorOf(catalog_->Drop(ObjectType::kTable, {"v"}, false, false).status()),
      (SqlErrorInfo{"42809", "\"v\" is not a table", "", "Use DROP VIEW to remove a view.", 0}));
  EXPECT_EQ(SqlErrorOf(catalog_->Drop(ObjectType::kMaterializedView, {"t"}, false, false).status())
                .message,
            "\"t\" is not a materialized view");
  Result<DropOutcome> r = catalog_->Drop(ObjectType::kView, {"x", "v"}, false, true);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Names(r->dropped), ElementsAre("v"));
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_EQ(r->notices[0].message, "view \"x\" does not exist, skipping");
}

TEST_F(CatalogTest, AFailedAppendChangesNothing) {
  Create(Table("t"));
  store_->set_fail_appends(true);
  EXPECT_EQ(catalog_->Create(Table("u")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(catalog_->Drop(ObjectType::kTable, {"t"}, false, false).status().code(),
            absl::StatusCode::kUnavailable);
  store_->set_fail_appends(false);
  EXPECT_EQ(catalog_->Find("u"), nullptr);
  EXPECT_NE(catalog_->Find("t"), nullptr);
  Create(Table("u"));
  EXPECT_EQ(catalog_->Find("u")->oid, 16385u);  // the failed create used no oid
}

TEST_F(CatalogTest, VersionCountsChanges) {
  uint64_t v0 = catalog_->version();
  Create(Table("t"));
  Create(View("v", {"t"}));
  ASSERT_TRUE(catalog_->Drop(ObjectType::kTable, {"t"}, true, false).ok());
  EXPECT_EQ(catalog_->version(), v0 + 4);
}

TEST(CatalogStoreTest, ADamagedRecordFailsOpenNamingIt) {
  auto store = std::make_unique<MemoryCatalogStore>();
  CatalogRecord bad{"t", std::string("{\"version\": 1, \"kind\": \"table\"}")};
  ASSERT_TRUE(store->Append({&bad, 1}).ok());
  Status s = Catalog::Open(std::move(store)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("catalog record \"t\": "));
}

class CatalogTopicTest : public ::testing::Test {
 protected:
  std::unique_ptr<log::LogManager> OpenLog() {
    log::LogOptions o;
    o.data_dir = io::JoinPath(dir_.path(), "data");
    auto m = log::LogManager::Open(io::FileSystem::Default(), std::move(o));
    EXPECT_TRUE(m.ok()) << m.status();
    return std::move(*m);
  }
  std::unique_ptr<Catalog> OpenCatalog(log::LogManager& log) {
    Result<std::unique_ptr<CatalogTopic>> topic = CatalogTopic::Open(log);
    EXPECT_TRUE(topic.ok()) << topic.status();
    Result<std::unique_ptr<Catalog>> c = Catalog::Open(std::move(*topic));
    EXPECT_TRUE(c.ok()) << c.status();
    return std::move(*c);
  }

  testing::TempDir dir_;
};

TEST_F(CatalogTopicTest, RestartRestoresEverythingFromTheTopic) {
  std::vector<CatalogObject> expected;
  {
    std::unique_ptr<log::LogManager> log = OpenLog();
    std::unique_ptr<Catalog> catalog = OpenCatalog(*log);
    ASSERT_TRUE(catalog->Create(Table("users", {"id"})).ok());
    ASSERT_TRUE(catalog->Create(Table("clicks")).ok());
    ASSERT_TRUE(catalog->Create(View("gone", {"clicks"})).ok());
    ASSERT_TRUE(catalog->Create(View("per_user", {"clicks", "users"}, true)).ok());
    ASSERT_TRUE(catalog->Drop(ObjectType::kView, {"gone"}, false, false).ok());
    for (const auto& list :
         {catalog->List(ObjectType::kTable), catalog->List(ObjectType::kMaterializedView)}) {
      for (const CatalogObjectPtr& o : list) expected.push_back(*o);
    }
    ASSERT_TRUE(log->Close().ok());
  }
  std::unique_ptr<log::LogManager> log = OpenLog();
  EXPECT_TRUE(log->DescribeTopic(kCatalogTopic)->config.compact_policy);
  std::unique_ptr<Catalog> catalog = OpenCatalog(*log);
  std::vector<CatalogObject> restored;
  for (const auto& list :
       {catalog->List(ObjectType::kTable), catalog->List(ObjectType::kMaterializedView)}) {
    for (const CatalogObjectPtr& o : list) restored.push_back(*o);
  }
  EXPECT_EQ(restored, expected);
  EXPECT_EQ(catalog->Find("gone"), nullptr);
  EXPECT_THAT(catalog->Dependents("users"), ElementsAre("per_user"));
  // Dependency rules hold after the restart, and oids continue after the largest.
  EXPECT_EQ(SqlStateOf(catalog->Drop(ObjectType::kTable, {"users"}, false, false).status()),
            "2BP01");
  Result<CatalogObjectPtr> next = catalog->Create(Table("later"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)->oid, 16388u);
  ASSERT_TRUE(log->Close().ok());
}

TEST_F(CatalogTest, ConcurrentReadersSeeWholeObjectsAndCreatesOfOneNameHaveOneWinner) {
  Create(Table("base"));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      uint64_t last_version = 0;
      while (!stop.load()) {
        uint64_t v = catalog_->version();
        if (v < last_version) ++bad;
        last_version = v;
        for (const CatalogObjectPtr& o : catalog_->List(ObjectType::kView)) {
          if (o->view() == nullptr || o->view()->dependencies != std::vector<std::string>{"base"}) {
            ++bad;
          }
        }
        CatalogObjectPtr base = catalog_->Find("base");
        if (base == nullptr || base->table()->columns.size() != 2) ++bad;
      }
    });
  }
  std::atomic<int> wins{0};
  for (int round = 0; round < 50; ++round) {
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back([&, round] {
        if (catalog_->Create(View(fmt::format("v{}", round), {"base"})).ok()) ++wins;
      });
    }
    for (std::thread& t : writers) t.join();
    if (round % 2 == 1) {
      ASSERT_TRUE(
          catalog_->Drop(ObjectType::kView, {fmt::format("v{}", round)}, false, false).ok());
    }
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wins.load(), 50);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(catalog_->List(ObjectType::kView).size(), 25u);
}

}  // namespace
}  // namespace oxbow::sql
