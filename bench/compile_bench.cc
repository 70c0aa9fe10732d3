// Lowering throughput and filter shape.
// bazel run -c opt //bench:compile_bench
#include <benchmark/benchmark.h>

#include "src/base/strcat.h"
#include "src/compile/bpf.h"
#include "src/lang/loader.h"
#include "src/policy/resolve.h"

namespace syd {
namespace {

// `n` arithmetic rules spread over the first `syscalls` syscalls.
std::string Rules(int n, int syscalls) {
  std::string out;
  auto all = AllSyscalls();
  for (int i = 0; i < n; ++i) {
    const SyscallInfo& s = all[i % syscalls];
    if (s.nargs == 0) {
      StrAppend(&out, "sys/fault+", s.name, ":error=EPERM\n");
    } else {
      StrAppend(&out, "sys/fault+", s.name, ":arg0=", i, ":error=EPERM\n");
    }
  }
  return out;
}

Policy Load(const std::string& text) {
  Diagnostics d;
  return Policy(Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d));
}

// 10,000 rules make more than 4,096 instructions: this measures the whole
// lowering up to the refusal, which is what a user waits for.
void BM_Compile10kRules(benchmark::State& state) {
  Policy p = Load(Rules(10000, 300));
  for (auto _ : state) {
    absl::StatusOr<BpfProgram> prog = CompileBpf(p);
    benchmark::DoNotOptimize(prog);
  }
}
BENCHMARK(BM_Compile10kRules)->Unit(benchmark::kMillisecond);

void BM_ResolveAndCompile10kRules(benchmark::State& state) {
  std::string text = Rules(10000, 300);
  for (auto _ : state) {
    absl::StatusOr<BpfProgram> prog = CompileBpf(Load(text));
    benchmark::DoNotOptimize(prog);
  }
}
BENCHMARK(BM_ResolveAndCompile10kRules)->Unit(benchmark::kMillisecond);

// One rule per syscall for N syscalls: the worst-case path as N grows.
void BM_WorstPath(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  Policy p = Load(Rules(n, n));
  absl::StatusOr<BpfProgram> prog;
  for (auto _ : state) {
    prog = CompileBpf(p);
    benchmark::DoNotOptimize(prog);
  }
  BpfStats s = AnalyzeBpf(*prog, n);
  state.counters["instructions"] = static_cast<double>(s.instructions);
  state.counters["worst_path"] = static_cast<double>(s.worst_path);
}
BENCHMARK(BM_WorstPath)
    ->Arg(4)
    ->Arg(16)
    ->Arg(64)
    ->Arg(256)
    ->Arg(379)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace syd
