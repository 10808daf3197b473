#include "sql/aggregate/aggregate.h"

#include <cstring>
#include <map>

#include "absl/strings/str_join.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"

namespace oxbow::sql {
namespace {

using Args = std::span<const ColumnVector* const>;

// Save/Load encoding: fixed-width host-order integers and floats (a checkpoint is read back
// by the same build on the same machine), strings with a 4-byte length, values in their
// PostgreSQL text form with the type (which round-trips exactly: floats print their
// shortest round-trip digits, numeric keeps its scale).
template <typename T>
void Put(T v, std::string* out) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

Status BadState() { return absl::DataLossError("aggregate state: malformed checkpoint bytes"); }

template <typename T>
Status Get(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return BadState();
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return Status();
}

void PutString(std::string_view s, std::string* out) {
  Put(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}

Status GetString(std::string_view* in, std::string* s) {
  uint32_t n = 0;
  RETURN_IF_ERROR(Get(in, &n));
  if (n > in->size()) return BadState();
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return Status();
}

Status NegativeCount() {
  return SqlError(sqlstate::kInternalError, "aggregate retracted a row it never received");
}

class CountState final : public AggregateState {
 public:
  explicit CountState(bool star) : star_(star) {}
  Status Add(Args args, size_t row, int weight) override {
    if (star_ || args[0]->IsValid(row)) n_ += weight;
    return n_ < 0 ? NegativeCount() : Status();
  }
  Value Result() const override { return Value::Int64(n_); }
  void Save(std::string* out) const override { Put(n_, out); }
  Status Load(std::string_view* in) override { return Get(in, &n_); }

 private:
  bool star_;
  int64_t n_ = 0;
};

// Integer values of any width as int64.
int64_t IntAt(const ColumnVector& c, size_t row) {
  switch (c.type().id()) {
    case TypeId::kInt16:
      return c.Get<int16_t>(row);
    case TypeId::kInt32:
      return c.Get<int32_t>(row);
    default:
      return c.Get<int64_t>(row);
  }
}

double FloatAt(const ColumnVector& c, size_t row) {
  return c.type().id() == TypeId::kFloat32 ? c.Get<float>(row) : c.Get<double>(row);
}

// sum and avg over one numeric family, kept exactly: integers in 128 bits, numeric as
// Decimal, floats as double (retracting a float subtracts it, so float sums can drift by
// rounding as in any floating-point sum), intervals field by field.
class SumAvgState final : public AggregateState {
 public:
  SumAvgState(Type arg, Type ret, bool avg) : arg_(arg), ret_(ret), avg_(avg) {}

  Status Add(Args args, size_t row, int weight) override {
    const ColumnVector& c = *args[0];
    if (c.IsNull(row)) return Status();
    count_ += weight;
    if (count_ < 0) return NegativeCount();
    switch (arg_.id()) {
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64:
        int_sum_ += static_cast<int128>(IntAt(c, row)) * weight;
        break;
      case TypeId::kFloat32:
      case TypeId::kFloat64:
        float_sum_ += FloatAt(c, row) * weight;
        break;
      case TypeId::kNumeric: {
        Decimal d = c.Get<Decimal>(row);
        ASSIGN_OR_RETURN(dec_sum_, weight > 0 ? DecimalAdd(dec_sum_, d) : DecimalSub(dec_sum_, d));
        break;
      }
      case TypeId::kInterval: {
        const Interval& iv = c.Get<Interval>(row);
        ASSIGN_OR_RETURN(iv_sum_, weight > 0 ? IntervalAdd(iv_sum_, iv) : IntervalSub(iv_sum_, iv));
        break;
      }
      default:
        return SqlError(sqlstate::kInternalError, "sum of an unsupported type");
    }
    return Status();
  }

  Value Result() const override {
    if (count_ == 0) return Value::Null(ret_);
    switch (arg_.id()) {
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64: {
        Decimal sum{int_sum_, 0};
        if (avg_) return Value::Numeric(DecimalDiv(sum, Decimal::FromInt(count_)).value());
        if (ret_.id() == TypeId::kInt64) return Value::Int64(static_cast<int64_t>(int_sum_));
        return Value::Numeric(sum);
      }
      case TypeId::kFloat32:
        if (avg_) return Value::Float64(float_sum_ / count_);
        return Value::Float32(static_cast<float>(float_sum_));
      case TypeId::kFloat64:
        return Value::Float64(avg_ ? float_sum_ / count_ : float_sum_);
      case TypeId::kNumeric:
        if (avg_) return Value::Numeric(DecimalDiv(dec_sum_, Decimal::FromInt(count_)).value());
        return Value::Numeric(dec_sum_);
      case TypeId::kInterval:
        if (avg_)
          return Value::IntervalOf(IntervalDivide(iv_sum_, static_cast<double>(count_)).value());
        return Value::IntervalOf(iv_sum_);
      default:
        return Value::Null(ret_);
    }
  }
  void Save(std::string* out) const override {
    Put(count_, out);
    Put(int_sum_, out);
    Put(float_sum_, out);
    Put(dec_sum_.value, out);
    Put(dec_sum_.scale, out);
    Put(iv_sum_.months, out);
    Put(iv_sum_.days, out);
    Put(iv_sum_.micros, out);
  }
  Status Load(std::string_view* in) override {
    RETURN_IF_ERROR(Get(in, &count_));
    RETURN_IF_ERROR(Get(in, &int_sum_));
    RETURN_IF_ERROR(Get(in, &float_sum_));
    RETURN_IF_ERROR(Get(in, &dec_sum_.value));
    RETURN_IF_ERROR(Get(in, &dec_sum_.scale));
    RETURN_IF_ERROR(Get(in, &iv_sum_.months));
    RETURN_IF_ERROR(Get(in, &iv_sum_.days));
    return Get(in, &iv_sum_.micros);
  }

 private:
  Type arg_, ret_;
  bool avg_;
  int64_t count_ = 0;
  int128 int_sum_ = 0;
  double float_sum_ = 0;
  Decimal dec_sum_{};
  Interval iv_sum_{};
};

// A count per distinct value, in SQL order.
class ValueCounts {
 public:
  // Returns the value's count after the change.
  Result<int64_t> Add(const Value& v, int weight) {
    auto [it, inserted] = counts_.try_emplace(v, 0);
    it->second += weight;
    int64_t n = it->second;
    if (n < 0) return NegativeCount();
    if (n == 0) counts_.erase(it);
    return n;
  }
  const std::map<Value, int64_t, ValueLess>& counts() const { return counts_; }

  void Save(std::string* out) const {
    Put(static_cast<uint64_t>(counts_.size()), out);
    for (const auto& [v, n] : counts_) {
      Put(static_cast<uint8_t>(v.type().id()), out);
      Put(v.type().typmod(), out);
      PutString(v.ToString(), out);
      Put(n, out);
    }
  }
  Status Load(std::string_view* in) {
    uint64_t size = 0;
    RETURN_IF_ERROR(Get(in, &size));
    for (uint64_t i = 0; i < size; ++i) {
      uint8_t id = 0;
      int32_t typmod = 0;
      std::string text;
      int64_t n = 0;
      RETURN_IF_ERROR(Get(in, &id));
      RETURN_IF_ERROR(Get(in, &typmod));
      RETURN_IF_ERROR(GetString(in, &text));
      RETURN_IF_ERROR(Get(in, &n));
      if (id > static_cast<uint8_t>(TypeId::kJsonb)) return BadState();
      Result<Value> v = ParseValue(Type::FromTypmod(static_cast<TypeId>(id), typmod), text);
      if (!v.ok() || n <= 0) return BadState();
      counts_[*std::move(v)] = n;
    }
    return Status();
  }

 private:
  std::map<Value, int64_t, ValueLess> counts_;
};

class MinMaxState final : public AggregateState {
 public:
  MinMaxState(Type type, bool max) : type_(type), max_(max) {}
  Status Add(Args args, size_t row, int weight) override {
    if (args[0]->IsNull(row)) return Status();
    return values_.Add(args[0]->GetValue(row), weight).status();
  }
  Value Result() const override {
    const auto& m = values_.counts();
    if (m.empty()) return Value::Null(type_);
    return max_ ? m.rbegin()->first : m.begin()->first;
  }
  void Save(std::string* out) const override { values_.Save(out); }
  Status Load(std::string_view* in) override { return values_.Load(in); }

 private:
  Type type_;
  bool max_;
  ValueCounts values_;
};

// min/max over input that is never retracted (an append-only stream, a window of one): only
// the extreme value is kept, so its state and its checkpoint stay one value however many
// rows the group has. A retraction is a caller bug (XX000). Saved in ValueCounts' format
// (with at most one value), so a view's state moves between the two kinds unchanged.
class ExtremeState final : public AggregateState {
 public:
  ExtremeState(Type type, bool max) : type_(type), max_(max) {}
  Status Add(Args args, size_t row, int weight) override {
    if (args[0]->IsNull(row)) return Status();
    if (weight < 0) {
      return absl::InternalError(
          fmt::format("{}: a row was retracted from an append-only input", max_ ? "max" : "min"));
    }
    Value v = args[0]->GetValue(row);
    if (best_.is_null()) {
      best_ = std::move(v);
      return Status();
    }
    int c = CompareValues(v, best_);
    if (max_ ? c > 0 : c < 0) best_ = std::move(v);
    return Status();
  }
  Value Result() const override { return best_.is_null() ? Value::Null(type_) : best_; }
  void Save(std::string* out) const override {
    ValueCounts one;
    if (!best_.is_null()) one.Add(best_, 1).IgnoreError();
    one.Save(out);
  }
  Status Load(std::string_view* in) override {
    ValueCounts values;
    RETURN_IF_ERROR(values.Load(in));
    const auto& m = values.counts();
    best_ = m.empty() ? Value::Null(type_) : (max_ ? m.rbegin()->first : m.begin()->first);
    return Status();
  }

 private:
  Type type_;
  bool max_;
  Value best_ = Value::Null(Type::Unknown());
};

class BoolState final : public AggregateState {
 public:
  explicit BoolState(bool is_and) : and_(is_and) {}
  Status Add(Args args, size_t row, int weight) override {
    if (args[0]->IsNull(row)) return Status();
    (args[0]->Get<uint8_t>(row) ? trues_ : falses_) += weight;
    return trues_ < 0 || falses_ < 0 ? NegativeCount() : Status();
  }
  Value Result() const override {
    if (trues_ + falses_ == 0) return Value::Null(Type::Bool());
    return Value::Bool(and_ ? falses_ == 0 : trues_ > 0);
  }
  void Save(std::string* out) const override {
    Put(trues_, out);
    Put(falses_, out);
  }
  Status Load(std::string_view* in) override {
    RETURN_IF_ERROR(Get(in, &trues_));
    return Get(in, &falses_);
  }

 private:
  bool and_;
  int64_t trues_ = 0, falses_ = 0;
};

class StringAggState final : public AggregateState {
 public:
  Status Add(Args args, size_t row, int weight) override {
    if (args[0]->IsNull(row)) return Status();
    if (args[1]->IsValid(row)) delimiter_ = std::string(args[1]->Get<std::string_view>(row));
    return values_.Add(args[0]->GetValue(row), weight).status();
  }
  Value Result() const override {
    if (values_.counts().empty()) return Value::Null(Type::Text());
    std::string out;
    bool first = true;
    for (const auto& [v, n] : values_.counts()) {
      for (int64_t i = 0; i < n; ++i) {
        if (!first) out.append(delimiter_);
        out.append(v.string_value());
        first = false;
      }
    }
    return Value::Text(std::move(out));
  }
  void Save(std::string* out) const override {
    PutString(delimiter_, out);
    values_.Save(out);
  }
  Status Load(std::string_view* in) override {
    RETURN_IF_ERROR(GetString(in, &delimiter_));
    return values_.Load(in);
  }

 private:
  std::string delimiter_;
  ValueCounts values_;
};

// DISTINCT: the inner state sees a value when its count goes 0 → 1 and loses it on 1 → 0.
class DistinctState final : public AggregateState {
 public:
  explicit DistinctState(std::unique_ptr<AggregateState> inner) : inner_(std::move(inner)) {}
  Status Add(Args args, size_t row, int weight) override {
    if (args[0]->IsNull(row)) return Status();
    ASSIGN_OR_RETURN(int64_t n, values_.Add(args[0]->GetValue(row), weight));
    if ((weight > 0 && n == 1) || (weight < 0 && n == 0)) return inner_->Add(args, row, weight);
    return Status();
  }
  Value Result() const override { return inner_->Result(); }
  void Save(std::string* out) const override {
    values_.Save(out);
    inner_->Save(out);
  }
  Status Load(std::string_view* in) override {
    RETURN_IF_ERROR(values_.Load(in));
    return inner_->Load(in);
  }

 private:
  std::unique_ptr<AggregateState> inner_;
  ValueCounts values_;
};

std::unique_ptr<AggregateState> MakeBase(const AggregateFunction& f) {
  const std::string& n = f.name;
  if (n == "count") return std::make_unique<CountState>(f.arg_types.empty());
  if (n == "sum" || n == "avg") {
    return std::make_unique<SumAvgState>(f.arg_types[0], f.return_type, n == "avg");
  }
  if (n == "min" || n == "max") return std::make_unique<MinMaxState>(f.return_type, n == "max");
  if (n == "bool_and" || n == "bool_or") return std::make_unique<BoolState>(n == "bool_and");
  return std::make_unique<StringAggState>();
}

std::unique_ptr<AggregateState> MakeExtreme(const AggregateFunction& f) {
  return std::make_unique<ExtremeState>(f.return_type, f.name == "max");
}

std::unique_ptr<AggregateState> MakeState(const AggregateFunction& f) {
  std::unique_ptr<AggregateState> base = MakeBase(f);
  if (f.distinct && !f.arg_types.empty()) return std::make_unique<DistinctState>(std::move(base));
  return base;
}

Status NoSuchAggregate(std::string_view name, std::span<const Type> args) {
  std::vector<std::string> names;
  for (const Type& t : args) names.push_back(t.ToString());
  return WithHint(
      SqlError(sqlstate::kUndefinedFunction,
               fmt::format("function {}({}) does not exist", name, absl::StrJoin(names, ", "))),
      "No function matches the given name and argument types. You might need to "
      "add explicit type casts.");
}

}  // namespace

bool IsAggregateName(std::string_view name) {
  for (std::string_view n :
       {"count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "string_agg"}) {
    if (n == name) return true;
  }
  return false;
}

Result<AggregateFunction> ResolveAggregate(std::string_view name, std::span<const Type> args,
                                           bool distinct) {
  AggregateFunction f;
  f.name = std::string(name == "every" ? "bool_and" : name);
  f.distinct = distinct;
  f.make_state = MakeState;
  auto arg = [&](size_t i) {
    return args[i].id() == TypeId::kUnknown ? Type::Text() : args[i].WithoutTypmod();
  };
  if (f.name == "count" && args.size() <= 1) {
    if (args.size() == 1) f.arg_types = {arg(0)};
    f.return_type = Type::Int64();
    return f;
  }
  if ((f.name == "sum" || f.name == "avg") && args.size() == 1) {
    Type t = args[0].WithoutTypmod();
    f.arg_types = {t};
    bool avg = f.name == "avg";
    switch (t.id()) {
      case TypeId::kInt16:
      case TypeId::kInt32:
        f.return_type = avg ? Type::Numeric() : Type::Int64();
        return f;
      case TypeId::kInt64:
      case TypeId::kNumeric:
        f.return_type = Type::Numeric();
        return f;
      case TypeId::kFloat32:
        f.return_type = avg ? Type::Float64() : Type::Float32();
        return f;
      case TypeId::kFloat64:
        f.return_type = Type::Float64();
        return f;
      case TypeId::kInterval:
        f.return_type = Type::Interval();
        return f;
      default:
        break;
    }
  }
  if ((f.name == "min" || f.name == "max") && args.size() == 1 && args[0].id() != TypeId::kBool &&
      args[0].id() != TypeId::kJsonb) {
    Type t = arg(0);
    if (t.id() == TypeId::kVarchar) t = Type::Text();
    f.arg_types = {t};
    f.return_type = t;
    return f;
  }
  if ((f.name == "bool_and" || f.name == "bool_or") && args.size() == 1 &&
      (args[0].id() == TypeId::kBool || args[0].id() == TypeId::kUnknown)) {
    f.arg_types = {Type::Bool()};
    f.return_type = Type::Bool();
    return f;
  }
  if (f.name == "string_agg" && args.size() == 2 && args[0].is_string_like() &&
      args[1].is_string_like()) {
    f.arg_types = {Type::Text(), Type::Text()};
    f.return_type = Type::Text();
    return f;
  }
  return NoSuchAggregate(name, args);
}

AggregateFunction ForAppendOnlyInput(AggregateFunction f) {
  if ((f.name == "min" || f.name == "max") && !f.distinct) f.make_state = MakeExtreme;
  return f;
}

}  // namespace oxbow::sql
