// Magic stat's lock is per process, as sydbox's magic_lock was: lock:exec
// locks a process once it execs, while the shell that set it keeps
// changing rules (Paludis's phase shell runs `esandbox exec_lock` first,
// then enables and disables the network around each phase). syd learns of
// no fork under user notification, so a process takes its lock from its
// parent when syd first meets it, and keeps it from then on; a process
// whose ancestry syd cannot follow to the command is locked.
#ifndef SYD_RUNTIME_PROCESS_LOCKS_H_
#define SYD_RUNTIME_PROCESS_LOCKS_H_

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>

#include "src/runtime/runtime.h"

namespace syd {

class ProcessLocks {
 public:
  using Lock = RuntimeRules::Lock;

  // The command's process, unlocked at the start.
  void SetInitial(pid_t command);

  // The lock of process `tgid`, which may be changed through the pointer
  // (valid until the next call). Met before: its own. Else its parent's,
  // met now too, up to the command; kOn where the chain breaks: a parent
  // that has gone (the orphan is the subreaper's now) or is not of the
  // sandbox. A parent met after the child was forked may have changed its
  // lock since; the child then gets the newer one.
  Lock* Of(pid_t tgid);

  // Thread `tid` makes an exec that will run: its process's lock:exec
  // becomes lock:on. Until Of() has handed out a lock (a magic command),
  // every process is unlocked, and this looks nothing up.
  void OnExec(pid_t tid);

 private:
  Lock* Lookup(pid_t tgid);
  struct Entry {
    uint64_t start = 0;  // StartTime: a reused pid is another process
    Lock lock = Lock::kOff;
  };
  Entry* Met(pid_t tgid);

  pid_t initial_ = -1;
  std::unordered_map<pid_t, Entry> known_;
  Entry broken_;  // what Of() hands out for a chain that breaks
  bool handed_out_ = false;
  size_t since_pruned_ = 0;
};

}  // namespace syd

#endif  // SYD_RUNTIME_PROCESS_LOCKS_H_
