// The BPF program and the reference evaluator decide alike: random policies
// (overlapping ranges, masks, negative and 64-bit constants, every operator
// and action, traced rules) against random calls (junk in the upper half of
// 32-bit arguments, values next to the policy's constants). Reproduce a
// failure with SYD_TEST_SEED=<the seed printed>.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <linux/audit.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <random>

#include "src/compile/bpf.h"
#include "src/lang/loader.h"
#include "src/policy/resolve.h"
#include "src/testing/seed.h"

namespace syd {
namespace {

class PolicyGen {
 public:
  explicit PolicyGen(uint64_t seed) : rng_(seed) {}

  uint64_t U64() { return rng_(); }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Int(0, static_cast<int>(v.size()) - 1)];
  }

  uint64_t Constant() {
    switch (Int(0, 7)) {
      case 0:
        return Int(0, 16);
      case 1:
        return static_cast<uint64_t>(-Int(1, 3));  // -1, -2, -3
      case 2:
        return 1ull << Int(0, 63);
      case 3:
        return 0xffffffffull + Int(-1, 1);
      case 4:
        return 0xffffffff00000000ull | Int(0, 3);
      case 5:
        return U64();
      case 6:
        return static_cast<uint32_t>(U64());
      default:
        return 0x80000000ull + Int(-1, 1);
    }
  }

  // A rule as text; the resolver may refuse it (a constant too wide for an
  // int argument), and then the caller draws another.
  std::string Rule(const std::vector<std::string>& syscalls, bool errno_only,
                   int index) {
    std::string text;
    int nsys = Int(1, 2);
    std::string set;
    for (int i = 0; i < nsys; ++i) set += (i ? "," : "") + Pick(syscalls);
    static const char* kOps[] = {"=", "!=", ">", ">=", "<", "<=", "&", "!&"};
    std::string tests;
    for (int i = Int(0, 3); i > 0; --i) {
      uint64_t c = Constant();
      constants_.push_back(c);
      tests += ":arg" + std::to_string(Int(0, 2)) + kOps[Int(0, 7)] +
               std::to_string(c);
    }
    if (errno_only)
      return "sys/fault+" + set + tests +
             ":error=" + std::to_string(100 + index);
    switch (Int(0, 8)) {
      case 0:
        return "sys/allow+" + set + tests;
      case 1:
        return "sys/fault+" + set + tests +
               ":error=" + std::to_string(Int(1, 4095));
      case 2:
        return "sys/kill_process+" + set + tests;
      case 3:
        return "sys/kill_thread+" + set + tests;
      case 4:
        return "sys/trap+" + set + tests +
               ":error=" + std::to_string(Int(0, 4095));
      case 5:
        return "sys/log+" + set + tests;
      case 6:
        return "sys/trace+" + set + tests + ":log=2";  // traced, no string test
      case 7:
        return "sys/trace+%file_wr" + tests + ":fault=EPERM";
      default:
        return "sys/trace+openat" + tests + ":arg_=~\"^/tmp\":allow";
    }
  }

  std::vector<uint64_t> constants_;

 private:
  std::mt19937_64 rng_;
};

std::optional<Policy> Build(const std::string& text) {
  Diagnostics d;
  RuleSet rules = Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d);
  if (d.has_errors()) return std::nullopt;
  return Policy(std::move(rules));
}

// A policy of up to `n` rules; rules the resolver refuses are left out.
Policy RandomPolicy(PolicyGen& g, const std::vector<std::string>& syscalls,
                    int n, bool errno_only, std::string* text) {
  static const char* kDefaults[] = {
      "allow", "kill_process", "fault:error=99",      "log",
      "trap",  "kill_thread",  "fault:error=13:log=2"};
  *text =
      errno_only ? "" : std::string("default/") + kDefaults[g.Int(0, 6)] + "\n";
  if (errno_only) *text = "default/fault:error=99\n";
  for (int i = 0; i < n; ++i) {
    std::string rule = g.Rule(syscalls, errno_only, i);
    if (Build(*text + rule)) *text += rule + "\n";
  }
  if (errno_only) *text += "sys/allow+exit_group\n";
  return *Build(*text);
}

seccomp_data RandomCall(PolicyGen& g,
                        const std::vector<std::string>& syscalls) {
  seccomp_data d{};
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = FindSyscall(g.Pick(syscalls))->nr;
  for (int i = 0; i < 6; ++i) {
    uint64_t v = g.constants_.empty() || g.Int(0, 3) == 0
                     ? g.Constant()
                     : g.Pick(g.constants_);
    v += g.Int(-1, 1);
    if (g.Int(0, 1))
      v = (v & 0xffffffffull) | (g.U64() << 32);  // junk above an int
    d.args[i] = v;
  }
  return d;
}

Call EventOf(const seccomp_data& d) {
  Call e;
  e.nr = d.nr;
  for (int i = 0; i < 6; ++i) e.args[i] = d.args[i];
  return e;
}

TEST_CASE(
    "BPF in the interpreter equals the reference evaluator (100,000+ cases)") {
  const uint64_t seed = testing::TestSeed();
  INFO("SYD_TEST_SEED=" << seed);
  PolicyGen g(seed);
  const std::vector<std::string> names = {"write",  "mmap",  "openat",
                                          "fcntl",  "lseek", "openat2",
                                          "chroot", "setns"};
  std::vector<std::string> calls = names;
  calls.push_back("getpid");  // named by no rule
  int cases = 0;
  for (int p = 0; p < 250; ++p) {
    g.constants_.clear();
    std::string text;
    Policy policy = RandomPolicy(g, names, g.Int(1, 12), false, &text);
    absl::StatusOr<BpfProgram> prog = CompileBpf(policy);
    REQUIRE_MESSAGE(prog.ok(), prog.status().ToString());
    for (int c = 0; c < 420; ++c, ++cases) {
      seccomp_data d = RandomCall(g, calls);
      absl::StatusOr<uint32_t> got = RunBpf(*prog, d);
      REQUIRE(got.ok());
      uint32_t want = SeccompReturn(Evaluate(policy, EventOf(d)));
      if (*got != want) {
        FAIL("policy:\n"
             << text << "call " << FindSyscall(d.nr)->name << "(" << std::hex
             << d.args[0] << ", " << d.args[1] << ", " << d.args[2]
             << ")\nbpf: " << SeccompReturnText(*got)
             << "\nreference: " << SeccompReturnText(want) << "\n"
             << DisassembleBpf(*prog));
      }
    }
  }
  MESSAGE(cases << " cases agree");
  CHECK(cases >= 100000);
}

// Loads `prog` in a child and issues the calls; returns their errnos.
std::vector<int> KernelErrnos(const BpfProgram& prog,
                              const std::vector<seccomp_data>& calls) {
  size_t bytes = sizeof(int) * calls.size();
  void* shared = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(shared != MAP_FAILED);
  int* out = static_cast<int*>(shared);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    sock_fprog fprog{static_cast<unsigned short>(prog.size()),
                     const_cast<sock_filter*>(prog.data())};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(10);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
      _exit(11);
    for (size_t i = 0; i < calls.size(); ++i) {
      const seccomp_data& d = calls[i];
      long r = syscall(d.nr, d.args[0], d.args[1], d.args[2], d.args[3],
                       d.args[4], d.args[5]);
      out[i] = r == -1 ? errno : 0;
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "child status " << status);
  std::vector<int> result(out, out + calls.size());
  munmap(shared, bytes);
  return result;
}

TEST_CASE("the kernel agrees on a sample") {
  const uint64_t seed = testing::TestSeed();
  INFO("SYD_TEST_SEED=" << seed);
  PolicyGen g(seed);
  // Every verdict is an errno, so no call runs: any arguments are harmless.
  const std::vector<std::string> names = {"lseek", "fcntl", "openat", "pread64",
                                          "getpriority"};
  int cases = 0;
  for (int p = 0; p < 40; ++p) {
    g.constants_.clear();
    std::string text;
    Policy policy = RandomPolicy(g, names, g.Int(1, 10), true, &text);
    absl::StatusOr<BpfProgram> prog = CompileBpf(policy);
    REQUIRE(prog.ok());
    std::vector<seccomp_data> calls;
    for (int c = 0; c < 100; ++c) calls.push_back(RandomCall(g, names));
    std::vector<int> got = KernelErrnos(*prog, calls);
    for (size_t i = 0; i < calls.size(); ++i, ++cases) {
      uint32_t want = SeccompReturn(Evaluate(policy, EventOf(calls[i])));
      REQUIRE((want & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO);
      CHECK_MESSAGE(got[i] == static_cast<int>(want & SECCOMP_RET_DATA),
                    "policy:\n"
                        << text << "call " << FindSyscall(calls[i].nr)->name
                        << "(" << std::hex << calls[i].args[0] << ", "
                        << calls[i].args[1] << ", " << calls[i].args[2] << ")");
    }
  }
  MESSAGE(cases << " calls in the kernel agree");
}

}  // namespace
}  // namespace syd
