// libFuzzer target over the JSON record decoder (records are untrusted bytes from producers).
//
// Properties, for any bytes: DecodeObject and DecodeScalar return OK or InvalidArgument
// (never another code, never a crash), and every value they fill is NULL or of its column's
// physical type; AppendObject answers as DecodeObject does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/logging.h"
#include "stream/json_row_decoder.h"

namespace {

using oxbow::sql::Type;
using oxbow::sql::Value;
using oxbow::stream::JsonRowDecoder;

JsonRowDecoder& Decoder() {
  static JsonRowDecoder* decoder = new JsonRowDecoder({
      {"b", Type::Bool()},
      {"i2", Type::Int16()},
      {"i4", Type::Int32()},
      {"i8", Type::Int64()},
      {"f4", Type::Float32()},
      {"f8", Type::Float64()},
      {"n", Type::Numeric()},
      {"t", Type::Text()},
      {"vc", Type::VarcharOf(3).value()},
      {"by", Type::Bytea()},
      {"d", Type::Date()},
      {"ts", Type::Timestamp()},
      {"tz", Type::TimestampTz()},
      {"iv", Type::Interval()},
      {"j", Type::Jsonb()},
  });
  return *decoder;
}

void CheckResult(const oxbow::Status& s, const std::vector<Value>& row) {
  OXBOW_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument, "decoder returned {}", s);
  if (!s.ok()) return;
  const auto& columns = Decoder().columns();
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].is_null()) continue;
    OXBOW_CHECK(row[i].type().physical() == columns[i].type.physical(),
                "column {} got a value of type {}", columns[i].name, row[i].type().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  JsonRowDecoder& decoder = Decoder();
  const size_t n = decoder.columns().size();
  std::vector<Value> row(n);
  std::vector<bool> filled(n, false);
  oxbow::Status decoded = decoder.DecodeObject(json, row, filled, /*overwrite=*/true);
  CheckResult(decoded, row);
  // The columnar path gives the same answer, and leaves no half row behind on error.
  std::vector<Type> types;
  for (const auto& c : decoder.columns()) types.push_back(c.type);
  oxbow::sql::ChunkBuilder builder(types);
  oxbow::Status appended = decoder.AppendObject(json, builder);
  OXBOW_CHECK(appended.ok() == decoded.ok(), "AppendObject: {}, DecodeObject: {}", appended,
              decoded);
  for (size_t i = 0; i < n; ++i) {
    const oxbow::sql::ColumnVector& column = builder.column(i);
    OXBOW_CHECK(column.size() == (appended.ok() ? 1u : 0u), "column {} has {} rows", i,
                column.size());
    if (!appended.ok()) continue;
    Value cell = column.GetValue(0);
    const bool same = cell.is_null() ? row[i].is_null() : !row[i].is_null() && cell == row[i];
    const bool both_nan = !cell.is_null() && !row[i].is_null() &&
                          (types[i].physical() == oxbow::sql::PhysicalType::kFloat32 ||
                           types[i].physical() == oxbow::sql::PhysicalType::kFloat64) &&
                          cell.double_value() != cell.double_value() &&
                          row[i].double_value() != row[i].double_value();
    OXBOW_CHECK(same || both_nan, "column {}: {} vs {}", i, cell.ToString(), row[i].ToString());
  }
  std::vector<Value> scalar(n);
  int col = size > 0 ? data[0] % static_cast<int>(n) : 0;
  CheckResult(decoder.DecodeScalar(json, col, scalar), scalar);
  return 0;
}
