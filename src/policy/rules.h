// Rules after resolution: syscall sets expanded to numbers, identifiers
// folded, patterns compiled, options checked. This is what the policy, the
// compiler and the tracer work from.
#ifndef SYD_POLICY_RULES_H_
#define SYD_POLICY_RULES_H_

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "re2/re2.h"
#include "src/lang/ast.h"
#include "src/lang/glob.h"
#include "src/lang/net_pattern.h"
#include "src/lang/source.h"
#include "src/policy/isolation.h"
#include "src/policy/limits.h"
#include "src/syscalls/syscall_sets.h"
#include "src/syscalls/syscalls.h"

namespace syd {

// What a rule does to a call it matches.
struct Verdict {
  enum class Kind : uint8_t {
    kAllow,
    kErrno,          // value: the errno
    kRetval,         // value: the return value (the syscall does not run)
    kKillProcess,    // value: the signal (SIGSYS for the kernel's own kill)
    kKillThread,     // value: the signal
    kTrap,           // value: data for the SIGSYS handler (si_errno)
    kLog,            // allow, and the kernel logs it (SECCOMP_RET_LOG)
    kDetachProcess,  // value: signal to send on detaching, 0 for none
    kDetachThread,
    kPlugin,  // the rule's plugin decides
  };
  Kind kind = Kind::kAllow;
  int64_t value = 0;

  friend bool operator==(const Verdict& a, const Verdict& b) {
    return a.kind == b.kind && a.value == b.value;
  }
};
std::string VerdictText(const Verdict& v);

// One test on one argument. Arithmetic values are kept in 64 bits; the
// compiler and the evaluator reduce them to the argument's width.
// How many kinds of verdict there are, and each one's name as the
// language writes it (fault=, not errno): the one table that rules'
// text, reports, the dump and the counters use.
inline constexpr int kVerdictKinds =
    static_cast<int>(Verdict::Kind::kPlugin) + 1;
inline constexpr std::string_view kVerdictKindNames[] = {
    "allow", "fault", "retval",         "kill_process",  "kill_thread",
    "trap",  "log",   "detach_process", "detach_thread", "load"};
static_assert(std::size(kVerdictKindNames) == kVerdictKinds,
              "a name for every Verdict::Kind");
inline constexpr std::string_view VerdictKindName(Verdict::Kind kind) {
  return kVerdictKindNames[static_cast<int>(kind)];
}

// Whether a call with verdict `v` may run: allowed, logged, detached, or
// left to a plugin that may allow it.
inline constexpr bool Runs(const Verdict& v) {
  using K = Verdict::Kind;
  return v.kind == K::kAllow || v.kind == K::kLog ||
         v.kind == K::kDetachProcess || v.kind == K::kDetachThread ||
         v.kind == K::kPlugin;
}

struct Condition {
  enum class Kind : uint8_t { kArith, kString, kRegex, kGlob, kNet };
  Kind kind = Kind::kArith;
  int arg = 0;  // 0..5, or kArgAuto: every path or address argument
  CmpOp op = CmpOp::kEq;
  uint64_t value = 0;  // kArith
  std::string
      text;  // kString: the string; kRegex, kGlob: the pattern as written
  std::shared_ptr<const RE2> regex;  // kRegex
  std::shared_ptr<const Glob> glob;  // kGlob
  std::shared_ptr<const NetPattern> net;
  Location location;

  bool negated() const {
    return op == CmpOp::kNe || op == CmpOp::kNotMatch ||
           op == CmpOp::kNotGlob || op == CmpOp::kNetNotMatch;
  }
};

struct RuleSyscall {
  int nr;
  SetGuard guard = SetGuard::kNone;  // from %file_wr, %file_rd, %file_attr
};

// The register test a set's guard stands for on syscall `s`, as a rule's
// own arithmetic test would be written: the open flags for kWrites and
// kReadOnly, ioctl's request for kIoctl*. Nothing for kNone, and nothing
// where the open flags are in memory (openat2's open_how), which only syd
// can test (OpenGuardHolds).
std::optional<Condition> GuardCondition(const SyscallInfo& s, SetGuard guard);
// Whether an open guard (kWrites, kReadOnly) holds for open flags `flags`.
bool OpenGuardHolds(SetGuard guard, uint64_t flags);

// Where a rule's matches are reported. kNone: refusals to stderr, nothing
// else; kQuiet (log=none): not even refusals (syslog for sydbox's
// Paludis configuration).
struct LogTarget {
  enum class Kind : uint8_t { kNone, kFd, kSyslog, kQuiet };
  Kind kind = Kind::kNone;
  int fd = -1;

  // Whether every match is reported, allowed or not.
  bool Logs() const { return kind == Kind::kFd || kind == Kind::kSyslog; }
};

// The one built-in module (load=magic_stat, /dev/sydbox). A plugin file
// is named by its path; the resolver refuses any other bare name.
inline constexpr std::string_view kMagicStat = "magic_stat";

struct PluginRef {
  std::string path;  // or kMagicStat
  std::vector<std::pair<std::string, std::string>> options;
};

struct BaselineItem;

struct Rule {
  Action action = Action::kAllow;
  Verdict verdict;
  std::vector<RuleSyscall> syscalls;  // x86_64 numbers, ascending
  std::vector<Condition> conditions;  // all must hold
  LogTarget log;
  std::string command_pattern;  // command= (the process name), "" for none
  std::string cmdline_pattern;  // cmdline= (the whole command line)
  std::shared_ptr<const RE2> command;
  std::shared_ptr<const RE2> cmdline;
  std::optional<PluginRef> plugin;
  Location location;
  // The baseline item this rule comes from (src/policy/baseline.h), or
  // nullptr for the policy's own rules.
  const BaselineItem* baseline = nullptr;

  // Whether syd must decide this rule (trace or user, log=, command=,
  // cmdline=, load=, or a test on a string or an address); false when the
  // kernel alone can.
  bool NeedsUserSpace() const;
  // A load=magic_stat rule (/dev/sydbox).
  bool IsMagicStat() const { return plugin && plugin->path == kMagicStat; }
};

// Without a default/ statement, calls no rule decides are allowed: rule
// files in the seed's style list what to deny.
struct DefaultVerdict {
  Verdict verdict{Verdict::Kind::kAllow, 0};
  Location location;  // where it was set; empty for the built-in default
  // With a log target, calls the default decides go past the tracer, which
  // reports them: a deny-by-default policy then says what it refused.
  LogTarget log;
};

// A baseline item a policy reopens (baseline/allow+NAME).
struct ReopenedItem {
  std::string item;
  Location location;
};

// The rules in first-match order after every + - ^ edit.
struct RuleSet {
  std::vector<Rule> rules;
  DefaultVerdict default_verdict;
  // runtime/allow+ statements: what rules added at run time may allow.
  // They decide nothing; the kernel layers are built from the rules and
  // these (src/compile/landlock_layer.h), and a rule added at run time
  // that would need more is refused.
  std::vector<Rule> envelope;
  // Baseline items the policy takes out of the baseline (WithBaseline).
  std::vector<ReopenedItem> reopened;
  // The rules may change from outside while the command runs (the control
  // socket): every exec that would run stops in syd, where lock:exec
  // applies (Policy::Watched). Set by the run, not written in a policy; a
  // load=magic_stat rule implies it.
  bool execs_stop = false;
  // limit/NAME=VALUE: fixed when the command starts, the stricter of two.
  Limits limits;
  // isolate/NAME=VALUE: the world the command starts in, fixed then too.
  Isolation isolation;
};

// Canonical text of one rule, with its syscalls listed by name: the form
// `syd check --print` writes and `-` edits compare.
std::string RuleText(const Rule& r);
// The default as a statement: "default/fault:error=EPERM".
std::string DefaultText(const DefaultVerdict& d);
// An envelope entry as a statement: "runtime/allow+unlink:arg_=*...".
std::string EnvelopeText(const Rule& r);
// The rule as its author wrote it, from its source line.
std::string RuleSourceText(const Rule& r);

}  // namespace syd

#endif  // SYD_POLICY_RULES_H_
