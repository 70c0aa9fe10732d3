#include "src/policy/policy.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

#include "src/policy/path_index.h"

namespace syd {
namespace {

const std::vector<ChainEntry> kEmptyChain;

constexpr std::string_view kRootChangers[] = {"chroot", "pivot_root", "setns"};
// What changes the identity a file call is checked as, or the umask its
// creates get (what syd takes when it performs a call). prctl: a dropped
// bounding set, securebits or ambient capabilities change a root
// process's capabilities at its next exec.
constexpr std::string_view kIdentityChangers[] = {
    "setuid",   "setgid",   "setreuid",  "setregid", "setresuid", "setresgid",
    "setfsuid", "setfsgid", "setgroups", "capset",   "umask",     "prctl"};

// What gives a process a Landlock domain of its own, which syd cannot
// take when it performs a call for it (src/supervise/performer.h).
constexpr std::string_view kDomainMakers[] = {"landlock_restrict_self"};

bool Named(std::span<const std::string_view> names, int nr) {
  const std::string_view name = FindSyscall(nr)->name;
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

Policy::Policy(RuleSet rules, size_t indexed_run) : rules_(std::move(rules)) {
  for (uint32_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    tests_process_names_ |= r.command != nullptr || r.cmdline != nullptr;
    rules_.execs_stop |= r.IsMagicStat();
    for (const RuleSyscall& s : r.syscalls) {
      chains_[s.nr].push_back({i, s.guard});
    }
  }
  for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
    if (!chains_[nr].empty()) named_.push_back(nr);
    for (const ChainEntry& e : chains_[nr])
      needs_tracer_ |= !KernelDecides(nr, e);
  }
  needs_tracer_ |= rules_.default_verdict.log.Logs() || rules_.execs_stop;
  if (needs_tracer_) {
    for (std::string_view name : kRootChangers)
      watched_[FindSyscall(name)->nr] = true;
    for (std::string_view name : kIdentityChangers)
      watched_[FindSyscall(name)->nr] = true;
    for (std::string_view name : kDomainMakers)
      watched_[FindSyscall(name)->nr] = true;
  }
  if (rules_.execs_stop) {
    for (const char* name : {"execve", "execveat"})
      watched_[FindSyscall(name)->nr] = true;
  }
  for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
    if (!chains_[nr].empty() || watched_[nr]) dispatched_.push_back(nr);
  }
  if (indexed_run != SIZE_MAX)
    path_index_ = std::make_shared<const PathIndex>(*this, indexed_run);
}

bool Policy::Watched(int nr) const {
  return nr >= 0 && nr < kMaxSyscallNr && watched_[nr];
}

bool Policy::ChangesRoot(int nr, const Verdict& v) const {
  return StopsWatched(nr, v) && Named(kRootChangers, nr);
}

bool Policy::ChangesIdentity(int nr, const Verdict& v) const {
  return StopsWatched(nr, v) && Named(kIdentityChangers, nr);
}

bool Policy::MakesDomain(int nr, const Verdict& v) const {
  return StopsWatched(nr, v) && Named(kDomainMakers, nr);
}

const std::vector<ChainEntry>& Policy::chain(int nr) const {
  return nr >= 0 && nr < kMaxSyscallNr ? chains_[nr] : kEmptyChain;
}

bool Policy::KernelDecides(int nr, const ChainEntry& e) const {
  const Rule& r = rules_.rules[e.rule];
  if (r.NeedsUserSpace()) return false;
  // A guard is a test on a register, unless it is on open flags in
  // memory (openat2's struct open_how).
  return e.guard == SetGuard::kNone ||
         GuardCondition(*FindSyscall(nr), e.guard).has_value();
}

}  // namespace syd
