// Rules added and removed while the command runs, through magic stat
// (/dev/sydbox/...) or the control socket. The kernel filter is sealed when
// the command starts, so a rule added at run time can only decide calls the
// filter already sends to syd: one that would need a new kernel decision is
// refused with the rule that stands in its way, never silently ignored.
#ifndef SYD_RUNTIME_RUNTIME_H_
#define SYD_RUNTIME_RUNTIME_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "src/policy/policy.h"
#include "src/policy/variables.h"
#include "src/runtime/sydbox_api.h"

namespace syd {

// The rules in force at one moment, never changed once made. A decision
// holds one for its whole length: a change made meanwhile (by the very
// call being decided, through magic stat) makes a new one and cannot free
// what the decision still uses.
struct RulesInForce {
  std::shared_ptr<const Policy> policy;
  size_t added = 0;  // how many of policy->rules() came at run time (first)
};

class RuntimeRules {
 public:
  enum class Lock : uint8_t { kOff, kExec, kOn };

  // `base` is the policy the kernel filter was compiled from; it must
  // outlive this object.
  explicit RuntimeRules(const Policy& base, Variables vars = {});
  RuntimeRules(const RuntimeRules&) = delete;
  RuntimeRules& operator=(const RuntimeRules&) = delete;

  // Runs one command (docs/language.md, "Runtime changes"):
  //   sys/ACTION+SET[:tests][:options]  add a rule, above the policy's
  //   sys/ACTION-SET[...]               remove a rule added at run time
  //   sys/ACTION^[SET]                  clear rules added at run time
  //   one of those ending in ?          is that rule in force?
  //   lock:on  lock:off  lock:exec
  // `origin` names the command in messages. With `readonly`, only queries.
  // `own` is the caller's own lock (a process of the sandbox, through
  // magic stat: ProcessLocks), which lock: sets; without it, the lock of
  // the whole run (the control socket). Either being on refuses changes.
  // Returns OK, NotFound (a query that does not hold, nothing to remove),
  // InvalidArgument (malformed, or the kernel decides those calls) or
  // PermissionDenied (locked, read-only). Only OK changes anything.
  // sydbox-1's commands (core/..., whitelist/..., src/runtime/sydbox_api.h)
  // change a block of rules of their own, after those added by syd's.
  absl::Status Execute(absl::string_view command, absl::string_view origin,
                       bool readonly, Lock* own = nullptr);
  // Whether the rules could be put in force at the start: sydbox-1's
  // network sandbox starting off needs rules the policy must let syd add.
  const absl::Status& start() const { return start_; }
  // Whether a refusal of `e` is kept out of the reports (sydbox-1's
  // filter/ lists).
  bool Silenced(const Call& e) const { return sydbox_.Silences(e); }

  // The rules in force: those added at run time, then the policy's. The
  // snapshot stays valid however the rules change later.
  std::shared_ptr<const RulesInForce> InForce() const { return in_force_; }
  // The same, for a caller that changes nothing while it looks.
  const Policy& policy() const { return *in_force_->policy; }
  const Policy& base() const { return base_; }
  // How many of policy().rules() were added at run time (they come first).
  size_t added() const { return in_force_->added; }
  Lock lock() const { return lock_; }
  // An exec is made in the sandbox: the run's lock:exec becomes lock:on.
  void OnExec();

  // Counts a decision by `rule` (a rule of `at`'s policy, or nullptr for
  // the default), and how many each rule of policy() has made. `at` may be
  // older than the rules in force: a hit follows its rule, and a rule that
  // has been removed since counts nowhere.
  void CountHit(const RulesInForce& at, const Rule* rule);
  uint64_t hits(size_t index) const { return hits_[index]; }
  uint64_t default_hits() const { return default_hits_; }

 private:
  absl::Status ApplyRule(absl::string_view command, absl::string_view origin,
                         bool query);
  absl::Status ExecuteSydbox(absl::string_view command,
                             absl::string_view origin, bool readonly,
                             Lock* own);
  // Whether changes are refused: the run's lock, or the caller's own
  // (`own`, when given), is on.
  bool Locked(const Lock* own) const {
    return lock_ == Lock::kOn || (own != nullptr && *own == Lock::kOn);
  }
  // Why `rule` cannot be added at run time (a plugin; calls the kernel
  // decides; outside the envelope), or "".
  std::string WhyNot(const Rule& rule) const;
  // Checks and puts `texts` in force as sydbox-1's block.
  absl::Status SetBlock(const std::vector<std::string>& texts,
                        absl::string_view origin);
  void Rebuild(RuleSet added, RuleSet block);

  const Policy& base_;
  Variables vars_;
  RuleSet added_;
  RuleSet block_;  // sydbox-1's, after added_
  std::shared_ptr<const RulesInForce> in_force_;
  std::vector<uint64_t> hits_;  // per rule of policy()
  uint64_t default_hits_ = 0;
  Lock lock_ = Lock::kOff;
  SydboxApi sydbox_;
  absl::Status start_;
};

// Why some call that `rule` matches would be decided by `base`'s kernel
// filter without reaching syd, naming the rule (or default) that decides
// it; "" when every such call reaches syd. Conservative: it may refuse a
// rule whose calls all reach syd, never the reverse.
std::string WhyKernelDecides(const Policy& base, const Rule& rule);

const char* LockText(RuntimeRules::Lock lock);

}  // namespace syd

#endif  // SYD_RUNTIME_RUNTIME_H_
