// Shared fixture of the binder and planner tests: a catalog with a few tables, and helpers
// to plan queries and read plans.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sql/binder.h"
#include "sql/catalog.h"
#include "sql/catalog_store.h"
#include "sql/ddl.h"
#include "sql/parser.h"
#include "sql/sql_error.h"

namespace oxbow::sql {

using Row = std::vector<std::optional<std::string>>;

class PlanTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::Open(std::make_unique<MemoryCatalogStore>());
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    ddl_ = std::make_unique<DdlExecutor>(*catalog_, nullptr);
    DdlOk(
        "CREATE TABLE clicks (user_id bigint, url text, ts timestamptz) "
        "WITH (event_time = 'ts')");
    DdlOk("CREATE TABLE users (id bigint PRIMARY KEY, name text, tier text)");
    DdlOk(
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount numeric(10,2), "
        "region text, created timestamp)");
  }

  Result<PlanPtr> TryPlan(std::string_view sql) {
    ASSIGN_OR_RETURN(Statement s, ParseStatement(sql));
    const SelectStatement* select = s.As<SelectStatement>();
    if (select == nullptr) return absl::InvalidArgumentError("not a query");
    return PlanQuery(*select->query, s, *catalog_);
  }
  PlanPtr Plan(std::string_view sql) {
    Result<PlanPtr> p = TryPlan(sql);
    EXPECT_TRUE(p.ok()) << sql << ": " << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }
  SqlErrorInfo Err(std::string_view sql) {
    Result<PlanPtr> p = TryPlan(sql);
    EXPECT_FALSE(p.ok()) << sql;
    return p.ok() ? SqlErrorInfo{} : SqlErrorOf(p.status());
  }
  Result<StatementResult> Ddl(std::string_view sql) {
    ASSIGN_OR_RETURN(Statement s, ParseStatement(sql));
    return ddl_->Execute(s);
  }
  StatementResult DdlOk(std::string_view sql) {
    Result<StatementResult> r = Ddl(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : StatementResult{};
  }
  SqlErrorInfo DdlErr(std::string_view sql) {
    Result<StatementResult> r = Ddl(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? SqlErrorInfo{} : SqlErrorOf(r.status());
  }

  // "name type" per output column.
  static std::vector<std::string> Schema(const PlanNode& plan) {
    std::vector<std::string> out;
    for (const PlanColumn& c : plan.schema) out.push_back(c.name + " " + c.type.ToString());
    return out;
  }
  // The first node named `name` in pre-order, or null.
  static const PlanNode* Find(const PlanNode& plan, std::string_view name) {
    if (plan.name() == name) return &plan;
    for (const PlanPtr& in : plan.inputs) {
      if (const PlanNode* found = Find(*in, name)) return found;
    }
    return nullptr;
  }

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<DdlExecutor> ddl_;
};

}  // namespace oxbow::sql
