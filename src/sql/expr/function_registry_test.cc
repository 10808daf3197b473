#include "sql/expr/function_registry.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

std::string Resolve(std::string_view name, std::vector<Type> args) {
  Result<ResolvedFunction> r = FunctionRegistry::Default().Resolve(name, args);
  if (!r.ok()) return "ERROR " + SqlStateOf(r.status());
  return r->function->Signature();
}

TEST(FunctionRegistryTest, OverloadResolutionFollowsPostgresql) {
  EXPECT_EQ(Resolve("+", {Type::Int32(), Type::Int32()}), "integer + integer");
  EXPECT_EQ(Resolve("+", {Type::Int32(), Type::Numeric()}), "numeric + numeric");
  EXPECT_EQ(Resolve("+", {Type::Int32(), Type::Float32()}), "double precision + real");
  EXPECT_EQ(Resolve("+", {Type::Int16(), Type::Int64()}), "bigint + bigint");
  EXPECT_EQ(Resolve("=", {Type::Varchar(), Type::Text()}), "text = text");
  EXPECT_EQ(Resolve("=", {Type::Unknown(), Type::Date()}), "date = date");
  EXPECT_EQ(Resolve("length", {Type::Unknown()}), "length(text)");
  EXPECT_EQ(Resolve("round", {Type::Int32()}), "round(double precision)");
  EXPECT_EQ(Resolve("round", {Type::Numeric(), Type::Int64()}), "ERROR 42883");
  EXPECT_EQ(Resolve("date_trunc", {Type::Unknown(), Type::Date()}),
            "date_trunc(text, timestamp with time zone)");
  EXPECT_EQ(Resolve("concat", {Type::Int32(), Type::Bool(), Type::Unknown()}),
            "concat(VARIADIC \"any\")");
  EXPECT_EQ(Resolve("||", {Type::Text(), Type::Int32()}), "text || \"any\"");
  EXPECT_EQ(Resolve("-", {Type::Timestamp(), Type::Date()}),
            "timestamp without time zone - timestamp without time zone");
}

TEST(FunctionRegistryTest, UnknownOperatorNamesTheTypes) {
  Result<ResolvedFunction> r =
      FunctionRegistry::Default().Resolve("+", std::vector<Type>{Type::Int32(), Type::Text()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(SqlErrorOf(r.status()).message, "operator does not exist: integer + text");
  EXPECT_NE(SqlErrorOf(r.status()).hint.find("Candidates:"), std::string::npos);
}

}  // namespace
}  // namespace oxbow::sql
