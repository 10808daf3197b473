// Vectorized expression throughput: a filter and a projection over 1M-row chunks, as a
// stateless streaming view runs them. Figures in docs/benchmarks.md.
//   ninja -C build expr_bench && ./build/bench/expr_bench
#include <benchmark/benchmark.h>

#include <random>

#include "sql/chunk/chunk.h"
#include "sql/expr/evaluator.h"

namespace oxbow::sql {
namespace {

constexpr size_t kRows = 1'000'000;

Chunk MakeChunk() {
  std::mt19937_64 rng(42);
  ColumnVector id(Type::Int64()), amount(Type::Numeric()), price(Type::Float64()),
      category(Type::Text());
  const char* cats[] = {"apples", "bananas", "cherries", "apricots", "dates"};
  for (size_t i = 0; i < kRows; ++i) {
    id.Append<int64_t>(static_cast<int64_t>(i));
    amount.Append<Decimal>(Decimal{static_cast<int128>(rng() % 100000), 2});
    price.Append<double>(static_cast<double>(rng() % 10000) / 100);
    category.AppendString(cats[rng() % 5]);
  }
  std::vector<ColumnVector> cols;
  cols.push_back(std::move(id));
  cols.push_back(std::move(amount));
  cols.push_back(std::move(price));
  cols.push_back(std::move(category));
  return Chunk(std::move(cols), std::vector<RowOp>(kRows, RowOp::kInsert));
}

ExprPtr Col(int i, Type t) { return MakeColumnRef(i, t); }
ExprPtr Lit(std::string s) { return MakeConstant(Value::String(Type::Unknown(), std::move(s))); }

// WHERE price > 50 AND category LIKE 'a%'
ExprPtr Filter() {
  std::vector<ExprPtr> terms;
  terms.push_back(MakeOperator(">", Col(2, Type::Float64()), Lit("50")).value());
  terms.push_back(MakeLike(Col(3, Type::Text()), Lit("a%"), nullptr, false, false).value());
  return MakeAnd(std::move(terms)).value();
}

void BM_Filter(benchmark::State& state) {
  Chunk chunk = MakeChunk();
  ExprPtr pred = Filter();
  size_t kept = 0;
  for (auto _ : state) {
    SelectionVector sel = EvaluateFilter(*pred, chunk).value();
    kept = sel.size();
    benchmark::DoNotOptimize(sel.data());
  }
  state.counters["kept"] = static_cast<double>(kept);
  state.SetItemsProcessed(state.iterations() * kRows);
}

// SELECT id % 100, amount * 1.07, upper(category) ... WHERE <filter>
void BM_FilterProject(benchmark::State& state) {
  Chunk chunk = MakeChunk();
  ExprPtr pred = Filter();
  std::vector<ExprPtr> exprs;
  exprs.push_back(MakeOperator("%", Col(0, Type::Int64()), Lit("100")).value());
  exprs.push_back(MakeOperator("*", Col(1, Type::Numeric()), Lit("1.07")).value());
  std::vector<ExprPtr> args;
  args.push_back(Col(3, Type::Text()));
  exprs.push_back(MakeCall("upper", std::move(args)).value());
  for (auto _ : state) {
    SelectionVector sel = EvaluateFilter(*pred, chunk).value();
    Chunk filtered = chunk.Select(sel);
    std::vector<ColumnVector> out;
    for (const ExprPtr& e : exprs) out.push_back(Evaluate(*e, filtered).value());
    Chunk projected = filtered.WithColumns(std::move(out));
    benchmark::DoNotOptimize(projected.num_rows());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

// SELECT price * 2 + 1 (fixed-width arithmetic only).
void BM_Arithmetic(benchmark::State& state) {
  Chunk chunk = MakeChunk();
  ExprPtr e =
      MakeOperator("+", MakeOperator("*", Col(2, Type::Float64()), Lit("2")).value(), Lit("1"))
          .value();
  for (auto _ : state) {
    ColumnVector v = Evaluate(*e, chunk).value();
    benchmark::DoNotOptimize(v.data<double>());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

BENCHMARK(BM_Filter)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FilterProject)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Arithmetic)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace oxbow::sql

BENCHMARK_MAIN();
