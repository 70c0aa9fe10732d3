// Front-end throughput: parse, resolve and lint a generated rule file.
// bazel run -c opt //bench:frontend_bench
#include <benchmark/benchmark.h>

#include "bench/rulegen.h"
#include "src/lang/parser.h"
#include "src/policy/resolve.h"

namespace syd {
namespace {

std::shared_ptr<SourceFile> Source(int n) {
  return std::make_shared<SourceFile>("bench.syd", bench::GenerateRules(n));
}

void BM_Parse(benchmark::State& state) {
  auto src = Source(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Diagnostics d;
    ParsedFile f = Parse(src, d);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Parse)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Resolve(benchmark::State& state) {
  auto src = Source(static_cast<int>(state.range(0)));
  Diagnostics d;
  ParsedFile f = Parse(src, d);
  for (auto _ : state) {
    Diagnostics rd;
    RuleSet r = Resolve(f.statements, rd);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Resolve)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Lint(benchmark::State& state) {
  auto src = Source(static_cast<int>(state.range(0)));
  Diagnostics d;
  ParsedFile f = Parse(src, d);
  RuleSet r = Resolve(f.statements, d);
  for (auto _ : state) {
    Diagnostics ld;
    Lint(r, ld);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Lint)->Arg(10000)->Unit(benchmark::kMillisecond);

// The figure the issue asks for: text to resolved rules.
void BM_ParseAndResolve(benchmark::State& state) {
  auto src = Source(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Diagnostics d;
    ParsedFile f = Parse(src, d);
    RuleSet r = Resolve(f.statements, d);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseAndResolve)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace syd
