// libFuzzer target over the JSON record decoder (records are untrusted bytes from producers).
//
// Properties, for any bytes: DecodeObject and DecodeScalar return OK or InvalidArgument
// (never another code, never a crash), and every value they fill is NULL or of its column's
// physical type.
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
  CheckResult(decoder.DecodeObject(json, row, filled, /*overwrite=*/true), row);
  std::vector<Value> scalar(n);
  int col = size > 0 ? data[0] % static_cast<int>(n) : 0;
  CheckResult(decoder.DecodeScalar(json, col, scalar), scalar);
  return 0;
}
