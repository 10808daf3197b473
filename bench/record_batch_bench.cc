// Micro-benchmarks of the record batch codec and CRC-32C (Google Benchmark).
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "benchmark/benchmark.h"
#include "log/record_batch.h"
#include "log/record_batch_builder.h"

namespace oxbow::log {
namespace {

void BM_Crc32c(benchmark::State& state) {
  std::vector<uint8_t> buf(static_cast<size_t>(state.range(0)), 0xab);
  for (auto _ : state) benchmark::DoNotOptimize(crc32c::Value(buf));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(4096)->Arg(1 << 20);

ByteBuffer Batch(Compression codec, int records) {
  BatchOptions o;
  o.compression = codec;
  RecordBatchBuilder b(o);
  for (int i = 0; i < records; ++i) {
    std::string key = "user-" + std::to_string(i % 1000);
    std::string value = R"({"user_id":)" + std::to_string(i) +
                        R"(,"url":"https://example.com/page/)" + std::to_string(i % 97) +
                        R"(","ts":"2026-11-21T05:00:00Z"})";
    b.Add(TimestampMs(1700000000000 + i), AsBytes(key), AsBytes(value));
  }
  return *b.Build();
}

void BM_DecodeBatch(benchmark::State& state) {
  auto codec = static_cast<Compression>(state.range(0));
  ByteBuffer batch = Batch(codec, 1000);
  for (auto _ : state) {
    auto d = DecodeBatch(batch.view());
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetLabel(std::string(CompressionName(codec)));
}
BENCHMARK(BM_DecodeBatch)->DenseRange(0, 4);

void BM_BuildBatch(benchmark::State& state) {
  auto codec = static_cast<Compression>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(Batch(codec, 1000));
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetLabel(std::string(CompressionName(codec)));
}
BENCHMARK(BM_BuildBatch)->DenseRange(0, 4);

}  // namespace
}  // namespace oxbow::log

BENCHMARK_MAIN();
