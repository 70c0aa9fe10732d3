// The Landlock layer a policy gets: for each file right an open, a
// change of names, an exec or a bind checks, and each TCP right, the
// union of what any rule can allow, so the kernel
// refuses what no rule allows even when syd is raced or misses a call,
// and never refuses what a rule allows. What Landlock cannot express
// widens the layer, and each rule that does so is named.
#ifndef SYD_COMPILE_LANDLOCK_LAYER_H_
#define SYD_COMPILE_LANDLOCK_LAYER_H_

#include <optional>
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

// The layer for `policy`, and for its run-time envelope (rules added at
// run time go above the policy's, so the envelope comes first).
// `runtime_changes` says why rules can change while the command runs
// ("--control", a load=magic_stat rule), "" when they cannot: a domain
// cannot grow after exec, so such a run with no envelope gets no file or
// network rights (scopes only).
LandlockLayer DeriveLandlockLayer(const Policy& policy,
                                  const std::string& runtime_changes);

// The interpreter a "#!" line at the start of file `path` names, which
// the kernel executes in the script's place; nothing for another file.
std::optional<std::string> ScriptInterpreter(const std::string& path);
// The same for `fd`, a regular file open for reading.
std::optional<std::string> ScriptInterpreterOf(int fd);

// Where `ruleset` handles the execute or read_file right, grants them on
// what the kernel itself executes (and so reads) when syd runs `command`:
// the command (syd's own exec of it is never refused), the interpreter
// its "#!" line names, and the system's ELF interpreters, which every
// dynamic program needs and no exec rule names. Reads the file system.
void GrantKernelExecutes(const std::string& command,
                         kernel::LandlockRuleset* ruleset);

// The file rights Landlock checks for path argument `arg` of `syscall`
// (x86_64 name): 0 for one it checks nothing syd derives for
// (metadata).
uint64_t PathArgRights(std::string_view syscall, int arg);

// Why rule `added`, put above `base`'s rules at run time, would need the
// Landlock layer to grow beyond `base`'s run-time envelope; "" when it
// would not (or `base` declares no envelope, and its run has no layer).
std::string OutsideEnvelope(const Policy& base, const Rule& added);

// Why rules of `policy` can change at run time with `control` (the
// --control path, "" for none): "" when they cannot.
std::string RuntimeChanges(const Policy& policy, const std::string& control);

}  // namespace syd

#endif  // SYD_COMPILE_LANDLOCK_LAYER_H_
