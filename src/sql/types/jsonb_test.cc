#include "sql/types/jsonb.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

std::string Show(const Result<std::optional<std::string>>& r) {
  if (!r.ok()) return "ERROR " + SqlStateOf(r.status());
  return r->has_value() ? **r : "NULL";
}

const char kDoc[] = R"({"c": "s", "a": {"b": [1, "x", null]}})";

// Expected values are PostgreSQL 15's answers.
TEST(JsonbTest, ArrowOperators) {
  std::string doc = CanonicalJsonb(kDoc).value();
  EXPECT_EQ(doc, R"({"a": {"b": [1, "x", null]}, "c": "s"})");
  EXPECT_EQ(Show(JsonbGetField(doc, "a", false)), R"({"b": [1, "x", null]})");
  EXPECT_EQ(Show(JsonbGetField(doc, "c", true)), "s");
  EXPECT_EQ(Show(JsonbGetField(doc, "c", false)), "\"s\"");
  EXPECT_EQ(Show(JsonbGetField(doc, "zz", false)), "NULL");
  EXPECT_EQ(Show(JsonbGetIndex(doc, 0, false)), "NULL");  // not an array
  std::string arr = CanonicalJsonb(R"([1, "x", null])").value();
  EXPECT_EQ(Show(JsonbGetIndex(arr, -1, false)), "null");
  EXPECT_EQ(Show(JsonbGetIndex(arr, 2, true)), "NULL");
  EXPECT_EQ(Show(JsonbGetIndex(arr, 1, true)), "x");
  EXPECT_EQ(Show(JsonbGetIndex(arr, 5, false)), "NULL");
  EXPECT_EQ(Show(JsonbGetField(CanonicalJsonb(R"({"a": 1.50})").value(), "a", true)), "1.50");
}

TEST(JsonbTest, PathOperators) {
  std::string doc = CanonicalJsonb(kDoc).value();
  EXPECT_EQ(Show(JsonbGetPath(doc, {"a", "b", "1"}, true)), "x");
  EXPECT_EQ(Show(JsonbGetPath(doc, {"a", "b"}, false)), R"([1, "x", null])");
  EXPECT_EQ(Show(JsonbGetPath(doc, {"a", "q"}, false)), "NULL");
  EXPECT_EQ(Show(JsonbGetPath(doc, {"a", "b", "x"}, false)), "NULL");
}

TEST(JsonbTest, EqualDocumentsHaveEqualText) {
  EXPECT_EQ(CanonicalJsonb(R"({"b":[1,2],"a":1.0})").value(),
            CanonicalJsonb(R"(  {"a" : 1.0, "b" : [ 1 , 2 ] } )").value());
  EXPECT_EQ(JsonbTypeof("[]").value(), "array");
  EXPECT_EQ(JsonbTypeof("1").value(), "number");
}

TEST(JsonbTest, MalformedInputIsAnError) {
  for (const char* bad : {"", "{", "[1,", "{\"a\" 1}", "tru", "\"\\x\"", "1.", "-", "[1]x",
                          "\"\\ud800\"", "\"a\nb\""}) {
    Result<std::string> r = CanonicalJsonb(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(SqlStateOf(r.status()), "22P02") << bad;
  }
  std::string deep(10000, '[');
  EXPECT_EQ(SqlStateOf(CanonicalJsonb(deep).status()), "54000");
}

}  // namespace
}  // namespace oxbow::sql
