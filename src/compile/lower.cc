// Policy to seccomp BPF. syd emits its own program rather than going
// through libseccomp: libseccomp orders the rules of one syscall its own way
// and refuses two tests of one argument in a rule, while first-match-wins
// needs each chain tested in order; it compares 64 bits where the kernel's
// int arguments are 32; and 2.5.4 does not know Linux 6.x syscalls. See
// docs/architecture.md.
//
// Layout:
//   arch check (anything but x86_64 is killed), x32 check (killed),
//   a binary search over the named syscall numbers,
//   one block per named syscall: its rules in order, each a run of tests
//   that falls through to the rule's return, or skips to the next rule;
//   the default return.
#include <linux/audit.h>
#include <stddef.h>

#include "src/base/strcat.h"
#include "src/compile/assembler.h"
#include "src/compile/bpf.h"

namespace syd {
namespace {

constexpr uint32_t kX32Bit = 0x40000000;

uint32_t ArgLow(int i) {
  return static_cast<uint32_t>(offsetof(seccomp_data, args) +
                               sizeof(uint64_t) * static_cast<size_t>(i));
}
uint32_t ArgHigh(int i) { return ArgLow(i) + 4; }

uint32_t KernelReturn(const Verdict& v) {
  switch (v.kind) {
    case Verdict::Kind::kAllow:
      return SECCOMP_RET_ALLOW;
    case Verdict::Kind::kErrno:
      return SECCOMP_RET_ERRNO | (v.value & SECCOMP_RET_DATA);
    case Verdict::Kind::kKillProcess:
      return SECCOMP_RET_KILL_PROCESS;
    case Verdict::Kind::kKillThread:
      return SECCOMP_RET_KILL_THREAD;
    case Verdict::Kind::kTrap:
      return SECCOMP_RET_TRAP | (v.value & SECCOMP_RET_DATA);
    case Verdict::Kind::kLog:
      return SECCOMP_RET_LOG;
    default:
      return SECCOMP_RET_KILL_PROCESS;  // never a kernel verdict
  }
}

class Lowering {
 public:
  explicit Lowering(const Policy& p) : p_(p) {}

  absl::StatusOr<BpfProgram> Run() {
    using L = Assembler::Label;
    L kill = a_.NewLabel(), x86 = a_.NewLabel(), native = a_.NewLabel();
    default_ = a_.NewLabel();
    a_.Load(offsetof(seccomp_data, arch));
    a_.JumpIf(BPF_JEQ, AUDIT_ARCH_X86_64, x86, kill);
    a_.Bind(x86);
    a_.Load(offsetof(seccomp_data, nr));
    a_.JumpIf(BPF_JSET, kX32Bit, kill, native);
    a_.Bind(native);
    const std::vector<int>& nrs = p_.dispatched_syscalls();
    std::vector<L> blocks;
    for (size_t i = 0; i < nrs.size(); ++i) blocks.push_back(a_.NewLabel());
    Dispatch(nrs, blocks, 0, nrs.size());
    for (size_t i = 0; i < nrs.size(); ++i) {
      a_.Bind(blocks[i]);
      Chain(nrs[i]);
    }
    a_.Bind(default_);
    a_.Ret(DefaultReturn(-1, 0));
    a_.Bind(kill);
    a_.Ret(SECCOMP_RET_KILL_PROCESS);
    absl::StatusOr<BpfProgram> prog = a_.Finish();
    if (prog.ok() && prog->size() > kMaxBpfInstructions) {
      return absl::ResourceExhaustedError(StrCat(
          "the filter has ", prog->size(),
          " instructions; the kernel takes at most ", kMaxBpfInstructions,
          ". Merge rules, or move tests on paths to fewer syscalls"));
    }
    return prog;
  }

 private:
  // A holds the syscall number. Binary search down to short runs of jeq.
  void Dispatch(const std::vector<int>& nrs,
                const std::vector<Assembler::Label>& blocks, size_t lo,
                size_t hi) {
    if (hi - lo <= 3) {
      for (size_t i = lo; i < hi; ++i) {
        Assembler::Label next = a_.NewLabel();
        a_.JumpIf(BPF_JEQ, static_cast<uint32_t>(nrs[i]), blocks[i], next);
        a_.Bind(next);
      }
      a_.Jump(default_);
      return;
    }
    size_t mid = lo + (hi - lo) / 2;
    Assembler::Label left = a_.NewLabel(), right = a_.NewLabel();
    a_.JumpIf(BPF_JGE, static_cast<uint32_t>(nrs[mid]), right, left);
    a_.Bind(left);
    Dispatch(nrs, blocks, lo, mid);
    a_.Bind(right);
    Dispatch(nrs, blocks, mid, hi);
  }

  // One test; falls through when it holds, goes to `fail` when not.
  void Test(int arg, int width, CmpOp op, uint64_t value,
            Assembler::Label fail) {
    Assembler::Label pass = a_.NewLabel();
    if (width == 32) {
      Test32(ArgLow(arg), op, static_cast<uint32_t>(value), pass, fail);
    } else {
      Test64(arg, op, value, pass, fail);
    }
    a_.Bind(pass);
  }

  void Test32(uint32_t offset, CmpOp op, uint32_t v, Assembler::Label t,
              Assembler::Label f) {
    if (op == CmpOp::kMaskAny && v == 0) return a_.Jump(f);
    if (op == CmpOp::kMaskNone && v == 0) return a_.Jump(t);
    a_.Load(offset);
    switch (op) {
      case CmpOp::kEq:
        return a_.JumpIf(BPF_JEQ, v, t, f);
      case CmpOp::kNe:
        return a_.JumpIf(BPF_JEQ, v, f, t);
      case CmpOp::kGt:
        return a_.JumpIf(BPF_JGT, v, t, f);
      case CmpOp::kGe:
        return a_.JumpIf(BPF_JGE, v, t, f);
      case CmpOp::kLt:
        return a_.JumpIf(BPF_JGE, v, f, t);
      case CmpOp::kLe:
        return a_.JumpIf(BPF_JGT, v, f, t);
      case CmpOp::kMaskAny:
        return a_.JumpIf(BPF_JSET, v, t, f);
      case CmpOp::kMaskNone:
        return a_.JumpIf(BPF_JSET, v, f, t);
      default:
        return a_.Jump(f);
    }
  }

  // 64-bit tests: the high words decide unless they are equal.
  void Test64(int arg, CmpOp op, uint64_t v, Assembler::Label t,
              Assembler::Label f) {
    const uint32_t hi = static_cast<uint32_t>(v >> 32),
                   lo = static_cast<uint32_t>(v);
    Assembler::Label low = a_.NewLabel();
    switch (op) {
      case CmpOp::kEq:
      case CmpOp::kNe: {
        bool eq = op == CmpOp::kEq;
        a_.Load(ArgHigh(arg));
        a_.JumpIf(BPF_JEQ, hi, low, eq ? f : t);
        a_.Bind(low);
        a_.Load(ArgLow(arg));
        a_.JumpIf(BPF_JEQ, lo, eq ? t : f, eq ? f : t);
        return;
      }
      case CmpOp::kGt:
      case CmpOp::kGe:
      case CmpOp::kLt:
      case CmpOp::kLe: {
        // x > v (or >=); < and <= are their negations.
        bool negate = op == CmpOp::kLt || op == CmpOp::kLe;
        bool strict = op == CmpOp::kGt || op == CmpOp::kLe;
        Assembler::Label yes = negate ? f : t, no = negate ? t : f;
        Assembler::Label high_equal = a_.NewLabel();
        a_.Load(ArgHigh(arg));
        a_.JumpIf(BPF_JGT, hi, yes, high_equal);
        a_.Bind(high_equal);
        a_.JumpIf(BPF_JEQ, hi, low, no);
        a_.Bind(low);
        a_.Load(ArgLow(arg));
        a_.JumpIf(strict ? BPF_JGT : BPF_JGE, lo, yes, no);
        return;
      }
      case CmpOp::kMaskAny:
      case CmpOp::kMaskNone: {
        bool any = op == CmpOp::kMaskAny;
        Assembler::Label set = any ? t : f, clear = any ? f : t;
        if (hi != 0) {
          a_.Load(ArgHigh(arg));
          a_.JumpIf(BPF_JSET, hi, set, low);
        }
        a_.Bind(low);
        if (lo == 0) return a_.Jump(clear);
        a_.Load(ArgLow(arg));
        a_.JumpIf(BPF_JSET, lo, set, clear);
        return;
      }
      default:
        a_.Jump(f);
        return;
    }
  }

  void Chain(int nr) {
    const SyscallInfo& s = *FindSyscall(nr);
    const std::vector<ChainEntry>& chain = p_.chain(nr);
    for (uint32_t pos = 0; pos < chain.size(); ++pos) {
      const ChainEntry& e = chain[pos];
      const Rule& r = p_.rules()[e.rule];
      Assembler::Label next = a_.NewLabel();
      bool tested = false;
      for (const Condition& c : r.conditions) {
        if (c.kind != Condition::Kind::kArith) continue;
        Test(c.arg, s.args[c.arg].width, c.op, c.value, next);
        tested = true;
      }
      if (const std::optional<Condition> g = GuardCondition(s, e.guard)) {
        Test(g->arg, s.args[g->arg].width, g->op, g->value, next);
        tested = true;
      }
      if (p_.KernelDecides(nr, e)) {
        a_.Ret(Kernel(nr, r.verdict, pos));
      } else {
        a_.Ret(SECCOMP_RET_TRACE | std::min<uint32_t>(pos, SECCOMP_RET_DATA));
      }
      a_.Bind(next);
      if (!tested)
        return;  // the rule takes every call: the rest is unreachable
    }
    // The shared default return says position 0; a chain's own end must
    // say its length when the position matters.
    if (p_.Watched(nr) || DefaultLogged()) {
      a_.Ret(DefaultReturn(nr, static_cast<uint32_t>(chain.size())));
    } else {
      a_.Jump(default_);
    }
  }

  bool DefaultLogged() const { return p_.default_verdict().log.Logs(); }

  // What a call no rule decides gets: the default, unless it is logged (the
  // tracer reports it) or the syscall is watched and would run.
  uint32_t DefaultReturn(int nr, uint32_t pos) {
    if (DefaultLogged()) {
      return SECCOMP_RET_TRACE | std::min<uint32_t>(pos, SECCOMP_RET_DATA);
    }
    return Kernel(nr, p_.default_verdict().verdict, pos);
  }

  // A kernel verdict, except that a watched syscall that would run stops
  // in the tracer (see Policy::Watched).
  uint32_t Kernel(int nr, const Verdict& v, uint32_t pos) {
    if (p_.StopsWatched(nr, v))
      return SECCOMP_RET_TRACE | std::min<uint32_t>(pos, SECCOMP_RET_DATA);
    return KernelReturn(v);
  }

  const Policy& p_;
  Assembler a_;
  Assembler::Label default_ = -1;
};

}  // namespace

absl::StatusOr<BpfProgram> CompileBpf(const Policy& policy) {
  return Lowering(policy).Run();
}

uint32_t SeccompReturn(const Decision& d) {
  if (d.trace)
    return SECCOMP_RET_TRACE |
           std::min<uint32_t>(d.chain_pos, SECCOMP_RET_DATA);
  return KernelReturn(d.verdict);
}

}  // namespace syd
