// Date/time operators and functions: date ± integer, date - date, date/timestamp ± interval,
// timestamp - timestamp, interval arithmetic, date_trunc, extract, date_part, to_timestamp.
// The session time zone is UTC, so timestamptz computes as timestamp.
#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

using internal::Binary;
using internal::Def;
using internal::Unary;
using SV = std::string_view;

constexpr TypeId kDate = TypeId::kDate;
constexpr TypeId kTs = TypeId::kTimestamp;
constexpr TypeId kTz = TypeId::kTimestampTz;
constexpr TypeId kIv = TypeId::kInterval;
constexpr TypeId kInt = TypeId::kInt32;
constexpr TypeId kF8 = TypeId::kFloat64;
constexpr TypeId kText = TypeId::kText;

Result<int32_t> DatePlusDays(int32_t d, int64_t n) {
  if (!IsFiniteDate(d)) return d;
  int64_t r = int64_t{d} + n;
  if (!DateInRange(r)) return SqlError(sqlstate::kDatetimeFieldOverflow, "date out of range");
  return static_cast<int32_t>(r);
}

int64_t DateToTimestamp(int32_t d) {
  if (d == kDateInfinity) return kTimestampInfinity;
  if (d == kDateNegInfinity) return kTimestampNegInfinity;
  return int64_t{d} * kMicrosPerDay;
}

// A field name per row; usually constant, so parse it once and reuse.
class FieldCache {
 public:
  Result<DateField> Get(SV name, SV type_name) {
    if (!valid_ || name != name_) {
      ASSIGN_OR_RETURN(field_, ParseDateField(name, type_name));
      name_ = std::string(name);
      valid_ = true;
    }
    return field_;
  }

 private:
  bool valid_ = false;
  std::string name_;
  DateField field_{};
};

template <typename T, typename F>
ScalarKernel FieldKernel(SV type_name, F fn) {
  return [type_name, fn](std::span<const ColumnVector* const> args, const Rows& rows,
                         ColumnVector& out) {
    FieldCache cache;
    return Binary<SV, T>(args, rows, out, [&](SV name, const T& v) -> decltype(fn(DateField{}, v)) {
      ASSIGN_OR_RETURN(DateField f, cache.Get(name, type_name));
      return fn(f, v);
    });
  };
}

void RegisterTimestampOps(FunctionRegistry& reg, TypeId ts) {
  Type t(ts);
  Def(reg, "+", {ts, kIv}, t,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int64_t, Interval>(args, rows, out, TimestampPlusInterval);
      });
  Def(reg, "+", {kIv, ts}, t,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<Interval, int64_t>(args, rows, out, [](const Interval& i, int64_t a) {
          return TimestampPlusInterval(a, i);
        });
      });
  Def(reg, "-", {ts, kIv}, t,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int64_t, Interval>(args, rows, out, TimestampMinusInterval);
      });
  Def(reg, "-", {ts, ts}, Type::Interval(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int64_t, int64_t>(args, rows, out, TimestampDiff);
      });
  bool tz = ts == kTz;
  SV type_name = tz ? "timestamp with time zone" : "timestamp without time zone";
  Def(reg, "date_trunc", {kText, ts}, t,
      FieldKernel<int64_t>(type_name,
                           [tz](DateField f, int64_t v) { return TruncTimestamp(f, v, tz); }));
  Def(reg, "extract", {kText, ts}, Type::Numeric(),
      FieldKernel<int64_t>(type_name,
                           [tz](DateField f, int64_t v) { return ExtractTimestamp(f, v, tz); }));
  Def(reg, "date_part", {kText, ts}, Type::Float64(),
      FieldKernel<int64_t>(type_name, [tz](DateField f, int64_t v) -> Result<double> {
        ASSIGN_OR_RETURN(Decimal d, ExtractTimestamp(f, v, tz));
        return d.ToDouble();
      }));
}

}  // namespace

void RegisterDateTimeFunctions(FunctionRegistry& reg) {
  Type date = Type::Date();
  Def(reg, "+", {kDate, kInt}, date,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, int32_t>(args, rows, out,
                                        [](int32_t d, int32_t n) { return DatePlusDays(d, n); });
      });
  Def(reg, "+", {kInt, kDate}, date,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, int32_t>(args, rows, out,
                                        [](int32_t n, int32_t d) { return DatePlusDays(d, n); });
      });
  Def(reg, "-", {kDate, kInt}, date,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, int32_t>(
            args, rows, out, [](int32_t d, int32_t n) { return DatePlusDays(d, -int64_t{n}); });
      });
  Def(reg, "-", {kDate, kDate}, Type::Int32(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, int32_t>(
            args, rows, out, [](int32_t a, int32_t b) -> Result<int32_t> {
              if (!IsFiniteDate(a) || !IsFiniteDate(b)) {
                return SqlError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite dates");
              }
              return a - b;
            });
      });
  Def(reg, "+", {kDate, kIv}, Type::Timestamp(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, Interval>(args, rows, out, [](int32_t d, const Interval& i) {
          return TimestampPlusInterval(DateToTimestamp(d), i);
        });
      });
  Def(reg, "-", {kDate, kIv}, Type::Timestamp(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<int32_t, Interval>(args, rows, out, [](int32_t d, const Interval& i) {
          return TimestampMinusInterval(DateToTimestamp(d), i);
        });
      });
  RegisterTimestampOps(reg, kTs);
  RegisterTimestampOps(reg, kTz);
  Type iv = Type::Interval();
  Def(reg, "+", {kIv, kIv}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<Interval, Interval>(args, rows, out, IntervalAdd);
      });
  Def(reg, "-", {kIv, kIv}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<Interval, Interval>(args, rows, out, IntervalSub);
      });
  Def(reg, "-", {kIv}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<Interval>(args, rows, out, IntervalNegate);
      });
  Def(reg, "*", {kIv, kF8}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<Interval, double>(args, rows, out, IntervalMultiply);
      });
  Def(reg, "*", {kF8, kIv}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<double, Interval>(
            args, rows, out, [](double f, const Interval& i) { return IntervalMultiply(i, f); });
      });
  Def(reg, "/", {kIv, kF8}, iv,
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Binary<Interval, double>(args, rows, out, IntervalDivide);
      });
  Def(reg, "date_trunc", {kText, kIv}, iv,
      FieldKernel<Interval>("interval",
                            [](DateField f, const Interval& v) { return TruncInterval(f, v); }));
  Def(reg, "extract", {kText, kIv}, Type::Numeric(),
      FieldKernel<Interval>("interval",
                            [](DateField f, const Interval& v) { return ExtractInterval(f, v); }));
  Def(reg, "date_part", {kText, kIv}, Type::Float64(),
      FieldKernel<Interval>("interval", [](DateField f, const Interval& v) -> Result<double> {
        ASSIGN_OR_RETURN(Decimal d, ExtractInterval(f, v));
        return d.ToDouble();
      }));
  Def(reg, "extract", {kText, kDate}, Type::Numeric(),
      FieldKernel<int32_t>("date", [](DateField f, int32_t v) { return ExtractDate(f, v); }));
  Def(reg, "to_timestamp", {kF8}, Type::TimestampTz(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return Unary<double>(args, rows, out, TimestampFromEpochSeconds);
      });
}

}  // namespace oxbow::sql
