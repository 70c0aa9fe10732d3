// The Landlock layer a policy gets: for each write-side file right and
// each TCP right, the union of what any rule can allow, so the kernel
// refuses what no rule allows even when syd is raced or misses a call,
// and never refuses what a rule allows. What Landlock cannot express
// widens the layer, and each rule that does so is named.
#ifndef SYD_COMPILE_LANDLOCK_LAYER_H_
#define SYD_COMPILE_LANDLOCK_LAYER_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/kernel/landlock.h"
#include "src/lang/source.h"
#include "src/policy/policy.h"

namespace syd {

struct LandlockLayer {
  // Every right syd derives, whatever this kernel's ABI; the domain keeps
  // those its ABI knows (kernel::EnterDomain).
  kernel::LandlockRuleset ruleset;
  // Notes, each at the rule it is about (no file: the built-in default or
  // the run): where Landlock leaves a right to syd alone, grants it wider
  // than the rule, cannot carry a refusal, or refuses what a rule allows.
  std::vector<Diagnostic> notes;

  // Whether the layer is the policy exactly (no note).
  bool exact() const { return notes.empty(); }
};

// The layer for `policy`. `runtime_changes` says why rules can change
// while the command runs ("--control", a load=magic_stat rule), "" when
// they cannot: a domain cannot grow after exec, so such a run gets no
// file or network rights (scopes only).
LandlockLayer DeriveLandlockLayer(const Policy& policy,
                                  const std::string& runtime_changes);

// The file rights Landlock checks for path argument `arg` of `syscall`
// (x86_64 name): 0 for one it checks nothing syd derives for (reads,
// executes, metadata).
uint64_t PathArgRights(std::string_view syscall, int arg);

// Why rules of `policy` can change at run time with `control` (the
// --control path, "" for none): "" when they cannot.
std::string RuntimeChanges(const Policy& policy, const std::string& control);

}  // namespace syd

#endif  // SYD_COMPILE_LANDLOCK_LAYER_H_
