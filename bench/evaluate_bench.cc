// The tracer's decision cost: Evaluate() on a decoded openat against a
// chain of path rules (globs and regexes), and address matching.
// bazel run -c opt //bench:evaluate_bench
#include <benchmark/benchmark.h>
#include <fcntl.h>

#include "src/base/strcat.h"
#include "src/lang/loader.h"
#include "src/policy/policy.h"
#include "src/policy/resolve.h"

namespace syd {
namespace {

// `n` allow rules on distinct directories, half globs and half regexes,
// then a catch-all refusal: a path that matches none walks the whole chain.
Policy PathRules(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    if (i % 2) {
      StrAppend(&text, "sys/trace+openat:allow:arg_=*\"/srv/project", i,
                "/***\"\n");
    } else {
      StrAppend(&text, "sys/trace+openat:allow:arg_=~\"^/var/lib/pkg", i,
                "/[^/]+\\.o$\"\n");
    }
  }
  text += "sys/trace+openat:fault=EPERM\n";
  Diagnostics d;
  return Policy(Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d));
}

Call Open(const std::string& path) {
  Call e;
  e.nr = FindSyscall("openat")->nr;
  e.args = {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_WRONLY | O_CREAT, 0644};
  e.decoded = true;
  e.strings[1] = path;
  return e;
}

void BM_EvaluatePathChain(benchmark::State& state) {
  Policy p = PathRules(static_cast<int>(state.range(0)));
  // Matches nothing: the worst case, every rule tried.
  Call miss = Open("/home/user/build/src/main.o");
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(p, miss));
}
BENCHMARK(BM_EvaluatePathChain)->Arg(10)->Arg(100)->Arg(1000);

// Without the path index: every rule tried in turn, as before it existed.
void BM_EvaluatePathChainRuleByRule(benchmark::State& state) {
  Policy indexed = PathRules(static_cast<int>(state.range(0)));
  Policy p(RuleSet{.rules = indexed.rules(),
                   .default_verdict = indexed.default_verdict()},
           SIZE_MAX);
  Call miss = Open("/home/user/build/src/main.o");
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(p, miss));
}
BENCHMARK(BM_EvaluatePathChainRuleByRule)->Arg(10)->Arg(100)->Arg(1000);

// The last rule of the chain matches: every block is matched once, and the
// last one walked.
void BM_EvaluatePathChainLateHit(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Policy p = PathRules(n);
  Call hit = Open(StrCat("/srv/project", n - 1, "/include/x.h"));
  if (Evaluate(p, hit).verdict.kind != Verdict::Kind::kAllow)
    state.SkipWithError("the last rule did not match");
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(p, hit));
}
BENCHMARK(BM_EvaluatePathChainLateHit)->Arg(100)->Arg(1000);

void BM_EvaluatePathChainEarlyHit(benchmark::State& state) {
  Policy p = PathRules(static_cast<int>(state.range(0)));
  Call hit = Open("/srv/project1/include/x.h");
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(p, hit));
}
BENCHMARK(BM_EvaluatePathChainEarlyHit)->Arg(1000);

void BM_EvaluateAddress(benchmark::State& state) {
  Diagnostics d;
  Policy p(Resolve(
      LoadInputs({{PolicyInput::Kind::kFile, "profiles/paludis.syd"}}, d), d,
      Variables{{{"WORKDIR", "/w"}, {"IMAGE", "/i"}}, false}));
  Call e;
  e.nr = FindSyscall("bind")->nr;
  e.decoded = true;
  SocketAddress a;
  a.family = AddressFamily::kInet;
  a.ip = {127, 0, 0, 1};
  a.port = 8080;
  e.addresses[1] = a;
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(p, e));
}
BENCHMARK(BM_EvaluateAddress);

}  // namespace
}  // namespace syd
