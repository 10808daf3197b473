#include "sql/expr/evaluator.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

ExprPtr Lit(std::string s) { return MakeConstant(Value::String(Type::Unknown(), std::move(s))); }
ExprPtr I(int32_t v) { return MakeConstant(Value::Int32(v)); }
ExprPtr Null() { return MakeConstant(Value()); }
ExprPtr Typed(std::string_view type, std::string text) {
  return MakeCast(Lit(std::move(text)), TypeFromName(type).value(), CastContext::kExplicit).value();
}

std::string Show(const Result<Value>& v) {
  if (!v.ok()) return fmt::format("ERROR {} {}", SqlStateOf(v.status()), v.status().message());
  return v->ToString();
}

std::string Op(std::string_view op, ExprPtr a, ExprPtr b) {
  Result<ExprPtr> e = MakeOperator(op, std::move(a), std::move(b));
  if (!e.ok()) return Show(e.status());
  return Show(EvaluateConstant(**e));
}

std::string Call(std::string_view name, std::vector<ExprPtr> args) {
  Result<ExprPtr> e = MakeCall(name, std::move(args));
  if (!e.ok()) return Show(e.status());
  return Show(EvaluateConstant(**e));
}

template <typename... A>
std::vector<ExprPtr> Args(A... a) {
  std::vector<ExprPtr> v;
  (v.push_back(std::move(a)), ...);
  return v;
}

// Expected values are PostgreSQL 15's answers.
TEST(EvaluatorTest, ArithmeticAndOverflow) {
  EXPECT_EQ(Op("+", I(2147483647), I(1)), "ERROR 22003 integer out of range");
  EXPECT_EQ(Op("*", Typed("int8", "9223372036854775807"), I(2)), "ERROR 22003 bigint out of range");
  EXPECT_EQ(Op("-", Typed("int2", "-32768"), Typed("int2", "1")),
            "ERROR 22003 smallint out of range");
  EXPECT_EQ(Op("/", I(1), I(0)), "ERROR 22012 division by zero");
  EXPECT_EQ(Op("/", I(7), I(2)), "3");
  EXPECT_EQ(Op("/", I(-7), I(2)), "-3");
  EXPECT_EQ(Op("%", I(-7), I(3)), "-1");
  EXPECT_EQ(Op("+", I(1), Typed("numeric", "1.5")), "2.5");
  EXPECT_EQ(Op("+", I(1), Typed("int8", "2")), "3");
  EXPECT_EQ(Op("/", Typed("float8", "1"), I(0)), "ERROR 22012 division by zero");
  EXPECT_EQ(Op("*", Typed("float8", "1e300"), Typed("float8", "1e300")),
            "ERROR 22003 value out of range: overflow");
  EXPECT_EQ(Op("/", Typed("numeric", "1"), Typed("numeric", "3")), "0.33333333333333333333");
  EXPECT_EQ(Op("+", Lit("1"), I(2)), "3");  // the unknown literal takes integer
  EXPECT_EQ(Op("+", I(1), Lit("x")), "ERROR 22P02 invalid input syntax for type integer: \"x\"");
}

TEST(EvaluatorTest, ResultTypesFollowPostgresql) {
  auto type_of = [](std::string_view op, ExprPtr a, ExprPtr b) {
    return MakeOperator(op, std::move(a), std::move(b)).value()->type.ToString();
  };
  EXPECT_EQ(type_of("+", I(1), Typed("real", "1.5")), "double precision");
  EXPECT_EQ(type_of("+", I(1), Typed("numeric", "1.5")), "numeric");
  EXPECT_EQ(type_of("+", I(1), Typed("int8", "1")), "bigint");
  EXPECT_EQ(type_of("+", Typed("int2", "1"), Typed("int2", "1")), "smallint");
  EXPECT_EQ(type_of("^", I(2), I(3)), "double precision");
  EXPECT_EQ(type_of("-", Typed("date", "2024-01-02"), Typed("date", "2024-01-01")), "integer");
  EXPECT_EQ(type_of("+", Typed("date", "2024-01-02"), Typed("interval", "1 day")),
            "timestamp without time zone");
  EXPECT_EQ(type_of("||", Lit("a"), I(1)), "text");
}

TEST(EvaluatorTest, ArraySubscriptsAndQuantifiedComparisons) {
  auto sub = [](ExprPtr a, ExprPtr i) {
    Result<ExprPtr> e = MakeSubscript(std::move(a), std::move(i));
    return e.ok() ? Show(EvaluateConstant(**e)) : Show(e.status());
  };
  auto any = [](std::string_view op, bool all, ExprPtr l, ExprPtr r) {
    Result<ExprPtr> e = MakeQuantified(op, all, std::move(l), std::move(r));
    return e.ok() ? Show(EvaluateConstant(**e)) : Show(e.status());
  };
  ExprPtr arr =
      MakeCast(Lit("{10,NULL,30}"), Type::ArrayOf(Type::Int32()), CastContext::kExplicit).value();
  EXPECT_EQ(sub(arr->Clone(), I(1)), "10");
  EXPECT_EQ(sub(arr->Clone(), I(2)), "NULL");
  EXPECT_EQ(sub(arr->Clone(), I(4)), "NULL");
  EXPECT_EQ(sub(I(1), I(1)),
            "ERROR 42804 cannot subscript type integer because it does not support subscripting");
  EXPECT_EQ(any("=", false, I(30), arr->Clone()), "t");
  EXPECT_EQ(any("=", false, I(20), arr->Clone()), "NULL");
  EXPECT_EQ(any(">", true, I(40), arr->Clone()), "NULL");
  EXPECT_EQ(any("<", true, I(40), Lit("{50,60}")), "t");
  // A bigint left operand compares with int4 elements through int8 = int4.
  EXPECT_EQ(any("=", false, MakeConstant(Value::Int64(10)), arr->Clone()), "t");
  EXPECT_EQ(any("=", false, Null(), Lit("{}")), "f");
  EXPECT_EQ(any("~~", false, Lit("abc"), Lit("{x%,a%}")), "t");
}

TEST(EvaluatorTest, ArrayConcatenationAsPostgresql) {
  auto arr = [](std::string text, Type element = Type::Int32()) {
    return MakeCast(Lit(std::move(text)), Type::ArrayOf(element), CastContext::kExplicit).value();
  };
  auto type_of = [](ExprPtr a, ExprPtr b) {
    return MakeOperator("||", std::move(a), std::move(b)).value()->type.ToString();
  };
  EXPECT_EQ(Op("||", arr("{1,2}"), arr("{3}")), "{1,2,3}");        // array_cat
  EXPECT_EQ(Op("||", arr("{1,2}"), I(3)), "{1,2,3}");              // array_append
  EXPECT_EQ(Op("||", I(0), arr("{1}")), "{0,1}");                  // array_prepend
  EXPECT_EQ(Op("||", arr("{1}"), Lit("{2,NULL}")), "{1,2,NULL}");  // a literal is an array
  EXPECT_EQ(Op("||", Lit("{a}"), arr("{b}", Type::Text())), "{a,b}");
  // Not strict: a NULL array is empty, a NULL element is appended; NULL only for two NULLs.
  EXPECT_EQ(Op("||", arr("{1}"), Null()), "{1}");
  EXPECT_EQ(Op("||", Null(), arr("{1}")), "{1}");
  EXPECT_EQ(Op("||", arr("{1}"), MakeConstant(Value::Null(Type::Int32()))), "{1,NULL}");
  EXPECT_EQ(Op("||", MakeCast(Null(), Type::ArrayOf(Type::Int32()), CastContext::kExplicit).value(),
               MakeConstant(Value::Null(Type::Int32()))),
            "{NULL}");
  EXPECT_EQ(Op("||", MakeCast(Null(), Type::ArrayOf(Type::Text()), CastContext::kExplicit).value(),
               Null()),
            "NULL");
  // Element types meet through implicit casts: int4[] || int8 is int8[].
  EXPECT_EQ(type_of(arr("{1}"), MakeConstant(Value::Int64(2))), "bigint[]");
  EXPECT_EQ(type_of(arr("{1}", Type::Int64()), I(2)), "bigint[]");
  EXPECT_EQ(type_of(arr("{1}"), arr("{2}", Type::Int64())), "bigint[]");
  EXPECT_EQ(Op("||", arr("{1}"), arr("{a}", Type::Text())),
            "ERROR 42883 operator does not exist: integer[] || text[]");
  EXPECT_EQ(type_of(Lit("a"), I(1)), "text");  // no array: text concatenation
}

TEST(EvaluatorTest, Comparisons) {
  EXPECT_EQ(Op("=", Typed("numeric", "1.0"), I(1)), "t");
  EXPECT_EQ(Op("<", Typed("text", "abc"), Typed("text", "abd")), "t");
  EXPECT_EQ(Op("=", Typed("float8", "NaN"), Typed("float8", "NaN")), "t");
  EXPECT_EQ(Op(">", Typed("float8", "NaN"), Typed("float8", "Infinity")), "t");
  EXPECT_EQ(Op("=", Typed("interval", "1 month"), Typed("interval", "30 days")), "t");
  EXPECT_EQ(Op("<", Typed("date", "2024-01-01"), Typed("timestamp", "2024-01-01 00:00:01")), "t");
  EXPECT_EQ(Op("=", I(1), Null()), "NULL");
  EXPECT_EQ(Op("=", Typed("jsonb", R"({"b":1,"a":2})"), Typed("jsonb", R"({"a":2, "b":1})")), "t");
  EXPECT_EQ(Op("=", I(1), Typed("text", "1")),
            "ERROR 42883 operator does not exist: integer = text");
}

TEST(EvaluatorTest, ThreeValuedLogic) {
  auto b = [](const char* v) {
    return v ? Typed("bool", v) : MakeConstant(Value::Null(Type::Bool()));
  };
  auto and_ = [&](const char* x, const char* y) {
    return Show(EvaluateConstant(*MakeAnd(Args(b(x), b(y))).value()));
  };
  auto or_ = [&](const char* x, const char* y) {
    return Show(EvaluateConstant(*MakeOr(Args(b(x), b(y))).value()));
  };
  EXPECT_EQ(and_("t", nullptr), "NULL");
  EXPECT_EQ(and_("f", nullptr), "f");
  EXPECT_EQ(and_(nullptr, "f"), "f");
  EXPECT_EQ(and_("t", "t"), "t");
  EXPECT_EQ(or_("t", nullptr), "t");
  EXPECT_EQ(or_(nullptr, "f"), "NULL");
  EXPECT_EQ(or_("f", "f"), "f");
  EXPECT_EQ(Show(EvaluateConstant(*MakeNot(b(nullptr)).value())), "NULL");
  EXPECT_EQ(Show(EvaluateConstant(*MakeIsNull(Null(), false))), "t");
  EXPECT_EQ(Show(EvaluateConstant(*MakeIsNull(I(1), true))), "t");
  EXPECT_EQ(SqlErrorOf(MakeAnd(Args(I(1), b("t"))).status()).message,
            "argument of AND must be type boolean, not type integer");
}

TEST(EvaluatorTest, InBetweenCaseCoalesceNullif) {
  auto eval = [](Result<ExprPtr> e) {
    return e.ok() ? Show(EvaluateConstant(**e)) : Show(e.status());
  };
  EXPECT_EQ(eval(MakeIn(I(2), Args(I(1), I(2)), false)), "t");
  EXPECT_EQ(eval(MakeIn(I(3), Args(I(1), Null()), false)), "NULL");
  EXPECT_EQ(eval(MakeIn(I(1), Args(I(1), Null()), false)), "t");
  EXPECT_EQ(eval(MakeIn(I(3), Args(I(1), Null()), true)), "NULL");
  EXPECT_EQ(eval(MakeIn(I(3), Args(I(1), I(2)), true)), "t");
  EXPECT_EQ(eval(MakeBetween(I(2), I(1), I(3), false)), "t");
  EXPECT_EQ(eval(MakeBetween(I(5), I(1), I(3), true)), "t");
  EXPECT_EQ(eval(MakeCase(nullptr, Args(Typed("bool", "f"), Typed("bool", "t")), Args(I(1), I(2)),
                          Typed("numeric", "2.5"))),
            "2");
  EXPECT_EQ(eval(MakeCase(I(3), Args(I(1), I(3)), Args(Lit("one"), Lit("three")), nullptr)),
            "three");
  EXPECT_EQ(eval(MakeCase(nullptr, Args(Typed("bool", "f")), Args(I(1)), nullptr)), "NULL");
  EXPECT_EQ(eval(MakeCase(nullptr, Args(Typed("bool", "t")), Args(I(1)), Lit("x"))),
            "ERROR 22P02 invalid input syntax for type integer: \"x\"");
  EXPECT_EQ(eval(MakeCase(nullptr, Args(Typed("bool", "t")), Args(I(1)), Typed("text", "x"))),
            "ERROR 42804 CASE types integer and text cannot be matched");
  EXPECT_EQ(eval(MakeCoalesce(Args(Null(), I(2), I(3)))), "2");
  EXPECT_EQ(eval(MakeCoalesce(Args(Null(), Null()))), "NULL");
  EXPECT_EQ(eval(MakeNullIf(I(1), I(1))), "NULL");
  EXPECT_EQ(eval(MakeNullIf(I(1), I(2))), "1");
}

TEST(EvaluatorTest, Like) {
  auto like = [](const char* s, const char* p, bool ci = false, ExprPtr esc = nullptr) {
    Result<ExprPtr> e = MakeLike(Typed("text", s), Lit(p), std::move(esc), ci, false);
    return e.ok() ? Show(EvaluateConstant(**e)) : Show(e.status());
  };
  EXPECT_EQ(like("abc", "a%"), "t");
  EXPECT_EQ(like("abc", "%b%"), "t");
  EXPECT_EQ(like("abc", "_b_"), "t");
  EXPECT_EQ(like("abc", "ab"), "f");
  EXPECT_EQ(like("héllo", "h_llo"), "t");
  EXPECT_EQ(like("a%c", "a\\%c"), "t");
  EXPECT_EQ(like("abc", "a\\%c"), "f");
  EXPECT_EQ(like("ABC", "a%", true), "t");
  EXPECT_EQ(like("aXc", "a%c%"), "t");
  EXPECT_EQ(like("mississippi", "%iss%ppi"), "t");
  EXPECT_EQ(like("a_c", "a#_c", false, Lit("#")), "t");
  EXPECT_EQ(like("abc", "a#_c", false, Lit("#")), "f");
  EXPECT_EQ(like("abc", "ab\\"), "ERROR 22025 LIKE pattern must not end with escape character");
  EXPECT_EQ(like("abc", "a", false, Lit("##")), "ERROR 22025 invalid escape string");
}

TEST(EvaluatorTest, StringFunctions) {
  EXPECT_EQ(Call("lower", Args(Lit("HeLLo"))), "hello");
  EXPECT_EQ(Call("upper", Args(Lit("abc"))), "ABC");
  EXPECT_EQ(Call("length", Args(Lit("héllo"))), "5");
  EXPECT_EQ(Call("octet_length", Args(Typed("text", "héllo"))), "6");
  EXPECT_EQ(Call("substring", Args(Lit("hello"), I(2), I(3))), "ell");
  EXPECT_EQ(Call("substring", Args(Lit("hello"), I(0), I(3))), "he");
  EXPECT_EQ(Call("substring", Args(Lit("hello"), I(3))), "llo");
  EXPECT_EQ(Call("substring", Args(Lit("hello"), I(1), I(-1))),
            "ERROR 22011 negative substring length not allowed");
  EXPECT_EQ(Call("position", Args(Lit("héllo"), Lit("llo"))), "3");
  EXPECT_EQ(Call("btrim", Args(Lit("  x  "))), "x");
  EXPECT_EQ(Call("btrim", Args(Lit("xxaxx"), Lit("x"))), "a");
  EXPECT_EQ(Call("ltrim", Args(Lit("  x  "))), "x  ");
  EXPECT_EQ(Call("rtrim", Args(Lit("  x  "))), "  x");
  EXPECT_EQ(Call("concat", Args(Lit("a"), Null(), I(1), Typed("bool", "t"))), "a1t");
  EXPECT_EQ(Call("concat_ws", Args(Lit(","), Lit("a"), Null(), Lit("b"))), "a,b");
  EXPECT_EQ(Op("||", Lit("a"), Lit("b")), "ab");
  EXPECT_EQ(Op("||", Lit("a"), I(1)), "a1");
  EXPECT_EQ(Op("||", Lit("a"), Null()), "NULL");
  EXPECT_EQ(Call("replace", Args(Lit("abcabc"), Lit("b"), Lit("X"))), "aXcaXc");
  EXPECT_EQ(Call("split_part", Args(Lit("a,b,c"), Lit(","), I(2))), "b");
  EXPECT_EQ(Call("split_part", Args(Lit("a,b,c"), Lit(","), I(-1))), "c");
  EXPECT_EQ(Call("split_part", Args(Lit("a,b,c"), Lit(","), I(5))), "");
  EXPECT_EQ(Call("split_part", Args(Lit("a,b,c"), Lit(","), I(0))),
            "ERROR 22023 field position must not be zero");
  EXPECT_EQ(Call("regexp_replace", Args(Lit("foobarbaz"), Lit("b(..)"), Lit("X\\1Y"), Lit("g"))),
            "fooXarYXazY");
  EXPECT_EQ(Call("regexp_replace", Args(Lit("foobarbaz"), Lit("b(..)"), Lit("X\\&"))),
            "fooXbarbaz");
  EXPECT_EQ(Call("regexp_match", Args(Lit("foobarbequebaz"), Lit("(bar)(beque)"))), "{bar,beque}");
  EXPECT_EQ(Call("regexp_match", Args(Lit("abc"), Lit("x"))), "NULL");
  EXPECT_EQ(Call("regexp_match", Args(Lit("abc"), Lit("("))).substr(0, 12), "ERROR 2201B ");
  EXPECT_EQ(Op("~", Lit("abc"), Lit("^a.c$")), "t");
  EXPECT_EQ(Call("left", Args(Lit("abcde"), I(-2))), "abc");
  EXPECT_EQ(Call("right", Args(Lit("abcde"), I(2))), "de");
  EXPECT_EQ(Call("lower", Args(I(1))), "ERROR 42883 function lower(integer) does not exist");
}

TEST(EvaluatorTest, FunctionDoesNotExistListsCandidates) {
  Result<ExprPtr> e = MakeCall("round", Args(Typed("text", "x")));
  ASSERT_FALSE(e.ok());
  SqlErrorInfo info = SqlErrorOf(e.status());
  EXPECT_EQ(info.sqlstate, "42883");
  EXPECT_EQ(info.message, "function round(text) does not exist");
  EXPECT_NE(info.hint.find("You might need to add explicit type casts."), std::string::npos);
  EXPECT_NE(info.hint.find("round(numeric, integer)"), std::string::npos);
  EXPECT_EQ(SqlStateOf(MakeCall("nosuch", Args(I(1))).status()), "42883");
}

TEST(EvaluatorTest, MathFunctions) {
  EXPECT_EQ(Call("abs", Args(I(-3))), "3");
  EXPECT_EQ(Call("abs", Args(Typed("int4", "-2147483648"))), "ERROR 22003 integer out of range");
  EXPECT_EQ(Call("round", Args(Typed("numeric", "2.5"))), "3");
  EXPECT_EQ(Call("round", Args(Typed("numeric", "-2.5"))), "-3");
  EXPECT_EQ(Call("round", Args(Typed("float8", "2.5"))), "2");
  EXPECT_EQ(Call("round", Args(Typed("float8", "3.5"))), "4");
  EXPECT_EQ(Call("round", Args(Typed("numeric", "2.345"), I(2))), "2.35");
  EXPECT_EQ(Call("round", Args(Lit("1234.5"), I(-2))), "1200");
  EXPECT_EQ(Call("floor", Args(Typed("numeric", "-2.5"))), "-3");
  EXPECT_EQ(Call("ceil", Args(Typed("float8", "-2.5"))), "-2");
  EXPECT_EQ(Call("mod", Args(I(7), I(3))), "1");
  EXPECT_EQ(Call("mod", Args(I(7), I(0))), "ERROR 22012 division by zero");
  EXPECT_EQ(Call("power", Args(I(2), I(10))), "1024");
  EXPECT_EQ(Call("power", Args(Typed("numeric", "2"), Typed("numeric", "10"))),
            "1024.0000000000000000");
  EXPECT_EQ(Call("power", Args(Typed("numeric", "1.5"), Typed("numeric", "2"))),
            "2.2500000000000000");
  EXPECT_EQ(Call("sqrt", Args(Typed("float8", "-1"))).substr(0, 11), "ERROR 2201F");
}

TEST(EvaluatorTest, DateTime) {
  EXPECT_EQ(Op("+", Typed("date", "2024-01-31"), I(30)), "2024-03-01");
  EXPECT_EQ(Op("-", Typed("date", "2024-03-01"), Typed("date", "2024-01-01")), "60");
  EXPECT_EQ(Op("+", Typed("timestamp", "2024-01-31 10:00"), Typed("interval", "1 month")),
            "2024-02-29 10:00:00");
  EXPECT_EQ(
      Op("-", Typed("timestamptz", "2024-01-03 05:00+00"), Typed("timestamptz", "2024-01-01")),
      "2 days 05:00:00");
  EXPECT_EQ(Op("*", Typed("interval", "1 month"), Typed("float8", "1.5")), "1 mon 15 days");
  EXPECT_EQ(Op("+", Typed("date", "2024-01-01"), Typed("interval", "1 hour")),
            "2024-01-01 01:00:00");
  EXPECT_EQ(Call("date_trunc", Args(Lit("hour"), Typed("timestamp", "2024-01-02 03:04:05"))),
            "2024-01-02 03:00:00");
  EXPECT_EQ(Call("date_trunc", Args(Lit("day"), Typed("date", "2024-01-02"))),
            "2024-01-02 00:00:00+00");  // date → timestamptz, the preferred type
  EXPECT_EQ(Call("extract", Args(Lit("dow"), Typed("date", "2024-01-07"))), "0");
  EXPECT_EQ(Call("extract", Args(Lit("epoch"), Typed("timestamptz", "2024-01-02 03:04:05.5+00"))),
            "1704164645.500000");
  EXPECT_EQ(Call("date_part", Args(Lit("second"), Typed("timestamp", "2001-02-16 20:38:40.5"))),
            "40.5");
  EXPECT_EQ(Call("date_trunc", Args(Lit("fortnight"), Typed("timestamp", "2024-01-02"))),
            "ERROR 22023 unit \"fortnight\" not recognized for type timestamp without time zone");
  EXPECT_EQ(Call("to_timestamp", Args(Typed("float8", "1704164645.123456"))),
            "2024-01-02 03:04:05.123456+00");
}

TEST(EvaluatorTest, Jsonb) {
  ExprPtr doc = Typed("jsonb", R"({"a": {"b": [1, "x"]}, "c": "s"})");
  EXPECT_EQ(Op("->", doc->Clone(), Lit("a")), R"({"b": [1, "x"]})");
  EXPECT_EQ(Op("->>", doc->Clone(), Lit("c")), "s");
  EXPECT_EQ(Op("->", doc->Clone(), Lit("zz")), "NULL");
  EXPECT_EQ(Op("->", MakeOperator("->", doc->Clone(), Lit("a")).value(), Lit("b")), R"([1, "x"])");
  EXPECT_EQ(Op("#>>", doc->Clone(), Lit("{a,b,1}")), "x");
  EXPECT_EQ(Op("->", Typed("jsonb", "[1,2,3]"), I(-1)), "3");
}

TEST(EvaluatorTest, Casts) {
  auto cast = [](ExprPtr e, std::string_view type) {
    Result<ExprPtr> c = MakeCast(std::move(e), TypeFromName(type).value(), CastContext::kExplicit);
    return c.ok() ? Show(EvaluateConstant(**c)) : Show(c.status());
  };
  EXPECT_EQ(cast(Typed("numeric", "2.5"), "int4"), "3");
  EXPECT_EQ(cast(Typed("float8", "2.5"), "int4"), "2");
  EXPECT_EQ(cast(Typed("int8", "3000000000"), "int4"), "ERROR 22003 integer out of range");
  EXPECT_EQ(cast(Typed("bool", "t"), "text"), "true");
  EXPECT_EQ(cast(Typed("float8", "0.1"), "numeric"), "0.1");
  EXPECT_EQ(cast(Typed("real", "0.1"), "float8"), "0.10000000149011612");
  EXPECT_EQ(cast(Typed("timestamp", "2024-01-02 03:04:05"), "date"), "2024-01-02");
  EXPECT_EQ(cast(Typed("timestamp", "1969-12-31 23:00:00"), "date"), "1969-12-31");
  EXPECT_EQ(cast(Typed("jsonb", "12.5"), "numeric"), "12.5");
  EXPECT_EQ(cast(Typed("jsonb", "\"x\""), "int4"),
            "ERROR 22023 cannot cast jsonb string to type integer");
  EXPECT_EQ(cast(Typed("bool", "t"), "date"), "ERROR 42846 cannot cast type boolean to date");
  Result<ExprPtr> v3 =
      MakeCast(Typed("text", "abcd"), Type::VarcharOf(3).value(), CastContext::kExplicit);
  EXPECT_EQ(Show(EvaluateConstant(**v3)), "abc");
  Result<ExprPtr> a3 =
      MakeCast(Typed("text", "abcd"), Type::VarcharOf(3).value(), CastContext::kAssignment);
  EXPECT_EQ(Show(EvaluateConstant(**a3)),
            "ERROR 22001 value too long for type character varying(3)");
  Result<ExprPtr> n52 = MakeCast(Typed("numeric", "123.456"), Type::NumericOf(5, 2).value(),
                                 CastContext::kAssignment);
  EXPECT_EQ(Show(EvaluateConstant(**n52)), "123.46");
  EXPECT_FALSE(CanCast(Type::Text(), Type::Int32(), CastContext::kImplicit));
  EXPECT_TRUE(CanCast(Type::Int32(), Type::Numeric(), CastContext::kImplicit));
  EXPECT_FALSE(CanCast(Type::Numeric(), Type::Int32(), CastContext::kImplicit));
  EXPECT_TRUE(CanCast(Type::Numeric(), Type::Int32(), CastContext::kAssignment));
}

// Vectorized evaluation over a chunk with NULLs and conditional branches.
TEST(EvaluatorTest, ColumnsWithNullsAndShortCircuit) {
  ChunkBuilder b({Type::Int32(), Type::Text()});
  b.AppendRow(std::vector<Value>{Value::Int32(0), Value::Text("a")});
  b.AppendRow(std::vector<Value>{Value::Int32(5), Value::Null(Type::Text())});
  b.AppendRow(std::vector<Value>{Value::Null(Type::Int32()), Value::Text("ccc")}, RowOp::kDelete);
  b.AppendRow(std::vector<Value>{Value::Int32(-2), Value::Text("dd")});
  Chunk chunk = b.Finish();
  ExprPtr x = MakeColumnRef(0, Type::Int32());
  // x <> 0 AND 10 / x > 1: the division never sees x = 0.
  ExprPtr pred =
      MakeAnd(Args(MakeOperator("<>", x->Clone(), I(0)).value(),
                   MakeOperator(">", MakeOperator("/", I(10), x->Clone()).value(), I(1)).value()))
          .value();
  Result<SelectionVector> sel = EvaluateFilter(*pred, chunk);
  ASSERT_TRUE(sel.ok()) << sel.status();
  EXPECT_EQ(*sel, SelectionVector({1}));
  // Without the guard the division fails for the chunk.
  Result<ColumnVector> bad = Evaluate(*MakeOperator("/", I(10), x->Clone()).value(), chunk);
  EXPECT_EQ(SqlStateOf(bad.status()), "22012");
  ExprPtr guarded = MakeCase(nullptr, Args(MakeOperator("=", x->Clone(), I(0)).value()), Args(I(0)),
                             MakeOperator("/", I(10), x->Clone()).value())
                        .value();
  ColumnVector out = Evaluate(*guarded, chunk).value();
  std::vector<ColumnVector> cols;
  cols.push_back(std::move(out));
  cols.push_back(
      Evaluate(*MakeCall("length", Args(MakeColumnRef(1, Type::Text()))).value(), chunk).value());
  EXPECT_EQ(chunk.WithColumns(std::move(cols)).ToString(),
            "+ | 0 | 1\n+ | 2 | NULL\n- | NULL | 3\n+ | -5 | 2\n");
  EXPECT_EQ(chunk.Select(*sel).ToString(), "+ | 5 | NULL\n");
}

}  // namespace
}  // namespace oxbow::sql
