#include "sql/types/array.h"

#include "gtest/gtest.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

std::string Canonical(const Type& element, std::string_view text) {
  Result<Value> v = ParseValue(Type::ArrayOf(element), text);
  if (!v.ok()) {
    SqlErrorInfo e = SqlErrorOf(v.status());
    return e.sqlstate + " " + e.message;
  }
  return v->string_value();
}

TEST(ArrayTest, TextInputAndOutputAsPostgreSQL) {
  EXPECT_EQ(Canonical(Type::Int32(), "{1,2,3}"), "{1,2,3}");
  EXPECT_EQ(Canonical(Type::Int32(), " { 1 , -2,NULL , null } "), "{1,-2,NULL,NULL}");
  EXPECT_EQ(Canonical(Type::Int16(), "{}"), "{}");
  EXPECT_EQ(Canonical(Type::Text(), R"({a,"b c","", "NULL",x\,y,"q\"t","back\\slash"})"),
            R"({a,"b c","","NULL","x,y","q\"t","back\\slash"})");
  EXPECT_EQ(Canonical(Type::Text(), "{ab  cd  }"), R"({"ab  cd"})");
  EXPECT_EQ(Canonical(Type::Bool(), "{true,f}"), "{t,f}");
  EXPECT_EQ(Canonical(Type::Numeric(), "{1.50,2}"), "{1.50,2}");
}

TEST(ArrayTest, MalformedInputIs22P02) {
  EXPECT_EQ(Canonical(Type::Int32(), "1,2"), "22P02 malformed array literal: \"1,2\"");
  EXPECT_EQ(Canonical(Type::Int32(), "{1,2"), "22P02 malformed array literal: \"{1,2\"");
  EXPECT_EQ(Canonical(Type::Int32(), "{1,,2}"), "22P02 malformed array literal: \"{1,,2}\"");
  EXPECT_EQ(Canonical(Type::Int32(), "{1} x"), "22P02 malformed array literal: \"{1} x\"");
  EXPECT_EQ(Canonical(Type::Int32(), "{a}"), "22P02 invalid input syntax for type integer: \"a\"");
  EXPECT_EQ(Canonical(Type::Int32(), "{{1},{2}}"),
            "0A000 multidimensional arrays are not supported");
}

TEST(ArrayTest, TypeNamesAndOids) {
  Type t = Type::ArrayOf(Type::Int16());
  EXPECT_EQ(t.oid(), 1005u);
  EXPECT_EQ(t.internal_name(), "_int2");
  EXPECT_EQ(t.ToString(), "smallint[]");
  EXPECT_EQ(Type::ArrayOf(Type::Text()).oid(), 1009u);
  EXPECT_EQ(Type::ArrayOf(Type::Int64()).oid(), 1016u);
  EXPECT_EQ(TypeFromOid(1007), Type::ArrayOf(Type::Int32()));
  EXPECT_EQ(TypeFromOid(1028), Type::ArrayOf(Type::Int64()));  // _oid
  EXPECT_EQ(TypeFromOid(1003), Type::ArrayOf(Type::Text()));   // _name
  EXPECT_NE(Type::ArrayOf(Type::Int16()), Type::ArrayOf(Type::Int32()));
}

TEST(ArrayTest, ComparesElementByElement) {
  Type t = Type::ArrayOf(Type::Int32());
  EXPECT_LT(CompareArrays(t, "{2}", "{10}"), 0);
  EXPECT_LT(CompareArrays(t, "{1,2}", "{1,2,0}"), 0);
  EXPECT_GT(CompareArrays(t, "{NULL}", "{5}"), 0);
  EXPECT_EQ(CompareArrays(t, "{1,2}", "{1,2}"), 0);
}

}  // namespace
}  // namespace oxbow::sql
