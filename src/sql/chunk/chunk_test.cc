#include "sql/chunk/chunk.h"

#include <gtest/gtest.h>

namespace oxbow::sql {
namespace {

TEST(ChunkTest, BuildSelectAndShowRows) {
  ChunkBuilder b({Type::Int64(), Type::Text(), Type::Numeric()});
  for (int i = 0; i < 200; ++i) {
    Value name = i % 3 == 0 ? Value::Null(Type::Text()) : Value::Text(fmt::format("name-{}", i));
    b.AppendRow(std::vector<Value>{Value::Int64(i), name, Value::Numeric(Decimal{i * 10 + 5, 1})},
                i % 2 ? RowOp::kDelete : RowOp::kInsert);
  }
  Chunk c = b.Finish();
  EXPECT_EQ(c.num_rows(), 200u);
  EXPECT_TRUE(c.column(1).IsNull(0));
  EXPECT_TRUE(c.column(1).HasNulls());
  EXPECT_FALSE(c.column(0).HasNulls());
  EXPECT_EQ(c.column(1).Get<std::string_view>(1), "name-1");
  Chunk s = c.Select(SelectionVector{1, 3, 199});
  EXPECT_EQ(s.ToString(), "- | 1 | name-1 | 1.5\n- | 3 | NULL | 3.5\n- | 199 | name-199 | 199.5\n");
  // The selected strings stay valid after the source chunk is gone.
  c = Chunk();
  EXPECT_EQ(s.column(1).Get<std::string_view>(2), "name-199");
  EXPECT_EQ(RowWeight(s.op(0)), -1);
}

TEST(ChunkTest, ConstantAndValueRoundTrip) {
  ColumnVector c =
      ColumnVector::Constant(Type::Interval(), Value::IntervalOf(Interval{1, 2, 3}), 3);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.GetValue(2).ToString(), "1 mon 2 days 00:00:00.000003");
  ColumnVector n = ColumnVector::Nulls(Type::Date(), 70);
  EXPECT_TRUE(n.IsNull(69));
  n.Set<int32_t>(69, 0);
  EXPECT_EQ(n.GetValue(69).ToString(), "2000-01-01");
}

}  // namespace
}  // namespace oxbow::sql
