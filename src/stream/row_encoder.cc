#include "stream/row_encoder.h"

#include <cmath>

#include "sql/types/datetime.h"
#include "sql/types/jsonb.h"
#include "sql/types/text_format.h"

namespace oxbow::stream {

using sql::TypeId;

namespace {

// NaN and ±Infinity are not JSON numbers: PostgreSQL's to_json quotes them.
template <typename F>
void AppendJsonFloat(std::string& out, F v) {
  if (std::isnan(v)) return out.append("\"NaN\""), void();
  if (std::isinf(v)) return out.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\""), void();
  if constexpr (std::is_same_v<F, float>) {
    sql::AppendFloat32(out, v);
  } else {
    sql::AppendFloat64(out, v);
  }
}

// PostgreSQL's text output with its XSD (ISO 8601) changes, as its to_json makes them: 'T'
// between date and time, and the zone as "+00:00" rather than "+00".
void AppendJsonTimestamp(std::string& out, int64_t micros, bool with_time_zone) {
  out.push_back('"');
  const size_t start = out.size();
  sql::AppendTimestamp(out, micros, with_time_zone);
  if (sql::IsFiniteTimestamp(micros)) {
    size_t space = out.find(' ', start);
    out[space] = 'T';
    if (with_time_zone) out.insert(out.find("+00", space) + 3, ":00");
  }
  out.push_back('"');
}

void AppendQuotedText(std::string& out, auto append) {
  std::string text;
  append(text);
  sql::AppendJsonString(out, text);
}

// One non-NULL value given by its type and accessors (shared by Values and columns).
template <typename Cell>
void AppendJson(std::string& out, const sql::Type& type, const Cell& cell) {
  switch (type.id()) {
    case TypeId::kBool:
      out.append(cell.Bool() ? "true" : "false");
      return;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      fmt::format_to(std::back_inserter(out), "{}", cell.Int());
      return;
    case TypeId::kFloat32:
      AppendJsonFloat(out, static_cast<float>(cell.Double()));
      return;
    case TypeId::kFloat64:
      AppendJsonFloat(out, cell.Double());
      return;
    case TypeId::kNumeric:
      cell.Decimal().AppendTo(out);
      return;
    case TypeId::kBytea:
      AppendQuotedText(out, [&](std::string& t) { sql::AppendBytea(t, cell.String()); });
      return;
    case TypeId::kDate:
      AppendQuotedText(
          out, [&](std::string& t) { sql::AppendDate(t, static_cast<int32_t>(cell.Int())); });
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      AppendJsonTimestamp(out, cell.Int(), type.id() == TypeId::kTimestampTz);
      return;
    case TypeId::kInterval:
      AppendQuotedText(out, [&](std::string& t) { sql::AppendInterval(t, cell.Interval()); });
      return;
    case TypeId::kJsonb:
      out.append(cell.String());
      return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kUnknown:
    case TypeId::kArray:  // its PostgreSQL text form (views cannot output arrays yet)
      sql::AppendJsonString(out, cell.String());
      return;
  }
}

struct ValueCell {
  const sql::Value& v;
  bool Bool() const { return v.bool_value(); }
  int64_t Int() const { return v.int_value(); }
  double Double() const { return v.double_value(); }
  const sql::Decimal& Decimal() const { return v.decimal_value(); }
  const sql::Interval& Interval() const { return v.interval_value(); }
  std::string_view String() const { return v.string_value(); }
};

struct ColumnCell {
  const sql::ColumnVector& c;
  size_t row;
  bool Bool() const { return c.Get<uint8_t>(row) != 0; }
  int64_t Int() const {
    switch (c.type().physical()) {
      case sql::PhysicalType::kInt16:
        return c.Get<int16_t>(row);
      case sql::PhysicalType::kInt32:
        return c.Get<int32_t>(row);
      default:
        return c.Get<int64_t>(row);
    }
  }
  double Double() const {
    if (c.type().physical() == sql::PhysicalType::kFloat32) return c.Get<float>(row);
    return c.Get<double>(row);
  }
  const sql::Decimal& Decimal() const { return c.Get<sql::Decimal>(row); }
  const sql::Interval& Interval() const { return c.Get<sql::Interval>(row); }
  std::string_view String() const { return c.Get<std::string_view>(row); }
};

}  // namespace

void AppendJsonValue(std::string& out, const sql::Value& value) {
  if (value.is_null()) return out.append("null"), void();
  AppendJson(out, value.type(), ValueCell{value});
}

void AppendJsonCell(std::string& out, const sql::ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return out.append("null"), void();
  AppendJson(out, column.type(), ColumnCell{column, row});
}

RowJsonEncoder::RowJsonEncoder(std::vector<SourceColumn> columns) : columns_(std::move(columns)) {
  for (const SourceColumn& c : columns_) {
    std::string prefix;
    sql::AppendJsonString(prefix, c.name);
    prefix.push_back(':');
    member_prefixes_.push_back(std::move(prefix));
  }
}

void RowJsonEncoder::EncodeRow(std::span<const sql::Value> row, std::string* out) const {
  out->push_back('{');
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(member_prefixes_[i]);
    AppendJsonValue(*out, row[i]);
  }
  out->push_back('}');
}

void RowJsonEncoder::EncodeKey(std::span<const sql::Value> row, std::span<const int> key_columns,
                               std::string* out) const {
  out->push_back('{');
  for (size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(member_prefixes_[key_columns[i]]);
    AppendJsonValue(*out, row[key_columns[i]]);
  }
  out->push_back('}');
}

void RowJsonEncoder::EncodeRow(const sql::Chunk& chunk, size_t row, std::string* out) const {
  out->push_back('{');
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(member_prefixes_[i]);
    AppendJsonCell(*out, chunk.column(i), row);
  }
  out->push_back('}');
}

void RowJsonEncoder::EncodeKey(const sql::Chunk& chunk, size_t row,
                               std::span<const int> key_columns, std::string* out) const {
  out->push_back('{');
  for (size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(member_prefixes_[key_columns[i]]);
    AppendJsonCell(*out, chunk.column(key_columns[i]), row);
  }
  out->push_back('}');
}

}  // namespace oxbow::stream
