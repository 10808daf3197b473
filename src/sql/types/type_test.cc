#include "sql/types/type.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

TEST(TypeTest, NamesAndOidsArePostgresqls) {
  struct Row {
    const char* name;
    uint32_t oid;
    const char* display;
  } rows[] = {
      {"boolean", 16, "boolean"},
      {"smallint", 21, "smallint"},
      {"int", 23, "integer"},
      {"int8", 20, "bigint"},
      {"real", 700, "real"},
      {"float", 701, "double precision"},
      {"decimal", 1700, "numeric"},
      {"text", 25, "text"},
      {"character varying", 1043, "character varying"},
      {"bytea", 17, "bytea"},
      {"date", 1082, "date"},
      {"timestamp", 1114, "timestamp without time zone"},
      {"timestamp with time zone", 1184, "timestamp with time zone"},
      {"interval", 1186, "interval"},
      {"pg_catalog.jsonb", 3802, "jsonb"},
  };
  for (const Row& r : rows) {
    Result<Type> t = TypeFromName(r.name);
    ASSERT_TRUE(t.ok()) << r.name;
    EXPECT_EQ(t->oid(), r.oid) << r.name;
    EXPECT_EQ(t->ToString(), r.display) << r.name;
    EXPECT_EQ(TypeFromOid(r.oid), *t);
  }
  EXPECT_EQ(Type::Int32().internal_name(), "int4");
  EXPECT_EQ(Type::Int64().wire_size(), 8);
  EXPECT_EQ(Type::Text().wire_size(), -1);
}

TEST(TypeTest, Modifiers) {
  Type n = Type::NumericOf(10, 2).value();
  EXPECT_EQ(n.precision(), 10);
  EXPECT_EQ(n.scale(), 2);
  EXPECT_EQ(n.typmod(), (10 << 16 | 2) + 4);
  EXPECT_EQ(n.ToString(), "numeric(10,2)");
  EXPECT_EQ(n.WithoutTypmod(), Type::Numeric());
  EXPECT_EQ(Type::VarcharOf(5).value().ToString(), "character varying(5)");
  EXPECT_EQ(Type::VarcharOf(5).value().typmod(), 9);
  EXPECT_EQ(SqlErrorOf(Type::NumericOf(40, 2).status()).message,
            "NUMERIC precision 40 must be between 1 and 38");
  EXPECT_EQ(SqlStateOf(Type::NumericOf(5, 6).status()), "22023");
  EXPECT_EQ(SqlStateOf(Type::VarcharOf(0).status()), "22023");
}

TEST(TypeTest, UnknownNameIs42704) {
  Result<Type> t = TypeFromName("widget");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(SqlStateOf(t.status()), "42704");
  EXPECT_EQ(SqlErrorOf(t.status()).message, "type \"widget\" does not exist");
}

TEST(TypeTest, Categories) {
  EXPECT_EQ(Type::Int32().category(), TypeCategory::kNumeric);
  EXPECT_TRUE(Type::Float64().is_preferred());
  EXPECT_FALSE(Type::Numeric().is_preferred());
  EXPECT_TRUE(Type::Text().is_preferred());
  EXPECT_TRUE(Type::TimestampTz().is_preferred());
  EXPECT_EQ(Type::Date().physical(), PhysicalType::kInt32);
  EXPECT_EQ(Type::Jsonb().physical(), PhysicalType::kString);
}

}  // namespace
}  // namespace oxbow::sql
