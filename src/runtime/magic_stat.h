// /dev/sydbox: the sandboxed command learns that it is sandboxed, and
// changes the rules, through stat(2) on a path that does not exist
// (load=magic_stat; docs/language.md, "Runtime changes").
#ifndef SYD_RUNTIME_MAGIC_STAT_H_
#define SYD_RUNTIME_MAGIC_STAT_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "src/policy/policy.h"
#include "src/runtime/runtime.h"

namespace syd {

// Who may change the rules through this rule's magic stat.
struct MagicAccess {
  bool readonly = false;  // readonly=1: only queries
  bool initonly = false;  // initonly=1: changes from the initial process only
  bool initial = false;   // the caller is of the initial process
  // The caller's own lock (ProcessLocks), which lock: commands set.
  RuntimeRules::Lock* lock = nullptr;
};

// What a stat or access call on a path comes to.
struct MagicAnswer {
  bool magic = false;    // the path is /dev/sydbox[/...]; else the next rule
                         // decides
  int64_t ret = 0;       // the call's answer: 0, or -errno
  std::string message;   // a failure, or the change made, for the rule's log
  bool changed = false;  // the rules changed (message says how)
};

// Whether `path`, as the program wrote it, is magic: /dev/sydbox or below
// it. Only that spelling is (as in sydbox): a relative or roundabout name
// of the same place is an ordinary path, which does not exist.
bool IsMagicPath(std::string_view path);

// Reads the path of call `e` of stopped process `pid` as it was written
// and, when it is magic, runs its command on `rules` and writes the stat
// buffer of a success.
MagicAnswer MagicStat(pid_t pid, const Call& e, const MagicAccess& access,
                      RuntimeRules* rules);

}  // namespace syd

#endif  // SYD_RUNTIME_MAGIC_STAT_H_
