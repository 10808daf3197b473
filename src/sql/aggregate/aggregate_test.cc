#include "sql/aggregate/aggregate.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

// Feeds (value, weight) rows of one column to a fresh state and returns the result text.
class Agg {
 public:
  Agg(std::string_view name, std::vector<Type> types, bool distinct = false)
      : f_(ResolveAggregate(name, types, distinct).value()), state_(f_.NewState()) {}
  Agg& Add(std::vector<Value> row, int weight = 1) {
    std::vector<ColumnVector> cols;
    for (size_t i = 0; i < row.size(); ++i) {
      cols.emplace_back(f_.arg_types[i]);
      cols.back().AppendValue(row[i]);
    }
    std::vector<const ColumnVector*> ptrs;
    for (const ColumnVector& c : cols) ptrs.push_back(&c);
    Status s = state_->Add(ptrs, 0, weight);
    EXPECT_TRUE(s.ok()) << s;
    return *this;
  }
  Agg& Del(std::vector<Value> row) { return Add(std::move(row), -1); }
  std::string Result() const { return state_->Result().ToString(); }
  const AggregateFunction& function() const { return f_; }
  AggregateState& state() { return *state_; }

 private:
  AggregateFunction f_;
  std::unique_ptr<AggregateState> state_;
};

Value I(int32_t v) { return Value::Int32(v); }
Value N(std::string_view s) { return Value::Numeric(Decimal::Parse(s).value()); }
Value T(std::string s) { return Value::Text(std::move(s)); }
Value Null(Type t = Type::Int32()) { return Value::Null(t); }

TEST(AggregateTest, CountAndCountStar) {
  Agg star("count", {});
  star.Add({}).Add({}).Add({}).Del({});
  EXPECT_EQ(star.Result(), "2");
  Agg c("count", {Type::Int32()});
  c.Add({I(1)}).Add({Null()}).Add({I(2)}).Del({I(1)});
  EXPECT_EQ(c.Result(), "1");
  EXPECT_EQ(c.function().return_type, Type::Int64());
}

TEST(AggregateTest, CountDistinctKeepsAMultiset) {
  Agg c("count", {Type::Int32()}, /*distinct=*/true);
  c.Add({I(1)}).Add({I(1)}).Add({I(2)}).Add({Null()});
  EXPECT_EQ(c.Result(), "2");
  c.Del({I(1)});
  EXPECT_EQ(c.Result(), "2");  // one 1 is still there
  c.Del({I(1)});
  EXPECT_EQ(c.Result(), "1");
  Agg n("count", {Type::Numeric()}, true);
  n.Add({N("1.0")}).Add({N("1.00")}).Add({N("2")});
  EXPECT_EQ(n.Result(), "2");  // 1.0 = 1.00
  Agg s("sum", {Type::Int32()}, true);
  s.Add({I(5)}).Add({I(5)}).Add({I(7)});
  EXPECT_EQ(s.Result(), "12");
}

TEST(AggregateTest, SumAndAvgAsPostgresql) {
  Agg s("sum", {Type::Int32()});
  EXPECT_EQ(s.Result(), "NULL");  // no rows
  s.Add({I(2147483647)}).Add({I(2147483647)});
  EXPECT_EQ(s.Result(), "4294967294");  // int4 sums to bigint
  s.Del({I(2147483647)}).Del({I(2147483647)});
  EXPECT_EQ(s.Result(), "NULL");
  Agg money("sum", {Type::Numeric()});
  for (int i = 0; i < 10; ++i) money.Add({N("0.10")});
  money.Del({N("0.10")});
  EXPECT_EQ(money.Result(), "0.90");
  Agg a("avg", {Type::Int32()});
  a.Add({I(1)}).Add({I(2)}).Add({Null()});
  EXPECT_EQ(a.Result(), "1.5000000000000000");  // PostgreSQL's numeric avg
  a.Add({I(6)}).Del({I(1)});
  EXPECT_EQ(a.Result(), "4.0000000000000000");
  Agg af("avg", {Type::Float64()});
  af.Add({Value::Float64(1)}).Add({Value::Float64(2)});
  EXPECT_EQ(af.Result(), "1.5");
  Agg ai("avg", {Type::Interval()});
  ai.Add({Value::IntervalOf(ParseInterval("1 day").value())})
      .Add({Value::IntervalOf(ParseInterval("2 days").value())});
  EXPECT_EQ(ai.Result(), "1 day 12:00:00");
  Agg big("sum", {Type::Int64()});
  big.Add({Value::Int64(INT64_MAX)}).Add({Value::Int64(INT64_MAX)});
  EXPECT_EQ(big.Result(), "18446744073709551614");  // int8 sums to numeric
}

TEST(AggregateTest, MinMaxSurviveDeletes) {
  Agg mn("min", {Type::Int32()});
  Agg mx("max", {Type::Int32()});
  for (int v : {5, 3, 9, 3}) {
    mn.Add({I(v)});
    mx.Add({I(v)});
  }
  EXPECT_EQ(mn.Result(), "3");
  EXPECT_EQ(mx.Result(), "9");
  mn.Del({I(3)});
  EXPECT_EQ(mn.Result(), "3");  // the other 3 remains
  mn.Del({I(3)});
  EXPECT_EQ(mn.Result(), "5");
  mx.Del({I(9)});
  EXPECT_EQ(mx.Result(), "5");
  mx.Del({I(5)}).Del({I(3)}).Del({I(3)});
  EXPECT_EQ(mx.Result(), "NULL");
  Agg ms("max", {Type::Unknown()});
  ms.Add({T("apple")}).Add({T("pear")}).Add({T("fig")});
  EXPECT_EQ(ms.Result(), "pear");
}

TEST(AggregateTest, BoolAndOr) {
  Agg a("bool_and", {Type::Bool()});
  Agg o("bool_or", {Type::Bool()});
  for (bool b : {true, false, true}) {
    a.Add({Value::Bool(b)});
    o.Add({Value::Bool(b)});
  }
  EXPECT_EQ(a.Result(), "f");
  EXPECT_EQ(o.Result(), "t");
  a.Del({Value::Bool(false)});
  EXPECT_EQ(a.Result(), "t");
  o.Del({Value::Bool(true)}).Del({Value::Bool(true)});
  EXPECT_EQ(o.Result(), "f");
  Agg e("every", {Type::Bool()});
  EXPECT_EQ(e.Result(), "NULL");
}

TEST(AggregateTest, StringAggInValueOrder) {
  Agg s("string_agg", {Type::Text(), Type::Unknown()});
  s.Add({T("b"), T(",")})
      .Add({T("a"), T(",")})
      .Add({T("c"), T(",")})
      .Add({Null(Type::Text()), T(",")});
  EXPECT_EQ(s.Result(), "a,b,c");
  s.Del({T("b"), T(",")});
  EXPECT_EQ(s.Result(), "a,c");
}

TEST(AggregateTest, RetractingUnseenRowIsAnError) {
  Agg c("count", {Type::Int32()});
  ColumnVector col(Type::Int32());
  col.AppendValue(I(1));
  const ColumnVector* args[] = {&col};
  EXPECT_EQ(SqlStateOf(c.state().Add(args, 0, -1)), "XX000");
}

TEST(AggregateTest, Resolution) {
  Result<AggregateFunction> bad = ResolveAggregate("sum", std::vector<Type>{Type::Text()}, false);
  EXPECT_EQ(SqlErrorOf(bad.status()).message, "function sum(text) does not exist");
  EXPECT_EQ(ResolveAggregate("avg", std::vector<Type>{Type::Float32()}, false)->return_type,
            Type::Float64());
  EXPECT_TRUE(IsAggregateName("count"));
  EXPECT_FALSE(IsAggregateName("lower"));
}

// Save then Load into a fresh state gives the same result and keeps retracting correctly.
TEST(AggregateTest, SaveAndLoadRoundTripEveryState) {
  struct Case {
    std::string name;
    std::vector<Type> types;
    bool distinct;
    std::vector<std::vector<Value>> rows;
  };
  std::vector<Case> cases = {
      {"count", {}, false, {{}, {}}},
      {"sum", {Type::Int32()}, false, {{I(3)}, {I(4)}}},
      {"avg", {Type::Numeric()}, false, {{N("1.50")}, {N("2.25")}}},
      {"sum", {Type::Float64()}, false, {{Value::Float64(0.1)}, {Value::Float64(0.2)}}},
      {"min", {Type::Int32()}, false, {{I(5)}, {I(2)}, {I(9)}}},
      {"max", {Type::Text()}, false, {{T("a")}, {T("zz")}}},
      {"bool_and", {Type::Bool()}, false, {{Value::Bool(true)}, {Value::Bool(false)}}},
      {"string_agg", {Type::Text(), Type::Text()}, false, {{T("b"), T(",")}, {T("a"), T(",")}}},
      {"count", {Type::Int32()}, true, {{I(1)}, {I(1)}, {I(2)}}},
  };
  for (const Case& c : cases) {
    Agg a(c.name, c.types, c.distinct);
    for (const auto& row : c.rows) a.Add(row);
    std::string bytes;
    a.state().Save(&bytes);
    Agg b(c.name, c.types, c.distinct);
    std::string_view in = bytes;
    ASSERT_TRUE(b.state().Load(&in).ok()) << c.name;
    EXPECT_TRUE(in.empty()) << c.name;
    EXPECT_EQ(b.Result(), a.Result()) << c.name;
    a.Del(c.rows.back());
    b.Del(c.rows.back());
    EXPECT_EQ(b.Result(), a.Result()) << c.name;
  }
  Agg m("min", {Type::Int32()});
  std::string_view junk = "\x05";
  EXPECT_EQ(m.state().Load(&junk).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace oxbow::sql

namespace oxbow::sql {
namespace {

TEST(AggregateTest, AppendOnlyMinMaxKeepOneValueAndLoadEitherState) {
  AggregateFunction max =
      ForAppendOnlyInput(ResolveAggregate("max", {{Type::Int32()}}, false).value());
  AggregateFunction retractable = ResolveAggregate("max", {{Type::Int32()}}, false).value();
  auto feed = [](AggregateState& s, int32_t v, int weight) {
    ColumnVector c(Type::Int32());
    c.AppendValue(Value::Int32(v));
    const ColumnVector* args[] = {&c};
    return s.Add(args, 0, weight);
  };
  std::unique_ptr<AggregateState> a = max.NewState();
  EXPECT_TRUE(a->Result().is_null());
  for (int32_t v : {5, 9, 2, 9, 7}) ASSERT_TRUE(feed(*a, v, 1).ok());
  EXPECT_EQ(a->Result().ToString(), "9");
  // One value saved however many rows: the retractable state saves all four distinct ones.
  std::string one, all;
  a->Save(&one);
  std::unique_ptr<AggregateState> b = retractable.NewState();
  for (int32_t v : {5, 9, 2, 7}) ASSERT_TRUE(feed(*b, v, 1).ok());
  b->Save(&all);
  EXPECT_LT(one.size(), all.size());
  // Each loads the other's bytes.
  std::unique_ptr<AggregateState> from_all = max.NewState();
  std::string_view in = all;
  ASSERT_TRUE(from_all->Load(&in).ok());
  EXPECT_EQ(from_all->Result().ToString(), "9");
  std::unique_ptr<AggregateState> from_one = retractable.NewState();
  in = one;
  ASSERT_TRUE(from_one->Load(&in).ok());
  EXPECT_EQ(from_one->Result().ToString(), "9");
  // A retraction is a bug of the caller, not a wrong answer.
  EXPECT_EQ(feed(*a, 9, -1).code(), absl::StatusCode::kInternal);
  // Others are unchanged.
  AggregateFunction count = ForAppendOnlyInput(ResolveAggregate("count", {}, false).value());
  EXPECT_EQ(count.make_state, ResolveAggregate("count", {}, false).value().make_state);
}

}  // namespace
}  // namespace oxbow::sql
