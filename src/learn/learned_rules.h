// What a learned profile allows, generalised (generalise.h) and not yet
// written: the rules of one run, or of several merged (--append).
#ifndef SYD_LEARN_LEARNED_RULES_H_
#define SYD_LEARN_LEARNED_RULES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "src/learn/generalise.h"
#include "src/learn/recording.h"

namespace syd::learn {

struct LearnedRules {
  // File globs, each with the sets (kFileSets, or syscall names) it is
  // allowed for.
  std::map<std::string, std::set<std::string>> files;
  std::set<std::string> programs;  // globs
  // Address patterns, each with the calls (bind, connect, sendto ...).
  std::map<std::string, std::set<std::string>> addresses;
  std::set<PlainCall> plain_calls;
  // Baseline items met, with their counts (comments only).
  std::map<std::string, uint64_t> baseline;
  // --syscalls: the syscalls allowed, the rest ENOSYS; empty without. A
  // syscall whose selector a kernel rule tests (socket's family, ioctl's
  // request: kSelectors) comes once per value the run used; the others
  // with no argument.
  std::set<PlainCall> syscalls;
};

// The rules for `recording`, written with `g`; with `syscalls`, the
// syscall allow-list too (and execve, by which syd starts the command).
LearnedRules Generalise(const Recording& recording, const Generalisation& g,
                        bool syscalls);

// Adds `from`'s rules to `into`, a pattern's sets or calls joined; the
// baseline's counts are `into`'s (the latest run's).
void Merge(const LearnedRules& from, LearnedRules* into);

}  // namespace syd::learn

#endif  // SYD_LEARN_LEARNED_RULES_H_
