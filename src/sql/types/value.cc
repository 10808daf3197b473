#include "sql/types/value.h"

#include <cmath>

#include "sql/types/array.h"
#include "sql/types/jsonb.h"
#include "sql/types/text_format.h"

namespace oxbow::sql {

std::string Value::ToString() const {
  std::string out;
  AppendValueText(out, *this);
  return out;
}

bool Value::operator==(const Value& other) const {
  return type_ == other.type_ && data_ == other.data_;
}

int CompareValues(const Value& a, const Value& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  switch (a.type().physical()) {
    case PhysicalType::kBool:
      return cmp(a.bool_value(), b.bool_value());
    case PhysicalType::kInt16:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return cmp(a.int_value(), b.int_value());
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64: {
      double x = a.double_value(), y = b.double_value();
      if (std::isnan(x)) return std::isnan(y) ? 0 : 1;
      if (std::isnan(y)) return -1;
      return cmp(x, y);
    }
    case PhysicalType::kDecimal:
      return DecimalCompare(a.decimal_value(), b.decimal_value());
    case PhysicalType::kInterval:
      return IntervalCompare(a.interval_value(), b.interval_value());
    case PhysicalType::kString:
      if (a.type().is_array()) return CompareArrays(a.type(), a.string_value(), b.string_value());
      return cmp(a.string_value().compare(b.string_value()), 0);
  }
  return 0;
}

void AppendValueText(std::string& out, const Value& v) {
  if (v.is_null()) return out.append("NULL"), void();
  switch (v.type().id()) {
    case TypeId::kBool:
      return AppendBool(out, v.bool_value());
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return fmt::format_to(std::back_inserter(out), "{}", v.int_value()), void();
    case TypeId::kFloat32:
      return AppendFloat32(out, static_cast<float>(v.double_value()));
    case TypeId::kFloat64:
      return AppendFloat64(out, v.double_value());
    case TypeId::kNumeric:
      return v.decimal_value().AppendTo(out);
    case TypeId::kDate:
      return AppendDate(out, static_cast<int32_t>(v.int_value()));
    case TypeId::kTimestamp:
      return AppendTimestamp(out, v.int_value(), false);
    case TypeId::kTimestampTz:
      return AppendTimestamp(out, v.int_value(), true);
    case TypeId::kInterval:
      return AppendInterval(out, v.interval_value());
    case TypeId::kBytea:
      return AppendBytea(out, v.string_value());
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJsonb:
      out.append(v.string_value());
      return;
    case TypeId::kArray:
      if (v.type().is_vector()) {
        // int2vector_out: the elements space-separated (`{1,2}` → `1 2`).
        std::string_view s = v.string_value();
        if (s.size() >= 2) s = s.substr(1, s.size() - 2);
        for (char c : s) out.push_back(c == ',' ? ' ' : c);
        return;
      }
      out.append(v.string_value());
      return;
  }
}

Result<Value> ParseValue(const Type& type, std::string_view text) {
  switch (type.id()) {
    case TypeId::kBool: {
      ASSIGN_OR_RETURN(bool b, ParseBool(text));
      return Value::Bool(b);
    }
    case TypeId::kInt16: {
      ASSIGN_OR_RETURN(int16_t v, ParseInt16(text));
      return Value::Int16(v);
    }
    case TypeId::kInt32: {
      ASSIGN_OR_RETURN(int32_t v, ParseInt32(text));
      return Value::Int32(v);
    }
    case TypeId::kInt64: {
      ASSIGN_OR_RETURN(int64_t v, ParseInt64(text));
      return Value::Int64(v);
    }
    case TypeId::kFloat32: {
      ASSIGN_OR_RETURN(float v, ParseFloat32(text));
      return Value::Float32(v);
    }
    case TypeId::kFloat64: {
      ASSIGN_OR_RETURN(double v, ParseFloat64(text));
      return Value::Float64(v);
    }
    case TypeId::kNumeric: {
      ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(text));
      if (type.has_typmod()) {
        ASSIGN_OR_RETURN(d, DecimalApplyTypmod(d, type.precision(), type.scale()));
      }
      return Value::Numeric(d, type);
    }
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(int32_t d, ParseDate(text));
      return Value::Date(d);
    }
    case TypeId::kTimestamp: {
      ASSIGN_OR_RETURN(int64_t t, ParseTimestamp(text, false));
      return Value::Timestamp(t);
    }
    case TypeId::kTimestampTz: {
      ASSIGN_OR_RETURN(int64_t t, ParseTimestamp(text, true));
      return Value::TimestampTz(t);
    }
    case TypeId::kInterval: {
      ASSIGN_OR_RETURN(Interval iv, ParseInterval(text));
      return Value::IntervalOf(iv);
    }
    case TypeId::kBytea: {
      ASSIGN_OR_RETURN(std::string b, ParseBytea(text));
      return Value::String(type, std::move(b));
    }
    case TypeId::kJsonb: {
      ASSIGN_OR_RETURN(std::string j, CanonicalJsonb(text));
      return Value::String(type, std::move(j));
    }
    case TypeId::kVarchar: {
      ASSIGN_OR_RETURN(std::string_view s, CheckVarcharInput(text, type));
      return Value::String(type, std::string(s));
    }
    case TypeId::kText:
    case TypeId::kUnknown:
      return Value::String(type, std::string(text));
    case TypeId::kArray: {
      std::string braced;
      if (type.is_vector()) {
        // int2vector_in: integers separated by spaces.
        braced.push_back('{');
        bool gap = false;
        for (char c : text) {
          if (c == ' ') {
            gap = braced.size() > 1;
            continue;
          }
          if (gap) braced.push_back(',');
          gap = false;
          braced.push_back(c);
        }
        braced.push_back('}');
        text = braced;
      }
      ASSIGN_OR_RETURN(std::vector<Value> elements, ParseArrayElements(type.element(), text));
      return Value::String(type, FormatArray(elements));
    }
  }
  return Value::Null(type);
}

}  // namespace oxbow::sql
