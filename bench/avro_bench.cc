// Avro decode and encode throughput on the issue's "simple record" (Google Benchmark):
//   {id: long, name: string (~10 chars), amount: double, active: boolean,
//    ts: long timestamp-millis}
// BM_DecodeSimple decodes 1000 distinct encoded records into one reused AvroValue (the
// steady state of a consumer); BM_DecodeEvolved reads them with a reader schema that reorders
// fields, promotes one, drops one and adds a defaulted one; BM_HandRolled is a loop written
// for exactly this schema, as the upper reference on the same machine.
#include <cstring>
#include <string>
#include <vector>

#include "base/varint.h"
#include "benchmark/benchmark.h"
#include "format/avro_decoder.h"
#include "format/avro_encoder.h"
#include "registry/avro_parser.h"

namespace oxbow::format {
namespace {

constexpr const char* kSimpleSchema = R"({"type": "record", "name": "Simple", "fields": [
  {"name": "id", "type": "long"},
  {"name": "name", "type": "string"},
  {"name": "amount", "type": "double"},
  {"name": "active", "type": "boolean"},
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}]})";

constexpr const char* kEvolvedSchema = R"({"type": "record", "name": "Simple", "fields": [
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "id", "type": "double"},
  {"name": "name", "type": "string"},
  {"name": "region", "type": "string", "default": "eu"},
  {"name": "amount", "type": "double"}]})";

constexpr int kRecords = 1000;

registry::AvroSchema Parse(const char* text) { return *registry::ParseAvroSchema(text); }

std::vector<std::string> EncodedRecords() {
  registry::AvroSchema schema = Parse(kSimpleSchema);
  std::vector<std::string> out;
  for (int i = 0; i < kRecords; ++i) {
    AvroValue v = AvroValue::Record({
        AvroValue::Long(1000000 + i * 7919),
        AvroValue::String("customer" + std::to_string(i % 100)),
        AvroValue::Double(i * 1.25),
        AvroValue::Boolean(i % 3 == 0),
        AvroValue::Long(1700000000000 + i * 1000),
    });
    ByteBuffer buf;
    if (!EncodeAvro(v, schema, &buf).ok()) std::abort();
    out.emplace_back(reinterpret_cast<const char*>(buf.data()), buf.size());
  }
  return out;
}

void RunDecode(benchmark::State& state, const AvroDecoder& decoder) {
  std::vector<std::string> records = EncodedRecords();
  AvroValue value;
  for (auto _ : state) {
    for (const std::string& r : records) {
      Status s = decoder.Decode(AsBytes(r), &value);
      if (!s.ok()) [[unlikely]]
        state.SkipWithError(s.ToString().c_str());
      benchmark::DoNotOptimize(value);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}

void BM_DecodeSimple(benchmark::State& state) {
  registry::AvroSchema schema = Parse(kSimpleSchema);
  RunDecode(state, *AvroDecoder::Compile(schema));
}
BENCHMARK(BM_DecodeSimple);

void BM_DecodeEvolved(benchmark::State& state) {
  registry::AvroSchema writer = Parse(kSimpleSchema);
  registry::AvroSchema reader = Parse(kEvolvedSchema);
  RunDecode(state, *AvroDecoder::Compile(writer, reader));
}
BENCHMARK(BM_DecodeEvolved);

void BM_EncodeSimple(benchmark::State& state) {
  registry::AvroSchema schema = Parse(kSimpleSchema);
  std::vector<std::string> records = EncodedRecords();
  AvroDecoder decoder = *AvroDecoder::Compile(schema);
  std::vector<AvroValue> values(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    if (!decoder.Decode(AsBytes(records[i]), &values[i]).ok()) std::abort();
  }
  ByteBuffer buf(64);
  for (auto _ : state) {
    for (const AvroValue& v : values) {
      buf.clear();
      if (!EncodeAvro(v, schema, &buf).ok()) [[unlikely]]
        state.SkipWithError("encode");
      benchmark::DoNotOptimize(buf.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_EncodeSimple);

// The reference: a decoder for this one schema, with bounds checks, into a plain struct.
struct Simple {
  int64_t id;
  std::string name;
  double amount;
  bool active;
  int64_t ts;
};

bool ReadLong(const uint8_t*& p, const uint8_t* end, int64_t* v) {
  uint64_t raw;
  size_t n = GetUvarint64(p, end, &raw);
  if (n == 0) return false;
  p += n;
  *v = ZigZagDecode64(raw);
  return true;
}

bool HandRolled(std::string_view data, Simple* out) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
  const uint8_t* end = p + data.size();
  int64_t len;
  if (!ReadLong(p, end, &out->id) || !ReadLong(p, end, &len) || len < 0 || len > end - p) {
    return false;
  }
  out->name.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
  p += len;
  if (end - p < 9) return false;
  std::memcpy(&out->amount, p, 8);
  out->active = p[8] != 0;
  p += 9;
  return ReadLong(p, end, &out->ts) && p == end;
}

void BM_HandRolled(benchmark::State& state) {
  std::vector<std::string> records = EncodedRecords();
  Simple s;
  for (auto _ : state) {
    for (const std::string& r : records) {
      if (!HandRolled(r, &s)) [[unlikely]]
        state.SkipWithError("decode");
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_HandRolled);

}  // namespace
}  // namespace oxbow::format

BENCHMARK_MAIN();
