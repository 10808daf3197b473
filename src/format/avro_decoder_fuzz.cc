// libFuzzer target for the Avro binary decoder: record values arrive from any Kafka producer,
// so every byte sequence must decode or give a clear error, never crash or over-allocate.
//
// Input: one byte choosing a (writer, reader) schema pair from kPairs, then the datum.
// Properties checked on every input:
//   - decoding with the writer schema as reader fails only with DataLoss or
//     ResourceExhausted;
//   - what it decodes re-encodes, and the re-encoding decodes to the same bytes again;
//   - it converts to JSON, which dumps without throwing;
//   - the evolved reader reads whatever the writer schema reads (limits aside).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "format/avro_decoder.h"
#include "format/avro_encoder.h"
#include "format/avro_json.h"
#include "registry/avro_parser.h"

namespace oxbow::format {
namespace {

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

struct Pair {
  const char* writer;
  const char* reader;
};

constexpr Pair kPairs[] = {
    // 0: records, arrays, maps, a union, an enum; the reader drops, reorders and adds fields.
    {R"({"type": "record", "name": "Order", "fields": [
        {"name": "id", "type": "long"}, {"name": "ok", "type": "boolean"},
        {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line",
          "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}}},
        {"name": "tags", "type": {"type": "map", "values": "string"}},
        {"name": "note", "type": ["null", "string"]},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}},
        {"name": "price", "type": "double"}]})",
     R"({"type": "record", "name": "Order", "fields": [
        {"name": "price", "type": "double"},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["C", "A"],
                                  "default": "A"}},
        {"name": "note", "type": ["string", "null"]},
        {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line",
          "fields": [{"name": "qty", "type": "long"},
                     {"name": "extra", "type": "string", "default": "x"}]}}},
        {"name": "id", "type": "double"},
        {"name": "added", "type": {"type": "map", "values": "int"}, "default": {"a": 1}}]})"},
    // 1: every primitive, fixed, logical types, a union of named and unnamed types.
    {R"({"type": "record", "name": "All", "fields": [
        {"name": "n", "type": "null"}, {"name": "i", "type": "int"},
        {"name": "f", "type": "float"}, {"name": "by", "type": "bytes"},
        {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
        {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9,
                                 "scale": 2}},
        {"name": "u", "type": ["null", "int", "F4", {"type": "array", "items": "null"},
                               {"type": "map", "values": "F4"}]}]})",
     R"({"type": "record", "name": "All", "fields": [
        {"name": "u", "type": ["null", "long",
          {"type": "fixed", "name": "F4", "size": 4}, {"type": "array", "items": "null"},
          {"type": "map", "values": "F4"}]},
        {"name": "by", "type": "string"}, {"name": "f", "type": "double"}]})"},
    // 2: a recursive list.
    {R"({"type": "record", "name": "Node", "fields": [
        {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]})",
     R"({"type": "record", "name": "Node", "fields": [
        {"name": "v", "type": "float"}, {"name": "t", "type": "string", "default": ""},
        {"name": "next", "type": ["null", "Node"]}]})"},
    // 3: a bare union and a nested map; the reader is the plain type.
    {R"(["int", "long", {"type": "map", "values": {"type": "array", "items": "string"}}])",
     R"(["double", {"type": "map", "values": {"type": "array", "items": "bytes"}}])"},
};

struct Compiled {
  registry::AvroSchema writer;
  AvroDecoder same;
  AvroDecoder evolved;
};

const std::vector<Compiled>& AllPairs() {
  static const std::vector<Compiled>* pairs = [] {
    auto* out = new std::vector<Compiled>();
    for (const Pair& p : kPairs) {
      Result<registry::AvroSchema> w = registry::ParseAvroSchema(p.writer);
      Result<registry::AvroSchema> r = registry::ParseAvroSchema(p.reader);
      FUZZ_CHECK(w.ok() && r.ok(), p.writer);
      Result<AvroDecoder> same = AvroDecoder::Compile(*w);
      Result<AvroDecoder> evolved = AvroDecoder::Compile(*w, *r);
      FUZZ_CHECK(same.ok(), same.status().ToString().c_str());
      FUZZ_CHECK(evolved.ok(), evolved.status().ToString().c_str());
      out->push_back(Compiled{std::move(*w), *same, *evolved});
    }
    return out;
  }();
  return *pairs;
}

bool Expected(const Status& s) {
  return s.code() == absl::StatusCode::kDataLoss ||
         s.code() == absl::StatusCode::kResourceExhausted;
}

void Check(const Compiled& c, ByteView data) {
  AvroValue value;
  Status s = c.same.Decode(data, &value);
  if (!s.ok()) {
    FUZZ_CHECK(Expected(s), s.ToString().c_str());
    AvroValue evolved;
    Status e = c.evolved.Decode(data, &evolved);
    FUZZ_CHECK(e.ok() || Expected(e), e.ToString().c_str());
    return;
  }
  ByteBuffer once;
  Status enc = EncodeAvro(value, c.writer, &once);
  FUZZ_CHECK(enc.ok(), enc.ToString().c_str());
  AvroValue again;
  FUZZ_CHECK(c.same.Decode(once.view(), &again).ok(), "re-encoded data decodes");
  ByteBuffer twice;
  FUZZ_CHECK(EncodeAvro(again, c.writer, &twice).ok(), "second encoding");
  FUZZ_CHECK(
      std::equal(once.view().begin(), once.view().end(), twice.view().begin(), twice.view().end()),
      "encodings agree");

  Result<nlohmann::json> json = AvroValueToJson(value, c.writer);
  FUZZ_CHECK(json.ok(), json.status().ToString().c_str());
  std::string text = json->dump();
  FUZZ_CHECK(!text.empty(), "JSON dumps");

  AvroValue evolved;
  Status e = c.evolved.Decode(data, &evolved);
  FUZZ_CHECK(e.ok() || e.code() == absl::StatusCode::kResourceExhausted, e.ToString().c_str());
}

}  // namespace
}  // namespace oxbow::format

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow::format;
  if (size == 0) return 0;
  const auto& pairs = AllPairs();
  Check(pairs[data[0] % pairs.size()], oxbow::ByteView(data + 1, size - 1));
  return 0;
}
