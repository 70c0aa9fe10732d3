#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/audit.h>

#include "src/compile/bpf.h"
#include "src/lang/loader.h"
#include "src/policy/resolve.h"

namespace syd {
namespace {

Policy Compile(const std::string& text) {
  Diagnostics d;
  std::vector<Statement> st = LoadInputs({{PolicyInput::Kind::kRule, text}}, d);
  RuleSet rules = Resolve(st, d);
  std::string errors;
  for (const Diagnostic& x : d.all()) errors += FormatDiagnostic(x);
  REQUIRE_MESSAGE(!d.has_errors(), errors);
  return Policy(std::move(rules));
}

seccomp_data Registers(const char* name, std::array<uint64_t, 6> args = {}) {
  seccomp_data data{};
  data.nr = FindSyscall(name)->nr;
  data.arch = AUDIT_ARCH_X86_64;
  for (int i = 0; i < 6; ++i) data.args[i] = args[i];
  return data;
}

// Runs the BPF and checks that the reference evaluator agrees.
uint32_t Decide(const Policy& p, const seccomp_data& data) {
  absl::StatusOr<BpfProgram> prog = CompileBpf(p);
  REQUIRE(prog.ok());
  absl::StatusOr<uint32_t> ret = RunBpf(*prog, data);
  REQUIRE(ret.ok());
  Call e;
  e.abi = data.arch == AUDIT_ARCH_X86_64 ? Abi::kX86_64 : Abi::kI386;
  if (data.nr & 0x40000000) e.abi = Abi::kX32;
  e.nr = data.nr;
  for (int i = 0; i < 6; ++i) e.args[i] = data.args[i];
  CHECK_MESSAGE(SeccompReturn(Evaluate(p, e)) == *ret, SeccompReturnText(*ret));
  return *ret;
}

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kKill = SECCOMP_RET_KILL_PROCESS;

TEST_CASE("first match wins across overlapping tests of one argument") {
  Policy p = Compile(
      "sys/fault+write:arg0>10:arg0<20:error=EPERM\n"
      "sys/allow+write:arg0>5\n"
      "sys/fault+write:arg0=3:error=EACCES\n"
      "default/kill_process\n");
  CHECK(Decide(p, Registers("write", {15})) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(Decide(p, Registers("write", {25})) == kAllow);
  CHECK(Decide(p, Registers("write", {7})) == kAllow);
  CHECK(Decide(p, Registers("write", {3})) == (SECCOMP_RET_ERRNO | EACCES));
  CHECK(Decide(p, Registers("write", {1})) == kKill);
  CHECK(Decide(p, Registers("read")) == kKill);
}

TEST_CASE("i386 and x32 calls are killed even under default/allow") {
  Policy p = Compile("sys/fault+write:error=EPERM\ndefault/allow\n");
  seccomp_data i386 = Registers("write");
  i386.arch = AUDIT_ARCH_I386;
  CHECK(Decide(p, i386) == kKill);
  seccomp_data x32 = Registers("write");
  x32.nr |= 0x40000000;
  CHECK(Decide(p, x32) == kKill);
  CHECK(Decide(p, Registers("read")) == kAllow);
}

TEST_CASE("Kafel 32bit_args: an int argument compares on its low 32 bits") {
  Policy p = Compile(
      "sys/allow+fcntl:arg0=0x1234\nsys/allow+exit\ndefault/kill_process\n");
  CHECK(Decide(p, Registers("fcntl", {0x000001234, F_GETFD})) == kAllow);
  CHECK(Decide(p, Registers("fcntl", {0x100001234, F_GETFD})) == kAllow);
  CHECK(Decide(p, Registers("fcntl", {0x000001235, F_GETFD})) == kKill);
  CHECK(Decide(p, Registers("fcntl", {0x100001235, F_GETFD})) == kKill);
  // Kafel compares all 64 bits for a 64-bit constant; syd rejects the rule
  // (src/policy/resolve_test.cc) since no int is 0x100001234.
}

TEST_CASE("minijail's `arg in MASK` as !&~MASK") {
  Policy p = Compile(
      "sys/allow+mmap:arg2!&~(PROT_READ|PROT_WRITE)\ndefault/kill_process\n");
  for (uint64_t prot : {0ull, 1ull, 2ull, 3ull, 0x100000003ull}) {
    CHECK(Decide(p, Registers("mmap", {0, 4096, prot})) == kAllow);
  }
  for (uint64_t prot : {4ull, 5ull, 7ull, 0x8ull}) {
    CHECK(Decide(p, Registers("mmap", {0, 4096, prot})) == kKill);
  }
}

TEST_CASE("libseccomp 12-sim-basic_masked_ops, masked equality as & and !&") {
  // (arg1 & M) == D is "&b" for each bit b of D and "!&(M & ~D)".
  Policy p = Compile(
      "sys/allow+mmap:arg0=0:arg1&1:arg1!&0xfe:arg2=2\n"  // &0xff == 1
      "sys/allow+mmap:arg0=0:arg1&1:arg1&2:arg1&8:arg1!&0xfff4:arg2=2\n"  // &0xffff
                                                                          // ==
                                                                          // 11
      "sys/"
      "allow+mmap:arg0=0:arg1&1:arg1&2:arg1&4:arg1&8:arg1&32:arg1&64:arg1!&"
      "0xff90:arg2=2\n"
      "sys/allow+mmap:arg0=0:arg1&0x100:arg1&0x200:arg1!&0xfc00:arg2=2\n"  // &0xff00
                                                                           // ==
                                                                           // 0x300
      "sys/allow+mmap:arg0=0:arg1&8:arg1&32:arg1&64:arg1&128:arg1&256:arg1&512:"
      "arg1!&0xfc17:arg2=2\n"  // &0xffff == 1000
      "default/kill_process\n");
  auto at = [&](uint64_t arg1) {
    return Decide(p, Registers("mmap", {0, arg1, 2}));
  };
  for (uint64_t v : {1ull, 0x101ull, 11ull, 0x1000Bull, 111ull, 0x1006Full,
                     1000ull, 0x300ull, 0x3ffull, 0x10300ull, 0x103ffull,
                     0xF00003E8ull, 0x800003E8ull, 0x1800003E8ull,
                     0x1000003E8ull, 0xF000003E8ull, 0xFFFFFFFFFFFF03E8ull}) {
    CHECK_MESSAGE(at(v) == kAllow, v);
  }
  for (uint64_t v : {2ull, 0xAull, 0xCull, 0x6Eull, 0x70ull, 0x100ull, 0x102ull,
                     0x200ull, 0x10002ull, 0x1000Aull, 0x1000Cull, 0x1006Eull,
                     0x2FFull, 0x400ull, 0x402ull, 0x4FFull}) {
    CHECK_MESSAGE(at(v) == kKill, v);
  }
}

TEST_CASE("libseccomp 49-sim-64b_comparisons: 64-bit < on a 64-bit argument") {
  Policy p =
      Compile("sys/allow+mmap:arg0<0x123456789abc\ndefault/kill_process\n");
  for (uint64_t v : {0x0ull, 0x123000000000ull, 0x1230f0000000ull,
                     0x123400000000ull, 0x123450000000ull}) {
    CHECK(Decide(p, Registers("mmap", {v})) == kAllow);
  }
  for (uint64_t v : {0x123460000000ull, 0x1234f0000000ull, 0x123500000000ull,
                     0x1235f0000000ull, 0x123600000000ull}) {
    CHECK(Decide(p, Registers("mmap", {v})) == kKill);
  }
}

TEST_CASE("%file_wr keeps read-only opens in the kernel") {
  Policy p = Compile(
      "sys/trace+%file_wr:arg_=~\"^/tmp/\":allow\n"
      "sys/trace+%file_wr:fault=EPERM\n");
  CHECK(Decide(p, Registers("openat", {static_cast<uint64_t>(AT_FDCWD), 0,
                                       O_RDONLY})) == kAllow);
  CHECK(Decide(p, Registers("openat", {static_cast<uint64_t>(AT_FDCWD), 0,
                                       O_RDONLY | O_CLOEXEC})) == kAllow);
  CHECK(Decide(p, Registers("openat", {static_cast<uint64_t>(AT_FDCWD), 0,
                                       O_WRONLY})) == (SECCOMP_RET_TRACE | 0));
  CHECK(Decide(p, Registers("openat", {static_cast<uint64_t>(AT_FDCWD), 0,
                                       O_RDWR | O_CREAT})) ==
        (SECCOMP_RET_TRACE | 0));
  CHECK(Decide(p, Registers("newfstatat")) == kAllow);
  CHECK(Decide(p, Registers("unlinkat")) == (SECCOMP_RET_TRACE | 0));
  // openat2's flags are in memory: the tracer decides.
  CHECK(Decide(p, Registers("openat2")) == (SECCOMP_RET_TRACE | 0));
  CHECK_FALSE(p.KernelDecides(FindSyscall("openat2")->nr,
                              p.chain(FindSyscall("openat2")->nr)[0]));
  CHECK(p.NeedsTracer());
}

TEST_CASE("register tests before a traced rule stay in the kernel") {
  Policy p = Compile(
      "sys/allow+openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\n"
      "sys/fault+openat:arg2&O_TRUNC:error=EACCES\n"
      "sys/trace+openat:arg_=~\"^/tmp/\":allow\n"
      "sys/fault+openat:error=EPERM\n");
  CHECK(Decide(p, Registers("openat", {0, 0, O_RDONLY})) == kAllow);
  CHECK(Decide(p, Registers("openat", {0, 0, O_WRONLY | O_TRUNC})) ==
        (SECCOMP_RET_ERRNO | EACCES));
  CHECK(Decide(p, Registers("openat", {0, 0, O_WRONLY})) ==
        (SECCOMP_RET_TRACE | 2));
}

TEST_CASE("the user-notify program decides as the traced one, to a listener") {
  Policy p = Compile(
      "sys/allow+openat:arg2!&O_WRONLY|O_RDWR|O_CREAT\n"
      "sys/fault+openat:arg2&O_TRUNC:error=EACCES\n"
      "sys/trace+openat:arg_=~\"^/tmp/\":allow\n"
      "sys/trace+bind:allow:arg_@~\"LOOPBACK@0\"\n"
      "sys/trap+getppid:error=7\ndefault/fault:error=ENOSYS\n");
  absl::StatusOr<BpfProgram> traced = CompileBpf(p);
  REQUIRE(traced.ok());
  const BpfProgram notify = TraceToUserNotif(*traced);
  REQUIRE(notify.size() == traced->size());
  int retargeted = 0;
  for (size_t i = 0; i < notify.size(); ++i) {
    const uint32_t was = (*traced)[i].k;
    if ((*traced)[i].code == (BPF_RET | BPF_K) &&
        (was & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE) {
      CHECK(notify[i].k == SECCOMP_RET_USER_NOTIF);
      ++retargeted;
    } else {
      CHECK(notify[i].code == (*traced)[i].code);
      CHECK(notify[i].k == was);
    }
  }
  CHECK(retargeted >= 2);  // openat's and bind's
  for (const seccomp_data& call :
       {Registers("openat", {0, 0, O_RDONLY}),
        Registers("openat", {0, 0, O_WRONLY}),
        Registers("openat", {0, 0, O_WRONLY | O_TRUNC}), Registers("bind"),
        Registers("getppid"), Registers("getpid")}) {
    const uint32_t t = *RunBpf(*traced, call);
    const uint32_t n = *RunBpf(notify, call);
    if ((t & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE) {
      CHECK(n == SECCOMP_RET_USER_NOTIF);
    } else {
      CHECK(n == t);
    }
  }
}

TEST_CASE("every action lowers to its seccomp return") {
  Policy p = Compile(
      "sys/kill_thread+getpid\nsys/trap+getppid:error=7\nsys/log+gettid\n"
      "sys/fault+getuid:error=EPERM\nsys/kill_process+getgid\ndefault/"
      "fault:error=ENOSYS\n");
  CHECK(Decide(p, Registers("getpid")) == SECCOMP_RET_KILL_THREAD);
  CHECK(Decide(p, Registers("getppid")) == (SECCOMP_RET_TRAP | 7));
  CHECK(Decide(p, Registers("gettid")) == SECCOMP_RET_LOG);
  CHECK(Decide(p, Registers("getuid")) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(Decide(p, Registers("getgid")) == kKill);
  CHECK(Decide(p, Registers("read")) == (SECCOMP_RET_ERRNO | ENOSYS));
}

TEST_CASE(
    "new syscalls libseccomp 2.5.4 does not know are filtered by number") {
  Policy p = Compile("sys/fault+fchmodat2,mseal,openat2:error=EPERM\n");
  CHECK(Decide(p, Registers("fchmodat2")) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(Decide(p, Registers("mseal")) == (SECCOMP_RET_ERRNO | EPERM));
}

TEST_CASE("long chains need wide jumps and still decide right") {
  std::string text;
  for (int i = 0; i < 600; ++i)
    text += "sys/fault+write:arg0=" + std::to_string(i) +
            ":error=" + std::to_string(i % 4000 + 1) + "\n";
  Policy p = Compile(text);
  for (int i : {0, 1, 299, 599}) {
    CHECK(Decide(p, Registers("write", {static_cast<uint64_t>(i)})) ==
          (SECCOMP_RET_ERRNO | static_cast<uint32_t>(i % 4000 + 1)));
  }
  CHECK(Decide(p, Registers("write", {600})) == kAllow);
}

TEST_CASE("a filter over the kernel's limit is refused with the count") {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "sys/fault+write:arg0=" + std::to_string(i) + "\n";
  Diagnostics d;
  RuleSet rules = Resolve(LoadInputs({{PolicyInput::Kind::kRule, text}}, d), d);
  absl::StatusOr<BpfProgram> prog = CompileBpf(Policy(std::move(rules)));
  REQUIRE_FALSE(prog.ok());
  CHECK(std::string(prog.status().message()).find("takes at most 4096") !=
        std::string::npos);
}

TEST_CASE("the worst path grows with the log of the syscalls named") {
  std::string some, many;
  int n = 0;
  for (const SyscallInfo& s : AllSyscalls()) {
    if (s.name == "exit" || s.name == "exit_group") continue;
    std::string rule = "sys/fault+" + std::string(s.name) + ":error=EPERM\n";
    if (n < 8) some += rule;
    many += rule;
    ++n;
  }
  BpfStats small = AnalyzeBpf(*CompileBpf(Compile(some)), 8);
  BpfStats large = AnalyzeBpf(*CompileBpf(Compile(many)), n);
  MESSAGE("8 syscalls: worst path " << small.worst_path << "; " << n
                                    << " syscalls: " << large.worst_path
                                    << " of " << large.instructions);
  CHECK(large.worst_path <= small.worst_path + 16);
}

TEST_CASE("the interpreter rejects programs the kernel would") {
  seccomp_data d{};
  CHECK_FALSE(RunBpf({}, d).ok());
  CHECK_FALSE(RunBpf({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 200)}, d).ok());
  CHECK_FALSE(
      RunBpf({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)}, d).ok());  // no return
  CHECK_FALSE(RunBpf({BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 5),
                      BPF_STMT(BPF_RET | BPF_K, 0)},
                     d)
                  .ok());
  CHECK(*RunBpf({BPF_STMT(BPF_RET | BPF_K, 7)}, d) == 7u);
}

}  // namespace
}  // namespace syd
