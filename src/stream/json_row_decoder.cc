#include "stream/json_row_decoder.h"

#include <limits>

#include "simdjson.h"
#include "sql/types/datetime.h"

namespace oxbow::stream {

namespace od = simdjson::ondemand;
using sql::Type;
using sql::TypeId;
using sql::Value;

struct JsonRowDecoder::Impl {
  od::parser parser;
  std::string buffer;  // the record copied with simdjson's padding
};

namespace {

constexpr int64_t kUnixToPgEpochMs = 946684800000;  // 1970-01-01 → 2000-01-01

Status TypeError(const SourceColumn& c, std::string_view got) {
  std::string shown(got.substr(0, 64));
  return absl::InvalidArgumentError(
      fmt::format("column \"{}\": expected {}, got {}", c.name, c.type.ToString(), shown));
}

// PostgreSQL's text input for the column, its errors naming the column (numeric overflow,
// varchar too long, bad dates).
// A text input error of column `c`, named (what a record's letter in the DLQ says).
Status ColumnInputError(const SourceColumn& c, const Status& parse) {
  return absl::InvalidArgumentError(fmt::format("column \"{}\": {}", c.name, parse.message()));
}

Result<Value> ParseFor(const SourceColumn& c, std::string_view text) {
  Result<Value> parsed = sql::ParseValue(c.type, text);
  if (parsed.ok()) return parsed;
  return ColumnInputError(c, parsed.status());
}

Result<Value> FromInt(const SourceColumn& c, int64_t v, std::string_view token) {
  auto ranged = [&](int64_t lo, int64_t hi) -> bool { return v >= lo && v <= hi; };
  switch (c.type.id()) {
    case TypeId::kInt16:
      if (!ranged(INT16_MIN, INT16_MAX)) break;
      return Value::Int16(static_cast<int16_t>(v));
    case TypeId::kInt32:
      if (!ranged(INT32_MIN, INT32_MAX)) break;
      return Value::Int32(static_cast<int32_t>(v));
    case TypeId::kInt64:
      return Value::Int64(v);
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      // "-0" is an integer to the parser; the float keeps its sign (what to_json writes).
      double d = (v == 0 && token.starts_with('-')) ? -0.0 : static_cast<double>(v);
      if (c.type.id() == TypeId::kFloat32) return Value::Float32(static_cast<float>(d));
      return Value::Float64(d);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t micros;
      if (__builtin_sub_overflow(v, kUnixToPgEpochMs, &micros) ||
          __builtin_mul_overflow(micros, int64_t{1000}, &micros)) {
        break;
      }
      return c.type.id() == TypeId::kTimestamp ? Value::Timestamp(micros)
                                               : Value::TimestampTz(micros);
    }
    case TypeId::kNumeric:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJsonb:
      return ParseFor(c, token);
    default:
      break;
  }
  return TypeError(c, token);
}

Result<Value> Convert(const SourceColumn& c, od::value& v) {
  od::json_type type;
  if (v.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
  if (type == od::json_type::string && c.type.id() != TypeId::kJsonb) {
    // The common case first, without the raw token (a string's errors do not show it).
    std::string_view s;
    if (v.get_string().get(s)) return absl::InvalidArgumentError("malformed JSON string");
    if (c.type.id() == TypeId::kText) return Value::Text(std::string(s));
    return ParseFor(c, s);
  }
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\t' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  switch (type) {
    case od::json_type::null:
      return Value::Null(c.type);
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return absl::InvalidArgumentError("malformed JSON");
      if (c.type.id() == TypeId::kBool) return Value::Bool(b);
      if (c.type.is_string_like() || c.type.id() == TypeId::kJsonb) {
        return ParseFor(c, b ? "true" : "false");
      }
      return TypeError(c, token);
    }
    case od::json_type::number: {
      od::number_type kind;
      if (v.get_number_type().get(kind)) return absl::InvalidArgumentError("malformed JSON number");
      if (kind == od::number_type::signed_integer) {
        int64_t i;
        if (v.get_int64().get(i)) return absl::InvalidArgumentError("malformed JSON number");
        return FromInt(c, i, token);
      }
      switch (c.type.id()) {
        case TypeId::kNumeric:
        case TypeId::kText:
        case TypeId::kVarchar:
        case TypeId::kJsonb:
          return ParseFor(c, token);
        case TypeId::kFloat32:
        case TypeId::kFloat64: {
          double d;
          if (v.get_double().get(d)) return TypeError(c, token);
          if (c.type.id() == TypeId::kFloat32) return Value::Float32(static_cast<float>(d));
          return Value::Float64(d);
        }
        default:
          return TypeError(c, token);
      }
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return absl::InvalidArgumentError("malformed JSON string");
      if (c.type.id() == TypeId::kText) return Value::Text(std::string(s));
      if (c.type.id() == TypeId::kJsonb) return ParseFor(c, token);
      return ParseFor(c, s);
    }
    case od::json_type::object:
    case od::json_type::array: {
      std::string_view json;
      if (simdjson::to_json_string(v).get(json)) {
        return absl::InvalidArgumentError("malformed JSON");
      }
      if (c.type.id() == TypeId::kJsonb || c.type.is_string_like()) {
        return ParseFor(c, json);
      }
      return TypeError(c, json);
    }
  }
  return TypeError(c, token);
}

// Convert's answer written into row `row` of `col`, without a Value for the common cases.
Status SetCell(const SourceColumn& c, od::value& v, sql::ColumnVector& col, size_t row) {
  od::json_type type;
  if (v.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
  const TypeId id = c.type.id();
  if (type == od::json_type::string && id == TypeId::kText) {
    std::string_view s;
    if (v.get_string().get(s)) return absl::InvalidArgumentError("malformed JSON string");
    col.SetString(row, s);
    return Status();
  }
  // Event times: ParseFor's answer (and error) without a Value in between.
  if (type == od::json_type::string && (id == TypeId::kTimestamp || id == TypeId::kTimestampTz)) {
    std::string_view s;
    if (v.get_string().get(s)) return absl::InvalidArgumentError("malformed JSON string");
    Result<int64_t> micros = sql::ParseTimestamp(s, id == TypeId::kTimestampTz);
    if (!micros.ok()) return ColumnInputError(c, micros.status());
    col.Set<int64_t>(row, *micros);
    return Status();
  }
  // Other integer widths and number kinds keep Convert's range checks and "-0" rule.
  if (type == od::json_type::number && id == TypeId::kInt64) {
    od::number_type kind;
    if (v.get_number_type().get(kind)) return absl::InvalidArgumentError("malformed JSON number");
    if (kind == od::number_type::signed_integer) {
      int64_t i;
      if (v.get_int64().get(i)) return absl::InvalidArgumentError("malformed JSON number");
      col.Set<int64_t>(row, i);
      return Status();
    }
  }
  if (type == od::json_type::null) {
    col.SetNull(row);
    return Status();
  }
  ASSIGN_OR_RETURN(Value value, Convert(c, v));
  col.SetValue(row, value);
  return Status();
}

}  // namespace

JsonRowDecoder::JsonRowDecoder(std::vector<SourceColumn> columns)
    : columns_(std::move(columns)), impl_(std::make_unique<Impl>()) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    const std::string& name = columns_[i].name;
    by_name_[name] = static_cast<int>(i);
    plain_name_.push_back(name.find_first_of("\"\\") == std::string::npos);
  }
}

JsonRowDecoder::~JsonRowDecoder() = default;

// Parses `json` as an object and calls fn(column, value) for each member naming a column, in
// the object's order (a member given twice: twice, so the last wins).
template <typename F>
Status JsonRowDecoder::VisitMembers(std::string_view json, F&& fn) {
  std::string& buf = impl_->buffer;
  buf.assign(json);
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  if (impl_->parser.iterate(buf.data(), json.size(), buf.size()).get(doc)) {
    return absl::InvalidArgumentError("malformed JSON");
  }
  od::json_type type;
  if (doc.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
  if (type != od::json_type::object) {
    return absl::InvalidArgumentError("value is not a JSON object");
  }
  od::object obj;
  if (doc.get_object().get(obj)) return absl::InvalidArgumentError("malformed JSON");
  // Producers write their members in the same order record after record: the column after
  // the previous member's is tried before the hash lookup.
  size_t expected = 0;
  for (auto member : obj) {
    od::field field;
    if (std::move(member).get(field)) return absl::InvalidArgumentError("malformed JSON");
    int col;
    if (expected < columns_.size() && plain_name_[expected] &&
        field.key().unsafe_is_equal(columns_[expected].name)) {
      col = static_cast<int>(expected);
    } else {
      std::string_view key;
      if (field.unescaped_key().get(key)) return absl::InvalidArgumentError("malformed JSON");
      auto it = by_name_.find(absl::string_view(key.data(), key.size()));
      if (it == by_name_.end()) continue;
      col = it->second;
    }
    expected = static_cast<size_t>(col) + 1;
    RETURN_IF_ERROR(fn(col, field.value()));
  }
  return Status();
}

Status JsonRowDecoder::DecodeObject(std::string_view json, std::vector<Value>& row,
                                    std::vector<bool>& filled, bool overwrite) {
  return VisitMembers(json, [&](int col, od::value& v) -> Status {
    if (filled[col] && !overwrite) return Status();
    ASSIGN_OR_RETURN(row[col], Convert(columns_[col], v));
    filled[col] = true;
    return Status();
  });
}

Status JsonRowDecoder::AppendObject(std::string_view json, sql::ChunkBuilder& builder) {
  const size_t row = builder.num_rows();
  for (size_t c = 0; c < columns_.size(); ++c) builder.column(c).AppendNull();
  Status s = VisitMembers(json, [&](int col, od::value& v) -> Status {
    if (!appended_.empty() && !appended_[col]) {
      // A column no reader uses: a JSON string is always a valid text or jsonb value, so
      // there is nothing to check or keep. Other values are converted as usual, so that a
      // record that does not fit the table's schema is rejected whichever columns are read.
      const TypeId id = columns_[col].type.id();
      od::json_type type;
      if ((id == TypeId::kText || id == TypeId::kJsonb) && !v.type().get(type) &&
          type == od::json_type::string) {
        return Status();
      }
    }
    return SetCell(columns_[col], v, builder.column(col), row);
  });
  if (!s.ok()) builder.DropPartialRow();
  return s;
}

Status JsonRowDecoder::DecodeScalar(std::string_view json, int col, std::vector<Value>& row) {
  // Wrap the scalar as a one-member array so that ondemand yields it as a value.
  std::string wrapped = fmt::format("[{}]", json);
  std::string& buf = impl_->buffer;
  buf.assign(wrapped);
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  od::array arr;
  if (impl_->parser.iterate(buf.data(), wrapped.size(), buf.size()).get(doc) ||
      doc.get_array().get(arr)) {
    return absl::InvalidArgumentError("malformed JSON key");
  }
  for (auto element : arr) {
    od::value v;
    if (element.get(v)) return absl::InvalidArgumentError("malformed JSON key");
    ASSIGN_OR_RETURN(row[col], Convert(columns_[col], v));
    return Status();
  }
  return absl::InvalidArgumentError("malformed JSON key");
}

}  // namespace oxbow::stream
