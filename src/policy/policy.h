// The policy: per syscall, the ordered chain of rules that may decide it,
// and the reference evaluator that defines what a policy means. The BPF
// program and the tracer must agree with Evaluate() on every call.
#ifndef SYD_POLICY_POLICY_H_
#define SYD_POLICY_POLICY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/lang/net_pattern.h"
#include "src/policy/rules.h"
#include "src/syscalls/syscalls.h"

namespace syd {

struct ChainEntry {
  uint32_t rule;  // index into Policy::rules
  SetGuard guard;
};

class PathIndex;

// Runs of at least this many consecutive path rules (arg_=~, arg_=*) are
// matched a block at a time (src/policy/path_index.h). Shorter runs are
// tried rule by rule: one Set match costs about what a few regexes cost.
inline constexpr size_t kIndexedRun = 16;

class Policy {
 public:
  // `indexed_run`: see kIndexedRun; SIZE_MAX tries every rule in turn.
  explicit Policy(RuleSet rules, size_t indexed_run = kIndexedRun);

  const std::vector<Rule>& rules() const { return rules_.rules; }
  const DefaultVerdict& default_verdict() const {
    return rules_.default_verdict;
  }
  // What rules added at run time may allow (runtime/allow+...).
  const std::vector<Rule>& envelope() const { return rules_.envelope; }
  const RuleSet& rule_set() const { return rules_; }
  // The rules that can decide x86_64 syscall `nr`, in order.
  const std::vector<ChainEntry>& chain(int nr) const;
  // Syscalls with a non-empty chain, ascending.
  const std::vector<int>& named_syscalls() const { return named_; }

  // Whether the kernel can decide every test of `e` for syscall `nr`, so
  // the rule never needs the tracer there.
  bool KernelDecides(int nr, const ChainEntry& e) const;
  // Whether any call at all may need the tracer.
  bool NeedsTracer() const { return needs_tracer_; }
  // Whether a rule tests the process name or command line (command=,
  // cmdline=), which the tracer then reads at each stop.
  bool TestsProcessNames() const { return tests_process_names_; }
  // Syscalls syd sees whenever they would run, whatever rule lets them:
  // those that change how paths resolve (chroot, pivot_root, setns) or the
  // identity file calls are checked as (setuid ... capset, umask, prctl,
  // landlock_restrict_self), when
  // the tracer runs, so that it can trust what it caches about a
  // process's root and identity; and execve and execveat where rules change at
  // run time (RuleSet::execs_stop), for lock:exec.
  bool Watched(int nr) const;
  // Whether a call of `nr` with verdict `v` stops in syd because it is
  // watched: `v` lets it run. The filter sends such calls to syd
  // (Evaluate's kernel view and the lowering). The one definition of it.
  bool StopsWatched(int nr, const Verdict& v) const {
    return Watched(nr) && Runs(v);
  }
  // Whether a call of `nr` with verdict `v` changes how paths resolve:
  // syd, having let one run, reads each process's root afresh.
  bool ChangesRoot(int nr, const Verdict& v) const;
  // Whether a call of `nr` with verdict `v` may change a process's
  // credentials or umask: syd, having let one run, reads its caller's
  // before it performs a call (src/supervise/performer.h).
  bool ChangesIdentity(int nr, const Verdict& v) const;
  // Whether a call of `nr` with verdict `v` may give its caller a Landlock
  // domain of its own (landlock_restrict_self): syd, which cannot perform
  // a call inside that domain, leaves that process's calls to the kernel.
  bool MakesDomain(int nr, const Verdict& v) const;
  // named_syscalls() and the watched ones, ascending: what the filter
  // dispatches on.
  const std::vector<int>& dispatched_syscalls() const { return dispatched_; }
  // Blocks of path rules matched at once, or nullptr.
  const PathIndex* path_index() const { return path_index_.get(); }

 private:
  RuleSet rules_;
  std::array<std::vector<ChainEntry>, kMaxSyscallNr> chains_;
  std::vector<int> named_;
  std::vector<int> dispatched_;
  std::array<bool, kMaxSyscallNr> watched_{};
  bool needs_tracer_ = false;
  bool tests_process_names_ = false;
  // Shared by copies: it holds chain positions, not pointers.
  std::shared_ptr<const PathIndex> path_index_;
};

// A syscall as the evaluator sees it. The kernel sees only the registers;
// the tracer adds what it decoded from the tracee's memory.
struct Call {
  Abi abi = Abi::kX86_64;
  int nr = 0;
  std::array<uint64_t, 6> args{};

  // Tracer data; absent in the kernel's view.
  bool decoded = false;
  std::array<std::optional<std::string>, 6>
      strings;  // paths, resolved; and string args
  // The errno the kernel's lookup of argument i fails with where syd can
  // tell, else 0: a path's (ELOOP past 40 links, ENAMETOOLONG past
  // PATH_MAX), or a socket descriptor's (EBADF, ENOTSOCK: listen's).
  std::array<int, 6> path_errors{};
  std::array<std::optional<SocketAddress>, 6> addresses;
  // sendmmsg: the addresses of its messages after the first (which is in
  // `addresses`); arg_ judges each, the most restrictive verdict wins.
  std::vector<SocketAddress> more_addresses;
  // sendmsg, sendmmsg: each message's name, the bytes as syd read them
  // (empty: none), in order, as many messages as syd read.
  std::vector<std::string> message_names;
  // The socket address of a call with one (bind, connect, sendto), the
  // bytes as syd read them and judged them: what syd binds or connects
  // to when it performs the call.
  std::string address_bytes;
  std::optional<uint64_t> open_how_flags;  // openat2
  // The errno the kernel fails a struct argument with before it looks
  // anything up, where syd read it: openat2's open_how past its known
  // bytes (E2BIG).
  int struct_error = 0;
  uint64_t open_how_mode = 0;
  uint64_t open_how_resolve = 0;
  // Bit i: path argument i ends in '/', which the resolved path does not
  // show (the kernel then wants a directory there).
  uint8_t trailing_slash = 0;
  // Bit i: the last name of path argument i is "." or "..", which the
  // resolved path does not show either; `dotdot_last`: "..".
  uint8_t dots_last = 0;
  uint8_t dotdot_last = 0;
  // Bit i: path argument i is "", which names the dirfd's own file where
  // AT_EMPTY_PATH allows (a name with AT_EMPTY_PATH is looked up).
  uint8_t empty_name = 0;
  std::string comm;
  std::string cmdline;
  // What the sandbox has bound, for BOUND patterns; none matches without.
  const BoundSockets* bound = nullptr;
};

struct Decision {
  enum class Where : uint8_t { kKernel, kTracer };
  Verdict verdict;
  const Rule* rule = nullptr;  // nullptr: the default, or an ABI that is killed
  // In the kernel's view, a rule that needs the tracer stops evaluation:
  // `trace` is set and `chain_pos` is where the tracer resumes.
  bool trace = false;
  uint32_t chain_pos = 0;
};

// Evaluates `e` against `policy`. Without decoded data, returns the
// kernel's view (the first rule that needs the tracer stops with `trace`).
// With decoded data, starts at `start` in the chain and decides fully; a
// syscall with two paths under arg_ is judged per path and the most
// restrictive verdict wins.
Decision Evaluate(const Policy& policy, const Call& e, uint32_t start = 0);

// Whether register value `x` passes the arithmetic test `op v` (both
// already reduced to the argument's width); false for other operators.
bool ArithHolds(CmpOp op, uint64_t x, uint64_t v);

// Higher is more restrictive: kill > trap > errno > ... > allow.
int Restrictiveness(const Verdict& v);

}  // namespace syd

#endif  // SYD_POLICY_POLICY_H_
