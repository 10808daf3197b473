// libFuzzer target over the record decoders of every table format (records are untrusted
// bytes from producers).
//
// Input: byte 0 picks the decoder (bits 0-1: json, debezium_json, avro, avro with a reader
// schema; bit 2: keyed; bit 3: null value), byte 1 the key's length (0xff: null key), then
// the key, then the value. Avro writer schemas: id 1 a record of most types, id 2 "string",
// id 3 a record with nesting; other ids are unknown.
//
// Properties, for any bytes: Decode returns OK or an error other than Unavailable (the
// schema lookup never fails here), never crashes; every value it gives is NULL or of its
// column's physical type.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "base/logging.h"
#include "registry/avro_parser.h"
#include "stream/record_decoder.h"
#include "stream/schema_lookup.h"

namespace {

using oxbow::ByteView;
using oxbow::sql::Type;
using namespace oxbow::stream;

constexpr const char* kRecord = R"({"type": "record", "name": "R", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
  {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 2}},
  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "note", "type": ["null", "string"]},
  {"name": "tags", "type": {"type": "array", "items": "string"}},
  {"name": "dim", "type": {"type": "map", "values": "long"}}]})";
constexpr const char* kNested = R"({"type": "record", "name": "N", "fields": [
  {"name": "id", "type": "int"}, {"name": "flag", "type": "boolean"},
  {"name": "score", "type": "double"}, {"name": "blob", "type": {"type": "fixed", "name": "F", "size": 4}},
  {"name": "color", "type": {"type": "enum", "name": "C", "symbols": ["A", "B"]}},
  {"name": "inner", "type": ["null", {"type": "record", "name": "I", "fields": [
    {"name": "x", "type": "float"}, {"name": "ys", "type": {"type": "array", "items": "N"}}]}]}]})";
constexpr const char* kReader = R"({"type": "record", "name": "R", "fields": [
  {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
  {"name": "qty", "type": "int", "default": 1}]})";

std::shared_ptr<const oxbow::registry::AvroSchema> Parse(const char* text) {
  auto s = oxbow::registry::ParseAvroSchema(text);
  OXBOW_CHECK(s.ok(), "fuzz schema does not parse: {}", s.status());
  return std::make_shared<const oxbow::registry::AvroSchema>(std::move(*s));
}

class FixedSchemas final : public SchemaLookup {
 public:
  FixedSchemas() : schemas_{{1, Parse(kRecord)}, {2, Parse(R"("string")")}, {3, Parse(kNested)}} {}
  oxbow::Result<std::shared_ptr<const oxbow::registry::AvroSchema>> AvroSchemaById(
      int32_t id) override {
    auto it = schemas_.find(id);
    if (it == schemas_.end()) return absl::NotFoundError("unknown");
    return it->second;
  }

 private:
  std::map<int32_t, std::shared_ptr<const oxbow::registry::AvroSchema>> schemas_;
};

const std::vector<SourceColumn>& Columns() {
  static const auto* columns = new std::vector<SourceColumn>{
      {"id", Type::Int64()},      {"name", Type::Text()},      {"price", Type::Numeric()},
      {"day", Type::Date()},      {"at", Type::TimestampTz()}, {"note", Type::Varchar()},
      {"tags", Type::Jsonb()},    {"dim", Type::Text()},       {"flag", Type::Bool()},
      {"score", Type::Float32()}, {"blob", Type::Bytea()},     {"color", Type::Text()},
      {"inner", Type::Jsonb()},   {"qty", Type::Int16()}};
  return *columns;
}

RecordDecoder& Decoder(int which) {
  static FixedSchemas* schemas = new FixedSchemas();
  static std::unique_ptr<RecordDecoder>* decoders = [] {
    auto* d = new std::unique_ptr<RecordDecoder>[8];
    for (int i = 0; i < 8; ++i) {
      RecordDecoderOptions o;
      o.format = (i & 3) == 0   ? SourceFormat::kJson
                 : (i & 3) == 1 ? SourceFormat::kDebeziumJson
                                : SourceFormat::kAvro;
      o.columns = Columns();
      if (i & 4) o.key_columns = {0};
      o.schemas = schemas;
      if ((i & 3) == 3) o.avro_reader_schema = Parse(kReader);
      d[i] = MakeRecordDecoder(std::move(o));
    }
    return d;
  }();
  return *decoders[which];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int which = data[0] & 7;
  const bool null_value = (data[0] & 8) != 0;
  std::optional<ByteView> key;
  size_t pos = 2;
  if (data[1] != 0xff) {
    size_t len = std::min<size_t>(data[1], size - pos);
    key = ByteView(data + pos, len);
    pos += len;
  }
  std::optional<ByteView> value;
  if (!null_value) value = ByteView(data + pos, size - pos);
  DecodedRecord out;
  oxbow::Status s = Decoder(which).Decode(key, value, out);
  OXBOW_CHECK(s.code() != absl::StatusCode::kUnavailable, "decoder returned {}", s);
  if (!s.ok()) return 0;
  const auto& columns = Columns();
  OXBOW_CHECK(out.rows().size() <= DecodedRecord::kMaxRows, "too many rows");
  for (const DecodedRow& row : out.rows()) {
    OXBOW_CHECK(row.values.size() == columns.size(), "row of {} values", row.values.size());
    for (size_t i = 0; i < row.values.size(); ++i) {
      if (row.values[i].is_null()) continue;
      OXBOW_CHECK(row.values[i].type().physical() == columns[i].type.physical(),
                  "column {} got a value of type {}", columns[i].name,
                  row.values[i].type().ToString());
    }
  }
  return 0;
}
